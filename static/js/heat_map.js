/* Public heat map: asks the server for aggregated cells of the visible area whenever the map
   moves or a filter changes, and draws them with Leaflet.heat. The week player shows one week
   received at a time (the last 52), by hand with the slider or played in turn. */
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
  var weeks = cfg.weeks;
  var player = document.getElementById("week-player");
  var slider = document.getElementById("week-slider");
  var weekLabel = document.getElementById("week-label");
  var weekToggle = document.getElementById("week-toggle");
  var playButton = document.getElementById("week-play");
  var scaleBox = document.getElementById("week-scale");
  var weekMode = false;
  var playing = false;

  function chosenWeek() {
    return weekMode ? weeks[Number(slider.value)] : null;
  }

  function pageParams() {
    var params = new URLSearchParams(new FormData(filters));
    if (weekMode) params.set("week", chosenWeek().monday);
    if (weekMode && scaleBox.checked) params.set("scale", "week");
    return params;
  }

  function query() {
    var params = pageParams();
    params.set("zoom", map.getZoom());
    params.set("bbox", map.getBounds().toBBoxString());
    return params;
  }

  function describeWeek() {
    var week = chosenWeek();
    weekLabel.textContent = week ? text.week.replace("%(date)s", week.label) : text.allWeeks;
    slider.setAttribute("aria-valuetext", week ? week.label : text.allWeeks);
    playButton.textContent = playing ? text.pause : text.play;
    playButton.setAttribute("aria-pressed", String(playing));
  }

  // One week at a time replaces the window of dates chosen above (disabled meanwhile).
  function setWeekMode(on) {
    weekMode = on;
    slider.disabled = !on;
    scaleBox.disabled = !on;
    filters.elements.days.disabled = on;
    weekToggle.setAttribute("aria-pressed", String(on));
    if (!on) playing = false;
    describeWeek();
  }

  // Each step waits for the previous week's answer: a slow network slows the playing down
  // rather than piling up requests.
  function step() {
    if (!playing) return;
    if (Number(slider.value) >= weeks.length - 1) {
      playing = false;
      describeWeek();
      return;
    }
    slider.value = Number(slider.value) + 1;
    describeWeek();
    load().then(function () {
      setTimeout(step, 900);
    });
  }

  function show(data, params) {
    // In week mode the server gives one top for every week (scale_max), so that the same colour
    // means the same count from one week to the next, unless each week's own scale was chosen.
    var max = Math.max(data.scale_max, 1);
    // Each point is a grid cell's count: a blob about as wide as the cell on screen, so that
    // neighbouring cells blend into one surface instead of a lattice of dots at city zoom.
    var metresPerPixel =
      (156543.03392 * Math.cos((map.getCenter().lat * Math.PI) / 180)) / Math.pow(2, map.getZoom());
    var radius = Math.min(40, Math.max(8, (0.75 * data.cell_metres) / metresPerPixel));
    heat.setOptions({ max: max, radius: radius, blur: radius * 0.85 });
    heat.setLatLngs(
      data.cells.map(function (cell) {
        return [cell[0], cell[1], cell[2]];
      })
    );
    document.getElementById("heat-max").textContent = data.scale_max;
    document.getElementById("heat-scale").textContent =
      data.scale === "weeks" ? " — " + text.scaleWeeks : data.scale === "week" ? " — " + text.scaleWeek : "";
    legend.dataset.scale = data.scale;
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
    legend.dataset.week = params.get("week") || "";
  }

  function load() {
    var params = query();
    var ticket = ++latest;
    history.replaceState(null, "", "?" + pageParams().toString());
    return CasaMap.getJSON(cfg.heatUrl + "?" + params.toString()).then(function (result) {
      if (ticket !== latest || result.status !== 200) return; // a newer request is on its way
      show(result.body, params);
    });
  }

  filters.addEventListener("change", load);
  slider.addEventListener("input", function () {
    describeWeek();
    load();
  });
  scaleBox.addEventListener("change", load);
  weekToggle.addEventListener("click", function () {
    setWeekMode(!weekMode);
    load();
  });
  playButton.addEventListener("click", function () {
    if (playing) {
      playing = false;
      describeWeek();
      return;
    }
    if (!weekMode || Number(slider.value) >= weeks.length - 1) slider.value = 0;
    setWeekMode(true);
    playing = true;
    describeWeek();
    load().then(function () {
      setTimeout(step, 900);
    });
  });

  // On a phone the map comes first and its controls stay folded under "Filters"; at a desk,
  // or when a shared link chose a selection, they are open.
  var linked = new URLSearchParams(location.search);
  var chosen = ["category", "arrondissement", "days", "week"].some(function (name) {
    return linked.get(name);
  });
  if (window.matchMedia("(min-width: 48rem)").matches || chosen) {
    document.getElementById("heat-controls").open = true;
  }

  var linkedWeek = new URLSearchParams(location.search).get("week");
  var linkedIndex = weeks.findIndex(function (week) {
    return week.monday === linkedWeek;
  });
  if (linkedIndex >= 0) slider.value = linkedIndex;
  scaleBox.checked = new URLSearchParams(location.search).get("scale") === "week";
  setWeekMode(linkedIndex >= 0);
  player.hidden = false;
})();
