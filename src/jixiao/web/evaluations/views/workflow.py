"""The workflow: submit (with justifications for errors), the review page, return, approve, reopen."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ... import access
from ...access import Action
from ..models import HEAVY, Evaluation
from ..services import ServiceError, approve as approve_record, errors_of, previous_justifications
from ..services import reopen as reopen_record
from ..services import return_for_revision, submit as submit_record
from .common import post_only_page
from .pages import editor_context


@login_required
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm and submit: every ``error`` finding left needs a written justification."""
    record = access.evaluation_for(request, pk, Action.SUBMIT, load=("document",))
    errors = errors_of(record)
    problem = ""
    earlier = previous_justifications(record)  # by the finding's identity: survives a reworded message
    for f in errors:
        f["given"] = earlier.get(f["key"], "")
    if request.method == "POST":
        given = {f["key"]: request.POST.get(f"justify-{f['key']}", "") for f in errors}
        try:
            version = int(request.POST.get("version", ""))
            submit_record(record, request.user, version, request.POST.get("reason", ""), given)
        except ValueError:
            problem = "缺少版本号，请刷新页面后再提交"
        except ServiceError as exc:
            problem = str(exc)
        else:
            messages.success(request, "已提交，等待财政局审核")
            return redirect("editor", pk=pk)
        for f in errors:
            f["given"] = given.get(f["key"], "")
    return render(request, "jixiao/submit.html", {"record": record, "errors": errors, "problem": problem},
                  status=400 if problem else 200)


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """The review page: the figures with the findings beside them, the difference to the last submission,
    field comments and the return / approve forms."""
    record = access.evaluation_for(request, pk, Action.REVIEW, load=HEAVY)
    context = editor_context(request, record, "review" if access.decide(request.user, Action.RETURN, record) else "view")
    return render(request, "jixiao/review.html", context)


def _comments(request: HttpRequest) -> list[dict[str, str]]:
    try:
        data = json.loads(request.POST.get("comments") or "[]")
    except json.JSONDecodeError:
        return []
    return [{"field": str(c.get("field") or ""), "text": str(c.get("text") or "")}
            for c in data if isinstance(c, dict)] if isinstance(data, list) else []


def _decide(request: HttpRequest, pk: int, action: Action, run: Callable[[Evaluation, str], object], done: str,
            then: str, failed: str) -> HttpResponse:
    """A reviewer's or administrator's decision: access first, POST only, then ``run`` with the reason."""
    record = access.evaluation_for(request, pk, action, load=("document",))
    if (refused := post_only_page(request)) is not None:
        return refused
    try:
        run(record, request.POST.get("reason", ""))
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect(failed, pk=pk)
    messages.success(request, done.format(title=record.title))
    return redirect(then, pk=pk) if then != "queue" else redirect(then)


@login_required
def return_(request: HttpRequest, pk: int) -> HttpResponse:
    comments = _comments(request)
    return _decide(request, pk, Action.RETURN,
                   lambda record, reason: return_for_revision(record, request.user, reason, comments),
                   "已退回「{title}」，单位将看到您的意见", "queue", "review")


@login_required
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, Action.APPROVE, lambda record, reason: approve_record(record, request.user, reason),
                   "「{title}」已审核通过", "queue", "review")


@login_required
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, Action.REOPEN, lambda record, reason: reopen_record(record, request.user, reason),
                   "已重新打开「{title}」，单位可以修改后重新提交", "editor", "editor")
