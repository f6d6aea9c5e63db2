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

  /* How long ago `iso` (a date or a moment) was, in `language`: "il y a 3 jours", "قبل 3 أيام";
     the largest unit that is at least one. */
  var AGE_UNITS = [
    ["year", 365 * 86400],
    ["month", 30 * 86400],
    ["week", 7 * 86400],
    ["day", 86400],
    ["hour", 3600],
    ["minute", 60],
  ];
  function age(iso, language) {
    var relative = new Intl.RelativeTimeFormat(language, { numeric: "auto" });
    var seconds = (Date.parse(iso) - Date.now()) / 1000;
    if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) {
      // A day without a time: counted in calendar days ("aujourd'hui", "hier", "il y a 3 jours").
      var today = new Date();
      today.setHours(0, 0, 0, 0);
      var days = Math.round((new Date(iso + "T00:00:00").getTime() - today.getTime()) / 86400000);
      if (Math.abs(days) < 7) return relative.format(days, "day");
      seconds = days * 86400;
    }
    for (var i = 0; i < AGE_UNITS.length; i++) {
      if (Math.abs(seconds) >= AGE_UNITS[i][1]) {
        return relative.format(Math.round(seconds / AGE_UNITS[i][1]), AGE_UNITS[i][0]);
      }
    }
    return relative.format(0, "minute");
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
    age: age,
  };
})();
