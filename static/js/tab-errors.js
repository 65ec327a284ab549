// Announce errors that sit on a tab other than the one shown, with a link that opens that tab.
(function () {
  function announce() {
    var config = document.getElementById("tab-errors-text");
    var banner = document.querySelector(".messages li.error");
    if (!config || !banner || banner.querySelector("[data-tab-error-link]")) {
      return;
    }
    var text = JSON.parse(config.textContent);
    document.querySelectorAll('.w-tabs__tab[role="tab"]').forEach(function (tab) {
      var total = tab.querySelector('[data-w-count-target="total"]');
      var count = total ? parseInt(total.textContent, 10) : 0;
      if (!count || tab.getAttribute("aria-selected") === "true") {
        return;
      }
      var name = Array.from(tab.childNodes)
        .filter(function (node) { return node.nodeType === Node.TEXT_NODE; })
        .map(function (node) { return node.textContent.trim(); })
        .join(" ").trim();
      var link = document.createElement("a");
      link.href = tab.getAttribute("href");
      link.className = "w-ml-2.5";
      link.style.color = "inherit";
      link.style.textDecoration = "underline";
      link.setAttribute("data-tab-error-link", "");
      link.textContent = (count === 1 ? text.one : text.many)
        .replace("{count}", count).replace("{tab}", name);
      link.addEventListener("click", function (event) {
        event.preventDefault();
        tab.click();
        var target = document.querySelector(tab.getAttribute("href"));
        var field = target && target.querySelector(".error-message, .help-critical");
        (field || target || tab).scrollIntoView({ block: "center" });
      });
      banner.appendChild(link);
    });
  }
  // The tab counters are filled when Wagtail's controllers connect.
  window.addEventListener("load", function () { window.setTimeout(announce, 0); });
})();
