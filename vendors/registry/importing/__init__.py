"""Read official OCOP product lists (.xlsx/.csv) into parsed cell values.

Pure: no Django. The registry's import service validates the rows and writes them.
"""
from .parsing import (
    CellError,
    parse_date,
    parse_email,
    parse_phone,
    parse_score,
    parse_star_level,
    parse_tax_number_text,
    parse_text,
)
from .reader import (
    COLUMN_LABELS,
    REQUIRED_COLUMNS,
    ImportFileError,
    ImportTable,
    RawRow,
    open_table,
)

__all__ = [
    "COLUMN_LABELS",
    "REQUIRED_COLUMNS",
    "CellError",
    "ImportFileError",
    "ImportTable",
    "RawRow",
    "open_table",
    "parse_date",
    "parse_email",
    "parse_phone",
    "parse_score",
    "parse_star_level",
    "parse_tax_number_text",
    "parse_text",
]
