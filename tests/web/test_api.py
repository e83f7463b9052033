"""The open API (/api/v1/): tokens, each endpoint's behaviour and errors, conflicts, pagination, the schema."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import re
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jixiao.native import load_data
from jixiao.web.api.models import ApiToken, digest
from jixiao.web.evaluations import services
from jixiao.web.evaluations.models import Attachment, Evaluation, Version

from .conftest import ROOT, example_data, justify_all

API = "/api/v1"


def token_for(user, **kwargs) -> str:  # noqa: ANN001
    return ApiToken.issue(user, "测试", **kwargs)[1]


def call(method: str, url: str, token: str | None = None, body=None, **kwargs):  # noqa: ANN001, ANN003, ANN201
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    client = Client()
    if body is not None and not isinstance(body, (bytes, str)):
        body = json.dumps(body, ensure_ascii=False)
    if body is not None:
        kwargs.setdefault("content_type", "application/json")
        kwargs["data"] = body
    return getattr(client, method)(url, headers=headers, **kwargs)


def next_year(doc: dict, year: int = 2022) -> dict:
    doc = copy.deepcopy(doc)
    doc["year"] = year
    return doc


# ---------------------------------------------------------------- tokens

def test_a_token_is_made_on_the_page_shown_once_and_stored_only_as_a_hash(world, client_for):
    client = client_for(world.alice)
    page = client.post("/accounts/tokens/", {"name": "汇总脚本", "days": "30"})
    assert page.status_code == 201 and page["Cache-Control"] == "no-store"
    token = re.search(r"jx_[A-Za-z0-9_-]{40,}", page.content.decode()).group(0)
    record = ApiToken.objects.get(user=world.alice)
    assert record.hash == digest(token) and token not in {record.hash, record.hint, record.name}
    assert timezone.now() + dt.timedelta(days=29) < record.expires_at < timezone.now() + dt.timedelta(days=31)
    assert token not in client.get("/accounts/tokens/").content.decode()  # never shown again
    me = call("get", f"{API}/me", token)
    assert me.status_code == 200 and me.json()["username"] == "alice" and me.json()["role"] == "editor"
    assert me.json()["unit"]["name"] == world.unit_a.name and me.json()["token"] == "汇总脚本"
    record.refresh_from_db()
    assert record.last_used_at is not None


def test_a_revoked_token_is_refused(world, client_for):
    record, token = ApiToken.issue(world.alice, "临时")
    assert call("get", f"{API}/evaluations", token).status_code == 200
    response = client_for(world.alice).post(f"/accounts/tokens/{record.pk}/revoke/")
    assert response.status_code == 302
    refused = call("get", f"{API}/evaluations", token)
    assert refused.status_code == 401 and "已吊销" in refused.json()["detail"]
    assert refused["WWW-Authenticate"].startswith("Bearer")


def test_nobody_revokes_someone_elses_token(world, client_for):
    record, token = ApiToken.issue(world.bob, "bob 的脚本")
    for intruder in (world.alice, world.rita, world.adam):
        assert client_for(intruder).post(f"/accounts/tokens/{record.pk}/revoke/").status_code == 404
    assert client_for(world.bob).get(f"/accounts/tokens/{record.pk}/revoke/").status_code == 405
    assert call("get", f"{API}/me", token).status_code == 200
    assert "bob 的脚本" not in client_for(world.alice).get("/accounts/tokens/").content.decode()


def test_expired_tokens_inactive_people_and_wrong_headers_get_401_with_a_reason(world, client_for):
    expired = token_for(world.alice)
    ApiToken.objects.filter(hash=digest(expired)).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = call("get", f"{API}/me", expired)
    assert response.status_code == 401 and "过期" in response.json()["detail"]
    inactive = token_for(world.bob)
    world.bob.is_active = False
    world.bob.save()
    assert "停用" in call("get", f"{API}/me", inactive).json()["detail"]
    assert "无效" in call("get", f"{API}/me", "jx_not-a-real-token").json()["detail"]
    missing = call("get", f"{API}/me")
    assert missing.status_code == 401 and "Authorization: Bearer" in missing.json()["detail"]
    basic = Client().get(f"{API}/me", headers={"Authorization": "Basic YWxpY2U6eA=="})
    assert basic.status_code == 401
    # a browser session is not an API credential
    assert client_for(world.alice).get(f"{API}/me").status_code == 401


def test_the_token_page_caps_active_tokens_and_needs_a_name(world, client_for):
    client = client_for(world.alice)
    assert client.post("/accounts/tokens/", {"name": "  ", "days": "30"}).status_code == 400
    for i in range(20):
        ApiToken.issue(world.alice, f"t{i}")
    response = client.post("/accounts/tokens/", {"name": "再一个", "days": ""})
    assert response.status_code == 400 and "上限" in response.content.decode()


def test_the_command_makes_a_token_for_a_script(world):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", "rita", "--name", "年度汇总", "--days", "7", stdout=out, stderr=err)
    token = out.getvalue().strip()
    assert token.startswith("jx_") and "只显示这一次" in err.getvalue()
    assert call("get", f"{API}/me", token).json()["role"] == "reviewer"
    with pytest.raises(CommandError, match="没有登录名"):
        call_command("create_api_token", "nobody")


# ---------------------------------------------------------------- list

def test_the_list_shows_what_the_person_may_see(world):
    def ids(user, query: str = "") -> set[int]:  # noqa: ANN001
        body = call("get", f"{API}/evaluations{query}", token_for(user)).json()
        assert body["count"] == len(body["items"])
        return {row["id"] for row in body["items"]}

    assert ids(world.alice) == {world.eval_a.pk}
    assert ids(world.rita) == {world.eval_a.pk, world.eval_b.pk}
    assert ids(world.cora) == {world.eval_c.pk}
    assert ids(world.alice, f"?unit={world.unit_b.pk}") == set()  # another unit: nothing, not an error
    assert ids(world.rita, f"?department={world.eval_b.department_id}") == {world.eval_b.pk}
    assert ids(world.rita, "?q=智慧城市") == {world.eval_b.pk}
    assert ids(world.rita, "?kind=project") == set() and ids(world.cora, "?kind=project") == {world.eval_c.pk}
    assert ids(world.rita, "?year=2021&status=draft") == {world.eval_a.pk, world.eval_b.pk}
    assert ids(world.rita, "?status=approved") == set()


def test_list_rows_carry_decimal_strings_and_score_filters_use_them(world):
    token = token_for(world.rita)
    rows = {r["id"]: r for r in call("get", f"{API}/evaluations", token).json()["items"]}
    a = rows[world.eval_a.pk]
    assert isinstance(a["total"], str) and Decimal(a["total"]) == world.eval_a.total
    assert isinstance(a["budget"], str) and Decimal(a["budget"]) == world.eval_a.budget
    assert a["unit"] == {"id": world.unit_a.pk, "name": world.unit_a.name} and a["status_label"] == "草稿"
    low = min(world.eval_a.total, world.eval_b.total)
    only_high = call("get", f"{API}/evaluations?min_score={low + Decimal('0.01')}", token).json()
    assert {r["id"] for r in only_high["items"]} == {max((world.eval_a, world.eval_b), key=lambda e: e.total).pk}
    grade = world.eval_a.grade
    assert world.eval_a.pk in {r["id"] for r in call("get", f"{API}/evaluations?grade={grade}", token).json()["items"]}


def _copies(world, n: int) -> None:  # noqa: ANN001
    """``n`` more evaluations of unit A (project kind, one a year), by the ORM: only the list's columns matter."""
    e = world.eval_a
    Evaluation.objects.bulk_create(
        Evaluation(bureau_id=e.bureau_id, department_id=e.department_id, unit_id=e.unit_id, kind="department",
                   year=1990 + i, title=f"副本{i}", document={}, version=1, total=Decimal(i), grade="中")
        for i in range(n))


