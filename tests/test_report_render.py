"""Look at it: every example and the four seed texts rendered to PDF and PNG, and the pages checked.

For each: the title on page 1 in the balanced lines :func:`title_lines` gives; every figure of the
self-evaluation form (amounts, rates, scores) on one line of the PDF, never split over two (「59.93 / %」);
the wide form on landscape pages; the page count in the range such a report has; page 1 as a PNG.
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLES, SEEDS
from jixiao.native import load_file
from jixiao.readers import read_bytes
from jixiao.service import ruleset_for
from jixiao.writers import write
from jixiao.writers.text import title_lines

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftoppm") is None,
                                reason="未安装 LibreOffice 或 pdftoppm（Debian：apt-get install "
                                       "libreoffice-writer-nogui fonts-noto-cjk poppler-utils）")

CASES = [("example", p) for p in sorted(EXAMPLES.glob("*.yaml"))] + \
    [("seed", p) for p in sorted(SEEDS.glob("*.txt"))]


def _document(kind: str, path: Path):
    if kind == "example":
        return load_file(path).evaluation
    return read_bytes(path.read_bytes(), path.name).evaluation


@pytest.mark.parametrize("kind, path", CASES, ids=lambda v: v if isinstance(v, str) else v.stem[:3])
def test_rendered_pages(kind, path, tmp_path):
    import pdfplumber

    from jixiao.writers.pdf import pdf_pages_to_png

    e = _document(kind, path)
    assert e is not None
    written = write(e, "pdf", ruleset_for(e), own_text=kind == "seed")
    with pdfplumber.open(io.BytesIO(written.data)) as pdf:
        pages = [(page.width > page.height, page.extract_text() or "") for page in pdf.pages]
    # the title, in its balanced lines, opens page 1
    lines = [re.sub(r"\s", "", line) for line in pages[0][1].splitlines()]
    wanted = title_lines(written.composed.report.title)
    assert lines[:len(wanted)] == wanted
    # the wide self-evaluation form is on landscape pages, the body on portrait ones
    assert not pages[0][0] and any(landscape for landscape, _ in pages)
    form_pages = [text for landscape, text in pages if landscape]
    assert any(("部门整体绩效自评表" if e.kind.value == "department" else "自评表") in t for t in form_pages)
    # every figure of the form stays on one line
    from jixiao.writers import tables

    form = tables.self_evaluation(written.document, ruleset_for(e))
    figures = {c.text for row in form.rows for c in row if c.value is not None and not isinstance(c.value, str)}
    text_lines = [re.sub(r"\s", "", line) for _, text in pages for line in text.splitlines()]
    split = [f for f in figures if not any(f in line for line in text_lines)]
    assert split == []
    # the page count of such a report: the body, the form(s), the review annex
    assert 4 <= len(pages) <= 40
    png = pdf_pages_to_png(written.data, tmp_path, dpi=40, first=1, last=1)
    assert len(png) == 1 and png[0].read_bytes().startswith(b"\x89PNG")
