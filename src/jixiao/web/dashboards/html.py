"""A dashboard :class:`~.stats.Table` as an HTML table.

Drawn in Python, as the queue's rows are: one function for every table of the page, so the page and
the exports show the same cells, and the template engine does not loop over a thousand cells (the
departments' table of a large bureau). Every text is escaped here; nothing else is marked safe.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from .stats import Link, Table

_BLANK = '<span class="muted">—</span>'


def _cell(value: Any) -> str:
    """A cell's HTML: escaped text, a link, or a dash for a blank."""
    if value is None or value == "":
        return _BLANK
    if isinstance(value, Link):
        return f'<a href="{escape(value.href)}">{escape(value.text)}</a>'
    if isinstance(value, Decimal):
        return format(value, "f")
    return escape(str(value))


def render_table(table: Table, table_id: str | None = None) -> SafeString:
    num = [' class="num"' if i in table.numeric else "" for i in range(len(table.columns))]
    head = "".join(f'<th scope="col"{num[i]}>{escape(c)}</th>' for i, c in enumerate(table.columns))
    last = len(table.rows) - 1
    rows = []
    for n, cells in enumerate(table.rows):
        total = ' class="total"' if n == last and table.total else ""
        rest = "".join(f"<td{num[i]}>{_cell(v)}</td>" for i, v in enumerate(cells[1:], start=1))
        rows.append(f'<tr{total}><th scope="row"{num[0]}>{_cell(cells[0])}</th>{rest}</tr>')
    body = "".join(rows) or f'<tr><td colspan="{len(table.columns)}" class="empty">没有数据。</td></tr>'
    note = f'<p class="note muted">{escape(table.note)}</p>' if table.note else ""
    return mark_safe(  # noqa: S308 - every text above is escaped
        f'<table class="list jx-dash-table" id="{escape(table_id or "table-" + table.name)}" '
        f'data-table="{escape(table.name)}"><caption>{escape(table.title)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{note}")
