/* Staff intake: the report form's pin and place search (the same locate and places APIs as the
   citizen's page, static/js/report.js) on a plain form sent by the browser: no offline outbox
   here, a citizen's contact details are not kept on a desk's computer. */
"use strict";

(function () {
  var cfg = CasaMap.config();
  var text = cfg.messages;
  var form = document.getElementById("report-form");
  var latInput = form.querySelector("input[name=lat]");
  var lonInput = form.querySelector("input[name=lon]");
  var categorySelect = form.querySelector("select[name=category]");
  var where = document.getElementById("pin-where");
  var handler = document.getElementById("pin-handler");
  var pinError = document.getElementById("pin-error");
  var handlers = null;
  var marker = null;

  var map = CasaMap.baseMap("report-map", cfg, function () {
    if (latInput.value && lonInput.value) {
      setPin(L.latLng(parseFloat(latInput.value), parseFloat(lonInput.value)), true);
    }
  });
  map.on("click", function (event) {
    setPin(event.latlng, false);
  });

  function setPin(latlng, keepView) {
    if (!marker) {
      marker = L.marker(latlng, { draggable: true, autoPan: true }).addTo(map);
      marker.on("dragend", function () {
        setPin(marker.getLatLng(), true);
      });
    } else {
      marker.setLatLng(latlng);
    }
    if (!keepView) map.panTo(latlng);
    latInput.value = latlng.lat.toFixed(7);
    lonInput.value = latlng.lng.toFixed(7);
    where.textContent = text.locating;
    handler.textContent = "";
    pinError.hidden = true;
    var url = cfg.locateUrl + "?lat=" + latInput.value + "&lon=" + lonInput.value;
    CasaMap.getJSON(url).then(function (result) {
      if (result.status !== 200) {
        handlers = null;
        where.textContent = "";
        pinError.textContent = result.body.error;
        pinError.hidden = false;
        return;
      }
      handlers = result.body.handlers;
      where.textContent =
        (result.body.address ? text.nearestTo + " " + result.body.address + " · " : "") +
        text.inArrondissement + " " + CasaMap.localName(result.body.arrondissement, cfg.language);
      where.dataset.arrondissement = result.body.arrondissement.slug;
      showHandler();
    }, function () {
      where.textContent = text.networkError;
    });
  }

  /* Who will handle it: shown to the staff member, decided by the server when filed. */
  function showHandler() {
    if (!handlers) return;
    var code = categorySelect.value;
    if (!code || !handlers[code]) {
      handler.textContent = text.chooseCategory;
      return;
    }
    var who = handlers[code];
    handler.textContent = text.handledBy + " " + CasaMap.localName(who, cfg.language);
    handler.dataset.authority = who.slug;
  }
  categorySelect.addEventListener("change", showHandler);

  var search = document.getElementById("place-search");
  var results = document.getElementById("place-results");
  var placeCount = document.getElementById("place-count");
  var searchTimer = null;

  function findPlaces() {
    var query = search.value.trim();
    if (query.length < 2) {
      results.hidden = true;
      return;
    }
    CasaMap.getJSON(cfg.placesUrl + "?q=" + encodeURIComponent(query)).then(function (result) {
      results.textContent = "";
      var places = result.status === 200 ? result.body : [];
      placeCount.textContent = places.length ? places.length + " " + text.placesFound : text.noResults;
      if (places.length === 0) {
        var empty = document.createElement("li");
        empty.textContent = result.status === 200 ? text.noResults : result.body.error;
        results.appendChild(empty);
      }
      places.forEach(function (place) {
        var li = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        var name = document.createElement("bdi");
        name.className = "place-name";
        name.textContent = place.label;
        button.append(name, place.detail ? " · " + place.detail : "");
        button.addEventListener("click", function () {
          results.hidden = true;
          search.value = place.label;
          map.setView([place.lat, place.lon], 17);
          setPin(L.latLng(place.lat, place.lon), true);
          where.focus();
        });
        li.appendChild(button);
        results.appendChild(li);
      });
      results.hidden = false;
    }, function () {
      placeCount.textContent = text.networkError;
    });
  }

  search.addEventListener("input", function () {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(findPlaces, 250);
  });
  document.getElementById("place-search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(searchTimer);
    findPlaces();
  });
  where.tabIndex = -1;

  /* Sent once: a second click while the first upload runs would be refused as already sent. */
  form.addEventListener("submit", function () {
    document.getElementById("send-report").disabled = true;
  });

  var summary = document.getElementById("error-summary");
  if (summary && !summary.hidden) summary.focus(); // the errors the server found
})();
