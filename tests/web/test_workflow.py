"""The workflow: draft → submitted → returned (with comments on fields) → resubmitted → approved; every
transition recorded; errors need justifications; deadlines; read-only when approved; the reviewer queue."""

from __future__ import annotations

import copy
import datetime as dt
import json

from jixiao.web.evaluations.models import Evaluation, Justification, Transition
from jixiao.web.orgs.models import Notice

from .conftest import justify_all


def test_the_whole_cycle(world, client_for):
    record = world.eval_a
    # Only the leader submits; an editor is told who can.
    page = client_for(world.alice).get(f"/evaluations/{record.pk}/submit/")
    assert page.status_code == 403 and "Anna" in page.content.decode()
    leader = client_for(world.anna)
    form = leader.get(f"/evaluations/{record.pk}/submit/").content.decode()
    assert "仍有" in form  # the example keeps errors in its text
    missing = leader.post(f"/evaluations/{record.pk}/submit/", {"version": 1})
    assert missing.status_code == 400 and "没有说明" in missing.content.decode()
    fields = {f"justify-{k}": v for k, v in justify_all(record).items()}
    assert leader.post(f"/evaluations/{record.pk}/submit/", {"version": 1, **fields}).status_code == 302
    record.refresh_from_db()
    assert record.status == "submitted" and record.submitted_version == 1
    assert Justification.objects.filter(transition__evaluation=record).count() == record.errors

    reviewer = client_for(world.rita)
    queue = reviewer.get("/review/").content.decode()
    assert record.title in queue
    review = reviewer.get(f"/evaluations/{record.pk}/review/").content.decode()
    assert "首次提交" in review and "退回修改" in review
    comments = [{"field": "budget.adjusted", "text": "调整预算数与正文不一致，请核实"}]
    assert reviewer.post(f"/evaluations/{record.pk}/return/", {"reason": "请修改", "comments": json.dumps(comments)}
                         ).status_code == 302
    record.refresh_from_db()
    assert record.status == "returned"
    [comment] = record.comments.all()
    assert comment.field == "budget.adjusted" and "全年（调整）预算数" in comment.label

    editor = client_for(world.alice)
    page = editor.get(f"/evaluations/{record.pk}/").content.decode()
    assert "调整预算数与正文不一致" in page  # the comment reaches the editor
    doc = copy.deepcopy(record.document)
    doc["budget"]["adjusted"] = "1209.35"
    assert editor.post(f"/evaluations/{record.pk}/save/", data=json.dumps({"document": doc, "version": 1}),
                       content_type="application/json").status_code == 200
    record.refresh_from_db()
    fields = {f"justify-{k}": v for k, v in justify_all(record).items()}
    assert client_for(world.anna).post(f"/evaluations/{record.pk}/submit/", {"version": 2, **fields}).status_code == 302
    record.refresh_from_db()
    assert record.status == "resubmitted" and record.previous_submitted_version == 1 and record.submitted_version == 2
    review = client_for(world.rita).get(f"/evaluations/{record.pk}/review/").content.decode()
    assert "与上次提交的差异：" in review and "首次提交" not in review and "1209.35" in review
    assert client_for(world.rita).post(f"/evaluations/{record.pk}/approve/", {"reason": "同意"}).status_code == 302
    record.refresh_from_db()
    assert record.status == "approved"
    steps = list(Transition.objects.filter(evaluation=record).values_list("from_status", "to_status", "actor__username"))
    assert steps == [("draft", "submitted", "anna"), ("submitted", "returned", "rita"),
                     ("returned", "resubmitted", "anna"), ("resubmitted", "approved", "rita")]
    # Approved is read-only; the administrator reopens it.
    assert client_for(world.rita).post(f"/evaluations/{record.pk}/reopen/", {"reason": "x"}).status_code == 403
    assert client_for(world.adam).post(f"/evaluations/{record.pk}/reopen/", {"reason": "补充材料"}).status_code == 302
    record.refresh_from_db()
    assert record.status == "returned"


def test_past_the_deadline_a_draft_cannot_be_submitted(world, client_for):
    Notice.objects.filter(bureau=world.bureau).update(deadline=dt.date(2022, 3, 31))
    response = client_for(world.anna).get(f"/evaluations/{world.eval_a.pk}/submit/")
    text = response.content.decode()
    assert response.status_code == 403 and "已过提交截止日期（2022年03月31日）" in text and "Adam" in text


def test_a_reviewer_cannot_edit_and_a_unit_cannot_review(world, client_for):
    doc = world.eval_a.document
    response = client_for(world.rita).post(f"/evaluations/{world.eval_a.pk}/save/",
                                           data=json.dumps({"document": doc, "version": 1}),
                                           content_type="application/json")
    assert response.status_code == 403 and "财政局人员不能修改" in response.json()["message"]
    assert client_for(world.alice).get(f"/evaluations/{world.eval_a.pk}/review/").status_code == 403
    assert client_for(world.alice).get("/review/").status_code == 403
    assert client_for(world.rita).post(f"/evaluations/{world.eval_a.pk}/approve/").status_code == 403


def test_a_submission_races_an_edit(world, client_for):
    """Submitting names the version the leader saw: a save in between makes the submission fail, not slip."""
    from jixiao.web.evaluations import services

    fields = {f"justify-{k}": v for k, v in justify_all(world.eval_a).items()}
    doc = copy.deepcopy(world.eval_a.document)
    doc["goals"]["target"] = "改过"
    assert services.save(world.eval_a.pk, doc, 1, world.alice).outcome == "saved"
    response = client_for(world.anna).post(f"/evaluations/{world.eval_a.pk}/submit/", {"version": 1, **fields})
    assert response.status_code == 400 and "第2版" in response.content.decode()
    assert Evaluation.objects.get(pk=world.eval_a.pk).status == "draft"


def test_queue_filters_and_sorts(world, client_for):
    from jixiao.web.evaluations import services

    for record, leader in ((world.eval_a, world.anna), (world.eval_b, world.bella)):
        services.submit(record, leader, record.version, "", justify_all(record))
    client = client_for(world.rita)
    both = client.get("/review/").content.decode()
    assert world.eval_a.title in both and world.eval_b.title in both and world.eval_c.title not in both
    one = client.get(f"/review/?department={world.eval_b.department_id}").content.decode()
    assert world.eval_b.title in one and world.eval_a.title not in one
    for sort in ("total", "-total", "errors", "-waiting", "grade", "department", "nonsense"):
        assert client.get(f"/review/?sort={sort}&findings=errors&min=abc&grade=优").status_code == 200
    graded = client.get("/review/?grade=差").content.decode()
    assert world.eval_a.title not in graded
