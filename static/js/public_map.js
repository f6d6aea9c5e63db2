/* Public map of every open report: below street zoom, clusters counted by the server (click one
   to zoom in); from street zoom, single pins of the visible area. Filtered by category and
   arrondissement; asks again whenever the map moves. */
"use strict";

(function () {
  var cfg = CasaMap.config();
  var text = cfg.messages;
  var element = document.getElementById("public-map");
  var map = CasaMap.baseMap("public-map", cfg, function () {
    map.on("moveend", load);
    load();
  });
  var clusters = L.layerGroup().addTo(map);
  var pins = L.markerClusterGroup({ showCoverageOnHover: false });
  map.addLayer(pins);
  var filters = document.getElementById("map-filters");
  var count = document.getElementById("map-count");
  var latest = 0;
  var listItems = document.getElementById("map-list-items");
  var listZoomHint = document.getElementById("map-list-zoom");
  var LISTED_AT_MOST = 100;

  /* The same reports as the pins, as links: for screen readers and keyboards. */
  function showList(data) {
    listItems.textContent = "";
    listZoomHint.hidden = data.mode !== "clusters";
    if (data.mode === "clusters") return;
    data.features.slice(0, LISTED_AT_MOST).forEach(function (feature) {
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = cfg.trackUrl.replace("REFERENCE", feature.properties.reference);
      link.textContent = feature.properties.reference + " — " + feature.properties.title +
        (feature.properties.demo ? " (" + text.demo + ")" : "");
      li.appendChild(link);
      listItems.appendChild(li);
    });
  }

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

  function clusterMarker(feature) {
    var latlng = L.latLng(feature.geometry.coordinates[1], feature.geometry.coordinates[0]);
    var complaints = feature.properties.complaints;
    var size = complaints < 10 ? "small" : complaints < 100 ? "medium" : "large";
    var label = document.createElement("div");
    var number = document.createElement("span");
    number.textContent = complaints;
    label.append(number);
    var marker = L.marker(latlng, {
      icon: L.divIcon({
        html: label,
        className: "marker-cluster marker-cluster-" + size,
        iconSize: L.point(40, 40),
      }),
      title: complaints + " " + text.clusterTitle,
      alt: complaints + " " + text.clusterTitle,
    });
    marker.on("click", function () {
      map.setView(latlng, Math.min(map.getZoom() + 2, map.getMaxZoom()));
    });
    return marker;
  }

  function show(data, params) {
    clusters.clearLayers();
    pins.clearLayers();
    if (data.mode === "clusters") {
      data.features.forEach(function (feature) {
        clusters.addLayer(clusterMarker(feature));
      });
    } else {
      var layer = L.geoJSON(data, {
        onEachFeature: function (feature, marker) {
          marker.bindPopup(popup(feature.properties));
        },
      });
      pins.addLayers(layer.getLayers());
    }
    count.textContent = data.total;
    showList(data);
    element.dataset.mode = data.mode;
    element.dataset.zoom = params.get("zoom");
    filters.dataset.loaded = new URLSearchParams(new FormData(filters)).toString();
  }

  /* The area alert form follows the map's centre. */
  var alertLat = document.getElementById("alert-lat");
  var alertLon = document.getElementById("alert-lon");
  function followCentre() {
    var centre = map.getCenter();
    alertLat.value = centre.lat.toFixed(6);
    alertLon.value = centre.lng.toFixed(6);
  }
  map.on("moveend", followCentre);
  followCentre();

  function load() {
    var params = new URLSearchParams(new FormData(filters));
    params.set("zoom", map.getZoom());
    params.set("bbox", map.getBounds().toBBoxString());
    var ticket = ++latest;
    CasaMap.getJSON(cfg.complaintsUrl + "?" + params.toString()).then(function (result) {
      if (ticket !== latest || result.status !== 200) return; // a newer request is on its way
      show(result.body, params);
    });
  }

  filters.addEventListener("change", load);
})();
