// Plan against actual for a quantitative goal (GOAL-8): this year's periods and the years before.
(function () {
  "use strict";
  const el = document.getElementById("goal-chart");
  if (!el || !window.echarts) return;
  const data = JSON.parse(el.dataset.chart);
  const chart = echarts.init(el);
  const useYears = data.years.length > 1;
  const categories = useYears ? data.years.map((y) => String(y.year)) : data.periods;
  const plan = useYears ? data.years.map((y) => y.plan) : data.periods.map(() => data.plan);
  const actual = useYears ? data.years.map((y) => y.actual) : data.period_actual;
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { data: [data.labels.plan, data.labels.actual] },
    xAxis: { type: "category", data: categories },
    yAxis: { type: "value", name: data.unit },
    series: [
      { name: data.labels.plan, type: "line", data: plan, lineStyle: { type: "dashed" } },
      { name: data.labels.actual, type: "line", data: actual, connectNulls: true },
    ],
  });
  window.addEventListener("resize", () => chart.resize());
})();
