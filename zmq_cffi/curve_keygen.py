"""Print a new CURVE key pair: ``python -m zmq_cffi.curve_keygen``.

Keys are Z85 text (40 characters).  ``--json`` prints
``{"public": ..., "secret": ...}``; ``--secret KEY`` prints the pair of an
existing secret key (its public key derived from it) instead of a new one.
"""
import argparse
import json
import sys
from typing import List, Optional

from zmq_cffi.curve import curve_keypair, curve_public


def _main(argv: Optional[List[str]] = None) -> None:
    # The name it was run by: zmq.curve_keygen under the drop-in switch.
    name = __spec__.name if __spec__ is not None else "zmq_cffi.curve_keygen"
    parser = argparse.ArgumentParser(prog="python3 -m %s" % name,
                                     description="Print a CURVE key pair (Z85 text).")
    parser.add_argument("--json", action="store_true", help="print the keys as a JSON object")
    parser.add_argument("--secret", help="derive the public key of this secret key (Z85)")
    args = parser.parse_args(argv)
    if args.secret:
        secret = args.secret
        public = curve_public(secret.encode("ascii")).decode("ascii")
    else:
        public_key, secret_key = curve_keypair()
        public, secret = public_key.decode("ascii"), secret_key.decode("ascii")
    if args.json:
        json.dump({"public": public, "secret": secret}, sys.stdout, indent=1, sort_keys=True)
        sys.stdout.write("\n")
    else:
        # The layout of libzmq's curve_keygen tool, without its preamble.
        sys.stdout.write("== CURVE PUBLIC KEY ==\n%s\n\n== CURVE SECRET KEY ==\n%s\n"
                         % (public, secret))


if __name__ == "__main__":
    _main()
