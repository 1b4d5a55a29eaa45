// Result charts with the vendored ECharts: bars (targets compared), radar (a target's indicators),
// and the mean of each indicator.
(function () {
    "use strict";
    if (!window.echarts) { return; }

    function data(id) {
        var node = document.getElementById(id);
        return node ? JSON.parse(node.textContent) : null;
    }

    function chart(node, option) {
        var instance = window.echarts.init(node, null, { renderer: "svg" });
        instance.setOption(option);
        window.addEventListener("resize", function () { instance.resize(); });
    }

    var bars = data("bar-data");
    var barNode = document.getElementById("bar-chart");
    if (bars && barNode) {
        chart(barNode, {
            grid: { left: 48, right: 16, top: 24, bottom: 110 },
            tooltip: { trigger: "axis" },
            xAxis: { type: "category", data: bars.map(function (b) { return b.name; }), axisLabel: { rotate: 50, interval: 0 } },
            yAxis: { type: "value", min: function (v) { return Math.max(0, Math.floor(v.min - 5)); }, max: 100 },
            series: [{ type: "bar", data: bars.map(function (b) { return b.score; }), itemStyle: { color: "#b71c1c" },
                       label: { show: bars.length <= 30, position: "top", fontSize: 10 } }]
        });
    }

    var radar = data("radar-data");
    var radarNode = document.getElementById("radar-chart");
    if (radar && radarNode) {
        // Scores cluster between 60 and 100: start the axes a little below the lowest so differences show.
        var lowest = Math.min.apply(null, radar.series.reduce(function (all, s) { return all.concat(s.value.filter(function (v) { return v > 0; })); }, [100]));
        var floor = Math.max(0, Math.floor((lowest - 10) / 10) * 10);
        chart(radarNode, {
            tooltip: {},
            legend: { bottom: 0 },
            radar: { indicator: radar.indicators.map(function (name) { return { name: name, max: 100, min: floor }; }), radius: "65%" },
            series: [{ type: "radar", data: radar.series.map(function (s) { return { name: s.name, value: s.value }; }) }]
        });
    }

    var tables = data("indicator-data");
    if (tables) {
        document.querySelectorAll("[data-indicator-chart]").forEach(function (node) {
            var table = tables[parseInt(node.getAttribute("data-indicator-chart"), 10)];
            if (!table) { return; }
            chart(node, {
                grid: { left: 48, right: 16, top: 24, bottom: 60 },
                tooltip: { trigger: "axis" },
                xAxis: { type: "category", data: table.indicators, axisLabel: { interval: 0 } },
                yAxis: { type: "value", max: 100 },
                series: [{ type: "bar", data: table.means, itemStyle: { color: "#8e1414" }, label: { show: true, position: "top" } }]
            });
        });
    }
})();
