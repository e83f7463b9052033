"""The report as a Word document in the typography of Chinese official documents (GB/T 9704-2012).

* A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (版心 156 × 225 mm).
* Title 方正小标宋简体 二号 (22 pt), centred; Word and LibreOffice fall back to
  宋体 where it is not installed (the font table names 宋体 as its alternative).
* Body 仿宋 三号 (16 pt), fixed line spacing 28 pt, first line indented two
  characters; headings 一、 黑体, （一） 楷体, 1. 仿宋 bold, （1） 仿宋, all 三号 and
  outline levels 1–4 (Heading 1–4 styles, so Word's navigation pane shows them).
* Page numbers 四号 宋体 “— 1 —”, odd pages right and even pages left, one
  character in from the edge.
* Tables 五号 (10.5 pt): 仿宋, headers 黑体, fixed 14 pt lines, merged cells as in
  the official forms; the indicator header repeats on every page and rows do not
  break across pages.

Tables are written as WordprocessingML directly (one parse per table) rather
than through python-docx's cell API, which is slow for merged forms.
"""

from __future__ import annotations

import io
from decimal import Decimal
from functools import lru_cache
from xml.sax.saxutils import escape

from .model import Annex, Cell, Figure, Heading, Paragraph, Report, Table, TableBlock

TITLE_FONT = "方正小标宋简体"
TITLE_FALLBACK = "宋体"
BODY_FONT = "仿宋"
HEADING_FONTS = {1: "黑体", 2: "楷体", 3: "仿宋", 4: "仿宋"}
TABLE_FONT = "仿宋"
TABLE_HEADER_FONT = "黑体"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"
ALTERNATIVES = {TITLE_FONT: TITLE_FALLBACK, "仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体"}

