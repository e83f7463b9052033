"""The whole cycle in a real Chromium (Debian's ``chromium`` driven by Playwright, no browser download):
a unit editor imports seed 004's text, corrects one figure and sees the score and findings change; the
leader submits; the reviewer returns it with a comment on a field; the editor fixes it, the leader
resubmits; the reviewer approves; the .docx downloads.

``JIXIAO_SCREENSHOTS=DIR`` keeps screenshots of the editor and the review page (the README's images).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from .conftest import PASSWORD, ROOT, make_world

SEED_004 = ROOT.parent / "shared" / "seeds" / "004_52fd4d4ea27a25a3.txt"


def _report_text() -> tuple[str, bytes]:
    """Seed 004's text when the seeds are here; else example 004 drawn as the same official forms."""
    if SEED_004.exists():
        return "004.txt", SEED_004.read_bytes()
    from jixiao.forms import render_text
    from jixiao.native import load_file

    [path] = sorted((ROOT / "examples").glob("004-*.yaml"))
    return "004.txt", render_text(load_file(path).evaluation).encode("utf-8")


class Session:
    """One person's browser context on the live server."""

    def __init__(self, browser, base: str, username: str) -> None:  # noqa: ANN001
        self.context = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True,
                                           locale="zh-CN")
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.base = base
        self.page.goto(base + "/accounts/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state()

    def open(self, path: str) -> None:
        self.page.goto(self.base + path)
        if re.fullmatch(r"/evaluations/\d+/(review/)?", path):
            self.page.wait_for_selector("body[data-editor-ready='1']", timeout=15000)

    def settled(self) -> None:
        """Wait until the editor has no analysis in flight and nothing left to save."""
        self.page.wait_for_function(
            "() => { const e = document.getElementById('editor');"
            " return !e.dataset.analysing && e.dataset.saveState === 'saved'; }", timeout=20000)

    def total(self) -> str:
        return self.page.locator(".jx-score-total").inner_text().strip()

    def codes(self) -> list[str]:
        state = self.page.evaluate("() => window.jixiaoEditor.state()")
        return sorted(f["code"] for f in (state.get("analysis") or {}).get("findings", []))

    def shot(self, name: str) -> None:
        folder = os.environ.get("JIXIAO_SCREENSHOTS")
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(Path(folder) / name))

    def submit(self, record_id: int, justification: str) -> None:
        """As the leader: open the submit page, justify every error left, confirm."""
        self.open(f"/evaluations/{record_id}/submit/")
        for box in self.page.locator("textarea[name^=justify-]").all():
            box.fill(justification)
        self.page.click("#confirm-submit")
        self.page.wait_for_selector("#readonly-reason")

    def close(self) -> None:
        assert not self.errors, self.errors
        self.context.close()


