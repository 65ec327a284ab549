// Uploads the master with a progress bar. The browser streams the file; Django writes it to
// disk as it arrives (never in memory). Without JavaScript the form submits as usual.
(() => {
  // Decimal units, as the server writes sizes everywhere (1 MB = 1,000,000 bytes), with the
  // unit names and decimal separator of the page's language (« Mo », « 2,3 Go » in French).
  const formatBytes = (bytes, box) => {
    const { unitB, unitKb, unitMb, unitGb, unitTb } = box.dataset;
    const units = [unitB, unitKb, unitMb, unitGb, unitTb];
    let value = bytes;
    let unit = 0;
    while (value >= 1000 && unit < units.length - 1) {
      value /= 1000;
      unit += 1;
    }
    const number = value.toFixed(unit ? 1 : 0).replace(".", box.dataset.decimalSeparator || ".");
    return `${number}\u00a0${units[unit]}`;
  };

  const fill = (template, values) =>
    template.replace(/\{(\w+)\}/g, (match, key) => (key in values ? values[key] : match));

  document.addEventListener("submit", (event) => {
    const form = event.target;
    const input = form.querySelector("input[type=file][data-master-upload]");
    if (event.defaultPrevented || !input || !input.files.length) return;
    const box = input.closest(".master-upload")?.querySelector(".master-upload__progress");
    if (!box) return;
    event.preventDefault();

    const bar = box.querySelector("progress");
    const output = box.querySelector("output");
    const buttons = form.querySelectorAll("button[type=submit], input[type=submit]");
    const data = new FormData(form);
    if (event.submitter && event.submitter.name) {
      data.append(event.submitter.name, event.submitter.value);
    }
    const url = form.getAttribute("action") || window.location.href;
    const request = new XMLHttpRequest();
    request.open("POST", url);

    // The bar stays in view at the bottom of the window, beside the Save button the person
    // just pressed, however far down the form they are.
    box.classList.add("master-upload__progress--sticky");
    box.hidden = false;
    buttons.forEach((button) => {
      button.disabled = true;
    });
    request.upload.addEventListener("progress", (progress) => {
      if (!progress.lengthComputable) return;
      const percent = Math.floor((progress.loaded / progress.total) * 100);
      bar.value = percent;
      output.textContent = fill(box.dataset.progressText, {
        loaded: formatBytes(progress.loaded, box),
        total: formatBytes(progress.total, box),
        percent,
      });
    });
    request.upload.addEventListener("load", () => {
      bar.value = 100;
      output.textContent = box.dataset.checkingText;
    });
    request.addEventListener("load", () => {
      // Show the page Django answered with (the listing with its message, or the form with
      // its errors) without asking for it again, which would lose the message.
      if (request.responseURL) window.history.replaceState(null, "", request.responseURL);
      document.open();
      document.write(request.responseText);
      document.close();
    });
    request.addEventListener("error", () => {
      output.textContent = box.dataset.errorText;
      buttons.forEach((button) => {
        button.disabled = false;
      });
    });
    request.send(data);
  });
})();
