"""The editor's endpoints: live analysis, saving with optimistic locking, versions, evidence, downloads, new
evaluations from a blank form, last year's and an uploaded file."""

from __future__ import annotations

import copy
import io
import json

import pytest

from jixiao.web.evaluations.models import Attachment, Evaluation, Version

from .conftest import ROOT, example_data


def _post(client, url, data):  # noqa: ANN001, ANN202
    return client.post(url, data=json.dumps(data), content_type="application/json")


def test_it_analyses_without_saving(world, client_for):
    client = client_for(world.alice)
    doc = copy.deepcopy(world.eval_a.document)
    doc["budget"]["adjusted"] = "1209.35"
    data = _post(client, f"/evaluations/{world.eval_a.pk}/analyse/", {"document": doc}).json()
    assert data["ok"] and data["score"]["execution_rate"] == "93.07"
    assert data["settled"]["budget"]["rate"] == "93.07%"
    assert any(f["code"] == "B102" for f in data["findings"])
    world.eval_a.refresh_from_db()
    assert world.eval_a.version == 1 and world.eval_a.budget != 1209


def test_it_saves_a_version_as_declared_with_the_computed_summary(world, client_for):
    client = client_for(world.alice)
    doc = copy.deepcopy(world.eval_a.document)
    doc["budget"]["adjusted"] = "1209.35"
    doc["budget"]["rate"] = "1%"  # the unit's figure is kept; the computed 93.07% stands beside it, with B110
    response = _post(client, f"/evaluations/{world.eval_a.pk}/save/", {"document": doc, "version": 1})
    assert response.status_code == 200 and response.json()["version"] == 2
    record = Evaluation.objects.get(pk=world.eval_a.pk)
    assert record.document["budget"]["rate"] == "1%"
    analysis = response.json()["analysis"]
    assert analysis["settled"]["budget"]["rate"] == "93.07%"
    assert any(f["code"] == "B110" and f["field"] == "budget.rate" for f in analysis["findings"])
    assert str(record.execution_rate) == "93.07" and str(record.total) == "99.30"
    assert record.versions.count() == 2 and record.versions.first().saved_by == world.alice
    again = _post(client, f"/evaluations/{world.eval_a.pk}/save/", {"document": doc, "version": 2}).json()
    assert again["unchanged"] and again["version"] == 2 and record.versions.count() == 2


def test_the_second_save_from_the_same_version_is_refused_with_what_changed(world, client_for):
    doc = world.eval_a.document
    mine, theirs = copy.deepcopy(doc), copy.deepcopy(doc)
    theirs["budget"]["adjusted"] = "1209.35"
    mine["goals"]["target"] = "我的修改"
    assert _post(client_for(world.anna), f"/evaluations/{world.eval_a.pk}/save/",
                 {"document": theirs, "version": 1}).status_code == 200
    response = _post(client_for(world.alice), f"/evaluations/{world.eval_a.pk}/save/",
                     {"document": mine, "version": 1})
    assert response.status_code == 409
    data = response.json()
    assert data["conflict"] and data["current_version"] == 2 and "Anna" in data["saved_by"]
    assert "没有保存" in data["message"]
    changed = {c["path"]: c for c in data["changes"]}
    assert changed["budget.adjusted"]["before"] == "1125.54" and changed["budget.adjusted"]["after"] == "1209.35"
    record = Evaluation.objects.get(pk=world.eval_a.pk)
    assert record.document["budget"]["adjusted"] == "1209.35" and record.document["goals"]["target"] != "我的修改"


@pytest.mark.parametrize("body, status", [
    ("not json", 400),
    (json.dumps([1, 2]), 400),
    (json.dumps({"document": {"kind": "department"}, "version": 1}), 400),
    (json.dumps({"document": {}}), 400),
])
def test_bad_bodies_get_a_message_and_nothing_is_saved(world, client_for, body, status):
    client = client_for(world.alice)
    response = client.post(f"/evaluations/{world.eval_a.pk}/save/", data=body, content_type="application/json")
    assert response.status_code == status
    assert response.json()["ok"] is False and (response.json().get("message") or response.json().get("problems"))
    assert Evaluation.objects.get(pk=world.eval_a.pk).version == 1