def test_pagination_counts_everything_and_pages_through_it(world):
    _copies(world, 24)
    token = token_for(world.alice)
    seen = []
    for page in (1, 2, 3):
        body = call("get", f"{API}/evaluations?page_size=10&page={page}&sort=year", token).json()
        assert body["count"] == 25 and body["pages"] == 3 and body["page"] == page
        seen += [r["id"] for r in body["items"]]
    assert len(seen) == len(set(seen)) == 25
    years = [r["year"] for r in call("get", f"{API}/evaluations?page_size=200&sort=-year", token).json()["items"]]
    assert years == sorted(years, reverse=True)
    beyond = call("get", f"{API}/evaluations?page=9&page_size=10", token).json()
    assert beyond["items"] == [] and beyond["count"] == 25


def test_the_list_reads_no_json_column_and_its_queries_do_not_grow_with_the_page(world):
    _copies(world, 30)
    token = token_for(world.alice)
    call("get", f"{API}/me", token)  # the token's first use is recorded once (a write), not part of the list
    counts = []
    for size in (1, 31):
        with CaptureQueriesContext(connection) as queries:
            assert call("get", f"{API}/evaluations?page_size={size}", token).status_code == 200
        evaluation_queries = [q["sql"] for q in queries.captured_queries if "evaluations_evaluation" in q["sql"]]
        assert evaluation_queries and not any(re.search(r'"document"|"analysis"', q) for q in evaluation_queries)
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("query, field", [
    ("year=abc", "query.year"), ("year=99999999999999999999", "query.year"), ("page=0", "query.page"),
    ("page_size=201", "query.page_size"), ("min_score=1e999999", "query.min_score"), ("min_score=NaN", "query.min_score"),
    ("kind=both", "query.kind"), ("sort=password", "query.sort"), ("department=-1", "query.department"),
    ("q=" + "长" * 101, "query.q"),
])
def test_bad_list_parameters_get_422_naming_the_parameter(world, query, field):
    response = call("get", f"{API}/evaluations?{query}", token_for(world.rita))
    assert response.status_code == 422, response.content
    body = response.json()
    assert field in body["detail"] and body["errors"][0]["location"] == field
    assert re.search(r"[\u4e00-\u9fff]", body["errors"][0]["message"])