@pytest.mark.django_db(transaction=True)
def test_import_correct_submit_return_resubmit_approve_download(live_server, browser, tmp_path):
    from jixiao.web.evaluations.models import Evaluation

    world = make_world()
    Evaluation.objects.filter(pk=world.eval_a.pk).delete()  # the unit starts its 2021 evaluation by import
    base = live_server.url

    # 1. The unit editor imports the report's text.
    alice = Session(browser, base, "alice")
    alice.open("/evaluations/new/")
    alice.page.check("input[name=start][value=upload]")
    name, raw = _report_text()
    source = tmp_path / name
    source.write_bytes(raw)
    alice.page.set_input_files("input[name=file]", str(source))
    alice.page.click("button[type=submit].primary")
    alice.page.wait_for_selector("body[data-editor-ready='1']", timeout=20000)
    record = Evaluation.objects.get(unit=world.unit_a, year=2021)
    assert f"/evaluations/{record.pk}/" in alice.page.url
    assert "已从「004.txt」导入" in alice.page.content()
    before_total, before_codes = alice.total(), alice.codes()

    # 2. Corrects one figure (the adjusted budget its own text gives) and sees score and findings change.
    field = alice.page.locator("[data-path='budget.adjusted']")
    field.fill("1209.35")
    alice.page.wait_for_function(f"() => document.querySelector('.jx-score-total').textContent.trim() !== "
                                 f"'{before_total}'", timeout=15000)
    alice.settled()
    assert alice.total() != before_total and alice.codes() != before_codes
    assert "93.07" in alice.page.locator("output.derived[data-path='budget.rate']").inner_text()
    alice.shot("web-editor.png")
    record.refresh_from_db()
    assert record.version == 2 and record.document["budget"]["adjusted"] == "1209.35"
    assert str(record.execution_rate) == "93.07"
    # The editor may not submit: the page says who can.
    assert "只有单位负责人可以提交" in alice.page.inner_text("#submit-refusal")
    alice.close()

    # 3. The leader submits, justifying each error left.
    anna = Session(browser, base, "anna")
    anna.open(f"/evaluations/{record.pk}/")
    assert anna.page.locator("#submit-link").is_visible()
    anna.submit(record.pk, "正文数字以预算情况表为准，已核对")
    record.refresh_from_db()
    assert record.status == "submitted"
    anna.close()

    # 4. The reviewer finds it in the queue and returns it with a comment on a field.
    rita = Session(browser, base, "rita")
    rita.open("/review/")
    rita.page.click(f"#queue a[href='/evaluations/{record.pk}/review/']")
    rita.page.wait_for_selector("body[data-editor-ready='1']")
    assert rita.page.locator("#review-total").inner_text().strip() == str(record.total)
    target = rita.page.locator("[data-path='goals.actual']")
    target.focus()
    rita.page.locator(".jx-annot-btn").click()
    rita.page.fill(".jx-comment-text", "目标完成情况请写明具体数字")
    rita.page.get_by_role("button", name="添加批注").click()
    assert "目标完成情况请写明具体数字" in rita.page.input_value("#review-comments")
    rita.page.fill("#return-form textarea[name=reason]", "请补充目标完成情况")
    rita.shot("web-review.png")
    rita.page.click("#return-button")
    rita.page.wait_for_url(re.compile(r".*/review/$"))
    record.refresh_from_db()
    assert record.status == "returned"
    assert record.comments.get().field == "goals.actual"

    # 5. The editor sees the comment on the field, fixes it; the leader resubmits.
    alice = Session(browser, base, "alice")
    alice.open(f"/evaluations/{record.pk}/")
    assert "目标完成情况请写明具体数字" in alice.page.inner_text("#returned-comments")
    assert alice.page.locator("[data-path='goals.actual'].has-comment, .has-comment [data-path='goals.actual'],"
                              " [data-path='goals.actual']").first.is_visible()
    alice.page.locator("[data-path='goals.actual']").fill("全年完成会议服务 120 场，文件印发 860 件，保障到位")
    # Downloading at once saves first: the report has what is on screen.
    with alice.page.expect_download() as info:
        alice.page.click("a[data-download='docx']")
    docx = tmp_path / "draft.docx"
    info.value.save_as(docx)
    import zipfile

    assert "860 件" in zipfile.ZipFile(docx).read("word/document.xml").decode()
    alice.settled()
    alice.close()
    anna = Session(browser, base, "anna")
    anna.submit(record.pk, "已核对")
    record.refresh_from_db()
    assert record.status == "resubmitted"
    anna.close()

    # 6. The reviewer sees what changed since the last submission and approves.
    rita.open(f"/evaluations/{record.pk}/review/")
    assert "120 场" in rita.page.inner_text("#submission-diff")
    rita.page.click("#approve-button")
    rita.page.wait_for_url(re.compile(r".*/review/$"))
    record.refresh_from_db()
    assert record.status == "approved"

    # 7. The report downloads as .docx and reads back with the corrected figure.
    rita.page.goto(base + f"/evaluations/{record.pk}/versions/")
    with rita.page.expect_download() as info:
        rita.page.evaluate(f"() => {{ const a = document.createElement('a'); a.href = "
                           f"'/evaluations/{record.pk}/download/docx/'; document.body.append(a); a.click(); }}")
    path = tmp_path / "report.docx"
    info.value.save_as(path)
    from jixiao.readers import read_file

    back = read_file(path).evaluation
    assert back is not None and back.budget.adjusted == record.budget
    rita.close()


@pytest.mark.django_db(transaction=True)
def test_two_people_editing_at_once_never_overwrite_each_other(live_server, browser):
    """Alice adds a task and it autosaves; Anna, who opened the same version, changes a figure: her save is
    refused with a dialog listing Alice's change, and nothing of Alice's is lost."""
    from jixiao.web.evaluations.models import Evaluation

    world = make_world()
    record = world.eval_a
    tasks_before = len(record.document["tasks"])
    alice = Session(browser, live_server.url, "alice")
    anna = Session(browser, live_server.url, "anna")
    alice.open(f"/evaluations/{record.pk}/")
    anna.open(f"/evaluations/{record.pk}/")

    alice.page.get_by_role("button", name="添加任务").click()
    alice.page.locator(f"[data-path='tasks[{tasks_before}].name']").fill("新增：档案数字化")
    alice.page.locator(f"[data-path='tasks[{tasks_before}].budget']").fill("12")
    alice.settled()
    record.refresh_from_db()
    assert record.version == 2 and record.document["tasks"][tasks_before]["name"] == "新增：档案数字化"

    anna.page.locator("[data-path='budget.adjusted']").fill("1209.35")
    anna.page.wait_for_selector("#editor[data-save-state='conflict']", timeout=20000)
    dialog = anna.page.locator(".jx-dialog")
    text = dialog.inner_text()
    assert "Alice" in text and "新增：档案数字化" in text
    record.refresh_from_db()
    assert record.version == 2 and record.document["budget"]["adjusted"] == "1125.54"
    assert record.document["tasks"][tasks_before]["name"] == "新增：档案数字化"
    assert Evaluation.objects.get(pk=record.pk).versions.count() == 2
    alice.close()
    anna.close()
