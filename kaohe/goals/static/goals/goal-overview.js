// Units compared by average completion (SUP-6).
(function () {
  "use strict";
  const el = document.getElementById("overview-chart");
  if (!el || !window.echarts) return;
  const data = JSON.parse(el.dataset.chart);
  el.style.height = Math.max(320, data.units.length * 22) + "px";
  const chart = echarts.init(el);
  chart.setOption({
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    grid: { left: 150, right: 30, top: 20, bottom: 30 },
    xAxis: { type: "value", max: 100, name: "%" },
    yAxis: { type: "category", data: data.units, inverse: true },
    series: [{ name: data.label, type: "bar", data: data.completion, itemStyle: { color: "#1a7f37" } }],
  });
  window.addEventListener("resize", () => chart.resize());
})();
