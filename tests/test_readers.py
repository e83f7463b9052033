"""Readers: seed texts against the hand-encoded examples, generated files in every format, hostile input."""

from __future__ import annotations

import io
import json
import random
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accuracy import accuracy
from conftest import example
from jixiao import synthetic
from jixiao.cli import main
from jixiao.forms import Variant, render
from jixiao.native import load_data, load_file
from jixiao.readers import read_bytes, read_file, read_text
from jixiao.service import check_document

SEEDS = {"000": "000_2e45d287f8af9c4b.txt", "001": "001_a5a98871daedf126.txt",
         "003": "003_ed109474d837ba6d.txt", "004": "004_52fd4d4ea27a25a3.txt"}
EXAMPLES = ("000", "001", "003", "004")


def _docs():
    docs = [(p, load_file(example(p)).evaluation) for p in EXAMPLES]
    docs.append(("synthetic-department", load_data(synthetic.department(3), "d").evaluation))
    docs.append(("synthetic-project", load_data(synthetic.project(5), "p").evaluation))
    return docs


# ---------------------------------------------------------------- the seeds

def test_seed_texts_field_accuracy(seeds_dir, capsys):
    """Every seed text imported and compared field by field with its hand-encoded example."""
    right = total = 0
    lines = []
    for prefix, name in SEEDS.items():
        imported = read_file(seeds_dir / name)
        assert imported.ok, imported.problems
        score = accuracy(load_file(example(prefix)).evaluation, imported.evaluation)
        right, total = right + score.right, total + score.total
        lines.append(f"seed {prefix}: {score.right}/{score.total} = {score.accuracy:.2%}"
                     + "".join(f"\n    {w}" for w in score.wrong))
        assert score.accuracy >= Decimal("0.95"), score.wrong
    overall = Decimal(right) / Decimal(total)
    with capsys.disabled():
        print("\n字段准确率（种子文本 vs 手工录入）：\n" + "\n".join(lines) + f"\n合计 {right}/{total} = {overall:.2%}")
    assert overall >= Decimal("0.98")


