/* Planners' page: choropleth of reports per arrondissement (per 10,000 inhabitants or absolute),
   hotspot circles, and the weekly trend chart (Chart.js). The figures come with the page. */
"use strict";

(function () {
  var cfg = CasaMap.config();
  var text = cfg.messages;
  var language = document.documentElement.lang;
  var figures = {};
  cfg.arrondissements.forEach(function (row) {
    figures[row.slug] = row;
  });
  var PALETTE = ["#fff5eb", "#fdd0a2", "#fd8d3c", "#e6550d", "#a63603"];
  var measureInputs = document.querySelectorAll("#choropleth-measure input");
  var legend = document.getElementById("choropleth-legend");
  var boundaries = null;

  function measure() {
    return document.querySelector("#choropleth-measure input:checked").value;
  }

  function breaks(values) {
    var max = Math.max.apply(null, values.concat([0]));
    return PALETTE.map(function (_, i) {
      return (max * (i + 1)) / PALETTE.length;
    });
  }

  function colour(value, limits) {
    for (var i = 0; i < limits.length; i++) if (value <= limits[i]) return PALETTE[i];
    return PALETTE[PALETTE.length - 1];
  }

  function restyle() {
    if (!boundaries) return;
    var key = measure();
    var values = cfg.arrondissements.map(function (row) {
      return row[key] || 0;
    });
    var limits = breaks(values);
    boundaries.eachLayer(function (layer) {
      var row = figures[layer.feature.properties.slug] || {};
      var value = row[key] || 0;
      layer.setStyle({ fillColor: colour(value, limits), fillOpacity: 0.7, color: "#1d4e89", weight: 1 });
      layer.bindTooltip(
        CasaMap.localName(row, language) +
          ": " + row.complaints + " " + text.complaints +
          (row.per_10k !== null ? " (" + row.per_10k + " " + text.perCapita + ")" : "")
      );
    });
    legend.replaceChildren();
    limits.forEach(function (limit, i) {
      var item = document.createElement("span");
      var swatch = document.createElement("i");
      swatch.style.background = PALETTE[i];
      item.append(swatch, " ≤ " + (Math.round(limit * 10) / 10));
      legend.append(item);
    });
    legend.dataset.measure = key;
  }

  // A hotspot is drawn at its true radius, but never smaller on screen than MIN_PIXELS: at the
  // city's zoom a 40 m cluster would otherwise be a dot.
  var MIN_PIXELS = 9;
  var hotspotMarkers = [];
  function metresPerPixel(lat) {
    return (40075016.686 * Math.cos((lat * Math.PI) / 180)) / Math.pow(2, map.getZoom() + 8);
  }
  function resizeHotspots() {
    hotspotMarkers.forEach(function (marker) {
      var hotspot = marker.hotspot;
      marker.setRadius(Math.max(MIN_PIXELS, Math.max(hotspot.radius_m, 30) / metresPerPixel(hotspot.lat)));
    });
  }

  // Each arrondissement's name at a point inside it; where two would overlap (the small central
  // arrondissements at the city's zoom), the later one waits for a closer zoom.
  var labels = [];
  function drawLabels() {
    labels = (cfg.labels || []).map(function (label) {
      return L.tooltip({ permanent: true, direction: "center", className: "choropleth-label", interactive: false })
        .setLatLng([label.lat, label.lon])
        .setContent(label.name)
        .addTo(map);
    });
    declutter();
  }
  function overlaps(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }
  function declutter() {
    var shown = [];
    labels.forEach(function (tooltip) {
      var element = tooltip.getElement();
      element.classList.remove("choropleth-label--hidden");
      var box = element.getBoundingClientRect();
      var free = shown.every(function (other) {
        return !overlaps(box, other);
      });
      element.classList.toggle("choropleth-label--hidden", !free);
      if (free) shown.push(box);
    });
    mapElement.dataset.labelsShown = shown.length;
  }

  // The city fills the frame: fractional zooms, not an integer step that leaves two thirds of a
  // wide map empty; no zoom animation, so that labels are placed (and decluttered) on the view
  // as it is (this page's maps only: planning.js is loaded nowhere else).
  L.Map.mergeOptions({ zoomSnap: 0.25, zoomAnimation: false });
  var mapElement = document.getElementById("planning-map");
  var map = CasaMap.baseMap("planning-map", cfg, function (layer) {
    boundaries = layer;
    restyle();
    drawLabels();
    cfg.hotspots.forEach(function (hotspot, index) {
      var title = text.hotspot + " " + (index + 1) + " — " + hotspot.category_name + ": " + hotspot.complaints;
      var marker = L.circleMarker([hotspot.lat, hotspot.lon], {
        radius: MIN_PIXELS,
        color: "#5b1a8b",
        weight: 2,
        fillOpacity: 0.25,
      })
        .bindTooltip(hotspot.place ? title + " · " + hotspot.place : title)
        .addTo(map);
      marker.hotspot = hotspot;
      hotspotMarkers.push(marker);
    });
    resizeHotspots();
    // Recurring reports (issue #27): reported again where the same problem had been fixed; in a
    // pane above the arrondissements' names, which would otherwise hide a ring.
    map.createPane("recurring").style.zIndex = 660;
    (cfg.recurring || []).forEach(function (report) {
      L.circleMarker([report.lat, report.lon], {
        radius: 6,
        color: "#0f766e",
        weight: 3,
        fillColor: "#ffffff",
        fillOpacity: 1,
        className: "recurring-marker",
        pane: "recurring",
      })
        .bindTooltip(text.recurring + " — " + report.category_name + " · " + report.reference + " · " + report.received)
        .addTo(map);
    });
    mapElement.dataset.recurring = (cfg.recurring || []).length;
    if (cfg.area) showArea();
    map.on("zoomend", function () {
      resizeHotspots();
      declutter();
      mapElement.dataset.zoom = map.getZoom();
    });
    mapElement.dataset.zoom = map.getZoom();
    mapElement.dataset.hotspots = cfg.hotspots.length;
    mapElement.dataset.labels = (cfg.labels || []).length;
  });

  // "Show on the map": the map comes into view, centred on the hotspot, close enough to read
  // its streets; the hotspot's tooltip opens.
  document.querySelectorAll(".hotspot-zoom").forEach(function (button) {
    button.addEventListener("click", function () {
      var index = Number(button.dataset.hotspot);
      var hotspot = cfg.hotspots[index];
      var marker = hotspotMarkers[index];
      mapElement.scrollIntoView({ block: "center" });
      var bounds = L.latLng(hotspot.lat, hotspot.lon).toBounds(2 * Math.max(hotspot.radius_m, 30) * 1.5);
      map.fitBounds(bounds, { maxZoom: 17, animate: false });
      mapElement.dataset.centre = map.getCenter().lat.toFixed(5) + "," + map.getCenter().lng.toFixed(5);
      if (marker) marker.openTooltip();
      mapElement.dataset.focused = String(index);
    });
  });
  measureInputs.forEach(function (input) {
    input.addEventListener("change", restyle);
  });

  // The area as a box: "Use the visible map area" writes the map's view into the field
  // (west,south,east,north) and shows the figures for it; "Whole city" empties it. The chosen
  // box is outlined on the map.
  var filters = document.getElementById("planning-filters");
  var areaInput = filters && filters.elements.area;
  var useArea = document.getElementById("use-map-area");
  var clearArea = document.getElementById("clear-area");
  function round(value) {
    return Math.round(value * 100000) / 100000;
  }
  if (areaInput && useArea) {
    useArea.hidden = false;
    useArea.addEventListener("click", function () {
      var view = map.getBounds();
      areaInput.value = [view.getWest(), view.getSouth(), view.getEast(), view.getNorth()].map(round).join(",");
      filters.requestSubmit();
    });
  }
  // "Draw an area on the map": while pressed, a drag on the map draws a box instead of moving
  // the map; letting go chooses it. Escape or a second press gives the map back.
  var drawArea = document.getElementById("draw-area");
  if (areaInput && drawArea) {
    var drawing = null;
    var drawStart = null;
    var setDrawing = function (on) {
      drawArea.setAttribute("aria-pressed", on ? "true" : "false");
      mapElement.classList.toggle("planning-map--drawing", on);
      if (on) map.dragging.disable();
      else map.dragging.enable();
      if (!on && drawing) {
        drawing.remove();
        drawing = null;
      }
      drawStart = null;
    };
    drawArea.hidden = false;
    drawArea.addEventListener("click", function () {
      setDrawing(drawArea.getAttribute("aria-pressed") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && drawArea.getAttribute("aria-pressed") === "true") setDrawing(false);
    });
    map.on("mousedown", function (event) {
      if (drawArea.getAttribute("aria-pressed") !== "true") return;
      drawStart = event.latlng;
      drawing = L.rectangle(L.latLngBounds(drawStart, drawStart), {
        color: "#1d4e89", weight: 2, dashArray: "6 4", fillOpacity: 0.05, interactive: false,
      }).addTo(map);
    });
    map.on("mousemove", function (event) {
      if (drawStart && drawing) drawing.setBounds(L.latLngBounds(drawStart, event.latlng));
    });
    map.on("mouseup", function (event) {
      if (!drawStart) return;
      var box = L.latLngBounds(drawStart, event.latlng);
      drawStart = null;
      if (box.getEast() - box.getWest() < 1e-5 || box.getNorth() - box.getSouth() < 1e-5) {
        setDrawing(false);
        return;
      }
      areaInput.value = [box.getWest(), box.getSouth(), box.getEast(), box.getNorth()].map(round).join(",");
      filters.requestSubmit();
    });
  }
  if (areaInput && clearArea) {
    clearArea.hidden = false;
    clearArea.addEventListener("click", function () {
      areaInput.value = "";
      filters.requestSubmit();
    });
  }
  function showArea() {
    var area = cfg.area;
    var box = L.rectangle([[area[1], area[0]], [area[3], area[2]]], {
      color: "#1d4e89", weight: 2, dashArray: "6 4", fill: false, interactive: false,
    }).addTo(map);
    map.fitBounds(box.getBounds(), { animate: false });
    mapElement.dataset.area = area.join(",");
  }

  var canvas = document.getElementById("trends-chart");
  if (canvas && window.Chart) {
    new Chart(canvas, {
      type: "line",
      data: {
        labels: cfg.trends.map(function (week) {
          return week.week;
        }),
        datasets: [
          { label: text.received, data: cfg.trends.map(function (w) { return w.received; }), borderColor: "#1d4e89", tension: 0.2 },
          { label: text.resolved, data: cfg.trends.map(function (w) { return w.resolved; }), borderColor: "#2e7d32", tension: 0.2 },
        ],
      },
      options: { responsive: true, maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true } } },
    });
  }
})();
