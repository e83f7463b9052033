"""The demo bureau's dashboard in a real Chromium (Debian's ``chromium`` driven by Playwright): the
reviewer of 郑州市金水区财政局 opens it, every chart is drawn by the vendored ECharts (series with the
page's data, pixels on the canvas), then drills down to a department and exports its table.

``JIXIAO_SCREENSHOTS=DIR`` keeps ``DIR/web-dashboard.png`` (the README's image: ``docs/images``).
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest


CHARTS = ("stages", "grades", "histogram", "scatter", "findings", "departments")

_DRAWN = """(el) => {
  const chart = echarts.getInstanceByDom(el);
  if (!chart) return null;
  const series = chart.getOption().series.map(s => ({type: s.type, n: (s.data || []).length,
    sum: (s.data || []).reduce((a, d) => a + (Array.isArray(d) ? 1
      : Number((d && d.value !== undefined) ? d.value : d) || 0), 0)}));
  const canvas = el.querySelector('canvas');
  const ctx = canvas.getContext('2d');
  const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  let inked = 0;
  for (let i = 3; i < pixels.length; i += 4 * 7) if (pixels[i] > 0) inked++;
  return {series, inked, width: canvas.width, height: canvas.height};
}"""


@pytest.mark.django_db(transaction=True)
def test_the_demo_dashboard_draws_its_charts_drills_down_and_exports(live_server, browser, tmp_path):  # noqa: ANN001
    from openpyxl import load_workbook

    from jixiao.web.demo import DEMO_PASSWORD, load_demo
    from jixiao.web.evaluations.models import Evaluation
    from jixiao.web.orgs.models import Bureau, Department

    load_demo()
    bureau = Bureau.objects.get(name="郑州市金水区财政局")
    year_2021 = Evaluation.objects.filter(bureau=bureau, year=2021)
    plotted = year_2021.filter(total__isnull=False, execution_rate__isnull=False).count()
    assert year_2021.count() >= 20 and plotted >= 20

    context = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "reviewer-jinshui")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()

    # 1. The dashboard: the latest year with evaluations, every chart drawn with the page's figures.
    page.goto(live_server.url + "/dashboard/")
    page.wait_for_selector("body[data-charts-ready='1']", timeout=15000)
    assert "2021年度" in page.locator("h1").inner_text()
    data = json.loads(page.locator("#dashboard-data").text_content())
    for name in CHARTS:
        el = page.locator(f"[data-chart={name}]")
        assert el.is_visible(), name
        drawn = el.evaluate(_DRAWN)
        assert drawn is not None, f"图表 {name} 没有 ECharts 实例"
        assert drawn["series"] and all(s["n"] > 0 for s in drawn["series"]), (name, drawn["series"])
        assert drawn["inked"] > 500, f"图表 {name} 的画布几乎是空的：{drawn}"
    scatter = page.locator("[data-chart=scatter]").evaluate(_DRAWN)
    assert sum(s["n"] for s in scatter["series"]) == len(data["points"]) == plotted
    stages = page.locator("[data-chart=stages]").evaluate(_DRAWN)
    assert stages["series"][0]["sum"] == sum(s["value"] for s in data["stages"])
    completion = page.locator("#table-completion tr.total").inner_text().split()
    assert completion[0] == "合计" and int(completion[-2]) == sum(s["value"] for s in data["stages"])
    folder = os.environ.get("JIXIAO_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        bottom = page.locator("#execution").bounding_box()  # the figures, the charts, down to the scatter
        page.screenshot(path=str(Path(folder) / "web-dashboard.png"), full_page=True,
                        clip={"x": 0, "y": 0, "width": 1440, "height": bottom["y"] + bottom["height"] + 16})

    # 2. Drill down: the department's row links to its evaluations, each to its review page.
    education = Department.objects.get(bureau=bureau, name="郑州市金水区教育局")
    page.locator("#table-departments a", has_text="郑州市金水区教育局").click()
    page.wait_for_url(f"**/dashboard/department/{education.pk}/**")
    rows = page.locator("#table-evaluations tbody tr")
    listed = year_2021.filter(department=education).count()
    assert listed > 0 and rows.count() >= listed
    first = page.locator("#table-evaluations tbody a").first
    href = first.get_attribute("href")
    assert href.startswith("/evaluations/") and href.endswith("/review/")

    # 3. Export the drill-down's table as CSV and the departments' table as .xlsx: the rows of the pages.
    with page.expect_download() as download:
        page.locator(".jx-exports a", has_text="CSV").click()
    path = tmp_path / "department.csv"
    download.value.save_as(path)
    lines = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    assert lines[1][:3] == ["编号", "预算单位", "自评名称"]
    assert len([r for r in lines[2:] if r and not r[0].startswith("说明")]) == rows.count()
    page.go_back()
    page.wait_for_selector("body[data-charts-ready='1']")
    with page.expect_download() as download:
        page.locator("#departments .jx-exports a", has_text="Excel").click()
    path = tmp_path / "departments.xlsx"
    download.value.save_as(path)
    sheet = load_workbook(path).active
    names = [r[0] for r in sheet.iter_rows(min_row=3, values_only=True) if r[0]]
    assert "郑州市金水区教育局" in names
    shown = page.locator("#table-departments tbody tr").count()
    assert names.index("合计") + 1 == shown
    assert not errors, errors
    context.close()
