"""The base of this package's Client: kili-typed's runtime (`kili_typed.runtime`).

Written by `kili-typed codegen`: do not edit; run the command again.
"""

from kili_typed.runtime import KiliBaseClient as _RuntimeBase

from .base_model import UNSET


class KiliBaseClient(_RuntimeBase):
    """Runs each operation through the kili_typed facade given to `from_kili`."""

    unset = UNSET