# ---------------------------------------------------------------- read

def test_read_gives_the_document_score_and_findings(world):
    body = call("get", f"{API}/evaluations/{world.eval_a.pk}", token_for(world.alice)).json()
    assert body["title"] == world.eval_a.title and body["version"] == 1
    assert load_data(body["document"], "api").evaluation is not None
    assert body["score"]["total"] == body["total"] and isinstance(body["score"]["total"], str)
    assert body["counts"]["error"] == world.eval_a.errors == sum(f["severity"] == "error" for f in body["findings"])
    assert all(f["key"] for f in body["findings"] if f["severity"] == "error")


@pytest.mark.parametrize("intruder", ["bob", "carl", "cora"])
def test_another_units_evaluation_is_not_found(world, intruder):
    response = call("get", f"{API}/evaluations/{world.eval_a.pk}", token_for(getattr(world, intruder)))
    assert response.status_code == 404 and response.json() == {"detail": "没有找到这份自评"}


def test_unknown_and_malformed_ids(world):
    token = token_for(world.alice)
    assert call("get", f"{API}/evaluations/{world.eval_c.pk + 1000}", token).status_code == 404
    assert call("get", f"{API}/evaluations/abc", token).status_code == 422
    assert call("get", f"{API}/evaluations/{2**70}", token).status_code == 422


# ---------------------------------------------------------------- create

def test_a_unit_person_creates_an_evaluation_from_a_document(world):
    token = token_for(world.alice)
    response = call("post", f"{API}/evaluations", token, {"document": next_year(world.eval_a.document), "note": "脚本导入"})
    assert response.status_code == 201, response.content
    body = response.json()
    record = Evaluation.objects.get(pk=body["id"])
    assert record.unit_id == world.unit_a.pk and record.year == 2022 and record.updated_by == world.alice
    assert body["version"] == 1 and Decimal(body["total"]) == record.total
    assert record.versions.get().note == "脚本导入"
    again = call("post", f"{API}/evaluations", token, {"document": next_year(world.eval_a.document)})
    assert again.status_code == 409 and "已有2022年度" in again.json()["detail"]


