"""PDF reports: text lines and ruled tables, page by page, in reading order (pdfplumber).

Tables drawn with lines are read cell by cell; the text outside them is read
line by line. A scanned PDF (pages of images, no text) is reported as such: it
needs OCR first.

Untrusted PDFs are read under limits (issue 22): the page count (:data:`MAX_PAGES`,
from the page tree's ``/Count`` and then by walking the tree, before any page is
parsed) and the object count (:data:`MAX_OBJECTS`) are checked first; the number of
drawn objects per page (:data:`MAX_PAGE_OBJECTS`) and the text (``safety.MAX_TEXT``)
as pages are read; and everything runs in the bounded worker of :mod:`.safety`
(memory, CPU and wall-clock time), which stops compression bombs and pages of millions
of rules wherever the work happens.
"""

from __future__ import annotations

import contextlib
import io

from ..document import Source
from .base import Block, Cell, Unreadable, clean
from .safety import bounded, text_limit

MAX_PAGES = 300
MAX_OBJECTS = 500_000
"""Indirect objects in the file (a 300-page report has some thousands)."""
MAX_PAGE_OBJECTS = 50_000
"""Characters, rules, rectangles and curves on one page (a dense table page has some thousands)."""


def blocks(raw: bytes, file: str) -> list[Block]:
    import pdfplumber  # noqa: F401 - imported here, in the parent, so that each worker starts warm

    return bounded(_blocks, raw, file, kind="PDF")


def _blocks(raw: bytes, file: str) -> list[Block]:
    with _counted_objects():
        return _read(raw, file)


class _Counter:
    """Objects laid out on the current page; the limit is checked as each is added, so a page of a million
    rules is refused after :data:`MAX_PAGE_OBJECTS` of them, not after all."""

    page = 0
    count = 0


@contextlib.contextmanager
def _counted_objects():  # noqa: ANN202
    from pdfminer.layout import LTLayoutContainer, LTPage

    original = LTLayoutContainer.add

    def add(self, obj) -> None:  # noqa: ANN001
        if isinstance(self, LTPage):
            if id(self) != _Counter.page:
                _Counter.page, _Counter.count = id(self), 0
            _Counter.count += 1
            if _Counter.count > MAX_PAGE_OBJECTS:
                raise Unreadable(f"PDF 第 {self.pageid} 页的图形和文字对象过多（超过 {MAX_PAGE_OBJECTS} 个）",
                                 "正常的报告页面")
        original(self, obj)

    LTLayoutContainer.add = add
    try:
        yield
    finally:
        LTLayoutContainer.add = original
        _Counter.page = _Counter.count = 0


def _read(raw: bytes, file: str) -> list[Block]:
    try:
        import pdfplumber

        pages = _page_count(raw)
        out: list[Block] = []
        with pdfplumber.open(io.BytesIO(raw)) as pdf:
            tables = 0
            text = 0
            for n, page in enumerate(pdf.pages, start=1):
                if n > pages or n > MAX_PAGES:
                    raise Unreadable(f"PDF 页数过多（超过 {MAX_PAGES} 页）", f"不超过 {MAX_PAGES} 页")
                drawn = len(page.objects.get("char", ())) + sum(len(page.objects.get(k, ())) for k in
                                                                 ("line", "rect", "curve", "image"))
                if drawn > MAX_PAGE_OBJECTS:
                    raise Unreadable(f"PDF 第 {n} 页的图形和文字对象过多（{drawn} 个，上限 {MAX_PAGE_OBJECTS} 个）",
                                     "正常的报告页面")
                page_blocks, tables = _page(page, n, file, tables)
                text += sum(len(c.text) for b in page_blocks for c in b.cells)
                text_limit(text, "PDF")
                out.extend(page_blocks)
                page.close()
        return out
    except (Unreadable, MemoryError, RecursionError):
        raise
    except Exception as exc:  # a third-party parser on untrusted input: any failure is a bad file
        cause = _cause(exc)
        if cause is not None:
            raise cause from None  # pdfminer wraps what the limits raised: report the limit, not the wrapper
        name = type(exc).__name__
        if "Password" in name or "Encrypt" in str(exc):
            raise Unreadable("PDF 文件已加密，无法读取", "未加密的 PDF") from None
        raise Unreadable(f"PDF 文件无法解析（{name}），可能已损坏或不完整", "完整的 PDF 文件") from None


def _cause(exc: BaseException) -> BaseException | None:
    """A limit (Unreadable, MemoryError, RecursionError) that a parser's own exception wraps, if any."""
    seen = 0
    while exc is not None and seen < 20:
        if isinstance(exc, (Unreadable, MemoryError, RecursionError)):
            return exc
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


def _page_count(raw: bytes) -> int:
    """The number of pages, refused over :data:`MAX_PAGES` before any page is parsed; objects counted too.

    The page tree's ``/Count`` is read first (one object); as it may lie, the tree is then walked
    (only its nodes, not the pages' content) and the walk stops at the limit.
    """
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    document = PDFDocument(PDFParser(io.BytesIO(raw)))
    objects = 0
    for xref in document.xrefs:
        objects += sum(1 for _ in xref.get_objids())
        if objects > MAX_OBJECTS:
            raise Unreadable(f"PDF 文件的对象过多（超过 {MAX_OBJECTS} 个）", "正常的报告")
    try:
        declared = resolve1(resolve1(document.catalog.get("Pages")).get("Count"))
    except (AttributeError, TypeError):
        declared = None
    if isinstance(declared, int) and declared > MAX_PAGES:
        raise Unreadable(f"PDF 页数过多（{declared} 页，上限 {MAX_PAGES} 页）", f"不超过 {MAX_PAGES} 页")
    pages = 0
    for _ in PDFPage.create_pages(document):
        pages += 1
        if pages > MAX_PAGES:
            raise Unreadable(f"PDF 页数过多（超过 {MAX_PAGES} 页）", f"不超过 {MAX_PAGES} 页")
    return pages


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
