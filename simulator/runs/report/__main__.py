"""``python -m simulator.runs.report PATH``: the same as ``campaign-report PATH``."""

import sys

from simulator.runs.report.cli import main

if __name__ == "__main__":
    sys.exit(main())
