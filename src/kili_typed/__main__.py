"""``python -m kili_typed``: the ``kili-typed`` command."""

import sys

from kili_typed._cli import main

sys.exit(main())
