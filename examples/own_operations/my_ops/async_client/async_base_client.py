"""The base of this package's AsyncClient: kili-typed's runtime (`kili_typed.runtime`).

Written by `kili-typed codegen`: do not edit; run the command again.
"""

from kili_typed.runtime import AsyncKiliBaseClient as _RuntimeBase

from .base_model import UNSET


class AsyncKiliBaseClient(_RuntimeBase):
    """Runs each operation through the kili_typed facade given to `from_kili`."""

    unset = UNSET
