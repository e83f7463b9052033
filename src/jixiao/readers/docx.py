"""Word (.docx) reports: paragraphs and tables, in document order (python-docx).

Merged cells are read as the forms mean them: a cell spanning several grid
columns or rows gives its text once, at its top-left, and empty cells elsewhere,
the same shape text pulled out of a PDF has. Headings numbered by Word itself
(a 标题 style with automatic numbering) get their number written out, so the
narrative's sections are found either way.
"""

from __future__ import annotations

import io

from ..document import Source
from .base import Block, Cell, Unreadable, clean
from .safety import bounded, open_zip, text_limit

_NUMERALS = "一二三四五六七八九十"
MAX_BLOCKS = 100_000


def blocks(raw: bytes, file: str) -> list[Block]:
    """The document's blocks, read in the bounded worker of :mod:`.safety` (memory, time, text limits)."""
    import docx  # noqa: F401 - imported in the parent, so that each worker starts warm

    return bounded(_blocks, raw, file, kind=".docx")


def _blocks(raw: bytes, file: str) -> list[Block]:
    open_zip(raw, ".docx")
    try:
        import docx
        from docx.oxml.ns import qn

        document = docx.Document(io.BytesIO(raw))
        return list(_walk(document, file, qn))
    except (Unreadable, MemoryError, RecursionError):
        raise
    except Exception as exc:  # a third-party parser on untrusted input: any failure is a bad file
        raise Unreadable(f".docx 文件无法解析（{type(exc).__name__}），可能已损坏", "Word 保存的 .docx 文件") from None


def _walk(document, file: str, qn):
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    body = document.element.body
    paragraph_no = 0
    table_no = 0
    counters: dict[int, int] = {}
    count = 0
    text = 0
    for child in body.iterchildren():
        count += 1
        if count > MAX_BLOCKS:
            raise Unreadable(f".docx 文件内容过多（超过 {MAX_BLOCKS} 个段落和表格）", "正常长度的报告")
        if child.tag == qn("w:p"):
            paragraph_no += 1
            p = Paragraph(child, document)
            line = clean(p.text)
            if not line:
                continue
            line = _numbered(p, line, counters)
            text += len(line)
            text_limit(text, ".docx")
            yield Block((Cell(line, Source(file=file, line=paragraph_no)),), False)
        elif child.tag == qn("w:tbl"):
            table_no += 1
            for block in _table(Table(child, document), file, table_no):
                text += sum(len(c.text) for c in block.cells)
                text_limit(text, ".docx")
                yield block


def _numbered(p, text: str, counters: dict[int, int]) -> str:
    """A heading whose number Word draws (style 标题 1 / Heading 1) gets it written out."""
    from .assemble import heading

    style = (p.style.name if p.style is not None else "") or ""
    level = None
    for prefix in ("Heading ", "标题 ", "heading "):
        if style.startswith(prefix) and style[len(prefix):].strip().isdigit():
            level = int(style[len(prefix):])
    if level is None or heading(text) is not None or level > 2:
        return text
    counters[level] = counters.get(level, 0) + 1
    for deeper in [k for k in counters if k > level]:
        del counters[deeper]
    n = counters[level]
    numeral = _NUMERALS[n - 1] if n <= 10 else str(n)
    return f"{numeral}、{text}" if level == 1 else f"（{numeral}）{text}"


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _table(table, file: str, table_no: int):
    previous: list = []
    for r, row in enumerate(table.rows, start=1):
        cells = list(row.cells)
        out = []
        seen = set()
        for c, cell in enumerate(cells):
            tc = cell._tc
            merged = id(tc) in seen or (c < len(previous) and previous[c] is tc)
            seen.add(id(tc))
            text = "" if merged else clean(cell.text.replace("\n", "\u2028")).replace("\u2028", "\n")
            out.append(Cell(_unwrap(text), Source(file=file, sheet=f"表{table_no}", cell=f"{_column(c)}{r}")))
        previous = [cell._tc for cell in cells]
        if any(c.text for c in out):
            yield Block(tuple(out), True, table=table_no)


def _unwrap(text: str) -> str:
    """Lines inside a cell: joined without a break where a word was only wrapped."""
    if "\n" not in text:
        return text
    parts = [p.strip() for p in text.split("\n") if p.strip()]
    out = parts[0] if parts else ""
    for p in parts[1:]:
        out += ("\n" if out.endswith(("。", "；", ";", "：")) else "") + p
    return out
