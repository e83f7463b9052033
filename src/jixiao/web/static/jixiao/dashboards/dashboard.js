/* The dashboard's charts, drawn with the vendored ECharts from <script id="dashboard-data">.
 *
 * The page is complete without this script: every chart has its table below or beside it. The
 * script only un-hides the chart containers and draws them. Figures arrive as exact decimal
 * strings and become numbers here, at the very end, for drawing.
 */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || !window.echarts) return;
  var data = JSON.parse(source.textContent);

  var STAGE_COLORS = { not_started: "#9aa5b1", draft: "#f0b429", submitted: "#1d5fa8", returned: "#c62828",
                       approved: "#2f7d32" };
  var GRADE_COLORS = { "优": "#2f7d32", "良": "#1d5fa8", "中": "#f0b429", "差": "#c62828", "未评分": "#9aa5b1" };
  var RATE_MAX = 150;  // execution rates above are drawn at the edge (a typo of 10⁹% would flatten the chart)
  var FONT = '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif';
  var charts = {};

  // Every text that reaches a tooltip (HTML) is escaped here: names come from users.
  var ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "`": "&#96;" };
  function esc(value) {
    return String(value === undefined || value === null ? "" : value).replace(/[&<>"'`]/g, function (c) { return ESCAPES[c]; });
  }
  // An axis tooltip of plain text lines (the default one builds HTML from the names it is given).
  function axisTooltip(params) {
    return [esc(params[0].name)].concat(params.map(function (p) {
      return esc(p.seriesName) + "：" + esc(p.value);
    })).join("<br>");
  }

  function query(extra) {
    var q = Object.assign({}, data.query, extra || {});
    return "?" + Object.keys(q).map(function (k) { return encodeURIComponent(k) + "=" + encodeURIComponent(q[k]); }).join("&");
  }

  function draw(id, option, onClick) {
    var el = document.getElementById(id);
    if (!el) return null;
    el.hidden = false;
    var chart = echarts.init(el, null, { renderer: "canvas" });
    option.animation = false;
    option.textStyle = { fontFamily: FONT };
    option.aria = { enabled: true };
    chart.setOption(option);
    if (onClick) chart.on("click", onClick);
    charts[el.dataset.chart] = chart;
    return chart;
  }

  function stages() {
    draw("chart-stages", {
      tooltip: { trigger: "item", formatter: function (p) { return esc(p.name) + "：" + esc(p.value) + "（" + esc(p.percent) + "%）"; } },
      legend: { bottom: 0 },
      series: [{ type: "pie", radius: ["40%", "68%"], center: ["50%", "45%"], label: { formatter: function (p) { return p.name + "\n" + p.value; } },
                 data: data.stages.map(function (s) {
                   return { name: s.label, value: s.value, itemStyle: { color: STAGE_COLORS[s.key] } };
                 }) }]
    });
  }

  function grades() {
    draw("chart-grades", {
      tooltip: { trigger: "axis", formatter: axisTooltip },
      grid: { left: 48, right: 16, top: 24, bottom: 32 },
      xAxis: { type: "category", data: data.grades.map(function (g) { return g.label; }) },
      yAxis: { type: "value", name: "自评数", minInterval: 1 },
      series: [{ type: "bar", name: "自评数", barMaxWidth: 56, label: { show: true, position: "top" },
                 data: data.grades.map(function (g) { return { value: g.value, itemStyle: { color: GRADE_COLORS[g.label] } }; }) }]
    });
  }

  function histogram() {
    function color(low) { return low >= 90 ? GRADE_COLORS["优"] : low >= 80 ? GRADE_COLORS["良"] : low >= 60 ? GRADE_COLORS["中"] : GRADE_COLORS["差"]; }
    draw("chart-histogram", {
      tooltip: { trigger: "axis", formatter: function (p) { return esc(p[0].name) + "分：" + esc(p[0].value) + " 份"; } },
      grid: { left: 48, right: 16, top: 24, bottom: 48 },
      xAxis: { type: "category", name: "得分", nameLocation: "center", nameGap: 30,
               data: data.histogram.map(function (b) { return b.label; }), axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: "value", name: "自评数", minInterval: 1 },
      series: [{ type: "bar", name: "自评数", barCategoryGap: "8%",
                 data: data.histogram.map(function (b) { return { value: b.value, itemStyle: { color: color(b.low) } }; }) }]
    });
  }

  function scatter() {
    var labels = data.labels || {};
    var byGrade = {};
    data.points.forEach(function (p) {
      var rate = parseFloat(p[0]), score = parseFloat(p[1]), grade = p[3] || "未评分";
      (byGrade[grade] = byGrade[grade] || []).push([Math.max(0, Math.min(rate, RATE_MAX)), score, p[2], p[0], p[1]]);
    });
    var large = data.points.length > 2000;
    var series = Object.keys(GRADE_COLORS).filter(function (g) { return byGrade[g]; }).map(function (g, i) {
      var s = { type: "scatter", name: g, data: byGrade[g], symbolSize: large ? 4 : 8, large: large,
                itemStyle: { color: GRADE_COLORS[g], opacity: large ? 0.55 : 0.8 } };
      if (i === 0) {
        s.markLine = { silent: true, symbol: "none", lineStyle: { type: "dashed", color: "#9aa5b1" },
                       label: { formatter: "{b}", position: "insideEndTop", color: "#6b7785" },
                       data: [{ name: "执行率70%", xAxis: 70 }, { name: "90分", yAxis: 90 }, { name: "60分", yAxis: 60 }] };
      }
      return s;
    });
    draw("chart-scatter", {
      legend: { top: 0 },
      tooltip: { trigger: "item", formatter: function (p) {
        var v = p.value, name = labels[v[2]] ? esc(labels[v[2]]) + "<br>" : "";
        return name + "#" + esc(v[2]) + " 预算执行率 " + esc(v[3]) + "% · 得分 " + esc(v[4]) + " · " + esc(p.seriesName) +
          "<br><small>点击打开审核页</small>";
      } },
      grid: { left: 56, right: 24, top: 40, bottom: 48 },
      xAxis: { type: "value", name: "预算执行率（%）", nameLocation: "center", nameGap: 28, max: RATE_MAX,
               min: function (v) { return Math.max(0, Math.min(50, Math.floor(v.min / 10) * 10)); } },
      yAxis: { type: "value", name: "得分", min: function (v) { return Math.max(0, Math.floor(v.min / 10) * 10); }, max: 100 },
      series: series
    }, function (p) {
      if (p.componentType === "series" && p.value) window.location.href = data.review.replace("999999999", p.value[2]);
    });
  }

  function findings() {
    var rows = data.findings.slice().reverse();
    var el = document.getElementById("chart-findings");
    if (el) el.style.height = Math.max(160, rows.length * 26 + 60) + "px";
    draw("chart-findings", {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: axisTooltip },
      grid: { left: 8, right: 40, top: 16, bottom: 24, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: rows.map(function (r) {
        var t = r.title.length > 22 ? r.title.slice(0, 21) + "…" : r.title;
        return r.code + " " + t;
      }) },
      series: [{ type: "bar", name: "涉及自评数", itemStyle: { color: "#b86e00" }, label: { show: true, position: "right" },
                 data: rows.map(function (r) { return r.value; }) }]
    });
  }

  function departments() {
    var d = data.departments;
    var el = document.getElementById("chart-departments");
    if (el) el.style.height = Math.max(200, d.names.length * 24 + 80) + "px";
    draw("chart-departments", {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: axisTooltip },
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 32, bottom: 24, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: d.names },
      series: d.series.map(function (s) {
        return { type: "bar", stack: "all", name: s.label, data: s.values, itemStyle: { color: STAGE_COLORS[s.key] },
                 barMaxWidth: 18 };
      })
    }, function (p) {
      if (p.componentType === "series") window.location.href = d.links[p.dataIndex] + query({});
    });
  }

  [stages, grades, histogram, scatter, findings, departments].forEach(function (f) { f(); });
  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (k) { charts[k].resize(); });
  });
  window.jixiaoDashboard = { charts: charts };
  document.body.dataset.chartsReady = "1";
})();
