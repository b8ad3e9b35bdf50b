"""``python -m complaintflow``: the command line (see ``complaintflow --help``)."""

import sys

from ._cli.main import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
