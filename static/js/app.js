/* On every page: install the service worker (offline report page), send any report kept on
   this phone while it was offline, and fold the header's links behind a menu button on narrow
   screens. */
"use strict";

(function () {
  var worker = document.body.dataset.serviceWorker;
  if (worker && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(worker, { scope: "/" }).catch(function () {});
  }
  if (window.CasaOutbox && navigator.onLine && !document.getElementById("outbox")) {
    CasaOutbox.flush().catch(function () {});
  }

  /* File fields: the chosen files' names, in place of the browser's own words. */
  document.querySelectorAll(".file-picker").forEach(function (picker) {
    var input = picker.querySelector("input[type=file]");
    var chosen = picker.querySelector(".file-picker__chosen");
    input.addEventListener("change", function () {
      var files = Array.prototype.map.call(input.files, function (file) {
        return file.name;
      });
      chosen.textContent = files.length === 0 ? chosen.dataset.none
        : files.length === 1 ? files[0] : files.length + " " + chosen.dataset.many;
    });
  });

  /* The menu: the CSS hides the links on narrow screens only once the header is marked as
     folding (so they stay reachable without scripts); the button opens and closes them. */
  var header = document.querySelector(".site-header");
  var menuButton = document.getElementById("site-menu-button");
  if (!header || !menuButton) return;
  header.classList.add("site-header--folding");
  menuButton.hidden = false;
  function setOpen(open) {
    menuButton.setAttribute("aria-expanded", open ? "true" : "false");
    header.classList.toggle("site-header--open", open);
  }
  menuButton.addEventListener("click", function () {
    setOpen(menuButton.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && menuButton.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      menuButton.focus();
    }
  });
})();
