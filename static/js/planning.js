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

  var map = CasaMap.baseMap("planning-map", cfg, function (layer) {
    boundaries = layer;
    restyle();
    cfg.hotspots.forEach(function (hotspot, index) {
      L.circle([hotspot.lat, hotspot.lon], {
        radius: Math.max(hotspot.radius_m, 30),
        color: "#5b1a8b",
        weight: 2,
        fillOpacity: 0.15,
      })
        .bindTooltip(text.hotspot + " " + (index + 1) + " — " + hotspot.category_name + ": " + hotspot.complaints)
        .addTo(map);
    });
    document.getElementById("planning-map").dataset.hotspots = cfg.hotspots.length;
  });
  measureInputs.forEach(function (input) {
    input.addEventListener("change", restyle);
  });

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
