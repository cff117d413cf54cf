"""The named GraphQL operations we send to Saleor (and the subscriptions our webhooks declare).

One operation per file, and the file is named exactly after it: ``ProductCreate.graphql``
holds ``mutation ProductCreate(...)``. So ``client.execute("ProductCreate", ...)`` leads a
reader straight to the file, and the contract test (``tests/contract``) checks, for every
file here, that the names agree and that the document validates against the Saleor schema
we target (3.23). A file may also hold the fragments its operation uses.
"""
from __future__ import annotations

import functools
from pathlib import Path

OPERATIONS_DIR = Path(__file__).resolve().parent
SUFFIX = ".graphql"


@functools.cache
def _documents() -> dict[str, str]:
    return {path.stem: path.read_text(encoding="utf-8") for path in sorted(OPERATIONS_DIR.glob(f"*{SUFFIX}"))}


def operation_names() -> list[str]:
    """Every operation we have a document for, sorted."""
    return list(_documents())


def load_operation(operation_name: str) -> str:
    """The document that defines ``operation_name``; an unknown name is a programming error."""
    try:
        return _documents()[operation_name]
    except KeyError:
        expected = OPERATIONS_DIR / f"{operation_name}{SUFFIX}"
        raise KeyError(f"No Saleor operation {operation_name!r}: expected {expected}") from None
