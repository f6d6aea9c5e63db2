/* Shared helpers for Casa Map's pages: page config, CSRF, JSON fetch, base map. */
"use strict";

window.CasaMap = (function () {
  function config() {
    var node = document.getElementById("page-config");
    return node ? JSON.parse(node.textContent) : {};
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) return input.value;
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" }).then(
      function (response) {
        return response.json().then(function (body) {
          return { status: response.status, body: body };
        });
      }
    );
  }

  function postForm(url, formData) {
    return fetch(url, {
      method: "POST",
      body: formData || new FormData(),
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "fetch", Accept: "application/json" },
    }).then(function (response) {
      return response.json().then(function (body) {
        return { status: response.status, body: body };
      });
    });
  }

  /* A Leaflet map whose boundaries layer draws from our API even when tiles cannot load. */
  function baseMap(elementId, cfg, onBoundaries) {
    var map = L.map(elementId, { zoomControl: true });
    L.tileLayer(cfg.tileUrl, { attribution: cfg.tileAttribution, maxZoom: 19 }).addTo(map);
    map.setView([33.57, -7.6], 12); // replaced by the boundaries' extent as soon as they load
    getJSON(cfg.boundariesUrl).then(function (result) {
      var layer = L.geoJSON(result.body, {
        interactive: false,
        style: { color: "#1d4e89", weight: 1.5, fillOpacity: 0.05 },
      }).addTo(map);
      map.fitBounds(layer.getBounds());
      if (onBoundaries) onBoundaries(layer);
    });
    return map;
  }

  function localName(item, language) {
    return language === "ar" && item.name_ar ? item.name_ar : item.name_fr;
  }

  return {
    config: config,
    csrfToken: csrfToken,
    getJSON: getJSON,
    postForm: postForm,
    baseMap: baseMap,
    localName: localName,
  };
})();
