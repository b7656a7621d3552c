"""`kili-typed codegen`'s package names: every name Python cannot import is refused with
the name and what would be accepted."""

from __future__ import annotations

import keyword

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kili_typed._codegen import CodegenError, check_package_name


@given(st.text(max_size=30))
def test_a_package_name_is_an_importable_identifier(name: str) -> None:
    if name.isidentifier() and not keyword.iskeyword(name):
        assert check_package_name(name) == name
    else:
        with pytest.raises(CodegenError, match="invalid package name") as raised:
            check_package_name(name)
        assert repr(name) in str(raised.value)
        assert "give a Python identifier" in str(raised.value)
