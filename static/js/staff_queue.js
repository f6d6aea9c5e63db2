/* The queue's map: the filtered reports and the authority's boundary, drawn when opened. */
"use strict";

(function () {
  var cfg = JSON.parse(document.getElementById("queue-map-config").textContent);
  var panel = document.querySelector(".queue-map-panel");
  var map = null;
  panel.addEventListener("toggle", function () {
    if (!panel.open || map) return;
    map = L.map("queue-map", { preferCanvas: true });
    L.tileLayer(cfg.tileUrl, { attribution: cfg.tileAttribution, maxZoom: 19 }).addTo(map);
    map.setView([33.57, -7.6], 12);
    fetch(cfg.pointsUrl, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var bounds = null;
        if (data.boundary) {
          var boundary = L.geoJSON(data.boundary, { style: { color: "#1d4e89", weight: 2, fillOpacity: 0.05 } });
          boundary.addTo(map);
          bounds = boundary.getBounds();
        }
        var markers = data.points.map(function (p) {
          return L.circleMarker([p[0], p[1]], { radius: 4, color: "#b3261e" }).bindTooltip(p[2]);
        });
        var group = L.featureGroup(markers).addTo(map);
        panel.dataset.points = String(markers.length);
        if (!bounds && markers.length) bounds = group.getBounds();
        if (bounds) map.fitBounds(bounds);
      });
  });
})();
