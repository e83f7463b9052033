"""Spreadsheet cells that never run: user text written to .csv and .xlsx (OWASP "CSV injection").

A spreadsheet program runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some, a tab
or carriage return first) as a formula: a project named ``=HYPERLINK("http://…","点此")`` would become
a live link in the reviewer's Excel. Every export of user text goes through here:

* :func:`csv_cell`: such a text gets an apostrophe first (Excel shows the text, and keeps the
  apostrophe out of sight); a plain figure (``-1.5``, ``+3``, ``=100%``) is data and stays as it is;
* :func:`neutralise`: every cell of an openpyxl sheet that would be a formula although nobody meant
  one becomes text, marked ``quotePrefix`` so that editing it in Excel keeps it text; numbers stay
  numbers.
"""

from __future__ import annotations

import re
from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
_PLAIN = re.compile(r"[=+-]?\s*[0-9][0-9.,]*\s*%?\Z")


def dangerous(value: Any) -> bool:
    """Whether a spreadsheet program would take this text for a formula (a plain figure is not)."""
    return isinstance(value, str) and value.startswith(TRIGGERS) and not _PLAIN.match(value)


def csv_cell(value: Any) -> Any:
    """A value for a CSV row: a dangerous text with an apostrophe first, anything else unchanged."""
    return "'" + value if dangerous(value) else value


def csv_row(values: list[Any]) -> list[Any]:
    return [csv_cell(v) for v in values]


def neutralise(ws: Any, keep: set[str] | None = None) -> int:  # noqa: ANN401 - an openpyxl Worksheet
    """Make every unintended formula of ``ws`` text; ``keep`` names the coordinates of intended ones.

    Returns how many cells were changed.
    """
    changed = 0
    for row in ws.iter_rows():
        for cell in row:
            value = cell.value
            if not isinstance(value, str) or not value.startswith(TRIGGERS):
                continue
            if keep and cell.coordinate in keep:
                continue
            if cell.data_type == "f" or dangerous(value):
                cell.data_type = "s"
                cell.quotePrefix = True
                changed += 1
    return changed
