/* The project's approval timeline: an ECharts custom series, one lane per item, the planned
   bar behind the actual one (submission to decision, or to today while open). Items whose
   bars overlap in time run in parallel (并联). Data comes from the page's JSON block. */
(function () {
  "use strict";

  var COLORS = {
    not_started: "#b8c2cf", submitted: "#1f5fa8", accepted: "#d08a2e", accepted_with_gaps: "#b7791f",
    approved: "#2e7d32", deemed_approved: "#1b6f5c", rejected: "#b3261e", withdrawn: "#7a8594"
  };
  var LATE = "#c0392b";
  var DAY = 86400000;

  function time(iso) { return iso ? new Date(iso + "T00:00:00").getTime() : null; }

  function bar(api, lane, start, end, height, offset) {
    var a = api.coord([start, lane]), b = api.coord([end + DAY, lane]);
    var band = api.size([0, 1])[1];
    return { x: a[0], y: a[1] - band * offset, width: Math.max(b[0] - a[0], 2), height: band * height };
  }

  function render() {
    var el = document.getElementById("timeline");
    var source = document.getElementById("timeline-data");
    if (!el || !source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var L = JSON.parse(el.dataset.labels);
    var lanes = data.lanes;
    el.style.height = Math.max(260, 60 + lanes.length * 30) + "px";
    var rows = [];
    lanes.forEach(function (lane, i) {
      rows.push({ value: [i, time(lane.planned[0]), time(lane.planned[1]), 0], lane: lane });
      rows.push({ value: [i, time(lane.actual[0]), time(lane.actual[1]), 1], lane: lane });
    });
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: {
        formatter: function (p) {
          var lane = p.data.lane, esc = window.kpEscapeHtml;
          return esc(lane.name) + "（" + esc(lane.department) + "）<br>" + esc(lane.status_label) +
            "<br>" + L.planned + "：" + esc(lane.planned[0] || "—") + " — " + esc(lane.planned[1] || "—") +
            "<br>" + L.actual + "：" + esc(lane.actual[0] || "—") + " — " + esc(lane.actual[1] || "—") +
            (lane.due ? "<br>" + L.due + "：" + esc(lane.due) : "");
        }
      },
      grid: { left: 10, right: 24, top: 24, bottom: 28, containLabel: true },
      xAxis: { type: "time", position: "top" },
      yAxis: { type: "category", inverse: true, data: lanes.map(function (l) { return l.name; }) },
      series: [{
        type: "custom",
        encode: { x: [1, 2], y: 0 },
        data: rows,
        renderItem: function (params, api) {
          var lane = lanes[api.value(0)], start = api.value(1), end = api.value(2), actual = api.value(3) === 1;
          if (!start || !end || isNaN(start) || isNaN(end)) { return null; }
          var shape = actual ? bar(api, api.value(0), start, end, 0.36, 0.05) : bar(api, api.value(0), start, end, 0.5, 0.35);
          var color = actual ? (lane.late ? LATE : COLORS[lane.status]) : "#dfe6ef";
          return { type: "rect", shape: shape, style: { fill: color }, emphasis: { style: { opacity: 0.8 } } };
        },
        markLine: {
          symbol: "none", silent: true, label: { formatter: L.today },
          lineStyle: { color: LATE, type: "dashed" },
          data: [{ xAxis: time(data.today) }]
        }
      }]
    });
    chart.on("click", function (p) { if (p.data && p.data.lane) { window.location.href = el.dataset.itemUrl.replace("/0/", "/" + p.data.lane.id + "/"); } });
    window.addEventListener("resize", function () { chart.resize(); });
    el.dataset.rendered = "1";
  }

  document.addEventListener("DOMContentLoaded", render);
})();