BODY_PT = 16  # 三号
TITLE_PT = 22  # 二号
TABLE_PT = Decimal("10.5")  # 五号
LINE_PT = 28
TEXT_WIDTH_MM = 156
LANDSCAPE_WIDTH_MM = 225  # 297 − 37 − 35: a wide official form on a landscape page
_TWIPS_PER_MM = Decimal("56.6929")
_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _fonts(style_or_run_rpr, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Set the fonts of an rPr element for Chinese and Latin text; theme fonts are removed so they cannot win."""
    from docx.oxml.ns import qn

    fonts = style_or_run_rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hint"), "eastAsia")


def _style(document, name: str, font: str, size: Decimal | int, bold: bool = False,  # noqa: ANN001
           indent: bool = True, align=None, outline: int | None = None) -> None:  # noqa: ANN001
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt, RGBColor

    style = document.styles[name]
    style.font.size = Pt(float(size))
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    _fonts(style.element.get_or_add_rPr(), font)
    fmt = style.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PT)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.first_line_indent = Pt(BODY_PT * 2) if indent else Pt(0)
    if align is not None:
        fmt.alignment = align
    if outline is not None:
        fmt.keep_with_next = True


def _page(document) -> None:  # noqa: ANN001
    from docx.shared import Mm

    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(28) - Mm(7)
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], odd=True)
    _page_number(section.even_page_footer.paragraphs[0], odd=False)


def _page_number(paragraph, odd: bool) -> None:  # noqa: ANN001
    """“— N —” in 四号 宋体, one character in from the outer edge."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.shared import Pt

    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    fmt = paragraph.paragraph_format
    fmt.first_line_indent = Pt(0)
    if odd:
        fmt.right_indent = Pt(14)
    else:
        fmt.left_indent = Pt(14)
    rpr = (f'<w:rPr><w:rFonts w:ascii="{PAGE_NUMBER_FONT}" w:hAnsi="{PAGE_NUMBER_FONT}" '
           f'w:eastAsia="{PAGE_NUMBER_FONT}"/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr>')
    runs = (f'<w:r {_W}>{rpr}<w:t xml:space="preserve">— </w:t></w:r>',
            f'<w:r {_W}>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>',
            f'<w:r {_W}>{rpr}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>',
            f'<w:r {_W}>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>',
            f'<w:r {_W}>{rpr}<w:t>1</w:t></w:r>',
            f'<w:r {_W}>{rpr}<w:fldChar w:fldCharType="end"/></w:r>',
            f'<w:r {_W}>{rpr}<w:t xml:space="preserve"> —</w:t></w:r>')
    for run in runs:
        paragraph._p.append(parse_xml(run))


def _font_alternatives(document) -> None:  # noqa: ANN001
    """Name 宋体 as the alternative of 方正小标宋简体 in the font table, so a machine without it falls back to 宋体."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from lxml import etree

    try:
        part = document.part.part_related_by(RT.FONT_TABLE)
    except KeyError:
        return
    ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    root = etree.fromstring(part.blob)
    for name, alternative in ALTERNATIVES.items():
        font = etree.SubElement(root, f"{{{ns}}}font", {f"{{{ns}}}name": name})
        etree.SubElement(font, f"{{{ns}}}altName", {f"{{{ns}}}val": alternative})
        etree.SubElement(font, f"{{{ns}}}charset", {f"{{{ns}}}val": "86"})
        etree.SubElement(font, f"{{{ns}}}family", {f"{{{ns}}}val": "roman"})
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _setup(document) -> None:  # noqa: ANN001
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    _style(document, "Normal", BODY_FONT, BODY_PT, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _style(document, "Title", TITLE_FONT, TITLE_PT, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    _style(document, "Subtitle", "楷体", BODY_PT, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    for level, font in HEADING_FONTS.items():
        _style(document, f"Heading {level}", font, BODY_PT, bold=level == 3, outline=level)
    _style(document, "Caption", TABLE_HEADER_FONT, BODY_PT - 2, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    title_style = document.styles["Title"]
    title_style.paragraph_format.line_spacing = None  # a 22 pt title needs more than 28 pt lines
    # The built-in Title style draws a rule under the title; an official document has none.
    ppr = title_style.element.pPr
    if ppr is not None:
        for border in ppr.findall("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}pBdr"):
            ppr.remove(border)
    _page(document)
    _font_alternatives(document)


@lru_cache(maxsize=1)
def _base() -> bytes:
    """An empty document with the styles, page, footers and font table set up, made once per process."""
    from docx import Document

    document = Document()
    _setup(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# ------------------------------------------------------------------ tables


def _twips(mm: Decimal) -> int:
    return int(mm * _TWIPS_PER_MM)


def _cell_xml(cell: Cell, width: int, span: int, vmerge: str | None, numeric: bool) -> str:
    header = cell.role == "header"
    font = TABLE_HEADER_FONT if header else TABLE_FONT
    align = "center" if header or cell.role == "label" or numeric else "left"
    half_points = int(TABLE_PT * 2)
    props = [f'<w:tcW w:w="{width}" w:type="dxa"/>']
    if span > 1:
        props.append(f'<w:gridSpan w:val="{span}"/>')
    if vmerge == "restart":
        props.append('<w:vMerge w:val="restart"/>')
    elif vmerge == "continue":
        props.append("<w:vMerge/>")
    if header:
        props.append('<w:shd w:val="clear" w:color="auto" w:fill="F2F2F2"/>')
    if numeric:
        props.append("<w:noWrap/>")  # 59.93% stays on one line
    props.append('<w:vAlign w:val="center"/>')
    rpr = (f'<w:rPr><w:rFonts w:ascii="{LATIN_FONT}" w:hAnsi="{LATIN_FONT}" w:eastAsia="{font}" w:hint="eastAsia"/>'
           f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/></w:rPr>')
    ppr = (f'<w:pPr><w:spacing w:before="0" w:after="0" w:line="{14 * 20}" w:lineRule="exact"/>'
           f'<w:ind w:firstLine="0" w:firstLineChars="0"/><w:jc w:val="{align}"/></w:pPr>')
    text = "" if vmerge == "continue" else cell.text
    lines = text.split("\n") if text else []
    runs = "".join(f"<w:r>{rpr}{'<w:br/>' if i else ''}<w:t xml:space=\"preserve\">{escape(line)}</w:t></w:r>"
                   for i, line in enumerate(lines))
    return f"<w:tc><w:tcPr>{''.join(props)}</w:tcPr><w:p>{ppr}{runs}</w:p></w:tc>"


def _table_xml(table: Table, lo: int, hi: int, widths: list[int], repeat: bool) -> str:
    """Rows ``lo``..``hi``-1 of ``table`` as one w:tbl (a merged range is cut at the slice's edges)."""
    covered: dict[tuple[int, int], tuple[str, int]] = {}
    starts: dict[tuple[int, int], tuple[int, int]] = {}
    for s in table.spans:
        for r in range(max(s.row, lo), min(s.row + s.rows, hi)):
            first = r == max(s.row, lo)
            starts[(r, s.col)] = (s.cols, 0 if s.rows == 1 or min(s.row + s.rows, hi) - max(s.row, lo) == 1
                                  else (1 if first else 2))
            for c in range(s.col + 1, s.col + s.cols):
                covered[(r, c)] = ("", 0)
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    borders = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                      for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    out = [f'<w:tbl {_W}><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
           f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
           f'<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
           f'</w:tblPr><w:tblGrid>{grid}</w:tblGrid>']
    header = table.header
    for r in range(lo, hi):
        row_props = ["<w:cantSplit/>"]
        if repeat and header is not None and header[0] <= r <= header[1]:
            row_props.append("<w:tblHeader/>")
        cells = []
        for c, cell in enumerate(table.rows[r]):
            if (r, c) in covered:
                continue
            span, merge = starts.get((r, c), (1, 0))
            width = sum(widths[c:c + span])
            vmerge = {0: None, 1: "restart", 2: "continue"}[merge]
            numeric = not isinstance(cell.value, str) and cell.value is not None
            cells.append(_cell_xml(cell, width, span, vmerge, numeric))
        out.append(f"<w:tr><w:trPr>{''.join(row_props)}</w:trPr>{''.join(cells)}</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def _widths(table: Table) -> list[int]:
    weights = list(table.widths) if table.widths and len(table.widths) == table.width else [1] * table.width
    total = sum(weights)
    width = _twips(Decimal(LANDSCAPE_WIDTH_MM if table.landscape else TEXT_WIDTH_MM))
    return [int(width * w / total) for w in weights]


def _orient(document, landscape: bool) -> None:  # noqa: ANN001
    """End the current section on its page and continue in a landscape (or portrait) one, same margins
    turned with the page, footers and page numbers continued."""
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.shared import Mm

    section = document.add_section(WD_SECTION.NEW_PAGE)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin, section.bottom_margin = Mm(28), Mm(26)
        section.left_margin, section.right_margin = Mm(37), Mm(35)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)


def _add_table(document, table: Table, oriented: bool = False) -> None:  # noqa: ANN001
    """Caption, subtitle and unit note, then the grid; a header in mid-table starts a second w:tbl so it repeats."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.shared import Pt

    if table.landscape and not oriented:
        _orient(document, True)
    _para(document, table.title, "Caption").paragraph_format.keep_with_next = True
    if table.subtitle:
        subtitle = _para(document, table.subtitle, "Subtitle")
        subtitle.paragraph_format.line_spacing = Pt(22)
        subtitle.paragraph_format.keep_with_next = True
    if table.note:
        note = document.add_paragraph(table.note)
        note.paragraph_format.keep_with_next = True
        note.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        note.paragraph_format.first_line_indent = Pt(0)
        for run in note.runs:
            run.font.size = Pt(float(TABLE_PT))
    widths = _widths(table)
    cuts = [0, len(table.rows)]
    if table.header is not None and table.header[0] > 0:
        cuts = [0, table.header[0], len(table.rows)]
    body = document.element.body
    for i, (lo, hi) in enumerate(zip(cuts, cuts[1:])):
        if i:
            _spacer(document)
        body.insert_element_before(parse_xml(_table_xml(table, lo, hi, widths, repeat=True)), "w:sectPr")
    if table.signature:
        line = document.add_paragraph(table.signature)
        line.paragraph_format.first_line_indent = Pt(0)
        line.paragraph_format.space_before = Pt(6)
        for run in line.runs:
            run.font.size = Pt(12)
    else:
        _spacer(document, after=True)
    if table.landscape:
        _orient(document, False)


def _spacer(document, after: bool = False) -> None:  # noqa: ANN001
    """A paragraph after a table; between two parts of one table a one-point one, which keeps Word from
    joining them without a visible gap."""
    from docx.oxml import parse_xml
    from docx.shared import Pt

    p = document.add_paragraph()
    fmt = p.paragraph_format
    fmt.first_line_indent = Pt(0)
    fmt.line_spacing = Pt(LINE_PT if after else 1)
    if not after:
        p._p.get_or_add_pPr().append(parse_xml(f'<w:rPr {_W}><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr>'))


# ------------------------------------------------------------------ document

_STYLE_IDS = {"Title": "Title", "Subtitle": "Subtitle", "Caption": "Caption", "Heading 1": "Heading1",
              "Heading 2": "Heading2", "Heading 3": "Heading3", "Heading 4": "Heading4"}


def _para(document, text: str = "", style: str | None = None):  # noqa: ANN001, ANN201
    """A paragraph with a built-in style, set by its id (python-docx's lookup by name is slow)."""
    paragraph = document.add_paragraph(text)
    if style is not None:
        paragraph._p.style = _STYLE_IDS[style]
    return paragraph



RULESET_KEY = "jixiao-ruleset"
"""docx core property ``keywords`` = ``jixiao-ruleset=<id>``; xlsx defined name ``JIXIAO_RULESET`` = ``"<id>"``."""


def render(report: Report) -> bytes:
    """The report as .docx bytes."""
    from docx import Document
    from docx.enum.text import WD_BREAK, WD_LINE_SPACING
    from docx.shared import Mm, Pt

    document = Document(io.BytesIO(_base()))
    props = document.core_properties
    props.title, props.author, props.comments = report.title, report.unit, "由 Jixiao 依据自评数据生成"
    if report.ruleset is not None:  # the rule set travels with the file, not inside a form
        props.keywords = f"{RULESET_KEY}={report.ruleset[0]}"
        props.category = report.ruleset[1]
    from .text import title_lines

    title = _para(document, "", "Title")
    for i, line in enumerate(title_lines(report.title)):  # balanced lines, broken between words
        run = title.add_run()
        if i:
            run.add_break()
        run.add_text(line)
    title.paragraph_format.line_spacing = Pt(36)
    _para(document, report.unit, "Subtitle")
    document.add_paragraph()
    blocks = list(report.blocks)
    oriented = False
    fresh_page = False  # after a landscape form the portrait section already starts a new page
    for n, block in enumerate(blocks):
        if isinstance(block, Heading):
            _para(document, block.text, f"Heading {min(block.level, 4)}")
        elif isinstance(block, Paragraph) and block.role != "body":
            if block.role == "signature":
                document.add_paragraph()
            line = document.add_paragraph(block.text)  # 署名 above 成文日期, which stands four characters in
            line.alignment = 2  # right
            line.paragraph_format.first_line_indent = Pt(0)
            line.paragraph_format.right_indent = Pt(BODY_PT * (4 if block.role == "date" else 2))
        elif isinstance(block, Paragraph):
            document.add_paragraph(block.text)
        elif isinstance(block, TableBlock):
            _add_table(document, block.table, oriented)
            oriented = False
            fresh_page = block.table.landscape
            continue
        elif isinstance(block, Figure):
            picture = document.add_paragraph()
            picture.alignment = 1  # centre
            picture.paragraph_format.first_line_indent = Pt(0)
            picture.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE  # not the body's fixed 28 pt
            picture.add_run().add_picture(io.BytesIO(block.png), width=Mm(block.width_mm))
            _para(document, block.caption, "Caption")
        elif isinstance(block, Annex):
            following = blocks[n + 1] if n + 1 < len(blocks) else None
            if isinstance(following, TableBlock) and following.table.landscape:
                _orient(document, True)  # the annex label on the landscape page of its form
                oriented = True
            elif not fresh_page:
                document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            label = _para(document, block.label, "Heading 1")
            label.paragraph_format.first_line_indent = Pt(0)
        fresh_page = False
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
