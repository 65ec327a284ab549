// While a video is queued or being processed, ask for its state every few seconds and say
// when it is done. The page is not reloaded by itself: the editor may have unsaved changes.
(() => {
  const POLL_MS = 4000;
  const panel = document.querySelector(".video-processing[data-status-url]");
  if (!panel) return;
  const waiting = ["queued", "processing"];
  if (!waiting.includes(panel.dataset.processingState)) return;
  const notice = panel.querySelector("[data-processing-finished]");
  const poll = () => {
    fetch(panel.dataset.statusUrl, { credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : null))
      .then((status) => {
        if (status && !waiting.includes(status.state)) {
          const badge = panel.querySelector(".w-status");
          if (badge) badge.textContent = status.label;
          notice.hidden = false;
          return;
        }
        window.setTimeout(poll, POLL_MS);
      })
      .catch(() => window.setTimeout(poll, POLL_MS * 2));
  };
  window.setTimeout(poll, POLL_MS);
})();
