/* On every page: install the service worker (offline report page) and send any report kept on
   this phone while it was offline. */
"use strict";

(function () {
  var worker = document.body.dataset.serviceWorker;
  if (worker && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(worker, { scope: "/" }).catch(function () {});
  }
  if (window.CasaOutbox && navigator.onLine && !document.getElementById("outbox")) {
    CasaOutbox.flush().catch(function () {});
  }
})();
