"""Print what a PUBHandler publishes: ``python -m zmq_cffi.log ENDPOINT``.

Connects a SUB socket to ``ENDPOINT`` (where a
:class:`zmq_cffi.log.handlers.PUBHandler` publishes), and prints one line per
record, ``TOPIC | TEXT``, until interrupted with Ctrl-C.  By default it
subscribes to every topic; ``--topic`` narrows that to a prefix (e.g. the
handler's root topic, or ``myapp.ERROR``).  ``-h`` lists the other options
(timestamps, separator, aligned topics, colours by level).

The default formats of PUBHandler repeat the level name in the text, which
this tool already shows in the topic; give the handler other formatters
(``handler.setFormatter(...)``) for terser lines.
"""
import argparse
import os
import sys
from datetime import datetime
from typing import Dict, List, Optional

from zmq_cffi.constants import POLLIN, SUB
from zmq_cffi.context import Context

# ANSI colours by level name, for --color (colorama's are the same codes; it
# is only needed to make a Windows console understand them).
_COLORS = {
    "DEBUG": "\x1b[96m",      # light cyan
    "INFO": "\x1b[97m",       # light white
    "WARNING": "\x1b[33m",    # yellow
    "ERROR": "\x1b[91m",      # light red
    "CRITICAL": "\x1b[91m",   # light red
}
_RESET = "\x1b[39m"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m zmq_cffi.log",
        description="Subscribe to a zmq_cffi/pyzmq PUBHandler and print its log records.")
    parser.add_argument("zmq_pub_url", type=str,
                        help="endpoint of the PUB socket to connect to, e.g. tcp://127.0.0.1:5555")
    parser.add_argument("-t", "--topic", type=str, default="",
                        help="print only records whose topic starts with this (default: all)")
    parser.add_argument("--timestamp", action="store_true",
                        help="start each line with the local time of reception")
    parser.add_argument("--separator", type=str, default=" | ",
                        help="what to print between topic and text (default: ' | ')")
    parser.add_argument("--dateformat", type=str, default="%Y-%d-%m %H:%M",
                        help="strftime format of --timestamp (default: %%Y-%%d-%%m %%H:%%M)")
    parser.add_argument("--align", action="store_true", default=False,
                        help="pad the topics so that the texts line up")
    parser.add_argument("--color", action="store_true", default=False,
                        help="colour each line by its level")
    return parser


class _Aligner:
    """Pads each dot-separated part of a topic to the widest seen so far."""

    def __init__(self) -> None:
        self.widths: List[int] = []
        self.total = 0

    def __call__(self, topic: str) -> str:
        parts = topic.split(".")
        self.widths.extend([0] * (len(parts) - len(self.widths)))
        for i, part in enumerate(parts):
            self.widths[i] = max(self.widths[i], len(part))
        text = ".".join(part.ljust(self.widths[i]) for i, part in enumerate(parts))
        self.total = max(self.total, len(text))
        return text.ljust(self.total)


def _level_of(topic: str) -> Optional[str]:
    """The level name among the parts of ``topic`` (it follows the root topic)."""
    for part in topic.split("."):
        if part in _COLORS:
            return part
    return None


def _line(parts: List[bytes], args: argparse.Namespace,
          aligner: Optional[_Aligner], colors: Dict[str, str]) -> str:
    topic = parts[0].decode("utf8", "replace").strip()
    text = " ".join(p.decode("utf8", "replace").strip() for p in parts[1:])
    stamp = datetime.now().strftime(args.dateformat) + " " if args.timestamp else ""
    shown = aligner(topic) if aligner is not None else topic
    color = colors.get(_level_of(topic) or "", "")
    reset = _RESET if color else ""
    return "%s%s%s%s%s%s" % (stamp, color, shown, args.separator, text, reset)


def main(argv: Optional[List[str]] = None) -> None:
    """Run the log watcher with command-line arguments ``argv``
    (``sys.argv[1:]`` by default) until KeyboardInterrupt."""
    args = _parser().parse_args(argv)
    colors: Dict[str, str] = {}
    if args.color:
        colors = _COLORS
        if os.name == "nt":
            try:
                import colorama
                colorama.just_fix_windows_console()
            except (ImportError, AttributeError):
                pass
    aligner = _Aligner() if args.align else None
    ctx = Context()
    sub = ctx.socket(SUB)
    try:
        sub.subscribe(args.topic.encode("utf8"))
        sub.connect(args.zmq_pub_url)
        while True:
            try:
                if sub.poll(100, POLLIN):
                    print(_line(sub.recv_multipart(), args, aligner, colors), flush=True)
            except KeyboardInterrupt:
                break
    finally:
        sub.close(linger=0)
        ctx.term()
    if args.color:
        sys.stdout.write(_RESET)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
