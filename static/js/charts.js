// Dashboard charts: each <canvas data-chart="ID"> draws the JSON of <script id="ID"> (made by
// reports.dashboards.chart_json) with the pinned Chart.js. Counts on the left axis, money on
// the right; numbers formatted in the page's language. Charts keep a fixed height and the
// page's width, so they read on a phone as on a desktop.
(function () {
  "use strict";
  const COLOURS = ["#1f6feb", "#2da44e", "#bf8700", "#cf222e", "#8250df"];

  function draw(canvas) {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source || !window.Chart) return;
    const data = JSON.parse(source.textContent);
    const language = document.documentElement.lang || "en";
    const count = new Intl.NumberFormat(language);
    const money = data.currency
      ? new Intl.NumberFormat(language, { style: "currency", currency: data.currency })
      : count;
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
    new window.Chart(canvas, {
      type: "bar",
      data: { labels: data.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 12 } },
          tooltip: {
            callbacks: {
              label: function (item) {
                const format = item.dataset.yAxisID === "money" ? money : count;
                return item.dataset.label + ": " + format.format(item.parsed.y);
              },
            },
          },
        },
        scales: {
          x: { ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 8 } },
          count: {
            position: "left",
            beginAtZero: true,
            ticks: { callback: function (v) { return count.format(v); } },
          },
          money: {
            display: hasMoney,
            position: "right",
            beginAtZero: true,
            grid: { drawOnChartArea: false },
            ticks: { callback: function (v) { return money.format(v); } },
          },
        },
      },
    });
    canvas.dataset.drawn = "true"; // the browser tests wait for this
  }

  function drawAll() {
    document.querySelectorAll("canvas[data-chart]:not([data-drawn])").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", drawAll);
})();