def test_create_is_refused_outside_ones_unit(world):
    doc = next_year(world.eval_a.document)
    refused = call("post", f"{API}/evaluations", token_for(world.rita), {"document": doc})
    assert refused.status_code == 403 and "只有预算单位的填报人和负责人" in refused.json()["detail"]
    other = call("post", f"{API}/evaluations", token_for(world.alice), {"document": doc, "unit": world.unit_b.pk})
    assert other.status_code == 404
    assert not Evaluation.objects.filter(year=2022).exists()


@pytest.mark.parametrize("change, status, words", [
    (lambda d: d["budget"].update(executed="1e999999"), 400, "数字过大"),
    (lambda d: d["budget"].update(executed="一千万"), 400, "预算"),
    (lambda d: d.update(ruleset="/etc/passwd"), 400, "评分规则「/etc/passwd」不存在"),
    (lambda d: d.update(ruleset="x" * 5000), 400, "不存在"),
    (lambda d: d.update(ruleset=["zhengzhou-2021-department"]), 400, "评分规则"),
    (lambda d: d.update(unit="单位\x00名称"), 400, "NUL"),
    (lambda d: d.update({"\x00": "键"}), 400, "NUL"),
    (lambda d: d.update(kind="both"), 400, "自评类型"),
    (lambda d: d.pop("year"), 400, "年度"),
])
def test_invalid_documents_get_400_naming_the_field(world, change, status, words):
    doc = next_year(world.eval_a.document)
    change(doc)
    response = call("post", f"{API}/evaluations", token_for(world.alice), {"document": doc})
    assert response.status_code == status, response.content
    assert words in response.json()["detail"], response.json()["detail"]
    assert not Evaluation.objects.filter(year=2022).exists()


@pytest.mark.parametrize("raw, status, words", [
    (b'{"document": ', 400, "不是有效的 JSON"),
    (b'{"document": {"year": 1e999999}}', 400, "年度"),  # read as text, reported, never an infinite float
    (b'{"document": {"year": NaN}}', 400, "NaN"),
    (b'\xff\xfe', 400, "UTF-8"),
    (b'{"document": {"unit": "\\ud800"}}', 400, "代理项"),
    (b'[1, 2]', 422, "body"),
    (b'{"document": "text"}', 422, "body.document"),
    (b'{}', 422, "缺少必填项"),
    (b'{"document": ' + b'[' * 100000 + b']' * 100000 + b'}', 400, "JSON"),
])
def test_malformed_bodies_get_a_clear_message(world, raw, status, words):
    response = call("post", f"{API}/score", token_for(world.alice), raw)
    assert response.status_code == status, response.content
    assert words in response.json()["detail"], response.json()["detail"]


def test_a_huge_body_is_refused_before_it_is_read(world):
    doc = {"document": {"narrative": "长" * (6 * 1024 * 1024)}}
    response = call("post", f"{API}/evaluations", token_for(world.alice), doc)
    assert response.status_code == 413 and "过大" in response.json()["detail"]


# ---------------------------------------------------------------- update

def test_update_saves_a_version_and_a_stale_version_gets_409_with_who_and_what(world):
    token = token_for(world.alice)
    doc = copy.deepcopy(world.eval_a.document)
    doc["tasks"][0]["executed"] = "1.00"
    first = call("put", f"{API}/evaluations/{world.eval_a.pk}", token, {"document": doc, "version": 1})
    assert first.status_code == 200 and first.json()["version"] == 2 and not first.json()["unchanged"]
    again = call("put", f"{API}/evaluations/{world.eval_a.pk}", token, {"document": doc, "version": 2})
    assert again.json()["unchanged"] and again.json()["version"] == 2
    stale = copy.deepcopy(world.eval_a.document)
    stale["tasks"][0]["executed"] = "2.00"
    conflict = call("put", f"{API}/evaluations/{world.eval_a.pk}", token_for(world.anna), {"document": stale, "version": 1})
    assert conflict.status_code == 409
    body = conflict.json()
    assert body["current_version"] == 2 and "Alice" in body["saved_by"] and "第1版" in body["detail"]
    assert any(c["path"] == "tasks[0].executed" for c in body["changes"])
    assert Evaluation.objects.get(pk=world.eval_a.pk).document["tasks"][0]["executed"] in ("1", "1.00")


