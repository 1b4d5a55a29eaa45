// Plan against actual for a quantitative goal (GOAL-8): every reported period, this year and the years before.
(function () {
  "use strict";
  const el = document.getElementById("goal-chart");
  if (!el || !window.echarts) return;
  const data = JSON.parse(el.dataset.chart);
  const chart = echarts.init(el);
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { data: [data.labels.plan, data.labels.actual] },
    grid: { left: 60, right: 20, bottom: 60 },
    xAxis: { type: "category", data: data.periods, axisLabel: { rotate: data.periods.length > 6 ? 30 : 0 } },
    yAxis: { type: "value", name: data.unit },
    series: [
      { name: data.labels.plan, type: "line", step: "end", data: data.plan, lineStyle: { type: "dashed" } },
      { name: data.labels.actual, type: "line", data: data.actual, connectNulls: true },
    ],
  });
  window.addEventListener("resize", () => chart.resize());
})();
