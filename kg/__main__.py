"""``python -m kg``: the csrkg command line."""
import sys

from kg.cli import main

sys.exit(main())
