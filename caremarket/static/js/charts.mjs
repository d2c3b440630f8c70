// Draws the charts described by each [data-chart] figure's JSON over its table of figures.
// Chart.js (static/chartjs) is loaded as a classic script first and sets window.Chart.
const COLOURS = ["#00497f", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#85994b", "#6f72af", "#b58840", "#1d70b8", "#912b88", "#28a197", "#505a5f"];

function formatter(unit) {
  const number = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 1 });
  const money = new Intl.NumberFormat("en-GB", { style: "currency", currency: "GBP", maximumFractionDigits: 0 });
  return (value) => {
    if (value === null || value === undefined) return "no figure";
    if (unit === "percent") return `${number.format(value)}%`;
    if (unit === "money") return money.format(value);
    if (unit === "working_hours") return `${number.format(value)} h`;
    return number.format(value);
  };
}

function draw(figure) {
  const source = document.getElementById(figure.dataset.chart);
  const canvas = figure.querySelector("canvas");
  if (!source || !canvas || !window.Chart) return;
  const spec = JSON.parse(source.textContent);
  const format = formatter(spec.unit);
  const line = spec.kind === "line";
  new window.Chart(canvas, {
    type: spec.kind,
    data: {
      labels: spec.labels,
      datasets: spec.datasets.map((d, i) => ({
        label: d.label,
        data: d.data,
        borderColor: COLOURS[i % COLOURS.length],
        backgroundColor: COLOURS[i % COLOURS.length],
        borderWidth: line ? 2.5 : 0,
        pointRadius: line ? 3 : 0,
        spanGaps: false,
      })),
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      scales: {
        x: { stacked: spec.stacked, ticks: { autoSkip: true, maxRotation: 0 } },
        y: {
          stacked: spec.stacked,
          beginAtZero: true,
          suggestedMax: spec.unit === "percent" ? 100 : undefined,
          ticks: { callback: (value) => format(value) },
        },
      },
      plugins: {
        legend: { position: "bottom", labels: { font: { family: "arial, sans-serif", size: 14 } } },
        tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label}: ${format(ctx.parsed.y)}` } },
      },
    },
  });
  figure.dataset.chartDrawn = "true";
}

document.querySelectorAll("[data-chart]").forEach(draw);
