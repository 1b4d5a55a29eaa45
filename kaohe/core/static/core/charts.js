// Every chart of the portal, drawn with the vendored ECharts (GOAL-8, SUP-6, EVAL-9, RES-2, RES-3, RES-4).
//
// A chart is an element `<div data-chart="ID">` whose data is the `json_script` element with that id.
// The kind of chart is the data's `type`, or the element's `data-chart-kind`; `data-chart-index`
// picks one entry when the data is a list of charts.
//
// Names in the data are typed by people (cadres, units, goals, indicators). ECharts writes tooltips
// with innerHTML, so every formatter below passes user text through escapeHTML; the default
// tooltips escape names themselves.
(function () {
  "use strict";

  const escapeHTML = (value) =>
    String(value ?? "").replace(
      /[&<>"']/g,
      (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c],
    );

  const kinds = {
    // Horizontal bars, one per label (rankings, grade counts, teams compared).
    hbar(d, el) {
      el.style.height = Math.max(240, d.labels.length * 22 + 60) + "px";
      return {
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        grid: { left: 140, right: 40, top: 10, bottom: 30 },
        xAxis: { type: "value", name: d.unit || "" },
        yAxis: { type: "category", data: d.labels, inverse: true },
        series: [{ type: "bar", data: d.values, itemStyle: { color: "#b91c1c" }, label: { show: true, position: "right" } }],
      };
    },
    // Lines over years (a team's indicator, a cadre's scores).
    line(d) {
      return {
        tooltip: { trigger: "axis" },
        legend: { type: "scroll", top: 0 },
        grid: { left: 60, right: 20, top: 40, bottom: 30 },
        xAxis: { type: "category", data: d.labels.map(String) },
        yAxis: { type: "value", name: d.unit || "" },
        series: d.series.map((s) => ({ name: s.name, type: "line", data: s.data, connectNulls: true })),
      };
    },
    // Bars grouped by category, one series per unit or score.
    grouped(d) {
      return {
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        legend: { type: "scroll", top: 0 },
        grid: { left: 50, right: 20, top: 40, bottom: 50 },
        xAxis: { type: "category", data: d.labels, axisLabel: { interval: 0, rotate: d.labels.length > 6 ? 30 : 0 } },
        yAxis: { type: "value" },
        series: d.series.map((s) => ({ name: s.name, type: "bar", data: s.data })),
      };
    },
    // Cadres placed by goal score and evaluation score, sized by total (RES-3).
    bubble(d) {
      return {
        tooltip: {
          formatter: (p) =>
            `${escapeHTML(p.data[3])}<br>${escapeHTML(d.x)} ${escapeHTML(p.data[0])}<br>${escapeHTML(d.y)} ${escapeHTML(p.data[1])}`,
        },
        grid: { left: 60, right: 30, top: 20, bottom: 50 },
        xAxis: { type: "value", name: d.x, nameLocation: "middle", nameGap: 30, scale: true },
        yAxis: { type: "value", name: d.y, scale: true },
        series: [
          {
            type: "scatter",
            data: d.points.map((p) => [p.goal, p.evaluation, p.total, p.name]),
            symbolSize: (v) => 6 + Math.max(0, v[2] - 60) / 2,
            itemStyle: { color: "rgba(46,134,193,0.55)" },
          },
        ],
      };
    },
    // Plan against actual of a quantitative goal, period by period (GOAL-8).
    plan(d) {
      return {
        tooltip: { trigger: "axis" },
        legend: { top: 0, data: [d.labels.plan, d.labels.actual] },
        grid: { left: 60, right: 20, bottom: 60 },
        xAxis: { type: "category", data: d.periods, axisLabel: { rotate: d.periods.length > 6 ? 30 : 0 } },
        yAxis: { type: "value", name: d.unit },
        series: [
          { name: d.labels.plan, type: "line", step: "end", data: d.plan, lineStyle: { type: "dashed" } },
          { name: d.labels.actual, type: "line", data: d.actual, connectNulls: true },
        ],
      };
    },
    // Units compared by average completion (SUP-6).
    completion(d, el) {
      el.style.height = Math.max(320, d.units.length * 22) + "px";
      return {
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        grid: { left: 150, right: 30, top: 20, bottom: 30 },
        xAxis: { type: "value", max: 100, name: "%" },
        yAxis: { type: "category", data: d.units, inverse: true },
        series: [{ name: d.label, type: "bar", data: d.completion, itemStyle: { color: "#1a7f37" } }],
      };
    },
    // Evaluation targets' scores side by side (EVAL-9).
    scores(d) {
      return {
        grid: { left: 48, right: 16, top: 24, bottom: 110 },
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: d.map((b) => b.name), axisLabel: { rotate: 50, interval: 0 } },
        yAxis: { type: "value", min: (v) => Math.max(0, Math.floor(v.min - 5)), max: 100 },
        series: [
          {
            type: "bar",
            data: d.map((b) => b.score),
            itemStyle: { color: "#b71c1c" },
            label: { show: d.length <= 30, position: "top", fontSize: 10 },
          },
        ],
      };
    },
    // One evaluation target's indicators (EVAL-9). Scores cluster between 60 and 100: the axes
    // start a little below the lowest so differences show.
    radar(d) {
      const values = d.series.flatMap((s) => s.value.filter((v) => v > 0));
      const floor = Math.max(0, Math.floor((Math.min(100, ...values) - 10) / 10) * 10);
      return {
        tooltip: {},
        legend: { bottom: 0 },
        radar: { indicator: d.indicators.map((name) => ({ name, max: 100, min: floor })), radius: "65%" },
        series: [{ type: "radar", data: d.series.map((s) => ({ name: s.name, value: s.value })) }],
      };
    },
    // The mean score of each indicator of an evaluation (EVAL-9).
    means(d) {
      return {
        grid: { left: 48, right: 16, top: 24, bottom: 60 },
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: d.indicators, axisLabel: { interval: 0 } },
        yAxis: { type: "value", max: 100 },
        series: [{ type: "bar", data: d.means, itemStyle: { color: "#8e1414" }, label: { show: true, position: "top" } }],
      };
    },
  };

  function dataFor(el) {
    const source = document.getElementById(el.dataset.chart);
    if (!source) return null;
    let data = JSON.parse(source.textContent);
    if (el.dataset.chartIndex !== undefined) data = data[parseInt(el.dataset.chartIndex, 10)];
    return data;
  }

  function draw(el) {
    const data = dataFor(el);
    const build = data && kinds[el.dataset.chartKind || data.type];
    if (!build) return null;
    const option = build(data, el);
    const chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option);
    window.addEventListener("resize", () => chart.resize());
    return chart;
  }

  window.kaoheCharts = { escapeHTML, kinds, draw };
  if (!window.echarts) return;
  document.querySelectorAll("[data-chart]").forEach(draw);
})();
