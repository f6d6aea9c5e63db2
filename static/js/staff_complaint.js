/* A staff complaint's page: the small map of the point and the handling authority's area, and
   the ready-made replies, whose texts the server filled (this only copies the chosen one). */
"use strict";

(function () {
  var cfg = JSON.parse(document.getElementById("desk-map-config").textContent);
  var map = L.map("desk-map", { zoomControl: true });
  L.tileLayer(cfg.tileUrl, { attribution: cfg.tileAttribution, maxZoom: 19 }).addTo(map);
  L.marker(cfg.point, { keyboard: false }).addTo(map);
  map.setView(cfg.point, 15);
  if (cfg.boundary) {
    var area = L.geoJSON(cfg.boundary, {
      interactive: false,
      style: { color: "#1d4e89", weight: 2, fillOpacity: 0.05 },
    }).addTo(map);
    // the whole area when it is a district; around the point when it spans the region
    map.fitBounds(area.getBounds());
    if (map.getZoom() < 13) map.setView(cfg.point, 14);
  }

  var select = document.getElementById("reply-template");
  if (!select) return;
  var texts = JSON.parse(document.getElementById("reply-texts").textContent);
  select.addEventListener("change", function () {
    if (!select.value) return;
    var box = document.querySelector("[data-testid=transition-form] textarea[name=message]");
    box.value = texts[select.value];
    var publicReply = document.querySelector("[data-testid=transition-form] input[name=audience][value=public]");
    if (publicReply) publicReply.checked = true;
    box.focus();
  });
})();
