"""A griffe extension for the documentation site.

`AsyncKili`'s methods take the docstring of their `Kili` twin at run time
(``@_documented_as(Kili.users)``), so that one text documents both facades. Griffe reads
the source without running it; this extension does the same copy, so the API reference
shows the text that ``help(AsyncKili.users)`` shows.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_DECORATOR = re.compile(r"_documented_as\(Kili\.(\w+)\)")


class DocumentedAs(griffe.Extension):
    """Copies each ``@_documented_as(Kili.x)`` method's docstring from ``Kili.x``."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        if pkg.name != "kili_typed":
            return
        twin_class = pkg["client.Kili"]
        for method in pkg["async_client.AsyncKili"].functions.values():
            for decorator in method.decorators:
                match = _DECORATOR.fullmatch(str(decorator.value))
                if match is None or method.docstring is not None:
                    continue
                twin = twin_class.functions[match.group(1)]
                if twin.docstring is not None:
                    method.docstring = griffe.Docstring(
                        twin.docstring.value,
                        lineno=twin.docstring.lineno,
                        parent=method,
                        parser=twin.docstring.parser,
                        parser_options=twin.docstring.parser_options,
                    )
