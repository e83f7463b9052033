"""Publication (公开): who may publish and withdraw, what the public pages show (and never show), the
machine-readable downloads against the committed schema, reopening withdraws, and 404 for everything
not currently published.

Most tests publish through the service without the PDF (LibreOffice takes seconds); the tests of the
PDF and of the publish button render it for real.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from decimal import Decimal

import pytest
from django.test import Client

from jixiao import editing
from jixiao.web.evaluations import services as workflow
from jixiao.web.evaluations.models import Attachment, Comment
from jixiao.web.publication import services
from jixiao.web.publication.models import Publication
from jixiao.web.publication.report import CSV_HEADER

from .conftest import ROOT, justify_all, need

SCHEMA = ROOT / "schema" / "public-report.schema.json"
PUBLIC = ("public_report", "public_report_pdf", "public_report_csv", "public_report_json")


def approve(world, record):  # noqa: ANN001, ANN201
    """Submit as the unit's leader and approve as the bureau's reviewer."""
    leader = {world.unit_a.pk: world.anna, world.unit_b.pk: world.bella}.get(record.unit_id)
    staff = world.rita if record.bureau_id == world.bureau.pk else world.cora
    if leader is None:  # unit C has no leader persona: make one
        from .conftest import _person
        leader = _person("cleo", "Cleo 负责人", "leader", world.other_bureau, world.unit_c)
    workflow.submit(record, leader, record.version, "", justify_all(record))
    workflow.approve(record, staff, "同意")
    record.refresh_from_db()
    return record


def publish(world, record, pdf: bool = False) -> Publication:  # noqa: ANN001
    approve(world, record)
    staff = world.rita if record.bureau_id == world.bureau.pk else world.cora
    return services.publish(record, staff, pdf=pdf)


def urls(pk: int) -> list[str]:
    from django.urls import reverse

    return [reverse(name, args=[pk]) for name in PUBLIC]


def need_libreoffice() -> None:
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        need("libreoffice", "apt-get install libreoffice-writer（生成 PDF）")


# ---------------------------------------------------------------- who may publish


def test_it_publishes_through_the_button_and_serves_the_pdf(world, client_for):
    need_libreoffice()
    record = approve(world, world.eval_a)
    client = client_for(world.rita)
    review = client.get(f"/evaluations/{record.pk}/review/").content.decode()
    assert 'id="publish-button"' in review
    response = client.post(f"/evaluations/{record.pk}/publish/")
    assert response.status_code == 302 and response["Location"] == f"/evaluations/{record.pk}/publication/"
    p = Publication.objects.get(evaluation=record)
    assert p.current and p.version == record.version and p.document == record.document
    assert p.published_by == world.rita
    anonymous = Client()
    pdf = anonymous.get(f"/public/reports/{record.pk}/report.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    body = b"".join(pdf.streaming_content) if pdf.streaming else pdf.content
    assert body.startswith(b"%PDF") and len(body) == len(bytes(p.pdf))
    assert "attachment" in pdf["Content-Disposition"]
    page = client.get(f"/evaluations/{record.pk}/review/").content.decode()
    assert 'id="public-link"' in page and 'id="publish-button"' not in page


@pytest.mark.parametrize("who, status", [("alice", 403), ("anna", 403), ("bob", 404), ("cora", 404)])
def test_only_the_bureaus_staff_may_publish_or_withdraw(world, client_for, who, status):
    record = approve(world, world.eval_a)
    client = client_for(getattr(world, who))
    assert client.post(f"/evaluations/{record.pk}/publish/").status_code == status
    assert not Publication.objects.exists()
    services.publish(record, world.rita, pdf=False)
    assert client.post(f"/evaluations/{record.pk}/withdraw/", {"reason": "试试"}).status_code == status
    assert Publication.objects.get().current


def test_an_evaluation_not_approved_cannot_be_published(world, client_for):
    response = client_for(world.adam).post(f"/evaluations/{world.eval_a.pk}/publish/")
    assert response.status_code == 403
    assert "审核通过后才能公开" in response.content.decode()
    with pytest.raises(workflow.ServiceError):
        services.publish(world.eval_a, world.adam, pdf=False)
    assert not Publication.objects.exists()


def test_publishing_twice_is_refused_and_get_is_not_allowed(world, client_for):
    p = publish(world, world.eval_a)
    with pytest.raises(workflow.ServiceError, match="已公开"):
        services.publish(world.eval_a, world.adam, pdf=False)
    assert client_for(world.rita).get(f"/evaluations/{world.eval_a.pk}/publish/").status_code == 405
    assert Publication.objects.filter(withdrawn_at__isnull=True).get() == p


def test_withdrawing_needs_a_reason_and_makes_every_public_url_404(world, client_for):
    record = world.eval_a
    publish(world, record)
    anonymous = Client()
    assert all(anonymous.get(u).status_code == 200 for u in urls(record.pk))
    client = client_for(world.adam)
    client.post(f"/evaluations/{record.pk}/withdraw/", {"reason": "  "})
    assert Publication.objects.get().current  # refused: no reason
    response = client.post(f"/evaluations/{record.pk}/withdraw/", {"reason": "数据待更正"}, follow=True)
    assert "已撤回" in response.content.decode()
    p = Publication.objects.get()
    assert not p.current and p.withdrawn_by == world.adam and p.withdraw_reason == "数据待更正"
    for u in urls(record.pk):
        assert anonymous.get(u).status_code == 404, u
    assert anonymous.get(f"/public/{record.year}/").status_code == 404
    history = client.get(f"/evaluations/{record.pk}/publication/").content.decode()
    assert "数据待更正" in history and "未公开" in history
    again = services.publish(record, world.rita, pdf=False)  # publishing again is a new publication
    assert again.pk != p.pk and anonymous.get(urls(record.pk)[0])["ETag"] == f'"p{again.pk}-html"'


def test_reopening_withdraws_the_publication(world, client_for):
    record = world.eval_a
    publish(world, record)
    response = client_for(world.adam).post(f"/evaluations/{record.pk}/reopen/", {"reason": "指标值填错"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == "returned"
    p = Publication.objects.get()
    assert not p.current and p.withdrawn_by == world.adam and "指标值填错" in p.withdraw_reason
    for u in urls(record.pk):
        assert Client().get(u).status_code == 404


def test_a_reopening_without_a_publication_still_works(world):
    record = approve(world, world.eval_a)
    workflow.reopen(record, world.adam, "再改改")
    record.refresh_from_db()
    assert record.status == "returned" and not Publication.objects.exists()


# ---------------------------------------------------------------- 404 with no hint


def test_unpublished_withdrawn_unknown_and_never_approved_are_the_same_404(world, client_for):
    draft = world.eval_a                              # never approved
    approved = approve(world, world.eval_b)           # approved, not published
    withdrawn = publish(world, world.eval_c)
    services.withdraw(world.eval_c, world.cora, "撤回")
    unknown = max(world.eval_a.pk, world.eval_b.pk, world.eval_c.pk) + 1000
    bodies = set()
    anonymous = Client()
    for client in (anonymous, client_for(world.rita)):
        for pk in (draft.pk, approved.pk, withdrawn.evaluation_id, unknown):
            for u in urls(pk):
                for method in ("get", "post", "head"):
                    response = getattr(client, method)(u)
                    assert response.status_code == 404, (method, u)
                    if method == "get" and client is anonymous:
                        bodies.add(response.content)
    assert len(bodies) == 1  # the same page whatever the reason
    body = bodies.pop().decode()
    for record in (world.eval_a, world.eval_b, world.eval_c):
        assert record.title not in body
    assert Client().get("/public/2021/").status_code == 404
    assert Client().get("/public/1999/").status_code == 404


# ---------------------------------------------------------------- what the public sees


def test_the_public_list_is_by_bureau_year_and_department(world):
    for record in (world.eval_a, world.eval_b, world.eval_c):
        publish(world, record)
    anonymous = Client()
    index = anonymous.get("/public/").content.decode()
    assert world.bureau.name in index and world.other_bureau.name in index
    assert f"/public/2021/?bureau={world.bureau.pk}" in index
    page = anonymous.get("/public/2021/").content.decode()
    for record in (world.eval_a, world.eval_b, world.eval_c):
        assert f"/public/reports/{record.pk}/" in page and record.department.name in page
    assert page.index("金水区城市管理局") < page.index("金水区委办公室")  # by department code: 003 before 004
    one = anonymous.get(f"/public/2021/?bureau={world.other_bureau.pk}").content.decode()
    assert world.unit_c.name in one and world.unit_a.name not in one
    assert anonymous.post("/public/2021/").status_code == 405
    assert anonymous.get("/public/2020/").status_code == 404


def test_the_report_page_shows_the_report_from_the_snapshot(world):
    record = world.eval_c
    p = publish(world, record)
    page = Client().get(f"/public/reports/{record.pk}/").content.decode()
    assert p.data["title"] in page and "项目绩效自评表" in page and "一、概述" in page
    assert 'id="public-total">95.58<' in page and 'id="public-grade">优<' in page
    assert "rowspan=" in page and "<figure>" in page  # the merged cells and the category chart
    # The snapshot is frozen: a later change of the stored document does not change the public page.
    from jixiao.web.evaluations.models import Evaluation
    Evaluation.objects.filter(pk=record.pk).update(title="改过的名称", document={"kind": "project"})
    assert Client().get(f"/public/reports/{record.pk}/").content.decode() == page


def test_public_pages_never_show_working_data(world, client_for):
    record = approve(world, world.eval_a)
    Comment.objects.create(evaluation=record, field="budget.executed", label="预算执行数", text="审核意见：核对执行数XYZ",
                           author=world.rita)
    workflow.attach(record, Attachment.EVIDENCE, "indicators[0].children[0].children[0]", "证明材料-机密.pdf",
                    b"%PDF-1.4 evidence", "application/pdf", world.alice)
    services.publish(record, world.rita, pdf=False)
    findings = editing.analyse(record.document).to_json()["findings"]
    assert findings, "the example has findings to hide"
    anonymous = Client()
    for u in urls(record.pk)[:1] + urls(record.pk)[2:] + ["/public/", "/public/2021/"]:
        body = anonymous.get(u).content.decode("utf-8-sig")
        for secret in ("Rita", "Alice", "Anna", "审核意见", "XYZ", "证明材料-机密", "provenance", "测试：按原报告提交",
                       "同意", "草稿"):
            assert secret not in body, (u, secret)
        for f in findings:
            assert f["message"] not in body, (u, f["code"])


def test_html_in_the_document_is_escaped(world):
    data = dict(world.eval_a.document)
    data["narrative"] = [{"number": "一", "title": "基本情况", "text": "<script>alert('x')</script>保障运转"}]
    saved = workflow.save(world.eval_a.pk, data, world.eval_a.version, world.alice)
    assert saved.outcome == "saved"
    world.eval_a.refresh_from_db()
    publish(world, world.eval_a)
    page = Client().get(f"/public/reports/{world.eval_a.pk}/").content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page


def test_public_pages_are_cacheable_and_touch_no_session(world, client_for, django_assert_max_num_queries):
    from django.contrib.sessions.models import Session

    record = world.eval_a
    p = publish(world, record)
    client = client_for(world.bob)  # a logged-in person reads the same bytes as anybody
    sessions = list(Session.objects.values_list("session_key", "expire_date"))
    with django_assert_max_num_queries(2):
        response = client.get(f"/public/reports/{record.pk}/")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    assert "Cookie" not in response.get("Vary", "") and not response.cookies
    assert "Bob" not in response.content.decode()
    assert response.content == Client().get(f"/public/reports/{record.pk}/").content
    assert list(Session.objects.values_list("session_key", "expire_date")) == sessions
    etag = response["ETag"]
    assert etag == f'"p{p.pk}-html"'
    with django_assert_max_num_queries(1):
        again = Client().get(f"/public/reports/{record.pk}/", headers={"If-None-Match": etag})
    assert again.status_code == 304
    for u in ("/public/", "/public/2021/", urls(record.pk)[2], urls(record.pk)[3]):
        r = client.get(u)
        assert r.status_code == 200 and "public" in r["Cache-Control"] and not r.cookies, u


# ---------------------------------------------------------------- machine-readable data


def test_the_json_validates_against_the_committed_schema(world):
    from jsonschema import Draft202012Validator, FormatChecker

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    for record in (world.eval_a, world.eval_c):  # a department and a project evaluation
        publish(world, record)
        response = Client().get(f"/public/reports/{record.pk}/report.json")
        assert response["Content-Type"].startswith("application/json")
        data = json.loads(response.content)
        errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
        assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
        assert data["evaluation_id"] == record.pk and data["version"] == record.version
        assert Decimal(data["total"]) == record.total and data["grade"] == record.grade
    broken = dict(data, total=95.58)  # a float total is refused by the schema: figures are exact strings
    assert list(validator.iter_errors(broken))


def test_the_schema_is_served_as_committed():
    response = Client().get("/public/schema/public-report.schema.json")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/schema+json")
    assert response.content == SCHEMA.read_bytes()
    schema = json.loads(response.content)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert all("description" in schema["properties"][k] for k in schema["properties"])


def _csv(client: Client, pk: int) -> list[list[str]]:
    response = client.get(f"/public/reports/{pk}/scores.csv")
    assert response["Content-Type"].startswith("text/csv") and response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_rows_are_the_scoring_table(world):
    record = world.eval_c
    publish(world, record)
    rows = _csv(Client(), record.pk)
    assert tuple(rows[0]) == CSV_HEADER
    analysis = editing.analyse(record.document)
    card, e = analysis.card, analysis.settled
    budget = next(c for c in card.categories if c.key == "budget_execution")
    assert rows[1][1] == budget.name and rows[1][3] == "预算执行率"
    assert Decimal(rows[1][7]) == budget.weight and Decimal(rows[1][8]) == budget.computed
    met = {i.path: i.met for i in card.indicators}
    leaves = list(e.leaves())
    assert len(rows) == 2 + len(leaves)
    for row, leaf in zip(rows[2:], leaves, strict=True):
        i = leaf.indicator
        assert row[1:4] == [leaf.level1, leaf.level2, i.name]
        assert row[4] == (i.target.raw or "") and row[6] == (i.actual.raw or "")
        assert (Decimal(row[7]) if row[7] else None) == i.weight
        assert (Decimal(row[8]) if row[8] else None) == i.score
        assert row[9] == {True: "是", False: "否", None: ""}[met[leaf.path]]
    scored = [Decimal(r[8]) for r in rows[1:] if r[8]]
    assert sum(scored) == card.total  # the table adds up to the published total (95.58)


def test_a_csv_cell_that_looks_like_a_formula_is_neutralised(world):
    data = json.loads(json.dumps(world.eval_a.document))
    leaf = data["indicators"][0]["children"][0]["children"][0]
    leaf["deviation"] = "=HYPERLINK(\"http://x\")"
    assert workflow.save(world.eval_a.pk, data, world.eval_a.version, world.alice).outcome == "saved"
    world.eval_a.refresh_from_db()
    publish(world, world.eval_a)
    rows = _csv(Client(), world.eval_a.pk)
    assert any(r[10] == "'=HYPERLINK(\"http://x\")" for r in rows)

