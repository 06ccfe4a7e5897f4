"""``campaign-sim-app``: serve the browser view with solara, on 127.0.0.1 by default.

The server talks to nothing but its browsers: Solara's front-end assets come
from the ``solara-assets`` package (installed into Solara's asset cache), the
version check and the telemetry are turned off, and ``SOLARA_CHECK_HOOKS=off``
silences a hook warning about Mesa's own components.

Examples
--------
>>> command(["--port", "9000"])[-6:]
['app.viz:Page', '--host', '127.0.0.1', '--port', '9000', '--no-open']
"""

from __future__ import annotations

import argparse
import os
import sys

__all__ = ["ENVIRONMENT", "command", "main"]

#: Environment the server runs with (set only where the caller has not set it).
ENVIRONMENT = {
    "SOLARA_CHECK_HOOKS": "off",
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="campaign-sim-app",
        description="Serve the interactive campaign view (Mesa SolaraViz) in the browser.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8765, help="port (0: a free one)")
    parser.add_argument(
        "--auto-restart", action="store_true", help="restart when the code changes (development)"
    )
    return parser


def command(argv: list[str] | None = None) -> list[str]:
    """The ``solara run`` command line that :func:`main` runs."""
    args = _parser().parse_args(argv)
    cmd = [sys.executable, "-m", "solara", "run", "--no-check-version"]
    if args.auto_restart:
        cmd.append("--auto-restart")
    else:
        cmd.append("--production")
    cmd += ["app.viz:Page", "--host", args.host, "--port", str(args.port), "--no-open"]
    return cmd


def main(argv: list[str] | None = None) -> int:
    """Replace this process by the solara server (so its id is the server's)."""
    cmd = command(argv)
    for key, value in ENVIRONMENT.items():
        os.environ.setdefault(key, value)
    sys.stdout.flush()
    os.execv(cmd[0], cmd)
    return 0  # not reached
