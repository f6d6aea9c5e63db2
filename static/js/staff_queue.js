/* The queue's map: the filtered reports, coloured by status, overdue ones ringed, each opening its
   complaint page when clicked; and the authority's boundary. Drawn when opened. */
"use strict";

(function () {
  var cfg = JSON.parse(document.getElementById("queue-map-config").textContent);
  var panel = document.querySelector(".queue-map-panel");
  var map = null;
  panel.addEventListener("toggle", function () {
    if (!panel.open || map) return;
    // SVG, not canvas: each marker is an element that takes the click (at most MAP_LIMIT of them).
    map = L.map("queue-map");
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
        // Filled by status; an overdue report is drawn larger inside a thick black ring.
        var markers = data.points.map(function (p) {
          var reference = p[2], status = p[3], overdue = p[4];
          var marker = L.circleMarker([p[0], p[1]], {
            radius: overdue ? 8 : 6,
            color: overdue ? cfg.colours.overdue : "#ffffff",
            weight: overdue ? 3 : 1,
            fillColor: cfg.colours[status] || "#3d4654",
            fillOpacity: 0.9,
            className: "queue-marker queue-marker--" + status + (overdue ? " queue-marker--overdue" : "")
          }).bindTooltip(reference);
          marker.on("click", function () {
            window.location.href = cfg.complaintUrl.replace("REFERENCE", encodeURIComponent(reference));
          });
          // Keyboard: each marker is a link in the tab order, named by its reference, status
          // and lateness; Enter (or Space) opens the complaint, focus shows its tooltip.
          var name = reference + ", " + (cfg.labels[status] || status) + (overdue ? ", " + cfg.overdue : "");
          marker.on("add", function () {
            var path = marker.getElement();
            if (!path) return;
            path.setAttribute("data-reference", reference);
            path.setAttribute("tabindex", "0");
            path.setAttribute("role", "link");
            path.setAttribute("aria-label", name);
            path.addEventListener("keydown", function (event) {
              if (event.key === "Enter" || event.key === " ") {
                event.preventDefault();
                marker.fire("click");
              }
            });
            path.addEventListener("focus", function () { marker.openTooltip(); });
            path.addEventListener("blur", function () { marker.closeTooltip(); });
          });
          return marker;
        });
        var group = L.featureGroup(markers).addTo(map);
        if (!bounds && markers.length) bounds = group.getBounds();
        // At once, not animated: the markers are where they stay when the map says it is ready.
        if (bounds) map.fitBounds(bounds, { animate: false });
        panel.dataset.points = String(markers.length);
      });
  });
})();
