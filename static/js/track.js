/* The tracking page's small map of where the problem is. */
"use strict";

(function () {
  var cfg = CasaMap.config();
  var point = JSON.parse(document.getElementById("complaint-point").textContent);
  var map = CasaMap.baseMap("track-map", cfg, function () {
    map.setView([point.lat, point.lon], 16);
  });
  L.marker([point.lat, point.lon]).addTo(map);
})();
