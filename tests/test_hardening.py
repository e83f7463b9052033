"""Hostile files (issue 22): the readers refuse them with a sentence naming the file and the limit, never a
traceback, a hang or gigabytes of memory. The three crash causes found by fuzzing (corrupt deflate data,
an unsupported zip method, a number of thousands of digits), the PDF bombs (2,000 pages, a doubly
compressed content stream, a page of a million rules) and the bounded worker's own limits."""

from __future__ import annotations

import io
import json
import os
import re
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from jixiao.readers import read_bytes, safety
from jixiao.readers.base import Unreadable

import pdfbombs  # tests/pdfbombs.py (tests/ is on the path: no package)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "001-shangjie-community-governance-project.yaml"


@pytest.fixture(scope="module")
def office(tmp_path_factory) -> dict[str, bytes]:  # noqa: ANN001
    """The example rendered by the project's own writers as .docx and .xlsx."""
    from jixiao.native import load_file
    from jixiao.service import ruleset_for
    from jixiao.writers import write

    e = load_file(EXAMPLE).evaluation
    return {fmt: write(e, fmt, ruleset_for(e)).data for fmt in ("docx", "xlsx")}


def _problem(raw: bytes, name: str) -> str:
    imported = read_bytes(raw, name)
    assert not imported.ok
    [problem] = imported.problems
    assert problem.file == name
    return problem.message


def _local_header(raw: bytes, member: str) -> tuple[int, zipfile.ZipInfo]:
    info = zipfile.ZipFile(io.BytesIO(raw)).getinfo(member)
    n, m = struct.unpack("<HH", raw[info.header_offset + 26:info.header_offset + 30])
    return info.header_offset + 30 + n + m, info


def corrupt_deflate(raw: bytes, member: str) -> bytes:
    start, info = _local_header(raw, member)
    out = bytearray(raw)
    for i in range(start + 5, start + min(info.compress_size, 60)):
        out[i] ^= 0x55
    return bytes(out)


def set_method(raw: bytes, member: str, method: int) -> bytes:
    """The member's compression method changed in both headers (6 = implode: Python cannot read it)."""
    out = bytearray(raw)
    info = zipfile.ZipFile(io.BytesIO(raw)).getinfo(member)
    out[info.header_offset + 8:info.header_offset + 10] = struct.pack("<H", method)
    i = 0
    while (i := raw.find(b"PK\x01\x02", i)) >= 0:
        n = struct.unpack("<H", raw[i + 28:i + 30])[0]
        if raw[i + 46:i + 46 + n].decode() == member:
            out[i + 10:i + 12] = struct.pack("<H", method)
        i += 4
    return bytes(out)


def rewrite(raw: bytes, member: str, change) -> bytes:  # noqa: ANN001
    zin = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info, change(data) if info.filename == member else data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


# ---------------------------------------------------------------- the three crash causes


@pytest.mark.parametrize(("fmt", "member"), [("docx", "word/document.xml"), ("docx", "word/styles.xml"),
                                             ("xlsx", "xl/worksheets/sheet1.xml"), ("xlsx", "xl/workbook.xml")])
def test_corrupt_deflate_data_is_a_damaged_file_not_a_zlib_error(office, fmt, member):
    message = _problem(corrupt_deflate(office[fmt], member), f"坏.{fmt}")
    assert member in message and "已损坏" in message


@pytest.mark.parametrize(("fmt", "member"), [("docx", "word/document.xml"), ("xlsx", "xl/worksheets/sheet1.xml"),
                                             ("docx", "docProps/app.xml"), ("xlsx", "[Content_Types].xml")])
def test_an_unsupported_zip_method_is_named_not_a_not_implemented_error(office, fmt, member):
    message = _problem(set_method(office[fmt], member, 6), f"坏.{fmt}")
    assert member in message and "不支持的压缩方式" in message


