"""Publication in a real Chromium (Debian's ``chromium`` driven by Playwright, as in test_browser.py): the
reviewer publishes an approved report with the button on the review page (and records its results
application from the pre-filled form); a fresh anonymous browser
opens it from the public list, sees the report and its tables, downloads the PDF and the JSON; an
unpublished report is 404.

``JIXIAO_SCREENSHOTS=DIR`` keeps screenshots of the public list and the public report.
"""

from __future__ import annotations

import json

import pytest

from .conftest import make_world
from .test_browser import Session
from .test_publication import approve


@pytest.mark.django_db(transaction=True)
def test_publish_then_read_and_download_anonymously(live_server, browser, tmp_path):
    world = make_world()
    record = approve(world, world.eval_a)
    approve(world, world.eval_b)  # approved, never published
    base = live_server.url

    # 1. The reviewer publishes from the review page.
    rita = Session(browser, base, "rita")
    rita.open(f"/evaluations/{record.pk}/review/")
    rita.page.click("#publish-button")
    rita.page.wait_for_selector("#public-page-link", timeout=60000)  # the PDF is rendered while publishing
    assert "已公开" in rita.page.inner_text("#publication-state")
    # ... and records the results application from the form pre-filled with the suggestion.
    rita.open(f"/evaluations/{record.pk}/results/")
    rita.page.click("#record-follow-up")
    rita.page.wait_for_selector("#follow-up")
    assert rita.page.inner_text("#decision-funding").startswith("保持")
    rita.close()

    # 2. A visitor without an account finds it from the public list.
    visitor = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True, locale="zh-CN")
    page = visitor.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base + "/public/")
    assert world.bureau.name in page.inner_text("#public-bureaus")
    page.click(f"#public-bureaus a:has-text('{record.year}年度')")
    page.wait_for_selector(".public-reports")
    shot(page, "public-list.png")
    assert world.eval_b.title not in page.inner_text("main")
    page.click(f"a[href='/public/reports/{record.pk}/']")
    page.wait_for_selector("#public-report")
    title = page.inner_text("#report-title")
    assert record.title in title and page.inner_text("#public-grade") == record.grade
    assert page.locator(".jx-table table").count() >= 2  # the self-evaluation table and the category table
    assert "Rita" not in page.inner_text("body") and "退出" not in page.inner_text("body")
    shot(page, "public-report.png")

    # 3. It downloads the PDF and the machine-readable data.
    with page.expect_download() as pdf:
        page.click("#download-pdf")
    path = tmp_path / "report.pdf"
    pdf.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF") and pdf.value.suggested_filename.endswith(".pdf")
    with page.expect_download() as data:
        page.click("#download-json")
    saved = tmp_path / "report.json"
    data.value.save_as(saved)
    document = json.loads(saved.read_text(encoding="utf-8"))
    assert document["evaluation_id"] == record.pk and document["title"] == title
    assert visitor.cookies() == []  # reading public pages sets no cookie

    # 4. An approved but unpublished report is not found.
    response = page.goto(f"{base}/public/reports/{world.eval_b.pk}/")
    assert response.status == 404 and world.eval_b.title not in page.inner_text("body")
    assert not errors, errors
    visitor.close()


def shot(page, name: str) -> None:  # noqa: ANN001
    import os
    from pathlib import Path

    folder = os.environ.get("JIXIAO_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name), full_page=False)
