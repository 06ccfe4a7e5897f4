"""``python -m app``: serve the browser view (see :mod:`app.cli`)."""

from app.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
