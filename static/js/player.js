// Clicking a shot's timecode seeks the preview player to the shot's in-point and plays it.
document.addEventListener("click", (event) => {
  const link = event.target.closest("[data-seek]");
  if (!link) return;
  const player = document.getElementById(link.dataset.player);
  if (!player) return;
  event.preventDefault();
  player.currentTime = parseFloat(link.dataset.seek);
  player.focus();
  player.play().catch(() => {});
});