def test_an_impossible_number_names_its_field(world, client_for):
    doc = copy.deepcopy(world.eval_a.document)
    doc["tasks"][0]["budget"] = "-5"
    response = _post(client_for(world.alice), f"/evaluations/{world.eval_a.pk}/save/", {"document": doc, "version": 1})
    assert response.status_code == 400
    [problem] = response.json()["problems"]
    assert problem["path"] == "tasks[0].budget" and "负数" in problem["message"] and "任务1" in problem["label"]


def test_versions_are_listed_and_compared(world, client_for):
    client = client_for(world.alice)
    doc = copy.deepcopy(world.eval_a.document)
    doc["budget"]["adjusted"] = "1209.35"
    _post(client, f"/evaluations/{world.eval_a.pk}/save/", {"document": doc, "version": 1})
    page = client.get(f"/evaluations/{world.eval_a.pk}/versions/").content.decode()
    assert "第2版" in page and "Alice" in page
    compare = client.get(f"/evaluations/{world.eval_a.pk}/versions/compare/?a=1&b=2").content.decode()
    assert "全年（调整）预算数" in compare and "1209.35" in compare
    assert client.get(f"/evaluations/{world.eval_a.pk}/versions/compare/?a=1&b=9").status_code == 404
    v1 = client.get(f"/evaluations/{world.eval_a.pk}/versions/1/").json()
    assert v1["budget"]["adjusted"] == "1125.54"


def test_evidence_is_kept_with_name_size_hash_uploader(world, client_for):
    client = client_for(world.alice)
    path = "indicators[1].children[0].children[0]"
    upload = io.BytesIO(b"%PDF-1.4 evidence")
    upload.name = "会议纪要.pdf"
    data = client.post(f"/evaluations/{world.eval_a.pk}/evidence/", {"file": upload, "path": path}).json()
    assert data["ok"]
    [row] = data["evidence"]
    assert row["name"] == "会议纪要.pdf" and row["size"] == 17 and row["path"] == path and "Alice" in row["uploaded_by"]
    assert row["label"].startswith("绩效指标 › 产出指标")
    import hashlib

    assert row["sha256"] == hashlib.sha256(b"%PDF-1.4 evidence").hexdigest()
    got = client.get(row["url"])
    assert got.status_code == 200 and got.content == b"%PDF-1.4 evidence"
    assert "attachment" in got["Content-Disposition"]
    bad = client.post(f"/evaluations/{world.eval_a.pk}/evidence/", {"path": path}).json()
    assert not bad["ok"] and "没有收到文件" in bad["message"]


@pytest.mark.parametrize("fmt, magic", [("docx", b"PK"), ("xlsx", b"PK")])
def test_it_downloads_the_report_and_tables(world, client_for, fmt, magic):
    response = client_for(world.alice).get(f"/evaluations/{world.eval_a.pk}/download/{fmt}/")
    assert response.status_code == 200 and response.content[:2] == magic
    assert f".{fmt}" in response["Content-Disposition"]


def test_new_from_a_blank_form_of_a_rule_set(world, client_for):
    client = client_for(world.alice)
    response = client.post("/evaluations/new/", {"start": "blank", "kind": "project", "year": 2022,
                                                  "ruleset": "zhengzhou-2021-project", "project": "社区治理经费"})
    assert response.status_code == 302
    record = Evaluation.objects.get(project__name="社区治理经费")
    names = [c["name"] for c in record.document["indicators"]]
    assert "产出" in names and "满意度" in names and record.year == 2022 and record.unit == world.unit_a
    bad = client.post("/evaluations/new/", {"start": "blank", "kind": "project", "year": 2022,
                                             "ruleset": "zhengzhou-2021-department", "project": "x"})
    assert bad.status_code == 200 and "不适用" in bad.content.decode()


