// Results charts (RES-2, RES-3, RES-4): each [data-chart] element holds its data as JSON.
(function () {
  "use strict";
  if (!window.echarts) return;
  const options = {
    hbar(d) {
      return {
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        grid: { left: 140, right: 40, top: 10, bottom: 30 },
        xAxis: { type: "value", name: d.unit || "" },
        yAxis: { type: "category", data: d.labels, inverse: true },
        series: [{ type: "bar", data: d.values, itemStyle: { color: "#b91c1c" }, label: { show: true, position: "right" } }],
      };
    },
    line(d) {
      return {
        tooltip: { trigger: "axis" }, legend: { type: "scroll", top: 0 },
        grid: { left: 60, right: 20, top: 40, bottom: 30 },
        xAxis: { type: "category", data: d.labels.map(String) }, yAxis: { type: "value", name: d.unit || "" },
        series: d.series.map((s) => ({ name: s.name, type: "line", data: s.data, connectNulls: true })),
      };
    },
    grouped(d) {
      return {
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } }, legend: { type: "scroll", top: 0 },
        grid: { left: 50, right: 20, top: 40, bottom: 50 },
        xAxis: { type: "category", data: d.labels, axisLabel: { interval: 0, rotate: d.labels.length > 6 ? 30 : 0 } },
        yAxis: { type: "value" },
        series: d.series.map((s) => ({ name: s.name, type: "bar", data: s.data })),
      };
    },
    bubble(d) {
      return {
        tooltip: { formatter: (p) => `${p.data[3]}<br>${d.x} ${p.data[0]}<br>${d.y} ${p.data[1]}` },
        grid: { left: 60, right: 30, top: 20, bottom: 50 },
        xAxis: { type: "value", name: d.x, nameLocation: "middle", nameGap: 30, scale: true },
        yAxis: { type: "value", name: d.y, scale: true },
        series: [{ type: "scatter", data: d.points.map((p) => [p.goal, p.evaluation, p.total, p.name]),
                   symbolSize: (v) => 6 + Math.max(0, v[2] - 60) / 2, itemStyle: { color: "rgba(46,134,193,0.55)" } }],
      };
    },
  };
  document.querySelectorAll("[data-chart]").forEach((el) => {
    const data = JSON.parse(el.dataset.chart);
    if (data.type === "hbar") el.style.height = Math.max(240, data.labels.length * 22 + 60) + "px";
    const chart = echarts.init(el);
    chart.setOption(options[data.type](data));
    window.addEventListener("resize", () => chart.resize());
  });
})();
