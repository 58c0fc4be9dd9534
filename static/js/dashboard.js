/* 调度看板 and 讲话数据: charts from the page's JSON block (no second request), chart
   clicks open the drill-down, filters submit on change, and the speech copy button. */
(function () {
  "use strict";

  var BLUE = "#1f5fa8", GREEN = "#2e7d32", AMBER = "#b7791f", GREY = "#7a8594";
  var PALETTE = [BLUE, "#4e9a51", "#d08a2e", "#8e5ea2", "#3aa1a8", "#c0392b", GREY];

  function autoSubmit() {
    document.querySelectorAll("form.dash-filters select").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
  }

  function withUrls(values, urls) {
    return values.map(function (value, i) { return { value: value, url: urls[i] }; });
  }

  function openOnClick(chart) {
    chart.on("click", function (params) {
      var url = params.data && params.data.url;
      if (url) { window.location.href = url; }
    });
    chart.getZr().on("mousemove", function (event) {
      chart.getZr().setCursorStyle(event.target ? "pointer" : "default");
    });
  }

  function monthOption(d, L) {
    return {
      color: [BLUE, GREEN, AMBER],
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 56, right: 56, top: 40, bottom: 28 },
      xAxis: { type: "category", data: d.labels },
      yAxis: [
        { type: "value", name: L.money, nameTextStyle: { align: "right" } },
        { type: "value", name: "%", min: 0, axisLabel: { formatter: "{value}%" }, splitLine: { show: false } }
      ],
      series: [
        { name: L.completed, type: "bar", barMaxWidth: 36, data: withUrls(d.completed, d.urls) },
        { name: L.plan_share, type: "line", yAxisIndex: 1, symbolSize: 7, data: withUrls(d.plan_share, d.urls) },
        { name: L.time_share, type: "line", yAxisIndex: 1, symbolSize: 7, lineStyle: { type: "dashed" },
          data: withUrls(d.time_share, d.urls) }
      ]
    };
  }

  function countyOption(d, L) {
    return {
      color: ["#9db9dc", BLUE],
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 56, right: 16, top: 40, bottom: 28, containLabel: true },
      xAxis: { type: "category", data: d.labels, axisLabel: { interval: 0, rotate: d.labels.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", name: L.money, nameTextStyle: { align: "right" } },
      series: [
        { name: L.planned, type: "bar", barMaxWidth: 28, data: withUrls(d.planned, d.urls) },
        { name: L.completed, type: "bar", barMaxWidth: 28, data: withUrls(d.completed, d.urls) }
      ]
    };
  }

  function shareOption(items, L) {
    var data = items.filter(function (item) { return item.value; });
    return {
      color: PALETTE,
      title: data.length ? undefined : { text: L.empty, left: "center", top: "middle", textStyle: { color: GREY, fontSize: 14 } },
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          return window.kpEscapeHtml(p.name) + "<br>" + L.planned + "：" + p.value + "<br>" + L.completed + "：" +
            (p.data.completed === null ? "—" : p.data.completed) + "<br>" + (p.data.share === null ? p.percent : p.data.share) + "%";
        }
      },
      legend: { bottom: 0, type: "scroll" },
      series: [{
        type: "pie", radius: ["38%", "66%"], center: ["50%", "45%"],
        label: { formatter: function (p) { return p.name + "\n" + (p.data.share === null ? p.percent : p.data.share) + "%"; } },
        data: data
      }]
    };
  }

  function charts() {
    var node = document.getElementById("dashboard-charts");
    if (!node || !window.echarts) { return; }
    var d = JSON.parse(node.textContent), L = d.labels, made = [];
    function make(id, option) {
      var el = document.getElementById(id);
      if (!el) { return; }
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option);
      openOnClick(chart);
      made.push(chart);
    }
    make("chart-month", monthOption(d.month, L));
    if (d.county.labels.length) { make("chart-county", countyOption(d.county, L)); }
    make("chart-category", shareOption(d.category, L));
    make("chart-investor", shareOption(d.investor, L));
    window.addEventListener("resize", function () { made.forEach(function (c) { c.resize(); }); });
    window.addEventListener("beforeprint", function () { made.forEach(function (c) { c.resize(); }); });
  }

  function copySpeech() {
    var button = document.getElementById("copy-speech");
    var source = document.getElementById("speech-text");
    if (!button || !source) { return; }
    var label = button.textContent;
    function report(ok) {
      button.textContent = ok ? button.dataset.done : button.dataset.failed;
      window.setTimeout(function () { button.textContent = label; }, 2500);
    }
    function fallback() {
      source.select();
      try { report(document.execCommand("copy")); } catch (e) { report(false); }
      window.getSelection().removeAllRanges();
    }
    button.addEventListener("click", function () {
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(source.value).then(function () { report(true); }, fallback);
      } else {
        fallback();
      }
    });
  }

  function init() { autoSubmit(); charts(); copySpeech(); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
