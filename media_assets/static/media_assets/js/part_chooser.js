// The part chooser: mark in/out at the player's position, step by one frame, keyboard
// shortcuts (I, O, ←, →), play the chosen part, and the expected duration and size. Without
// JavaScript the form still works with typed timecodes.
(function () {
  "use strict";
  var player = document.getElementById("part-player");
  var form = document.querySelector(".part-form");
  if (!player || !form) return;
  var fps = Number(player.dataset.fpsNum) / Number(player.dataset.fpsDen);
  var base = Math.round(fps);
  var dropFrame = Number(player.dataset.fpsDen) === 1001 && (base === 30 || base === 60);
  var bitRate = Number(player.dataset.bitRate) || 0;
  var inField = document.getElementById("part-in");
  var outField = document.getElementById("part-out");
  var estimate = document.getElementById("part-estimate");
  document.querySelectorAll("[data-js-only]").forEach(function (el) { el.hidden = false; });

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function toTimecode(frame) {
    if (dropFrame) {
      var dropped = 2 * (base / 30), per10 = base * 600 - dropped * 9, perMin = base * 60 - dropped;
      var tens = Math.floor(frame / per10), rest = frame % per10;
      frame += dropped * 9 * tens + (rest > dropped ? dropped * Math.floor((rest - dropped) / perMin) : 0);
    }
    var ff = frame % base, s = Math.floor(frame / base);
    return pad(Math.floor(s / 3600)) + ":" + pad(Math.floor(s / 60) % 60) + ":" + pad(s % 60) + (dropFrame ? ";" : ":") + pad(ff);
  }
  function fromTimecode(value) {
    var m = /^(\d{1,2}):([0-5]\d):([0-5]\d)[:;](\d{1,2})$/.exec(value.trim());
    if (!m) return null;
    var h = +m[1], mi = +m[2], s = +m[3], f = +m[4];
    if (f >= base) return null;
    var total = h * 60 + mi, frame = (total * 60 + s) * base + f;
    if (dropFrame) frame -= 2 * (base / 30) * (total - Math.floor(total / 10));
    return frame;
  }
  function currentFrame() { return Math.floor(player.currentTime * fps + 1e-6); }
  function seekFrame(frame) { player.currentTime = (Math.max(0, frame) + 0.5) / fps; }
  function update() {
    var a = fromTimecode(inField.value), b = fromTimecode(outField.value);
    if (a === null || b === null || b <= a) { estimate.textContent = ""; return; }
    var seconds = (b - a) / fps;
    var text = form.dataset.durationLabel || "";
    var size = bitRate ? " · ~" + Math.max(1, Math.round(bitRate * seconds / 8 / 1e6)) + " MB" : "";
    var figures = { minimumFractionDigits: 2, maximumFractionDigits: 2 };
    var language = document.documentElement.lang || undefined;
    estimate.textContent = text + seconds.toLocaleString(language, figures) + " s" + size;
  }
  function act(action) {
    if (action === "mark-in") inField.value = toTimecode(currentFrame());
    if (action === "mark-out") outField.value = toTimecode(currentFrame() + 1);
    if (action === "back") { player.pause(); seekFrame(currentFrame() - 1); }
    if (action === "forward") { player.pause(); seekFrame(currentFrame() + 1); }
    if (action === "play-part") {
      var a = fromTimecode(inField.value), b = fromTimecode(outField.value);
      if (a === null || b === null) return;
      seekFrame(a);
      player.play();
      var stop = function () {
        if (player.currentTime >= b / fps) { player.pause(); player.removeEventListener("timeupdate", stop); }
      };
      player.addEventListener("timeupdate", stop);
    }
    update();
  }
  document.querySelectorAll("[data-action]").forEach(function (button) {
    button.addEventListener("click", function () { act(button.dataset.action); });
  });
  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || event.ctrlKey || event.metaKey || event.altKey) return;
    var map = { i: "mark-in", o: "mark-out", ArrowLeft: "back", ArrowRight: "forward" };
    var action = map[event.key] || map[event.key.toLowerCase && event.key.toLowerCase()];
    if (action) { event.preventDefault(); act(action); }
  });
  inField.addEventListener("input", update);
  outField.addEventListener("input", update);
  update();
})();
