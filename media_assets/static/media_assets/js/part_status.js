// While a part is being prepared, ask for its state every second and move the progress bar;
// when it is ready (or failed), reload the page, which then offers the download (or says
// why). Without JavaScript the page refreshes itself every 3 seconds instead.
(() => {
  const POLL_MS = 1000;
  const state = document.getElementById("part-state");
  const bar = document.getElementById("part-progress");
  if (!state || !bar) return;
  const label = document.getElementById("part-progress-label");
  const waiting = ["queued", "running"];
  const poll = () => {
    fetch(state.dataset.statusUrl, { credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : null))
      .then((status) => {
        if (!status) {
          window.setTimeout(poll, POLL_MS * 2);
          return;
        }
        bar.value = status.state === "ready" ? 100 : status.percent;
        bar.textContent = bar.value + " %";
        state.textContent = status.state_label;
        state.dataset.state = status.state;
        if (label) label.textContent = status.progress_label;
        if (waiting.includes(status.state)) {
          window.setTimeout(poll, POLL_MS);
        } else {
          window.setTimeout(() => window.location.reload(), 500);
        }
      })
      .catch(() => window.setTimeout(poll, POLL_MS * 2));
  };
  window.setTimeout(poll, POLL_MS);
})();
