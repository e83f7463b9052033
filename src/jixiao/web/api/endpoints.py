"""The open API, ``/api/v1/`` (OpenAPI 3 at ``/api/v1/openapi.json``, interactive docs at ``/api/v1/docs``).

A thin shell, like the pages: a token names a person (:mod:`.auth`), and from there every
decision is :mod:`jixiao.web.access`'s — :func:`access.evaluation_for` for an evaluation
(another unit's is 404, a refused action 403 with the reason), :func:`access.visible` for
lists, :func:`access.units_for` for where one may create. What the pages do to evaluations
is done by the same services (:mod:`..evaluations.services`) and the core
(:func:`jixiao.editing.analyse`, the writers).
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any, Literal

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import File, Form, NinjaAPI, Path, Query, Schema
from ninja import Status as Reply
from ninja import Field as F
from ninja.files import UploadedFile

from jixiao import editing, rulesets

from .. import access
from ..access import Action
from ..evaluations import services
from ..evaluations.models import HEAVY, Evaluation, Status, display_name
from ..evaluations.services import ServiceError
from ..evaluations.views import editing as editing_views
from . import schemas as s
from .auth import TokenAuth
from .errors import ApiError, StrictJsonParser, install

DESCRIPTION = """\
绩效（Jixiao）预算绩效自评平台的开放接口。

**认证**：每个请求带上个人的接口令牌：`Authorization: Bearer jx_…`。令牌在网页“接口令牌”
（/accounts/tokens/）创建，或由管理员运行 `python -m jixiao.web create_api_token <登录名>`。
接口以令牌所属人员的身份和权限操作，与网页完全相同：单位人员只能看到、修改本单位的自评，
财政局人员只能看到本局的自评；别人的自评一律返回 404，不允许的操作返回 403 并说明原因。

**数字**：金额（万元）、得分、比率一律是小数字符串（如 `"1125.54"`），不是 JSON 浮点数。