def test_seed_001_import_then_score(seeds_dir, tmp_path):
    out = tmp_path / "001.yaml"
    runner = CliRunner()
    result = runner.invoke(main, ["import", str(seeds_dir / SEEDS["001"]), "-o", str(out)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["score", str(out), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (Decimal(str(data["total"])), data["grade"]) == (Decimal("95.58"), "优")


@pytest.mark.parametrize("prefix", list(SEEDS))
def test_seed_text_findings_match_the_example(seeds_dir, prefix):
    """The review of an imported seed finds the errors the hand-encoded example shows."""
    imported = read_file(seeds_dir / SEEDS[prefix]).evaluation
    encoded = load_file(example(prefix)).evaluation
    errors = lambda e: {f.code for f in check_document(e)[1] if f.severity == "error"}  # noqa: E731
    assert errors(encoded) <= errors(imported)


def test_seed_provenance_and_narrative_fallback(seeds_dir):
    imported = read_file(seeds_dir / SEEDS["000"])
    e = imported.evaluation
    assert e.source_of("budget.initial").line == 96  # the 预算情况 row
    assert e.budget.adjusted == Decimal("9444.28")  # only the narrative states it
    r503 = [f for f in imported.findings if f.code == "R503" and f.where.field == "budget.adjusted"]
    assert r503 and r503[0].where.source.line == 158
    assert e.region == "河南省郑州市金水区"
    assert [s.title for s in e.narrative][:3] == ["基本情况", "绩效自评工作开展情况", "综合评价结论"]


# ---------------------------------------------------------------- generated files

ALL_VARIANTS = [Variant(), Variant(merged=False), Variant(yuan=True), Variant(blank_columns=True),
                Variant(split_rows=True), Variant(yuan=True, blank_columns=True, split_rows=True)]


@pytest.mark.parametrize("fmt", ["txt", "docx", "xlsx"])
def test_generated_files_read_back_exactly(fmt, capsys):
    """The forms drawn by python-docx / openpyxl / as PDF text, with layout variations, read back field for field."""
    worst = Decimal(1)
    for name, e in _docs():
        for variant in ALL_VARIANTS:
            imported = read_bytes(render(e, fmt, variant), f"{name}.{fmt}")
            assert imported.ok, (name, variant, imported.problems)
            # the official project form has no 度量单位 column, and its table carries no grade
            score = accuracy(e, imported.evaluation, units=e.kind == "department")
            wrong = [w for w in score.wrong if not (fmt == "xlsx" and e.kind == "project"
                                                   and w.startswith("reported.grade"))]
            assert not wrong, (name, variant, wrong)
            worst = min(worst, score.accuracy)
    with capsys.disabled():
        print(f"\n{fmt}: {len(_docs()) * len(ALL_VARIANTS)} 个文件全部字段一致")


def test_generated_pdf_read_back(capsys):
    """A PDF written by reportlab: ruled tables and text. Unmerged tables read exactly; merged cells that a
    page break cuts (drawn without their bottom rule) may lose a second-level name."""
    lines = []
    for name, e in _docs():
        for variant in (Variant(merged=False), Variant(merged=False, yuan=True, blank_columns=True), Variant()):
            imported = read_bytes(render(e, "pdf", variant), f"{name}.pdf")
            assert imported.ok, imported.problems
            score = accuracy(e, imported.evaluation, units=e.kind == "department")
            lines.append(f"{name} merged={variant.merged}: {score.accuracy:.2%}")
            assert score.accuracy >= (Decimal(1) if not variant.merged else Decimal("0.9")), score.wrong
    with capsys.disabled():
        print("\npdf: " + "；".join(lines))


def test_sources_by_format():
    e = load_file(example("004")).evaluation
    docx = read_bytes(render(e, "docx"), "r.docx").evaluation
    s = docx.source_of("budget.initial")
    assert s.file == "r.docx" and s.sheet.startswith("表") and s.cell
    xlsx = read_bytes(render(e, "xlsx"), "r.xlsx").evaluation
    s = xlsx.source_of("budget.initial")
    assert s.sheet and s.cell and s.cell[0].isalpha()
    pdf = read_bytes(render(e, "pdf"), "r.pdf").evaluation
    assert pdf.source_of("budget.initial").page >= 1
    txt = read_bytes(render(e, "txt"), "r.txt").evaluation
    assert txt.source_of("budget.initial").line >= 1


def test_yuan_tables_are_converted():
    e = load_file(example("001")).evaluation
    imported = read_bytes(render(e, "docx", Variant(yuan=True)), "y.docx")
    assert imported.evaluation.budget.executed == Decimal("1.798")
    assert imported.evaluation.converted_from == "元"
    assert any(f.code == "R505" for f in imported.findings)


def test_word_numbered_headings_and_merged_cells():
    import docx

    d = docx.Document()
    d.add_paragraph("2022年度某某县教育局部门整体绩效自评报告")
    d.add_paragraph("基本情况", style="Heading 1")
    d.add_paragraph("本部门2022年度预算年初数为100万元，调整预算数为120万元，预算执行金额为108万元，预算执行率90%。")
    t = d.add_table(rows=4, cols=7)
    rows = [["一级指标", "二级指标", "三级指标", "指标值", "实际完成值", "分值", "得分"],
            ["产出指标", "数量指标", "培训人数", "≥100人", "120人", "20", "20"],
            ["", "", "培训场次", "≥4场", "5场", "20", "20"],
            ["", "质量指标", "合格率", "≥95%", "96%", "10", "10"]]
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            t.cell(r, c).text = text
    t.cell(1, 0).merge(t.cell(3, 0))
    t.cell(1, 1).merge(t.cell(2, 1))
    d.add_paragraph("综合评价结论", style="Heading 1")
    d.add_paragraph("自评得分为95分，评价等级为“优”。")
    buffer = io.BytesIO()
    d.save(buffer)
    imported = read_bytes(buffer.getvalue(), "教育局.docx")
    e = imported.evaluation
    assert e.kind == "department" and e.year == 2022 and e.unit == "某某县教育局"
    assert [(x.level1, x.level2, x.indicator.name) for x in e.leaves()] == [
        ("产出指标", "数量指标", "培训人数"), ("产出指标", "数量指标", "培训场次"), ("产出指标", "质量指标", "合格率")]
    assert e.budget.adjusted == Decimal("120") and e.reported.total == Decimal("95") and e.reported.grade == "优"
    assert [s.number for s in e.narrative] == ["一", "二"]


# ---------------------------------------------------------------- hostile and broken input

def _seed_like_lines() -> list[str]:
    return render(load_file(example("004")).evaluation, "txt").decode().splitlines()


LINES = _seed_like_lines()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_text_never_crashes(data):
    lines = list(LINES)
    for _ in range(data.draw(st.integers(0, 6))):
        op = data.draw(st.sampled_from(["delete", "duplicate", "shuffle", "noise", "truncate"]))
        if not lines:
            break
        i = data.draw(st.integers(0, len(lines) - 1))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "shuffle":
            j = data.draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "noise":
            lines[i] = data.draw(st.text(max_size=40)) + lines[i][len(lines[i]) // 2:]
        else:
            lines = lines[:i]
    imported = read_text("\n".join(lines), "变异.txt")
    assert imported.ok or imported.problems


def _docx_with(xml_extra: bytes) -> bytes:
    e = load_file(example("001")).evaluation
    raw = render(e, "docx")
    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(b"?>", b"?>" + xml_extra, 1)
            z.writestr(item, data)
    return out.getvalue()


def _bad_files() -> dict[str, bytes]:
    e = load_file(example("004")).evaluation
    docx, xlsx, pdf = render(e, "docx"), render(e, "xlsx"), render(e, "pdf")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"\0" * (60 * 1024 * 1024))
    xlsx_xxe = io.BytesIO()
    src = zipfile.ZipFile(io.BytesIO(xlsx))
    with zipfile.ZipFile(xlsx_xxe, "w") as z:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.startswith("xl/worksheets/sheet1"):
                dtd = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                data = data.replace(b"?>", b"?>" + dtd, 1) if b"?>" in data else dtd + data
            z.writestr(item, data)
    rng = random.Random(7)
    return {
        "truncated.docx": docx[: len(docx) // 2],
        "truncated.xlsx": xlsx[: len(xlsx) // 3],
        "truncated.pdf": pdf[: len(pdf) // 2],
        "corrupt.pdf": b"%PDF-1.4\n" + bytes(rng.randrange(256) for _ in range(4000)),
        "empty.txt": b"",
        "binary.txt": bytes(rng.randrange(256) for _ in range(5000)),
        "binary.docx": bytes(rng.randrange(256) for _ in range(5000)),
        "bomb.docx": bomb.getvalue(),
        "xxe.docx": _docx_with(b'<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'),
        "laughs.xlsx": xlsx_xxe.getvalue(),
        "notes.txt": "会议纪要\n今天天气很好。\n".encode(),
        "old.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
    }


BAD = _bad_files()
EXPECTED_WORDS = {"truncated.docx": "损坏", "truncated.xlsx": "损坏", "truncated.pdf": "PDF", "corrupt.pdf": "PDF",
                  "empty.txt": "空", "binary.txt": "二进制", "binary.docx": "扩展名", "bomb.docx": "压缩炸弹",
                  "xxe.docx": "实体", "laughs.xlsx": "实体", "notes.txt": "不像一份绩效自评报告",
                  "old.doc": "旧版"}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_files_get_a_clear_message(name):
    imported = read_bytes(BAD[name], name)
    assert not imported.ok
    message = str(imported.problems[0])
    assert name in message and EXPECTED_WORDS[name] in message, message


def test_cli_import_unreadable_exits_2(tmp_path):
    path = tmp_path / "xxe.docx"
    path.write_bytes(BAD["xxe.docx"])
    result = CliRunner().invoke(main, ["import", str(path)])
    assert result.exit_code == 2 and "实体" in result.output and "Traceback" not in result.output


def test_cli_import_json(tmp_path):
    path = tmp_path / "form.xlsx"
    path.write_bytes(render(load_file(example("004")).evaluation, "xlsx"))
    result = CliRunner().invoke(main, ["import", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output[: result.output.rindex("}") + 1])
    assert data["unit"] == "中国共产党郑州市金水区委员会办公室" and data["provenance"]["budget.initial"]["sheet"]


# ---------------------------------------------------------------- batch review

def _batch(tmp_path: Path) -> Path:
    folder = tmp_path / "报告"
    (folder / "子目录").mkdir(parents=True)
    for name, e in _docs()[:4]:
        for fmt in ("txt", "docx", "xlsx"):
            (folder / f"{name}.{fmt}").write_bytes(render(e, fmt))
    (folder / "子目录" / "004.pdf").write_bytes(render(load_file(example("004")).evaluation, "pdf"))
    (folder / "子目录" / "001.yaml").write_bytes(example("001").read_bytes())
    for name in ("bomb.docx", "xxe.docx", "truncated.pdf", "empty.txt"):
        (folder / name).write_bytes(BAD[name])
    return folder


def _review_rows(out: Path) -> list[tuple]:
    from openpyxl import load_workbook

    book = load_workbook(out)
    rows = list(book["汇总"].iter_rows(min_row=2, values_only=True))
    assert book["汇总"].cell(2, 20).hyperlink.location or book["汇总"].cell(2, 20).hyperlink.target
    grades = {row[0]: row[1] for row in book["等级分布"].iter_rows(min_row=2, values_only=True) if row[0]}
    recomputed = [r[14] for r in rows if r[2] == "已读取" and r[14]]
    assert grades["合计"] == len(recomputed) and grades["优"] == recomputed.count("优")
    return rows


def test_review_folder_in_parallel(tmp_path):
    folder = _batch(tmp_path)
    out = tmp_path / "review.xlsx"
    result = CliRunner().invoke(main, ["review", str(folder), "-o", str(out), "--workers", "2"])
    assert result.exit_code == 2, result.output  # some files cannot be read
    rows = _review_rows(out)
    assert len(rows) == 18
    by_file = {Path(r[1]).name: r for r in rows}
    assert by_file["bomb.docx"][2] == "无法读取" and "压缩炸弹" in by_file["bomb.docx"][3]
    row = by_file["004.xlsx"]
    assert row[2] == "已读取" and row[4] == "中国共产党郑州市金水区委员会办公室" and row[5] == 2021
    assert row[11] == 98 and row[13] == "优" and row[16] > 0  # reported total, grade, errors found
    assert by_file["001.yaml"][11] == Decimal("95.58") or by_file["001.yaml"][11] == 95.58


def test_review_on_a_dask_cluster(tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    folder = _batch(tmp_path)
    out = tmp_path / "review.xlsx"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        result = CliRunner().invoke(main, ["review", str(folder), "-o", str(out), "--cluster",
                                           cluster.scheduler_address])
    assert result.exit_code == 2, result.output
    rows = _review_rows(out)
    assert len(rows) == 18 and sum(1 for r in rows if r[2] == "已读取") == 14
