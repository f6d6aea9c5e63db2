/* Public map of open reports: clustered markers, filtered by category and arrondissement. */
"use strict";

(function () {
  var cfg = CasaMap.config();
  var text = cfg.messages;
  var map = CasaMap.baseMap("public-map", cfg);
  var clusters = L.markerClusterGroup({ showCoverageOnHover: false });
  map.addLayer(clusters);
  var filters = document.getElementById("map-filters");
  var count = document.getElementById("map-count");

  function popup(properties) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = cfg.trackUrl.replace("REFERENCE", properties.reference);
    link.textContent = properties.reference;
    var title = document.createElement("p");
    title.textContent = properties.title + (properties.demo ? " — " + text.demo : "");
    box.append(link, title);
    return box;
  }

  function load() {
    var params = new URLSearchParams(new FormData(filters));
    CasaMap.getJSON(cfg.complaintsUrl + "?" + params.toString()).then(function (result) {
      clusters.clearLayers();
      var layer = L.geoJSON(result.body, {
        onEachFeature: function (feature, marker) {
          marker.bindPopup(popup(feature.properties));
        },
      });
      clusters.addLayers(layer.getLayers());
      count.textContent = result.body.features.length;
      filters.dataset.loaded = params.toString();
    });
  }

  filters.addEventListener("change", load);
  load();
})();
