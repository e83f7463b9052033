"""PDF reports: text lines and ruled tables, page by page, in reading order (pdfplumber).

Tables drawn with lines are read cell by cell; the text outside them is read
line by line. A scanned PDF (pages of images, no text) is reported as such: it
needs OCR first.
"""

from __future__ import annotations

import io

from ..document import Source
from .base import Block, Cell, Unreadable, clean

MAX_PAGES = 300


def blocks(raw: bytes, file: str) -> list[Block]:
    try:
        import pdfplumber

        out: list[Block] = []
        with pdfplumber.open(io.BytesIO(raw)) as pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise Unreadable(f"PDF 页数过多（{len(pdf.pages)} 页）", f"不超过 {MAX_PAGES} 页")
            tables = 0
            for n, page in enumerate(pdf.pages, start=1):
                page_blocks, tables = _page(page, n, file, tables)
                out.extend(page_blocks)
        return out
    except Unreadable:
        raise
    except Exception as exc:  # a third-party parser on untrusted input: any failure is a bad file
        name = type(exc).__name__
        if "Password" in name or "Encrypt" in str(exc):
            raise Unreadable("PDF 文件已加密，无法读取", "未加密的 PDF") from None
        raise Unreadable(f"PDF 文件无法解析（{name}），可能已损坏或不完整", "完整的 PDF 文件") from None


def _inside(obj: dict, boxes: list[tuple[float, float, float, float]]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _page(page, n: int, file: str, tables: int) -> tuple[list[Block], int]:
    found = page.find_tables()
    boxes = [t.bbox for t in found]
    placed: list[tuple[float, int, Block]] = []
    outside = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside(obj, boxes))
    for k, line in enumerate(outside.extract_text_lines(), start=1):
        text = clean(line["text"])
        if text:
            placed.append((line["top"], 0, Block((Cell(text, Source(file=file, page=n, line=k)),), False)))
    for t in found:
        tables += 1
        for r, row in enumerate(_rows(page, t), start=1):
            cells = tuple(Cell(clean((c or "").replace("\n", "")), Source(file=file, page=n, sheet=f"表{tables}",
                                                                          cell=f"{_column(i)}{r}"))
                          for i, c in enumerate(row))
            if any(c.text for c in cells):
                placed.append((t.bbox[1] + r * 0.001, 1, Block(cells, True, table=tables)))
    placed.sort(key=lambda p: (p[0], p[1]))
    return [b for _, _, b in placed], tables


def _rows(page, table) -> list[list[str | None]]:
    """The table's cell texts; where a rule is missing (a cell with three sides, as at a page
    break inside a merged cell) the text in that row and column is read from the page itself."""
    data = table.extract()
    columns = [c.bbox for c in table.columns]
    cells = table.cells
    for r, row in enumerate(table.rows):
        for j, value in enumerate(row.cells):
            if value is not None or j >= len(columns) or r >= len(data):
                continue
            x0, _, x1, _ = columns[j]
            _, top, _, bottom = row.bbox
            x, y = (x0 + x1) / 2, (top + bottom) / 2
            if any(a <= x <= c and b <= y <= d for a, b, c, d in cells):
                continue  # inside a merged cell: its text is where the cell starts
            text = page.within_bbox((x0, top, x1, bottom), strict=False).extract_text()
            if text and j < len(data[r]):
                data[r][j] = text
    return data


def _column(index: int) -> str:
    return chr(65 + index) if index < 26 else f"C{index + 1}"
