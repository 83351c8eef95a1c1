// Dashboard charts: each <canvas data-chart="ID"> draws the JSON of <script id="ID"> (made by
// reports.dashboards.chart) with the pinned Chart.js. Counts on the start axis, money on the
// end one; numbers in the page's language, money in the pages' one format (the affixes
// lib.formats.format_money writes around the number). On a right-to-left page (Persian) the
// chart is mirrored: time runs from right to left, counts on the right, legend and tooltips
// right to left. Charts keep a fixed height and the page's width, so they read on a phone as
// on a desktop.
(function () {
  "use strict";
  const COLOURS = ["#1f6feb", "#2da44e", "#bf8700", "#cf222e", "#8250df"];

  function draw(canvas) {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source || !window.Chart) return;
    const data = JSON.parse(source.textContent);
    const language = document.documentElement.lang || "en";
    const rtl = document.documentElement.dir === "rtl";
    const count = new Intl.NumberFormat(language);
    const money = data.money ? moneyFormat(language, data.money) : count;
    const datasets = data.datasets.map(function (set, index) {
      const isMoney = set.axis === "money";
      return {
        label: set.label,
        data: set.data,
        yAxisID: isMoney ? "money" : "count",
        type: isMoney ? "line" : "bar",
        borderColor: COLOURS[index % COLOURS.length],
        backgroundColor: COLOURS[index % COLOURS.length] + (isMoney ? "" : "99"),
        borderWidth: isMoney ? 2 : 0,
        pointRadius: 0,
        tension: 0.25,
        order: isMoney ? 0 : 1,
      };
    });
    const hasMoney = datasets.some(function (set) { return set.yAxisID === "money"; });
    const direction = rtl ? "rtl" : "ltr";
    new window.Chart(canvas, {
      type: "bar",
      data: { labels: data.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        locale: language,
        interaction: { mode: "index", intersect: false },
        plugins: {
          legend: {
            position: "bottom",
            rtl: rtl,
            textDirection: direction,
            labels: { boxWidth: 12 },
          },
          tooltip: {
            rtl: rtl,
            textDirection: direction,
            callbacks: {
              label: function (item) {
                const format = item.dataset.yAxisID === "money" ? money : count;
                return item.dataset.label + ": " + format.format(item.parsed.y);
              },
            },
          },
        },
        scales: {
          x: { reverse: rtl, ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 8 } },
          count: {
            position: rtl ? "right" : "left",
            beginAtZero: true,
            ticks: { callback: function (v) { return count.format(v); } },
          },
          money: {
            display: hasMoney,
            position: rtl ? "left" : "right",
            beginAtZero: true,
            grid: { drawOnChartArea: false },
            ticks: { callback: function (v) { return money.format(v); } },
          },
        },
      },
    });
    canvas.dataset.drawn = "true"; // the browser tests wait for this
  }

  // {format(value)} writing an amount as the server does: Intl's digits and separators for
  // the language, with the currency's decimals, between format_money's prefix and suffix.
  function moneyFormat(language, affixes) {
    const digits = affixes.digits;
    const number = new Intl.NumberFormat(language, {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    const minus = number.formatToParts(-1).find(function (part) {
      return part.type === "minusSign";
    });
    return {
      format: function (value) {
        const sign = value < 0 && minus ? minus.value : "";
        return sign + affixes.prefix + number.format(Math.abs(value)) + affixes.suffix;
      },
    };
  }

  function drawAll() {
    document.querySelectorAll("canvas[data-chart]:not([data-drawn])").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", drawAll);
})();