**错误**：一律为 JSON `{"detail": "中文说明", …}`：401 令牌缺失或无效、403 无权（附原因）、
404 不存在、409 冲突（他人已保存、重复创建、状态不允许）、413 请求过大、
422 参数类型或范围错误（`errors` 逐项指明参数）、400 文档无效（`problems` 逐项指明字段）。
"""

RESPONSES = {"200": "成功", "201": "已创建", "400": "文档或请求内容无效（逐项说明）", "401": "令牌缺失、无效、已吊销或已过期，或账号已停用",
             "403": "无权执行此操作（附原因和可联系的人）", "404": "不存在，或不是您可以查看的自评",
             "409": "冲突：他人已保存、重复创建或当前状态不允许", "413": "请求内容过大",
             "422": "参数类型或范围错误（errors 逐项指明参数）", "503": "暂时无法生成文件（如 PDF 转换不可用）"}


class JixiaoApi(NinjaAPI):
    """The API object, with operation ids that are the operations' names (``list_evaluations``) and the
    responses described in Chinese."""

    def get_openapi_operation_id(self, operation: Any) -> str:
        return operation.view_func.__name__

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for methods in schema["paths"].values():
            for operation in methods.values():
                for code, response in operation.get("responses", {}).items():
                    if str(code) in RESPONSES and not response.get("description", "").startswith("文件"):
                        response["description"] = RESPONSES[str(code)]
        schemes = schema.get("components", {}).get("securitySchemes", {})
        if "TokenAuth" in schemes:
            schemes["TokenAuth"]["description"] = "个人接口令牌：Authorization: Bearer jx_…（在“接口令牌”页面创建）"
        return schema


api = JixiaoApi(title="绩效（Jixiao）开放接口", version="1", description=DESCRIPTION, auth=TokenAuth(),
               urls_namespace="api-v1", parser=StrictJsonParser(), openapi_url="/openapi.json", docs_url="/docs")
install(api)

ID = Path(..., ge=1, le=2**62, description="自评编号")
ERRORS = {401: s.Error, 403: s.Error, 404: s.Error}
UNIT_ONLY = "只有预算单位的填报人和负责人可以新建自评"


# ----------------------------------------------------------------- helpers

def _dec(value: Decimal | None) -> str | None:
    """A score or rate as an exact string, as stored (two places: ``95.58``, ``100.00``), as the scorecard writes it."""
    return None if value is None else format(value, "f")


def _money(value: Decimal | None) -> str | None:
    """An amount (万元, stored to six places) as an exact string without trailing zeros (``1125.540000`` → ``1125.54``)."""
    if value is None:
        return None
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


SUMMARY_FIELDS = ("pk", "title", "kind", "year", "status", "version", "department_id", "department__name", "unit_id",
                  "unit__name", "total", "grade", "errors", "warnings", "infos", "budget", "executed",
                  "execution_rate", "ruleset", "submitted_at", "updated_at")
_STATUSES = dict(Status.choices)


def _summary_row(r: dict[str, Any]) -> dict[str, Any]:
    """A list row (``values(*SUMMARY_FIELDS)``: no JSON column read) as the API shows it."""
    return {"id": r["pk"], "title": r["title"], "kind": r["kind"], "year": r["year"], "status": r["status"],
            "status_label": _STATUSES.get(r["status"], r["status"]), "version": r["version"],
            "department": {"id": r["department_id"], "name": r["department__name"]},
            "unit": {"id": r["unit_id"], "name": r["unit__name"]}, "total": _dec(r["total"]), "grade": r["grade"],
            "errors": r["errors"], "warnings": r["warnings"], "infos": r["infos"], "budget": _money(r["budget"]),
            "executed": _money(r["executed"]), "execution_rate": _dec(r["execution_rate"]), "ruleset": r["ruleset"],
            "submitted_at": r["submitted_at"], "updated_at": r["updated_at"]}


def _summary(e: Evaluation) -> dict[str, Any]:
    row = {f: getattr(e, f) for f in SUMMARY_FIELDS if "__" not in f}
    row["department__name"], row["unit__name"] = e.department.name, e.unit.name
    return _summary_row(row)


def _fresh(pk: int) -> Evaluation:
    return Evaluation.objects.select_related("unit", "department").defer(*HEAVY).get(pk=pk)


def _findings(analysis: dict[str, Any]) -> list[dict[str, Any]]:
    """The findings of an analysis; each error with the key its justification is given under on submission."""
    return [f | {"key": services.error_key(f)} if f["severity"] == "error" else f
            for f in analysis.get("findings") or []]


def _stored_analysis(record: Evaluation) -> dict[str, Any]:
    """The analysis kept with the evaluation (computed now when it was stored before analyses were kept)."""
    return record.analysis if record.analysis is not None else editing.analyse(record.document).to_json()


def _ruleset_ids() -> set[str]:
    return {r.id for r in rulesets.available()}


def _checked_document(document: dict[str, Any]) -> dict[str, Any]:
    """A posted document, refused (400) when it could not be stored or names something not offered.

    The rule set must be one of the platform's by id (the core also loads rule set *files* by
    path, which a posted document must not reach); text must be storable (no NUL, no lone
    surrogate: PostgreSQL refuses both).
    """
    ruleset = document.get("ruleset")
    if isinstance(ruleset, str) and ruleset not in (ids := _ruleset_ids()):
        raise ApiError(400, f"文档无效：评分规则「{str(ruleset)[:80]}」不存在，可用：{'、'.join(sorted(ids))}",
                       problems=[{"path": "ruleset", "label": "评分规则", "message": "没有这个评分规则",
                                  "expected": "、".join(sorted(ids))}])
    stack: list[Any] = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            if "\x00" in item:
                raise ApiError(400, "文档无效：含有 NUL 字符（\\u0000），请删除后再提交", problems=[])
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise ApiError(400, "文档无效：含有无法编码的字符（孤立的 UTF-16 代理项）", problems=[]) from None
    return document


def _invalid(analysis: editing.Analysis, message: str = "文档无效") -> ApiError:
    problems = analysis.to_json()["problems"]
    first = "；".join(f"{p['label'] or p['path']}：{p['message']}" for p in problems[:3])
    return ApiError(400, f"{message}：{first}" if first else message, problems=problems)


def _analysed(document: dict[str, Any], stored: bool = False) -> editing.Analysis:
    """``stored``: the document becomes an evaluation, which needs its year and unit (a check does not)."""
    analysis = editing.analyse(_checked_document(document), stored=stored)
    if not analysis.ok:
        raise _invalid(analysis)
    return analysis


# ----------------------------------------------------------------- who am I

@api.get("/me", response={200: s.Me, 401: s.Error}, tags=["账号"], summary="当前令牌代表的人员",
         description="令牌所属人员的登录名、姓名、角色、财政局和单位：脚本可先调用它确认令牌有效。")
def me(request: HttpRequest) -> dict[str, Any]:
    m = access.membership(request.user)
    return {"username": request.user.get_username(), "name": display_name(request.user),
            "role": m.role if m else None,
            "bureau": {"id": m.bureau_id, "name": m.bureau.name} if m else None,
            "unit": {"id": m.unit_id, "name": m.unit.name} if m and m.unit_id else None,
            "token": request.auth.name}


# ----------------------------------------------------------------- import, create, update
# (``evaluations/import`` before ``evaluations/{id}``: the first pattern that matches a URL wins)

def _unit_for_create(request: HttpRequest, unit_id: int | None):  # noqa: ANN202 - orgs.models.Unit
    units = access.units_for(request.user).select_related("department__bureau")
    unit = units.first()
    if unit is None:
        raise ApiError(403, UNIT_ONLY)
    if unit_id is not None and unit_id != unit.pk:
        raise ApiError(404, "没有找到该预算单位：只能在本单位新建自评")
    return unit


def _store(request: HttpRequest, unit, analysis: editing.Analysis, note: str,  # noqa: ANN001
           source: tuple[str, bytes, str] | None = None) -> Evaluation:
    """Create from an analysed document; a second evaluation of the same unit/project and year is 409."""
    doc = editing.document_json(analysis.evaluation)  # as declared (services.create stores the declaration)
    try:
        record, _ = services.create(unit, doc, request.user, note, source=source)
    except ServiceError as exc:
        raise ApiError(409, str(exc)) from None
    return record


@api.post("/evaluations/import", response={201: s.Imported, **ERRORS, 400: s.Error, 409: s.Error, 413: s.Error,
                                           422: s.BadRequest},
          tags=["自评"], summary="导入文件新建自评",
          description="上传一份自评报告或自评表（.docx、.xlsx、.pdf、文本、YAML/JSON，不超过 20 MB），读取后在本单位新建自评；"
          "原文件作为“导入的原始文件”附件保存。无法读取时 400，说明文件哪里有问题。")
def import_evaluation(request: HttpRequest, file: File[UploadedFile],
                      unit: int | None = Form(None, ge=1, le=2**62, description="预算单位编号；省略时为本人所在单位"),
                      year: int | None = Form(None, ge=2000, le=2100,
                                              description="评价年度：文件中没有写明年度时必填（写明时以文件为准）"),
                      ) -> Reply:
    target = _unit_for_create(request, unit)
    name = (file.name or "未命名").replace("\x00", "")
    if file.size > settings.JIXIAO_MAX_UPLOAD:
        raise ApiError(413, f"文件「{name}」过大（{file.size} 字节），上限为 20 MB")
    try:
        record, _, notes = services.import_report(target, name, file.read(), file.content_type or "", request.user,
                                                  year=year)
    except (services.Unreadable, services.Invalid, services.Incomplete) as exc:
        raise ApiError(400, str(exc)) from None
    except ServiceError as exc:  # already exists
        raise ApiError(409, str(exc)) from None
    return Reply(201, _summary(_fresh(record.pk)) | {"notes": notes})


@api.post("/evaluations", response={201: s.Saved, **ERRORS, 400: s.Invalid, 409: s.Error, 413: s.Error,
                                    422: s.BadRequest},
          tags=["自评"], summary="新建自评",
          description="以文档 JSON 在本单位新建一份自评（第1版）。只有预算单位的填报人和负责人可以新建；"
          "同一单位同一年度只能有一份部门整体支出自评，同一项目同一年度只能有一份项目支出自评（重复时 409）。")
def create_evaluation(request: HttpRequest, body: s.CreateIn) -> Reply:
    unit = _unit_for_create(request, body.unit)
    analysis = _analysed(body.document, stored=True)
    record = _store(request, unit, analysis, body.note or "通过开放接口新建")
    return Reply(201, _summary(_fresh(record.pk)) | {"unchanged": False, "changes": analysis.to_json()["changes"]})


@api.put("/evaluations/{id}", response={200: s.Saved, **ERRORS, 400: s.Invalid, 409: s.Conflict, 413: s.Error,
                                        422: s.BadRequest},
         tags=["自评"], summary="修改自评（保存新版本）",
         description="保存文档为新版本。须回传读取时的 `version`：期间他人已保存则 409，返回谁在何时保存、改了哪些字段，"
         "您的修改不会覆盖对方。已提交或已通过的自评不能修改（403，附原因）。内容与当前版本相同时不产生新版本。")
def update_evaluation(request: HttpRequest, body: s.UpdateIn, id: int = ID) -> dict[str, Any]:  # noqa: A002
    access.evaluation_for(request, id, Action.EDIT)
    result = services.save(id, _checked_document(body.document), body.version, request.user,
                           body.note or "通过开放接口保存")
    if result.outcome == "invalid":
        raise _invalid(result.analysis, result.message)
    if result.outcome == "refused":
        raise ApiError(403, result.message)
    record = result.evaluation
    if result.outcome == "conflict":
        raise ApiError(409, result.message, current_version=record.version, saved_by=result.saved_by,
                       saved_at=timezone.localtime(record.updated_at).isoformat(timespec="seconds"),
                       changes=[c.to_json() for c in result.changes])
    return _summary(_fresh(id)) | {"unchanged": result.outcome == "unchanged",
                                   "changes": result.analysis.to_json()["changes"]}


# ----------------------------------------------------------------- list, read

Sort = Literal["id", "-id", "year", "-year", "total", "-total", "updated", "-updated", "title", "-title",
               "submitted", "-submitted"]
SORTS = {"id": ("pk",), "year": ("year", "pk"), "total": ("total", "pk"), "updated": ("updated_at", "pk"),
         "title": ("title", "pk"), "submitted": ("submitted_at", "pk")}


class Filters(Schema):
    year: int | None = F(None, ge=1900, le=2200, description="评价年度")
    kind: s.KindName | None = F(None, description="类型：department 部门整体支出，project 项目支出")
    status: s.StatusName | None = F(None, description="状态")
    department: int | None = F(None, ge=1, le=2**62, description="主管部门编号")
    unit: int | None = F(None, ge=1, le=2**62, description="预算单位编号")
    grade: s.GradeName | None = F(None, description="等级")
    min_score: Decimal | None = F(None, ge=0, le=1000, max_digits=7, decimal_places=2, description="最低得分（含）")
    max_score: Decimal | None = F(None, ge=0, le=1000, max_digits=7, decimal_places=2, description="最高得分（含）")
    q: str | None = F(None, max_length=100, description="名称或单位名称中包含的文字")
    sort: Sort = F("-id", description="排序：字段名前加 - 为倒序")
    page: int = F(1, ge=1, le=1_000_000, description="页码，从 1 开始")
    page_size: int = F(50, ge=1, le=200, description="每页条数（最多 200）")


@api.get("/evaluations", response={200: s.EvaluationPage, **ERRORS, 422: s.BadRequest}, tags=["自评"],
         summary="自评列表", description="本人可见的自评（单位人员：本单位；财政局人员：本局），可按年度、类型、状态、"
         "主管部门、单位、等级、得分范围和名称筛选，分页返回并给出总数。不返回文档内容（见“读取一份自评”）。")
def list_evaluations(request: HttpRequest, filters: Query[Filters]) -> dict[str, Any]:
    qs = access.visible(request.user)
    f = filters
    for name, value in (("year", f.year), ("kind", f.kind), ("status", f.status), ("department_id", f.department),
                        ("unit_id", f.unit), ("grade", f.grade)):
        if value is not None:
            qs = qs.filter(**{name: value})
    if f.min_score is not None:
        qs = qs.filter(total__gte=f.min_score)
    if f.max_score is not None:
        qs = qs.filter(total__lte=f.max_score)
    q = (f.q or "").replace("\x00", "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(unit__name__icontains=q))
    count = qs.count()
    fields = SORTS[f.sort.lstrip("-")]
    order = [("-" + x) for x in fields] if f.sort.startswith("-") else list(fields)
    start = (f.page - 1) * f.page_size
    rows = qs.order_by(*order).values(*SUMMARY_FIELDS)[start:start + f.page_size] if start < count else []
    return {"count": count, "page": f.page, "page_size": f.page_size, "pages": math.ceil(count / f.page_size),
            "items": [_summary_row(r) for r in rows]}


@api.get("/evaluations/{id}", response={200: s.EvaluationDetail, **ERRORS, 422: s.BadRequest}, tags=["自评"],
         summary="读取一份自评", description="摘要、当前版本的文档（已按数据计算全部派生数字）、得分和审核发现。")
def read_evaluation(request: HttpRequest, id: int = ID) -> dict[str, Any]:  # noqa: A002 - the schema's name
    record = access.evaluation_for(request, id, Action.VIEW, load=HEAVY)
    analysis = _stored_analysis(record)
    return _summary(record) | {"document": record.document, "score": analysis.get("score"),
                               "counts": analysis.get("counts") or {"error": 0, "warning": 0, "info": 0},
                               "findings": _findings(analysis)}


# ----------------------------------------------------------------- score, check

def _score_result(analysis: dict[str, Any]) -> dict[str, Any]:
    return {"score": analysis["score"], "changes": analysis.get("changes") or []}


def _check_result(analysis: dict[str, Any]) -> dict[str, Any]:
    return {"counts": analysis["counts"], "findings": _findings(analysis)}


def _stored_ok(record: Evaluation) -> dict[str, Any]:
    analysis = _stored_analysis(record)
    if not analysis.get("ok"):
        raise ApiError(409, "保存的文档按当前评分规则无法计算，请在编辑器中修正")
    return analysis


@api.get("/evaluations/{id}/score", response={200: s.ScoreResult, **ERRORS, 409: s.Error, 422: s.BadRequest},
         tags=["评分与审核"], summary="一份自评的得分",
         description="按评分规则计算的总分、等级、各类得分和每一处失分的原因（当前版本）。")
def score_evaluation(request: HttpRequest, id: int = ID) -> dict[str, Any]:  # noqa: A002
    record = access.evaluation_for(request, id, Action.VIEW, load=HEAVY)
    return _score_result(_stored_ok(record))


@api.get("/evaluations/{id}/check", response={200: s.CheckResult, **ERRORS, 409: s.Error, 422: s.BadRequest},
         tags=["评分与审核"], summary="一份自评的审核发现",
         description="当前版本的全部审核发现（错误、警告、提示），每条有代码、字段位置、应为与实为。")
def check_evaluation(request: HttpRequest, id: int = ID) -> dict[str, Any]:  # noqa: A002
    record = access.evaluation_for(request, id, Action.VIEW, load=HEAVY)
    return _check_result(_stored_ok(record))


@api.post("/score", response={200: s.ScoreResult, 400: s.Invalid, 401: s.Error, 413: s.Error, 422: s.BadRequest},
          tags=["评分与审核"], summary="为提交的文档评分（不保存）",
          description="按文档所述（或默认）的评分规则计算得分，不保存任何内容。文档无效时 400，逐项指明字段。")
def score_document(request: HttpRequest, body: s.DocumentIn) -> dict[str, Any]:
    return _score_result(_analysed(body.document).to_json())


@api.post("/check", response={200: s.CheckResult, 400: s.Invalid, 401: s.Error, 413: s.Error, 422: s.BadRequest},
          tags=["评分与审核"], summary="审核提交的文档（不保存）",
          description="对文档运行全部审核规则，返回审核发现，不保存任何内容。文档无效时 400，逐项指明字段。")
def check_document(request: HttpRequest, body: s.DocumentIn) -> dict[str, Any]:
    return _check_result(_analysed(body.document).to_json())


# ----------------------------------------------------------------- render

FILE_RESPONSE = {"description": "文件（Content-Disposition: attachment，文件名含年度、名称与版本）",
                 "content": {ct: {"schema": {"type": "string", "format": "binary"}}
                             for ct in editing_views.CONTENT_TYPES.values()}}


@api.get("/evaluations/{id}/render/{fmt}", response={**ERRORS, 409: s.Error, 422: s.BadRequest, 503: s.Error},
         tags=["自评"], summary="生成报告或自评表", openapi_extra={"responses": {"200": FILE_RESPONSE}},
         description="按官方格式生成当前版本的报告（docx、pdf）或自评表（xlsx），与网页上的下载相同。")
def render_evaluation(request: HttpRequest, fmt: s.FormatName = Path(..., description="格式：docx、xlsx、pdf"),
                      id: int = ID) -> HttpResponse:  # noqa: A002
    response = editing_views.download(request, pk=id, fmt=fmt)
    if response.status_code != 200:  # the page's plain-text failures, in the API's shape
        raise ApiError(response.status_code, response.content.decode("utf-8", "replace"))
    return response


# ----------------------------------------------------------------- workflow

def _moved(record_id: int) -> dict[str, Any]:
    e = Evaluation.objects.only("status", "version", "updated_at").get(pk=record_id)
    return {"status": e.status, "status_label": e.get_status_display(), "version": e.version, "at": e.updated_at}


WORKFLOW = {200: s.TransitionOut, **ERRORS, 400: s.Error, 409: s.Error, 422: s.BadRequest}


@api.post("/evaluations/{id}/submit", response=WORKFLOW, tags=["流程"], summary="提交（或重新提交）",
          description="单位负责人提交自评。须回传当前版本号（期间有人保存则 409）；每个错误须在 justifications 中写明理由，"
          "键为审核发现中错误的 key（缺少时 400，列出缺少的项）。截止日期、角色等不允许时 403，附原因。")
def submit_evaluation(request: HttpRequest, body: s.SubmitIn, id: int = ID) -> dict[str, Any]:  # noqa: A002
    record = access.evaluation_for(request, id, Action.SUBMIT, load=("document",))
    errors = services.errors_of(record)
    missing = [f for f in errors if not (body.justifications.get(f["key"]) or "").strip()]
    if missing:
        raise ApiError(400, f"还有{len(missing)}个错误没有说明：提交含错误的自评，须逐条写明理由（justifications 的键："
                            + "、".join(f["key"] for f in missing[:20]) + "）")
    try:
        services.submit(record, request.user, body.version, body.reason, body.justifications)
    except ServiceError as exc:
        raise ApiError(409, str(exc)) from None
    return _moved(id)


@api.post("/evaluations/{id}/return", response=WORKFLOW, tags=["流程"], summary="退回修改",
          description="财政局审核人退回已提交的自评，须写明理由或至少一条字段意见。")
def return_evaluation(request: HttpRequest, body: s.ReturnIn, id: int = ID) -> dict[str, Any]:  # noqa: A002
    record = access.evaluation_for(request, id, Action.RETURN, load=("document",))
    comments = [c.model_dump() for c in body.comments if c.text.strip()]
    if not body.reason.strip() and not comments:
        raise ApiError(400, "退回须写明理由（reason）或至少一条字段意见（comments）")
    try:
        services.return_for_revision(record, request.user, body.reason, comments)
    except ServiceError as exc:
        raise ApiError(409, str(exc)) from None
    return _moved(id)


@api.post("/evaluations/{id}/approve", response=WORKFLOW, tags=["流程"], summary="审核通过",
          description="财政局审核人通过已提交的自评。")
def approve_evaluation(request: HttpRequest, body: s.ReasonIn, id: int = ID) -> dict[str, Any]:  # noqa: A002
    record = access.evaluation_for(request, id, Action.APPROVE)
    try:
        services.approve(record, request.user, body.reason)
    except ServiceError as exc:
        raise ApiError(409, str(exc)) from None
    return _moved(id)


@api.post("/evaluations/{id}/reopen", response=WORKFLOW, tags=["流程"], summary="重新打开已通过的自评",
          description="财政局管理员重新打开已通过的自评（退回单位修改），须写明理由。")
def reopen_evaluation(request: HttpRequest, body: s.ReasonIn, id: int = ID) -> dict[str, Any]:  # noqa: A002
    record = access.evaluation_for(request, id, Action.REOPEN)
    if not body.reason.strip():
        raise ApiError(400, "重新打开须写明理由（reason）")
    try:
        services.reopen(record, request.user, body.reason)
    except ServiceError as exc:
        raise ApiError(409, str(exc)) from None
    return _moved(id)
