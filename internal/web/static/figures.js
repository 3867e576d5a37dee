// 数据看板 (/figures): draws each chart from the data the page embeds, when the ECharts
// build is there. The tables beneath the charts carry the same figures, so without
// JavaScript (or without ECharts) nothing is lost; the charts are aria-hidden.
(function () {
  "use strict";
  function draw() {
    var el = document.getElementById("figures-data");
    if (!el || typeof window.echarts === "undefined") return;
    var charts = JSON.parse(el.textContent || "[]");
    charts.forEach(function (c) {
      var box = document.getElementById(c.id);
      if (!box || !c.labels || c.labels.length === 0) return;
      var horizontal = c.kind === "bar" && c.labels.length > 6;
      box.classList.add("drawn");
      // A bar per row, each readable: many rows make the chart taller, not the bars thinner.
      if (horizontal) box.style.height = Math.max(280, c.labels.length * 24 + 56) + "px";
      var chart = window.echarts.init(box, null, { renderer: "canvas" });
      var cat = { type: "category", data: c.labels, axisLabel: { interval: 0, fontSize: 11 } };
      var val = { type: "value", name: "小时" };
      chart.setOption({
        color: ["#c0392b"],
        grid: { left: horizontal ? 96 : 48, right: 16, top: 32, bottom: horizontal ? 24 : 48 },
        tooltip: { trigger: "axis" },
        xAxis: horizontal ? val : cat,
        yAxis: horizontal ? Object.assign({}, cat, { inverse: true }) : val,
        series: [{ name: c.name, type: c.kind, data: c.values, smooth: c.kind === "line" }]
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
