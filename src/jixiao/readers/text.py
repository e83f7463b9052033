"""Text pulled out of a PDF (what the seeds are): lines into blocks.

Table rows are the lines with tab-separated cells (or Markdown ``| a | b |``
rows); everything else is prose. Separator rows (``--|--``), stray HTML and
LaTeX, and blank lines are dealt with here; the interpretation of rows that a
page break or a long cell split is left to :mod:`.assemble`, which sees all
formats.
"""

from __future__ import annotations

import re

from ..document import Source
from .base import Block, Cell, Unreadable, clean

MAX_LINES = 200_000
_SEPARATOR = re.compile(r"[\s\-—:|=+]*")


def decode(raw: bytes, file: str) -> str:
    """Bytes of a text file as text: UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise Unreadable("UTF-16 文本已损坏", "UTF-8 或 GB18030 编码的文本") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            raise Unreadable("不是文本文件（既不是 UTF-8 也不是 GB18030 编码），可能是二进制文件或扩展名有误",
                             "从 PDF 导出的文本、.docx、.xlsx、.pdf 或 .yaml") from None
    if "\x00" in text or _binary(text):
        raise Unreadable("文件含有二进制内容，不是文本（扩展名可能有误）", "从 PDF 导出的文本、.docx、.xlsx、.pdf 或 .yaml")
    return text


def _binary(text: str) -> bool:
    sample = text[:4096]
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    return control > max(8, len(sample) // 50)


def _cells(line: str) -> list[str] | None:
    """The cells of a table line, or None for prose."""
    if "\t" in line:
        return line.split("\t")
    stripped = line.strip()
    if stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 3:
        return stripped[1:-1].split("|")
    return None


def blocks(text: str, file: str) -> list[Block]:
    """The blocks of a text file; line numbers are 1-based."""
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        raise Unreadable(f"文件过长（{len(lines)} 行）", f"不超过 {MAX_LINES} 行")
    out: list[Block] = []
    for number, line in enumerate(lines, start=1):
        cells = _cells(line)
        if cells is None:
            text_ = clean(line)
            if not text_ or text_.replace("\f", "") == "":
                continue
            out.append(Block((Cell(text_, Source(file=file, line=number)),), False))
        else:
            if _SEPARATOR.fullmatch(line.replace("\t", "")) and "-" in line:
                continue
            source = Source(file=file, line=number)
            row = tuple(Cell(clean(c), source) for c in cells)
            if not any(c.text for c in row):
                continue
            out.append(Block(row, True))
    return out