def test_update_is_refused_when_not_editable_and_by_others(world):
    doc = world.eval_a.document
    assert call("put", f"{API}/evaluations/{world.eval_a.pk}", token_for(world.bob),
                {"document": doc, "version": 1}).status_code == 404
    refused = call("put", f"{API}/evaluations/{world.eval_a.pk}", token_for(world.rita), {"document": doc, "version": 1})
    assert refused.status_code == 403 and "财政局人员不能修改" in refused.json()["detail"]
    services.submit(world.eval_a, world.anna, 1, "", justify_all(world.eval_a))
    review = call("put", f"{API}/evaluations/{world.eval_a.pk}", token_for(world.alice), {"document": doc, "version": 1})
    assert review.status_code == 403 and "正在审核" in review.json()["detail"]
    assert Evaluation.objects.get(pk=world.eval_a.pk).version == 1


def test_update_of_an_invalid_document_gives_its_problems(world):
    doc = copy.deepcopy(world.eval_a.document)
    doc["tasks"][0]["executed"] = "很多"
    response = call("put", f"{API}/evaluations/{world.eval_a.pk}", token_for(world.alice), {"document": doc, "version": 1})
    assert response.status_code == 400
    assert any(p["path"].startswith("tasks[0]") for p in response.json()["problems"])
    bad_version = call("put", f"{API}/evaluations/{world.eval_a.pk}", token_for(world.alice), {"document": doc, "version": "一"})
    assert bad_version.status_code == 422 and "body.version" in bad_version.json()["detail"]


# ---------------------------------------------------------------- import

def _written(world, fmt: str, year: int = 2022) -> bytes:  # noqa: ANN001
    from jixiao.service import ruleset_for
    from jixiao.writers import write

    e = load_data(next_year(world.eval_a.document, year), "测试").evaluation
    return write(e, fmt, ruleset_for(e)).data


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_import_reads_a_file_and_keeps_the_original(world, fmt):
    raw = _written(world, fmt)
    upload = io.BytesIO(raw)
    upload.name = f"2022年度自评.{fmt}"
    response = Client().post(f"{API}/evaluations/import", {"file": upload},
                             headers={"Authorization": f"Bearer {token_for(world.alice)}"})
    assert response.status_code == 201, response.content
    body = response.json()
    record = Evaluation.objects.get(pk=body["id"])
    assert record.unit_id == world.unit_a.pk and record.year == 2022
    assert body["notes"][0].startswith(f"已从「2022年度自评.{fmt}」导入")
    source = Attachment.objects.get(evaluation=record, purpose=Attachment.SOURCE)
    assert bytes(source.data) == raw and source.name == f"2022年度自评.{fmt}" and source.uploaded_by == world.alice


