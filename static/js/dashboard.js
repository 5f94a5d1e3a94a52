// Draws each dashboard chart from its JSON data block (rendered with Django's json_script,
// so no inline script runs: CSP). The same figures are in the table beneath each chart.
// Suppressed figures ("*") and figures with nothing to measure ("-") arrive as null: no bar
// or point is drawn for them (never a 0), and the plugin below writes the "*" or "-" where
// the bar would start, so a hidden figure never reads as an empty bar.
(function () {
  "use strict";

  var PALETTE = ["#1d70b8", "#f47738", "#00703c", "#912b88", "#28a197", "#d4351c", "#5694ca", "#85994b"];

  function readData(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function tooltipLabel(spec) {
    return function (context) {
      var dataset = spec.datasets[context.datasetIndex];
      var shown = dataset.display ? dataset.display[context.dataIndex] : context.formattedValue;
      return dataset.label + ": " + shown + (spec.unit && shown !== "*" && shown !== "-" ? spec.unit : "");
    };
  }

  // Writes each hidden figure's marker ("*" or "-") at the base of its bar or point and
  // records what it wrote on the chart (chart.$hiddenLabels) for the browser tests.
  function hiddenLabels(spec) {
    return {
      id: "appHiddenLabels",
      afterDatasetsDraw: function (chart) {
        var horizontal = chart.options.indexAxis === "y";
        var indexScale = chart.scales[horizontal ? "y" : "x"];
        var valueScale = chart.scales[horizontal ? "x" : "y"];
        var base = valueScale.getPixelForValue(0);
        var ctx = chart.ctx;
        var drawn = [];
        ctx.save();
        ctx.font = "bold 16px " + window.Chart.defaults.font.family;
        ctx.fillStyle = "#0b0c0c";
        ctx.textBaseline = horizontal ? "middle" : "bottom";
        ctx.textAlign = horizontal ? "left" : "center";
        spec.datasets.forEach(function (dataset, i) {
          var meta = chart.getDatasetMeta(i);
          if (!chart.isDatasetVisible(i)) {
            return;
          }
          dataset.data.forEach(function (value, j) {
            var shown = dataset.display ? dataset.display[j] : null;
            if (value !== null || !shown) {
              return;
            }
            var element = meta.data[j];
            var at = element ? element[horizontal ? "y" : "x"] : NaN;
            if (!isFinite(at)) {
              at = indexScale.getPixelForValue(j);
            }
            if (horizontal) {
              ctx.fillText(shown, base + 6, at);
            } else {
              ctx.fillText(shown, at, base - 4);
            }
            drawn.push({ dataset: i, index: j, text: shown });
          });
        });
        ctx.restore();
        chart.$hiddenLabels = drawn;
      }
    };
  }

  function config(spec) {
    var valueAxis = spec.horizontal ? "x" : "y";
    var scales = { x: { stacked: !!spec.stacked }, y: { stacked: !!spec.stacked } };
    scales[valueAxis].beginAtZero = true;
    if (spec.unit === "%") {
      scales[valueAxis].max = 100;
      scales[valueAxis].ticks = { callback: function (v) { return v + "%"; } };
    } else {
      // Counts are whole numbers; when every figure is hidden the axis still reads 0 to 5.
      scales[valueAxis].suggestedMax = 5;
      scales[valueAxis].ticks = { precision: 0 };
    }
    return {
      type: spec.type || "bar",
      plugins: [hiddenLabels(spec)],
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (d, i) {
          var colour = PALETTE[i % PALETTE.length];
          return {
            label: d.label,
            data: d.data,
            backgroundColor: colour,
            borderColor: colour,
            borderWidth: spec.type === "line" ? 3 : 0,
            maxBarThickness: 48,
            spanGaps: false,
            tension: 0
          };
        })
      },
      options: {
        indexAxis: spec.horizontal ? "y" : "x",
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: scales,
        plugins: {
          legend: { display: spec.datasets.length > 1, position: "bottom" },
          tooltip: { callbacks: { label: tooltipLabel(spec) } }
        }
      }
    };
  }

  function draw() {
    if (typeof window.Chart === "undefined") {
      return;
    }
    window.Chart.defaults.font.family = '"GDS Transport", arial, sans-serif';
    window.Chart.defaults.color = "#0b0c0c";
    document.querySelectorAll("canvas[data-chart-data]").forEach(function (canvas) {
      var spec = readData(canvas.getAttribute("data-chart-data"));
      if (spec) {
        if (spec.horizontal) {
          // One bar per row: size the chart to its rows (CSSOM, not an inline style attribute).
          canvas.parentNode.style.height = Math.max(160, spec.labels.length * 34 + 70) + "px";
        }
        new window.Chart(canvas, config(spec));
        canvas.setAttribute("data-chart-ready", "true");
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
