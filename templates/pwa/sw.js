/* Casa Map's service worker, rendered by casa_map.pwa. The report page and what it needs are
   cached at install, so /report/ opens offline; pages are fetched from the network first (the
   cached report page is the fallback), static files and boundaries from the cache first (their
   cache is replaced whenever one of them changes). Reports kept offline go by background sync. */
"use strict";
importScripts({{ outbox_script|safe }});
var CONFIG = {{ config|safe }};

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CONFIG.cacheName).then(function (cache) {
      return cache.addAll(CONFIG.precache);
    }).then(function () {
      return self.skipWaiting();
    })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("casa-map-") === 0 && name !== CONFIG.cacheName;
      }).map(function (name) {
        return caches.delete(name);
      }));
    }).then(function () {
      return self.clients.claim();
    })
  );
});

function pageFromNetwork(request) {
  var url = new URL(request.url);
  return fetch(request).then(function (response) {
    if (response.ok && url.pathname === CONFIG.reportUrl) {
      var copy = response.clone();
      caches.open(CONFIG.cacheName).then(function (cache) {
        cache.put(CONFIG.reportUrl, copy);
      });
    }
    return response;
  }).catch(function () {
    return caches.match(request, { ignoreVary: true, ignoreSearch: url.pathname === CONFIG.reportUrl }).then(function (cached) {
      return cached || caches.match(CONFIG.reportUrl, { ignoreVary: true });
    });
  });
}

function fromCacheFirst(request) {
  return caches.match(request, { ignoreVary: true }).then(function (cached) {
    return cached || fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(CONFIG.cacheName).then(function (cache) {
          cache.put(request, copy);
        });
      }
      return response;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(pageFromNetwork(request));
  } else if (url.pathname.indexOf(CONFIG.staticPrefix) === 0 || url.pathname === CONFIG.boundariesUrl) {
    event.respondWith(fromCacheFirst(request));
  }
});

function tellPages(message) {
  return self.clients.matchAll({ type: "window" }).then(function (pages) {
    pages.forEach(function (page) {
      page.postMessage(message);
    });
  });
}

self.addEventListener("sync", function (event) {
  if (event.tag === "outbox") {
    event.waitUntil(CasaOutbox.flush().then(function (entries) {
      if (entries.some(function (entry) { return entry.state === "waiting"; })) {
        throw new Error("still offline"); // the browser will try this sync again later
      }
      return tellPages("outbox-changed");
    }));
  }
});
