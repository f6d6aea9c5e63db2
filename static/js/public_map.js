/* Public map of every open report and, if ticked, of those fixed in the last 30 days: below
   street zoom, clusters counted by the server (a tap zooms to where its reports are); from
   street zoom, single pins of the visible area, coloured and marked by status, with a popup
   and a list nearest the centre first. Filtered by category and arrondissement; asks again
   whenever the map moves. */
"use strict";

(function () {
  var cfg = CasaMap.config();
  var text = cfg.messages;
  var words = cfg.mapMessages;
  var language = document.documentElement.lang || "fr";
  var element = document.getElementById("public-map");
  var map = CasaMap.baseMap("public-map", cfg, function () {
    map.on("moveend", load);
    load();
  });
  var clusters = L.layerGroup().addTo(map);
  // Client-side clusters of the pins: a tap zooms to the bounds of what it holds, and at the
  // last zoom spreads them out.
  var pins = L.markerClusterGroup({
    showCoverageOnHover: false,
    zoomToBoundsOnClick: true,
    spiderfyOnMaxZoom: true,
    // From the zoom a cluster's tap lands on, every pin stands alone (32 px pins, 40 m apart).
    disableClusteringAtZoom: cfg.pinsFromZoom + 1,
    iconCreateFunction: function (cluster) {
      return clusterIcon(cluster.getChildCount());
    },
  });
  map.addLayer(pins);
  var filters = document.getElementById("map-filters");
  var latest = 0;
  var listItems = document.getElementById("map-list-items");
  var listZoomHint = document.getElementById("map-list-zoom");
  var shownPins = [];

  var groupOf = {};
  cfg.statusGroups.forEach(function (group) {
    group.statuses.forEach(function (status) {
      groupOf[status] = group;
    });
  });

  function trackUrl(properties) {
    return cfg.trackUrl.replace("REFERENCE", properties.reference);
  }

  function age(iso) {
    return CasaMap.age(iso, language);
  }

  function distanceText(metres) {
    if (metres < 1000) return words.metres.replace("%(distance)s", Math.round(metres / 10) * 10);
    var km = (metres / 1000).toLocaleString(language, { maximumFractionDigits: 1 });
    return words.kilometres.replace("%(distance)s", km);
  }

  function statusBadge(properties) {
    var group = groupOf[properties.status];
    var badge = document.createElement("span");
    badge.className = "map-status map-status--" + group.key;
    var glyph = document.createElement("span");
    glyph.className = "map-pin map-pin--" + group.key;
    glyph.setAttribute("aria-hidden", "true");
    glyph.textContent = group.glyph;
    badge.append(glyph, " " + cfg.statusLabels[properties.status]);
    return badge;
  }

  function popup(properties) {
    var box = document.createElement("div");
    box.className = "map-popup";
    if (properties.thumbnail) {
      var img = document.createElement("img");
      img.src = properties.thumbnail;
      img.alt = words.photo;
      img.loading = "lazy";
      img.className = "map-popup__photo";
      box.append(img);
    }
    var title = document.createElement("p");
    title.className = "map-popup__title";
    title.textContent = properties.title + (properties.demo ? " — " + text.demo : "");
    var status = document.createElement("p");
    status.append(statusBadge(properties));
    var when = document.createElement("p");
    when.className = "map-popup__age";
    when.textContent = properties.resolved && groupOf[properties.status].key === "fixed"
      ? words.fixedAge.replace("%(age)s", age(properties.resolved))
      : words.reported.replace("%(age)s", age(properties.created));
    var handler = document.createElement("p");
    handler.className = "map-popup__handler";
    handler.textContent = words.handledBy + " " + properties.authority_name;
    var link = document.createElement("a");
    link.href = trackUrl(properties);
    link.className = "map-popup__link";
    link.textContent = words.follow + " (" + properties.reference + ")";
    box.append(title, status, when, handler, link);
    return box;
  }

  function clusterIcon(complaints) {
    var size = complaints < 10 ? "small" : complaints < 100 ? "medium" : "large";
    var label = document.createElement("div");
    var number = document.createElement("span");
    number.textContent = complaints;
    label.append(number);
    return L.divIcon({
      html: label,
      className: "marker-cluster marker-cluster-" + size,
      iconSize: L.point(44, 44),
    });
  }

  function pinMarker(feature, latlng) {
    var group = groupOf[feature.properties.status];
    return L.marker(latlng, {
      icon: L.divIcon({
        html: group.glyph,
        className: "map-pin map-pin--" + group.key,
        iconSize: L.point(32, 32),
      }),
      title: cfg.statusLabels[feature.properties.status] + " — " + feature.properties.title,
      alt: cfg.statusLabels[feature.properties.status] + " — " + feature.properties.title,
      keyboard: true,
    });
  }

  /* A server cluster is one cell of 64 screen pixels: ask for what is inside it at street
     zoom and fit the map to that, so a tap lands where its reports are (two zooms in when
     nothing can be shown one by one). */
  function zoomIntoCluster(latlng) {
    var zoom = map.getZoom();
    var centre = map.project(latlng, zoom);
    var half = L.point(32, 32);
    var cell = L.latLngBounds(
      map.unproject(centre.subtract(half), zoom),
      map.unproject(centre.add(half), zoom)
    );
    var params = new URLSearchParams(new FormData(filters));
    params.set("zoom", cfg.pinsFromZoom);
    params.set("bbox", cell.toBBoxString());
    element.dataset.loading = "true";
    CasaMap.getJSON(cfg.complaintsUrl + "?" + params.toString()).then(function (result) {
      delete element.dataset.loading;
      var features = result.status === 200 ? result.body.features : [];
      if (!features.length) {
        map.setView(latlng, Math.min(zoom + 2, map.getMaxZoom()));
        return;
      }
      var inside = L.latLngBounds(
        features.map(function (feature) {
          return [feature.geometry.coordinates[1], feature.geometry.coordinates[0]];
        })
      );
      map.fitBounds(inside.pad(0.2), { maxZoom: cfg.pinsFromZoom + 1 });
    });
  }

  function clusterMarker(feature) {
    var latlng = L.latLng(feature.geometry.coordinates[1], feature.geometry.coordinates[0]);
    var complaints = feature.properties.complaints;
    var marker = L.marker(latlng, {
      icon: clusterIcon(complaints),
      title: complaints + " " + text.clusterTitle,
      alt: complaints + " " + text.clusterTitle,
    });
    marker.on("click", function () {
      zoomIntoCluster(latlng);
    });
    // A cluster is a button for the keyboard too (Leaflet gives it tabindex and role).
    marker.on("keypress", function (event) {
      if (event.originalEvent.key === "Enter" || event.originalEvent.key === " ") {
        zoomIntoCluster(latlng);
      }
    });
    return marker;
  }

  /* The pins as links, nearest the centre of the map first (at most cfg.listedAtMost): for a
     phone below the map, at a desk beside it, and for screen readers and keyboards. */
  function showList() {
    listItems.textContent = "";
    var centre = map.getCenter();
    var nearest = shownPins
      .map(function (feature) {
        var latlng = L.latLng(feature.geometry.coordinates[1], feature.geometry.coordinates[0]);
        return { feature: feature, metres: centre.distanceTo(latlng) };
      })
      .sort(function (a, b) {
        return a.metres - b.metres || a.feature.properties.reference.localeCompare(b.feature.properties.reference);
      })
      .slice(0, cfg.listedAtMost);
    nearest.forEach(function (item) {
      var properties = item.feature.properties;
      var li = document.createElement("li");
      li.dataset.reference = properties.reference;
      var link = document.createElement("a");
      link.href = trackUrl(properties);
      link.className = "map-list__link";
      var title = document.createElement("span");
      title.className = "map-list__title";
      title.textContent = properties.reference + " — " + properties.title +
        (properties.demo ? " (" + text.demo + ")" : "");
      var facts = document.createElement("span");
      facts.className = "map-list__facts";
      facts.append(statusBadge(properties), " · " + distanceText(item.metres));
      link.append(title, facts);
      li.append(link);
      listItems.append(li);
    });
  }

  function showCounts(data) {
    document.getElementById("map-count").textContent = data.total;
    var fixed = document.getElementById("map-fixed");
    fixed.hidden = !filters.elements.fixed.checked;
    document.getElementById("map-fixed-count").textContent = data.fixed || 0;
    document.getElementById("map-fixed-zoom").hidden = data.mode !== "clusters" || !data.fixed;
    document.getElementById("map-suppressed").hidden = !data.suppressed;
    document.getElementById("map-suppressed-count").textContent = data.suppressed || 0;
  }

  function show(data, params) {
    clusters.clearLayers();
    pins.clearLayers();
    shownPins = data.mode === "clusters" ? [] : data.features;
    if (data.mode === "clusters") {
      data.features.forEach(function (feature) {
        clusters.addLayer(clusterMarker(feature));
      });
    } else {
      var layer = L.geoJSON(data, {
        pointToLayer: pinMarker,
        onEachFeature: function (feature, marker) {
          marker.bindPopup(popup(feature.properties), { maxWidth: 260 });
        },
      });
      pins.addLayers(layer.getLayers());
    }
    showCounts(data);
    listZoomHint.hidden = data.mode !== "clusters";
    showList();
    element.dataset.mode = data.mode;
    element.dataset.zoom = params.get("zoom");
    var centre = map.getCenter();
    element.dataset.centre = centre.lat.toFixed(6) + "," + centre.lng.toFixed(6); // for tests
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
    element.dataset.loading = "true"; // until the newest answer is drawn (tests wait on it)
    CasaMap.getJSON(cfg.complaintsUrl + "?" + params.toString()).then(function (result) {
      if (ticket !== latest) return; // a newer request is on its way
      delete element.dataset.loading;
      if (result.status !== 200) return;
      show(result.body, params);
    });
  }

  filters.addEventListener("change", load);
  // At a desk the list stands open beside the map; on a phone it is one tap away below it.
  if (window.matchMedia("(min-width: 64rem)").matches) {
    document.getElementById("map-list").open = true;
  }
})();
