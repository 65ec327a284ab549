// "Send a new code": disabled with a countdown while the wait lasts. Without JavaScript the
// page's sentence says how long to wait, and an early press comes back to the same form.
(() => {
  document.querySelectorAll("[data-resend-wait]").forEach((button) => {
    let seconds = Number(button.dataset.resendWait);
    const note = document.getElementById(button.dataset.resendNote);
    const count = note && note.querySelector("[data-resend-seconds]");
    if (!seconds || seconds <= 0) return;
    button.disabled = true;
    const timer = window.setInterval(() => {
      seconds -= 1;
      if (count) count.textContent = String(seconds);
      if (seconds <= 0) {
        window.clearInterval(timer);
        button.disabled = false;
        if (note) note.hidden = true;
      }
    }, 1000);
  });
})();
