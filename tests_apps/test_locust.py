"""locust's distributed mode (master and worker talk over ``zmq.green``
ROUTER/DEALER sockets) run on zmq_cffi through ``python -m zmq_cffi.run``."""
import csv
import os
import socket
import subprocess
import textwrap

LOCUSTFILE = textwrap.dedent('''
    import time

    import zmq
    from locust import User, constant, task
    from locust.rpc import zmqrpc

    # Name each request after the modules locust's RPC really uses, so the
    # master's statistics prove what the worker ran on.
    NAME = "%s+%s" % (zmq.__name__, zmqrpc.zmq.__name__)


    class EchoUser(User):
        wait_time = constant(0.01)

        @task
        def hello(self):
            self.environment.events.request.fire(
                request_type="ECHO", name=NAME, response_time=0.1, response_length=5,
                exception=None, context={})
''')


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_master_and_worker_exchange_over_green_sockets(tmp_path, python, switched_env):
    (tmp_path / "locustfile.py").write_text(LOCUSTFILE)
    port = _free_port()
    common = [python, "-m", "zmq_cffi.run", "-m", "locust", "-f", "locustfile.py"]
    master = subprocess.Popen(
        common + ["--master", "--headless", "--master-bind-host", "127.0.0.1",
                  "--master-bind-port", str(port), "--expect-workers", "1",
                  "-u", "2", "-r", "2", "-t", "3s", "--csv", "out"],
        cwd=str(tmp_path), env=switched_env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    worker = subprocess.Popen(
        common + ["--worker", "--master-host", "127.0.0.1", "--master-port", str(port)],
        cwd=str(tmp_path), env=switched_env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    try:
        master_out, _ = master.communicate(timeout=90)
        worker_out, _ = worker.communicate(timeout=30)
    finally:
        for proc in (master, worker):
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert master.returncode == 0, master_out[-3000:]
    assert worker.returncode == 0, worker_out[-3000:]
    assert "Got quit message from master" in worker_out
    with open(os.path.join(str(tmp_path), "out_stats.csv")) as f:
        rows = {row["Name"]: row for row in csv.DictReader(f)}
    row = rows["zmq_cffi+zmq_cffi.green"]  # the worker's zmq and locust's zmq.green
    assert int(row["Request Count"]) > 20
    assert int(row["Failure Count"]) == 0