def test_new_from_last_years(world, client_for):
    client = client_for(world.alice)
    response = client.post("/evaluations/new/", {"start": "previous", "previous": world.eval_a.pk, "year": 2022})
    assert response.status_code == 302
    record = Evaluation.objects.get(unit=world.unit_a, year=2022)
    leaf = record.document["indicators"][1]["children"][0]["children"][0]
    assert leaf.get("target") and not leaf.get("actual")
    twice = client.post("/evaluations/new/", {"start": "previous", "previous": world.eval_a.pk, "year": 2022})
    assert "已有2022年度" in twice.content.decode()
    other = client.post("/evaluations/new/", {"start": "previous", "previous": world.eval_b.pk, "year": 2023})
    assert "有效的选项" in other.content.decode() and not Evaluation.objects.filter(year=2023).exists()


def test_new_from_an_uploaded_report(world, client_for, seeds_dir):
    Evaluation.objects.filter(pk=world.eval_a.pk).delete()
    client = client_for(world.alice)
    raw = (seeds_dir / "004_52fd4d4ea27a25a3.txt").read_bytes()
    upload = io.BytesIO(raw)
    upload.name = "004.txt"
    response = client.post("/evaluations/new/", {"start": "upload", "file": upload})
    assert response.status_code == 302
    record = Evaluation.objects.get(unit=world.unit_a, year=2021)
    assert record.document["tasks"][4]["rate"] == "1.43%"  # as declared (1.43/10 is 14.30%: finding B111)
    source = record.attachments.get(purpose=Attachment.SOURCE)
    assert source.name == "004.txt" and bytes(source.data) == raw
    assert "重新计算" not in Version.objects.get(evaluation=record, number=1).note  # nothing was replaced


@pytest.mark.parametrize("name, raw", [
    ("空.docx", b""), ("坏.docx", b"PK\x03\x04 broken zip"), ("二进制.txt", bytes(range(256)) * 10),
    ("bomb.xlsx", b"PK\x05\x06" + b"\0" * 18),
])
def test_a_bad_upload_gets_a_message_naming_the_file(world, client_for, name, raw):
    upload = io.BytesIO(raw)
    upload.name = name
    response = client_for(world.alice).post("/evaluations/new/", {"start": "upload", "file": upload})
    assert response.status_code == 200
    body = response.content.decode()
    assert name in body or "请选择要导入的文件" in body or "提交的文件为空" in body
    assert Evaluation.objects.filter(unit=world.unit_a).count() == 1


def test_example_documents_round_trip_through_the_editor(world, client_for):
    client = client_for(world.carl)
    doc = example_data("001")
    response = _post(client, f"/evaluations/{world.eval_c.pk}/save/", {"document": doc, "version": 1})
    assert response.status_code == 200 and response.json()["analysis"]["score"]["total"] == "95.58"
    assert ROOT.joinpath("examples").is_dir()


def test_text_from_a_document_is_never_markup(world, client_for):
    doc = copy.deepcopy(world.eval_a.document)
    doc["goals"]["target"] = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    client = client_for(world.alice)
    assert _post(client, f"/evaluations/{world.eval_a.pk}/save/", {"document": doc, "version": 1}).status_code == 200
    for url in (f"/evaluations/{world.eval_a.pk}/", f"/evaluations/{world.eval_a.pk}/versions/compare/?a=1&b=2"):
        body = client.get(url).content.decode()
        assert "<script>alert" not in body and "<img src=x" not in body


def test_evidence_follows_its_indicator_when_rows_move(world, client_for):
    client = client_for(world.alice)
    path = "indicators[1].children[0].children[0]"
    upload = io.BytesIO(b"minutes")
    upload.name = "纪要.pdf"
    client.post(f"/evaluations/{world.eval_a.pk}/evidence/", {"file": upload, "path": path})
    doc = copy.deepcopy(world.eval_a.document)
    group = doc["indicators"][1]["children"][0]["children"]
    group.append(group.pop(0))  # the indicator moves to the end of its group
    assert _post(client, f"/evaluations/{world.eval_a.pk}/save/", {"document": doc, "version": 1}).status_code == 200
    attachment = Attachment.objects.get(evaluation=world.eval_a, purpose=Attachment.EVIDENCE)
    assert attachment.path == f"indicators[1].children[0].children[{len(group) - 1}]"
