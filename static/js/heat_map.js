/* Public heat map: asks the server for aggregated cells of the visible area whenever the map
   moves or a filter changes, and draws them with Leaflet.heat. */
"use strict";

(function () {
  var cfg = CasaMap.config();
  var text = cfg.messages;
  var element = document.getElementById("heat-map");
  var map = CasaMap.baseMap("heat-map", cfg, function () {
    map.on("moveend", load);
    load();
  });
  // For tests: the zoom the map has settled on.
  element.dataset.zoom = map.getZoom();
  map.on("zoomend", function () {
    element.dataset.zoom = map.getZoom();
  });
  var heat = L.heatLayer([], { radius: 22, blur: 18, minOpacity: 0.25 }).addTo(map);
  var filters = document.getElementById("heat-filters");
  var legend = document.getElementById("heat-legend");
  var latest = 0;

  function query() {
    var params = new URLSearchParams(new FormData(filters));
    params.set("zoom", map.getZoom());
    params.set("bbox", map.getBounds().toBBoxString());
    return params;
  }

  function show(data, params) {
    var max = Math.max(data.max, 1);
    heat.setOptions({ max: max });
    heat.setLatLngs(
      data.cells.map(function (cell) {
        return [cell[0], cell[1], cell[2]];
      })
    );
    document.getElementById("heat-max").textContent = data.max;
    document.getElementById("heat-total").textContent = data.total;
    document.getElementById("heat-total-label").textContent = text.total;
    document.getElementById("heat-cell").textContent = text.cell.replace(
      "%(metres)s",
      Math.round(data.cell_metres)
    );
    document.getElementById("heat-suppressed").textContent = data.suppressed
      ? " · " + data.suppressed + " " + text.suppressed
      : "";
    legend.dataset.loaded = params.toString();
    legend.dataset.zoom = params.get("zoom");
    legend.dataset.cells = data.cells.length;
  }

  function load() {
    var params = query();
    var ticket = ++latest;
    CasaMap.getJSON(cfg.heatUrl + "?" + params.toString()).then(function (result) {
      if (ticket !== latest || result.status !== 200) return; // a newer request is on its way
      show(result.body, params);
    });
    var pageParams = new URLSearchParams(new FormData(filters));
    history.replaceState(null, "", "?" + pageParams.toString());
  }

  filters.addEventListener("change", load);
})();
