"""Spreadsheet files that cannot run anything: every XLSX workbook and every CSV cell we write."""

from __future__ import annotations

import io
import re
from typing import Final

import xlsxwriter

# xlsxwriter's write() turns text starting with '=' into a live formula and a URL into a
# hyperlink; these options keep every string a string, whoever calls write() on the workbook.
WORKBOOK_OPTIONS: Final = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}

# The characters that make a spreadsheet read a CSV cell as a formula (OWASP, CSV injection).
FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")
# A number as our tables show it (nl-BE: 1.234 · -3 · -3,5 · -12,5% · -2,1 ptn): it stays a
# number. Our tables never carry a '+', so '+1' is text that would become a formula, and is
# neutralised.
_NUMBER: Final = re.compile(r"-?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?(?:%| ptn)?")


def workbook(buffer: io.BytesIO) -> xlsxwriter.Workbook:
    """A new in-memory workbook writing into `buffer` in which text is never a formula or link.

    The only place the product opens an xlsxwriter workbook (tests/reports/test_safe_files.py
    keeps it so)."""
    return xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)


def csv_cell(text: str) -> str:
    """`text` safe for a CSV cell: a leading '=', '+', '-', '@', tab or carriage return gets a
    single quote in front (OWASP CSV-injection guidance), unless the cell is a number."""
    if text.startswith(FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_comment(text: str) -> str:
    """A `# ...` line above a CSV table: one line, so no text after a line break can start a
    row of its own."""
    return "# " + " ".join(text.splitlines())