def test_a_number_of_thousands_of_digits_is_an_unreadable_cell_not_a_value_error(office):
    raw = rewrite(office["xlsx"], "xl/worksheets/sheet1.xml", lambda d: d.replace(b"<v>", b"<v>" + b"9" * 5000, 1))
    message = _problem(raw, "长数字.xlsx")
    assert ".xlsx" in message and "无法解析" in message


def test_a_dtd_after_the_first_4_kb_of_a_part_is_refused(office):
    def late_dtd(data: bytes) -> bytes:
        at = data.index(b"<w:body>") + len(b"<w:body>")
        return data[:at] + b"<w:p>" + b" " * 8192 + b"<!DOCTYPE x [<!ENTITY a 'b'>]></w:p>" + data[at:]

    message = _problem(rewrite(office["docx"], "word/document.xml", late_dtd), "实体.docx")
    assert "DOCTYPE/ENTITY" in message and "word/document.xml" in message


def test_the_cli_says_what_is_wrong_with_a_corrupt_file_without_a_traceback(office, tmp_path):
    bad = tmp_path / "坏.docx"
    bad.write_bytes(corrupt_deflate(office["docx"], "word/document.xml"))
    for command in (["import", str(bad)], ["check", str(bad)], ["score", str(bad)]):
        result = subprocess.run([sys.executable, "-c", "from jixiao.cli import main; main()", *command],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 2, (command, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr and "已损坏" in result.stderr + result.stdout, result.stderr


# ---------------------------------------------------------------- PDF bombs


def test_a_2000_page_pdf_is_refused_from_its_page_tree_before_any_page_is_parsed():
    raw = pdfbombs.pages(2000, b"2021")
    started = time.perf_counter()
    message = _problem(raw, "两千页.pdf")
    elapsed = time.perf_counter() - started
    assert "2000 页" in message and "300 页" in message  # the declared /Count: refused before the pages
    assert elapsed < 5, elapsed  # generous: measured 0.07 s (issue 22 asks < 1 s)


def test_a_pdf_whose_count_lies_is_still_stopped_at_the_limit():
    raw = pdfbombs.pages(400).replace(b"/Count 400", b"/Count 1  ")
    assert "超过 300 页" in _problem(raw, "谎报页数.pdf")


def test_a_doubly_compressed_content_stream_hits_the_memory_limit():
    raw = pdfbombs.flate_bomb()
    assert len(raw) < 20_000
    message = _problem(raw, "压缩炸弹.pdf")
    assert "内存上限" in message and "512 MB" in message
    # the worker stopped near its limit (its peak less the parent's pages it shares); this process is untouched
    assert safety.last_peak_kb - safety.last_base_kb < 700 * 1024


def test_a_page_of_a_million_rules_is_refused_at_the_object_limit():
    from jixiao.readers.pdf import MAX_PAGE_OBJECTS

    message = _problem(pdfbombs.rules_bomb(), "百万线条.pdf")
    assert f"超过 {MAX_PAGE_OBJECTS} 个" in message and "第 1 页" in message


# ---------------------------------------------------------------- the bounded worker


def _spin() -> None:
    while True:
        pass


def _hog() -> None:
    blocks = []
    while True:
        blocks.append(bytearray(64 * 1024 * 1024))


def _boom() -> None:
    raise KeyError("a parser bug")


def test_the_worker_stops_a_runaway_parse_at_the_time_limit(monkeypatch):
    monkeypatch.setenv("JIXIAO_READER_SECONDS", "1")
    with pytest.raises(Unreadable, match="时间上限（1 秒）"):
        safety.bounded(_spin, kind="PDF")


def test_the_worker_stops_a_parse_at_the_memory_limit(monkeypatch):
    monkeypatch.setenv("JIXIAO_READER_MEMORY_MB", "128")
    with pytest.raises(Unreadable, match="内存上限（128 MB）"):
        safety.bounded(_hog, kind=".xlsx")


def test_a_parser_bug_in_the_worker_is_an_unreadable_file(monkeypatch):
    with pytest.raises(Unreadable, match=r"无法解析（KeyError）"):
        safety.bounded(_boom, kind=".docx")
    monkeypatch.setenv("JIXIAO_READER_INPROCESS", "1")
    with pytest.raises(Unreadable, match=r"无法解析（KeyError）"):
        safety.bounded(_boom, kind=".docx")


def test_good_files_read_the_same_in_the_worker_and_in_process(office, monkeypatch):
    bounded = {fmt: read_bytes(raw, f"a.{fmt}") for fmt, raw in office.items()}
    monkeypatch.setenv("JIXIAO_READER_INPROCESS", "1")
    inprocess = {fmt: read_bytes(raw, f"a.{fmt}") for fmt, raw in office.items()}
    for fmt in office:
        assert bounded[fmt].ok and bounded[fmt].evaluation == inprocess[fmt].evaluation, fmt


# ---------------------------------------------------------------- numbers no JSON reader takes


def _strict(text: str) -> None:
    def constant(name: str) -> None:
        raise ValueError(name)

    json.loads(text, parse_constant=constant)  # Python refuses integers of more than 4,300 digits


def test_a_cell_of_thousands_of_digits_is_no_figure():
    from jixiao.readers.base import number, percent

    assert number("9" * 5000) is None and number("1" * 41) is None and number("1" * 40) == int("1" * 40)
    assert percent("9" * 5000 + "%") is None and percent("59.90%") == "59.90%"


def test_a_figure_of_thousands_of_digits_in_prose_never_reaches_the_json():
    from jixiao import forms
    from jixiao.native import dump_json, json_dumps, load_file
    from jixiao.service import check_document

    e = load_file(EXAMPLE).evaluation
    text = forms.render(e, "txt").decode("utf-8")
    huge = "9" * 5000
    lines = [re.sub(r"\d+(?:\.\d+)?(?=万元|元|%|分|个|册)", huge, line) if "\t" not in line else line
             for line in text.split("\n")]
    hostile = "\n".join(lines)
    assert hostile.count(huge) >= 3, "the example's prose has figures with units"
    imported = read_bytes(hostile.encode(), "长数字.txt")
    assert imported.ok
    _strict(dump_json(imported.evaluation))
    _, findings = check_document(imported.evaluation)
    _strict(json_dumps({"findings": [f.to_dict() for f in findings]}))


def test_seed_prose_with_figures_of_thousands_of_digits_gives_valid_json(seeds_dir):
    """Where a seed's tables lack a figure the reader takes it from the prose (R503): those figures too."""
    from jixiao.checks import claims
    from jixiao.native import dump_json, json_dumps
    from jixiao.service import check_document

    huge = "9" * 5000
    assert claims.extract_text(f"预算执行金额为{huge}万元，执行率为{huge}%") == []
    for seed in sorted(seeds_dir.glob("*.txt")):
        text = seed.read_text(encoding="utf-8")
        hostile = "\n".join(re.sub(r"\d+(?:\.\d+)?(?=\s*(?:万元|元|%|个|项))", huge, line) if "\t" not in line else line
                            for line in text.split("\n"))
        assert hostile.count(huge) > 5, seed.name
        imported = read_bytes(hostile.encode(), seed.name)
        assert imported.ok, seed.name
        _strict(dump_json(imported.evaluation))
        _, findings = check_document(imported.evaluation)
        _strict(json_dumps({"findings": [f.to_dict() for f in findings]}))


def test_the_cli_applies_the_platforms_input_policy(tmp_path):
    from jixiao.native import dump_json, load_file

    data = json.loads(dump_json(load_file(EXAMPLE).evaluation))
    data["unit"] += "\x00附"
    bad = tmp_path / "含NUL.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    for command in ("import", "score", "check"):  # every door of the CLI
        result = subprocess.run([sys.executable, "-c", "from jixiao.cli import main; main()", command, str(bad)],
                                capture_output=True, text=True, timeout=120)
        said = (result.stderr + result.stdout).replace("\n", "")  # the console wraps long lines
        assert result.returncode == 2 and "「unit」含有NUL 字符" in said and "Traceback" not in said, command
