// Draws a download report's chart with Chart.js from the JSON the page carries (json_script).
// A Stimulus controller of Wagtail's admin application: no inline script, and charts that the
// filters re-render (the listing is replaced without a page load) are drawn again on connect.
(() => {
  if (!window.wagtail || !window.StimulusModule || !window.Chart) return;

  const COLOURS = ["#1d4f91", "#7fb2e5", "#5c5c5c"];

  class DownloadChartController extends window.StimulusModule.Controller {
    static targets = ["canvas"];

    connect() {
      const source = this.element.querySelector('script[type="application/json"]');
      if (!source || !this.hasCanvasTarget) return;
      const data = JSON.parse(source.textContent);
      const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      this.chart = new window.Chart(this.canvasTarget, {
        type: data.type,
        data: {
          labels: data.labels,
          datasets: data.datasets.map((dataset, index) => ({
            ...dataset,
            backgroundColor: COLOURS[index % COLOURS.length],
            borderColor: COLOURS[index % COLOURS.length],
            borderDash: dataset.type === "line" ? [6, 4] : undefined,
            pointRadius: dataset.type === "line" ? 0 : undefined,
          })),
        },
        options: {
          locale: data.locale,
          animation: reducedMotion ? false : undefined,
          maintainAspectRatio: false,
          interaction: { mode: "index", intersect: false },
          scales: {
            x: { stacked: data.stacked },
            y: {
              stacked: data.stacked,
              beginAtZero: true,
              ticks: { precision: 0 },
              title: { display: Boolean(data.yTitle), text: data.yTitle },
            },
          },
        },
      });
    }

    disconnect() {
      if (this.chart) this.chart.destroy();
      this.chart = null;
    }
  }

  window.wagtail.app.register("download-chart", DownloadChartController);
})();