@pytest.mark.parametrize("name, raw, status, words", [
    ("空.docx", b"", 400, "文件是空的"),
    ("假的.docx", b"this is not a word file at all", 400, "不是 .docx"),
    ("旧版.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, 400, "旧版 Office"),
    ("乱码.json", '{"kind": "department", "year": "明年"}'.encode(), 400, "乱码.json"),
])
def test_import_of_a_bad_file_names_the_file_and_stores_nothing(world, name, raw, status, words):
    upload = io.BytesIO(raw)
    upload.name = name
    before = Evaluation.objects.count()
    response = Client().post(f"{API}/evaluations/import", {"file": upload},
                             headers={"Authorization": f"Bearer {token_for(world.alice)}"})
    assert response.status_code == status, response.content
    assert words in response.json()["detail"] and name in response.json()["detail"]
    assert Evaluation.objects.count() == before


def test_import_limits(world, settings):
    settings.JIXIAO_MAX_UPLOAD = 1000
    upload = io.BytesIO(b"x" * 1001)
    upload.name = "大.pdf"
    token = token_for(world.alice)
    response = Client().post(f"{API}/evaluations/import", {"file": upload}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 413 and "「大.pdf」过大" in response.json()["detail"]
    missing = Client().post(f"{API}/evaluations/import", {}, headers={"Authorization": f"Bearer {token}"})
    assert missing.status_code == 422 and "file" in missing.json()["detail"]
    broken = Client().post(f"{API}/evaluations/import", b"--x\r\nnot multipart", content_type="multipart/form-data; boundary=x",
                           headers={"Authorization": f"Bearer {token}"})
    assert 400 <= broken.status_code < 500
    reviewer = Client().post(f"{API}/evaluations/import", {"file": io.BytesIO(b"x")},
                             headers={"Authorization": f"Bearer {token_for(world.rita)}"})
    assert reviewer.status_code == 403


# ---------------------------------------------------------------- score, check

def test_stored_score_and_check_match_the_summary(world):
    token = token_for(world.rita)
    score = call("get", f"{API}/evaluations/{world.eval_b.pk}/score", token).json()
    assert Decimal(score["score"]["total"]) == world.eval_b.total and score["score"]["grade"] == world.eval_b.grade
    assert score["score"]["categories"] and all(isinstance(c["weight"], str) for c in score["score"]["categories"])
    check = call("get", f"{API}/evaluations/{world.eval_b.pk}/check", token).json()
    assert check["counts"] == {"error": world.eval_b.errors, "warning": world.eval_b.warnings, "info": world.eval_b.infos}
    assert {"code", "severity", "message", "field"} <= set(check["findings"][0])


def test_stateless_score_and_check_store_nothing(world):
    token = token_for(world.carl)
    counts = (Evaluation.objects.count(), Version.objects.count())
    doc = example_data("000")
    score = call("post", f"{API}/score", token, {"document": doc})
    assert score.status_code == 200 and Decimal(score.json()["score"]["total"]) > 0
    stored_like = call("post", f"{API}/score", token, {"document": world.eval_a.document}).json()
    assert Decimal(stored_like["score"]["total"]) == world.eval_a.total  # any person may score any document they hold
    check = call("post", f"{API}/check", token, {"document": doc})
    assert check.status_code == 200 and sum(check.json()["counts"].values()) == len(check.json()["findings"])
    assert (Evaluation.objects.count(), Version.objects.count()) == counts
    assert call("post", f"{API}/score", None, {"document": doc}).status_code == 401
    invalid = call("post", f"{API}/check", token, {"document": {"kind": "both"}})
    assert invalid.status_code == 400 and invalid.json()["problems"]
    # a document read from a file may lack its year and unit: it is checked as it is (nothing stored)
    partial = call("post", f"{API}/check", token, {"document": {"kind": "department"}})
    assert partial.status_code == 200 and (Evaluation.objects.count(), Version.objects.count()) == counts


# ---------------------------------------------------------------- render

@pytest.mark.parametrize("fmt, magic", [("docx", b"PK"), ("xlsx", b"PK"), ("pdf", b"%PDF")])
def test_render_gives_the_official_files(world, fmt, magic):
    response = call("get", f"{API}/evaluations/{world.eval_a.pk}/render/{fmt}", token_for(world.alice))
    assert response.status_code == 200 and response.content.startswith(magic)
    assert "attachment" in response["Content-Disposition"]


def test_render_refuses_others_and_unknown_formats(world):
    assert call("get", f"{API}/evaluations/{world.eval_a.pk}/render/docx", token_for(world.cora)).status_code == 404
    assert call("get", f"{API}/evaluations/{world.eval_a.pk}/render/exe", token_for(world.alice)).status_code == 422


# ---------------------------------------------------------------- workflow

def test_the_workflow_through_the_api(world):
    e = world.eval_a
    errors = call("get", f"{API}/evaluations/{e.pk}/check", token_for(world.alice)).json()["findings"]
    keys = {f["key"]: "按原报告提交" for f in errors if f["severity"] == "error"}
    editor = call("post", f"{API}/evaluations/{e.pk}/submit", token_for(world.alice), {"version": 1, "justifications": keys})
    assert editor.status_code == 403 and "只有单位负责人可以提交" in editor.json()["detail"]
    leader = token_for(world.anna)
    if keys:
        missing = call("post", f"{API}/evaluations/{e.pk}/submit", leader, {"version": 1})
        assert missing.status_code == 400 and "没有说明" in missing.json()["detail"]
    stale = call("post", f"{API}/evaluations/{e.pk}/submit", leader, {"version": 7, "justifications": keys})
    assert stale.status_code == 409
    submitted = call("post", f"{API}/evaluations/{e.pk}/submit", leader, {"version": 1, "justifications": keys})
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    reviewer = token_for(world.rita)
    empty = call("post", f"{API}/evaluations/{e.pk}/return", reviewer, {"reason": " "})
    assert empty.status_code == 400
    returned = call("post", f"{API}/evaluations/{e.pk}/return", reviewer,
                    {"reason": "请核对", "comments": [{"field": "tasks[0].executed", "text": "执行数与决算不符"}]})
    assert returned.json()["status"] == "returned" and e.comments.get().label
    call("post", f"{API}/evaluations/{e.pk}/submit", leader, {"version": 1, "justifications": keys})
    assert call("post", f"{API}/evaluations/{e.pk}/approve", token_for(world.cora), {}).status_code == 404
    approved = call("post", f"{API}/evaluations/{e.pk}/approve", reviewer, {"reason": "同意"})
    assert approved.json()["status"] == "approved"
    locked = call("put", f"{API}/evaluations/{e.pk}", token_for(world.alice), {"document": e.document, "version": 1})
    assert locked.status_code == 403 and "Adam 管理员" in locked.json()["detail"]
    assert call("post", f"{API}/evaluations/{e.pk}/reopen", reviewer, {"reason": "x"}).status_code == 403
    reopened = call("post", f"{API}/evaluations/{e.pk}/reopen", token_for(world.adam), {"reason": "数据有误"})
    assert reopened.json()["status"] == "returned"
    assert [t.action for t in e.transitions.all()] == ["submit", "return", "submit", "approve", "reopen"]


# ---------------------------------------------------------------- the schema

def test_the_committed_schema_is_the_served_one(db):
    served = Client().get(f"{API}/openapi.json")
    assert served.status_code == 200
    committed = json.loads((ROOT / "schema" / "openapi.json").read_text(encoding="utf-8"))
    assert committed == served.json(), "schema/openapi.json 已过时：运行 python -m jixiao.web export_openapi 更新"


def test_every_operation_is_documented_in_chinese_with_english_identifiers(db):
    schema = Client().get(f"{API}/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    for path, methods in schema["paths"].items():
        assert re.fullmatch(r"[a-z0-9/{}_-]+", path), path
        for method, op in methods.items():
            assert re.fullmatch(r"[a-z_]+", op["operationId"]), op["operationId"]
            assert re.search(r"[\u4e00-\u9fff]", op["summary"]) and re.search(r"[\u4e00-\u9fff]", op["description"])
            assert all(re.search(r"[\u4e00-\u9fff]", r["description"]) for r in op["responses"].values()), (path, method)
            assert op.get("security") == [{"TokenAuth": []}], f"{method} {path} 未要求令牌"


def test_the_interactive_docs_are_served_from_the_app(db):
    page = Client().get(f"{API}/docs")
    assert page.status_code == 200
    html = page.content.decode()
    scripts = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert scripts and not [s for s in scripts if s.startswith(("http:", "https:", "//"))], scripts
    bundle = next(s for s in scripts if s.endswith("swagger-ui-bundle.js"))
    assert Client().get(bundle).status_code == 200
