"""One document, one set of findings: the CLI (`jixiao check`), the review batch and the web editor's
analysis (the API uses the same) all check the document as declared, through :func:`jixiao.service.analyse`."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from conftest import EXAMPLES

from jixiao import editing, synthetic
from jixiao.native import dump_json, load_data, load_file
from jixiao.review import review_one
from jixiao.service import check_file


def _keys(findings) -> list[tuple[str, str]]:
    return sorted((f["code"], f["key"]) if isinstance(f, dict) else (f.code, f.key) for f in findings)


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem[:3])
def test_cli_review_and_editor_give_the_same_findings(path: Path) -> None:
    checked = check_file(path)
    assert checked.findings is not None
    data = load_file(path).evaluation.model_dump(mode="json")
    editor = editing.analyse(data)
    assert editor.findings is not None
    assert _keys(checked.findings) == _keys(editor.findings)
    assert _keys(checked.findings) == _keys(review_one(str(path)).findings)


def test_seed_004_gives_the_same_error_codes_everywhere() -> None:
    """Issue 17: the CLI gave 8 error codes and the editor 3 (it checked after recomputing 14 figures)."""
    path = next(EXAMPLES.glob("004-*.yaml"))
    cli = {f.code for f in check_file(path).findings or [] if f.severity.value == "error"}
    editor = {f.code for f in editing.analyse(load_file(path).evaluation.model_dump(mode="json")).findings
              if f.severity.value == "error"}
    assert cli == editor and len(cli) >= 8


@pytest.mark.parametrize("seed", range(4))
def test_generated_documents_give_the_same_findings(seed: int, tmp_path: Path) -> None:
    for data in (synthetic.department(seed), synthetic.project(seed)):
        e = load_data(data, "gen.yaml", lines={}).evaluation
        assert e is not None
        path = tmp_path / f"gen-{seed}-{e.kind.value}.json"
        path.write_text(dump_json(e), encoding="utf-8")
        assert _keys(check_file(path).findings or []) == _keys(editing.analyse(data).findings)


def test_a_finding_keeps_its_identity_across_a_rewording() -> None:
    path = next(EXAMPLES.glob("004-*.yaml"))
    finding = (check_file(path).findings or [])[0]
    reworded = replace(finding, message="（措辞已修改）" + finding.message)
    assert reworded.key == finding.key
    assert replace(finding, found="另一个值").key != finding.key  # other values: another finding
