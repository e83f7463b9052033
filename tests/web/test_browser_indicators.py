"""Picking indicators from the library (指标库) in a real Chromium (Debian's ``chromium`` driven by Playwright):
unit B's evaluation is approved, so its indicators are in the bureau's library; Alice opens her unit's draft,
fills a row from the library with the keyboard only, adds a second indicator where its levels fit, and the
autosave stores both. Skipped (or failed under ``JIXIAO_REQUIRE=chromium``) as tests/web/test_browser.py is.

``JIXIAO_SCREENSHOTS=DIR`` keeps a screenshot of the picker.
"""

from __future__ import annotations

import pytest

from .conftest import justify_all, make_world
from .test_browser import Session

ROW = "indicators[1].children[0].children[0]"
"""Unit A's first output indicator (产出指标 › 重点工作任务完成 › 重点工作完成率)."""


def _approve_unit_b(world) -> None:  # noqa: ANN001
    from jixiao.web.evaluations import services

    services.submit(world.eval_b, world.bella, world.eval_b.version, "", justify_all(world.eval_b))
    services.approve(world.eval_b, world.rita, "")


def _leaf(doc: dict, path: str) -> dict:
    node = doc
    for part in path.replace("]", "").replace("[", ".").split("."):
        node = node[int(part)] if part.isdigit() else node[part]
    return node


@pytest.mark.django_db(transaction=True)
def test_a_unit_picks_indicators_from_the_library_and_the_save_stores_them(live_server, browser):
    world = make_world()
    _approve_unit_b(world)
    record = world.eval_a
    alice = Session(browser, live_server.url, "alice")
    alice.open(f"/evaluations/{record.pk}/")
    page = alice.page

    # 1. The row's 「指标库」 button opens the picker on the search box; typing searches, ↓ and Enter pick.
    page.locator(f"tbody[data-path='{ROW}'] .jx-lib-btn").click()
    search = page.locator(".jx-lib-dialog .jx-lib-q")
    search.wait_for()
    assert page.evaluate("() => document.activeElement.classList.contains('jx-lib-q')")
    page.keyboard.type("路长制")
    page.wait_for_function("() => { const o = [...document.querySelectorAll('.jx-lib-option')];"
                           " return o.length && o.every((x) => x.textContent.includes('路长制')); }", timeout=10000)
    option = page.locator(".jx-lib-option").first
    assert "路长制工作" in option.inner_text() and "≥100" in option.inner_text() and "使用 1 次" in option.inner_text()
    assert "智慧城市" not in page.locator(".jx-lib-dialog").inner_text()  # never another unit's name
    alice.shot("web-indicator-picker.png")
    page.keyboard.press("ArrowDown")
    assert page.locator(".jx-lib-option[aria-selected='true']").inner_text() == option.inner_text()
    page.keyboard.press("Enter")
    page.locator(".jx-lib-dialog").wait_for(state="detached")

    # 2. The row shows the picked name, target and unit.
    assert page.input_value(f"[data-path='{ROW}.name']") == "路长制工作"
    assert page.input_value(f"[data-path='{ROW}.target']") == "≥100"
    assert page.input_value(f"[data-path='{ROW}.unit']") == "%"
    assert page.evaluate("() => document.activeElement.dataset.path") == f"{ROW}.name"

    # 3. 「从指标库添加」 puts a pick where its levels fit: 群众满意率 (效果指标 › 满意度) in a new group.
    page.get_by_role("button", name="从指标库选择指标，按其一级、二级指标放入相应位置").click()
    page.locator(".jx-lib-dialog .jx-lib-q").fill("满意率")
    page.locator(".jx-lib-option", has_text="群众满意率").click()
    page.locator(".jx-lib-dialog").wait_for(state="detached")
    placed = page.evaluate("() => document.activeElement.dataset.path")
    assert placed.endswith(".name") and page.input_value(f"[data-path='{placed}']") == "群众满意率"

    # 4. A common indicator's formula comes as the 指标说明 hint when the row has none.
    page.locator(f"tbody[data-path='{ROW}'] .jx-lib-btn").click()
    page.locator(".jx-lib-dialog .jx-lib-q").fill("预算调整率")
    page.locator(".jx-lib-option", has_text="共性指标").first.wait_for(timeout=10000)
    page.keyboard.press("Escape")  # closing changes nothing
    page.locator(".jx-lib-dialog").wait_for(state="detached")
    assert page.input_value(f"[data-path='{ROW}.name']") == "路长制工作"

    # 5. The autosave stores what the rows show.
    alice.settled()
    record.refresh_from_db()
    row = _leaf(record.document, ROW)
    assert (row["name"], row["target"], row["unit"]) == ("路长制工作", "≥100", "%")
    added = _leaf(record.document, placed.removesuffix(".name"))
    assert (added["name"], added["target"], added["unit"]) == ("群众满意率", "≥98", "%")
    category = _leaf(record.document, placed.split(".children")[0])
    group = _leaf(record.document, placed.rsplit(".children", 1)[0])
    assert "效" in category["name"] and group["name"] == "满意度"
    assert record.version >= 2 and record.versions.count() == record.version
    alice.close()
