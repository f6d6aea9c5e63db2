/* The report page: pin, place search, location, who handles it, nearby duplicates. */
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
  var sendButton = document.getElementById("send-report");
  var handlers = null;
  var marker = null;
  var photoPosition = null;

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
    CasaMap.getJSON(url)
      .then(function (result) {
        if (result.status !== 200) {
          handlers = null;
          where.textContent = "";
          pinError.textContent = result.body.error;
          pinError.hidden = false;
          sendButton.disabled = true;
          return;
        }
        handlers = result.body.handlers;
        sendButton.disabled = false;
        where.textContent =
          text.inArrondissement + " " + CasaMap.localName(result.body.arrondissement, cfg.language) +
          (result.body.address ? " — " + result.body.address : "");
        where.dataset.arrondissement = result.body.arrondissement.slug;
        showHandler();
        findDuplicates();
      })
      .catch(function () {
        where.textContent = text.networkError;
      });
  }

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
    handler.title = who.explanation;
  }

  function findDuplicates() {
    var box = document.getElementById("duplicates");
    var list = document.getElementById("duplicate-list");
    if (!handlers || !categorySelect.value) {
      box.hidden = true;
      return;
    }
    var url = cfg.nearbyUrl + "?lat=" + latInput.value + "&lon=" + lonInput.value +
      "&category=" + encodeURIComponent(categorySelect.value);
    CasaMap.getJSON(url).then(function (result) {
      list.textContent = "";
      if (result.status !== 200 || result.body.length === 0) {
        box.hidden = true;
        return;
      }
      result.body.forEach(function (item) {
        var li = document.createElement("li");
        var link = document.createElement("a");
        link.href = item.url;
        link.textContent = item.reference + " — " + item.title;
        var meta = document.createElement("span");
        meta.className = "help";
        meta.textContent = " (" + item.distance_m + " " + text.metresAway + ", " +
          item.supports + " " + text.supports + ") ";
        var button = document.createElement("button");
        button.type = "button";
        button.className = "button button--secondary";
        button.textContent = text.support;
        button.addEventListener("click", function () {
          CasaMap.postForm(item.support_url).then(function (answer) {
            button.disabled = true;
            button.textContent = text.supported;
            meta.textContent = " " + (answer.body.message || answer.body.error || "") + " ";
          });
        });
        li.append(link, meta, button);
        list.appendChild(li);
      });
      box.hidden = false;
    });
  }

  categorySelect.addEventListener("change", function () {
    showHandler();
    findDuplicates();
  });

  /* Place search through the geocoder API (the gazetteer by default). */
  var search = document.getElementById("place-search");
  var results = document.getElementById("place-results");
  var searchTimer = null;
  search.addEventListener("input", function () {
    clearTimeout(searchTimer);
    var query = search.value.trim();
    if (query.length < 2) {
      results.hidden = true;
      return;
    }
    searchTimer = setTimeout(function () {
      CasaMap.getJSON(cfg.placesUrl + "?q=" + encodeURIComponent(query)).then(function (result) {
        results.textContent = "";
        var places = result.status === 200 ? result.body : [];
        if (places.length === 0) {
          var empty = document.createElement("li");
          empty.textContent = result.status === 200 ? text.noResults : result.body.error;
          results.appendChild(empty);
        }
        places.forEach(function (place) {
          var li = document.createElement("li");
          var button = document.createElement("button");
          button.type = "button";
          button.setAttribute("role", "option");
          button.textContent = place.label + (place.detail ? " · " + place.detail : "");
          button.addEventListener("click", function () {
            results.hidden = true;
            search.value = place.label;
            map.setView([place.lat, place.lon], 17);
            setPin(L.latLng(place.lat, place.lon), true);
          });
          li.appendChild(button);
          results.appendChild(li);
        });
        results.hidden = false;
      });
    }, 250);
  });

  document.getElementById("use-my-location").addEventListener("click", function () {
    if (!navigator.geolocation) {
      where.textContent = text.geolocationFailed;
      return;
    }
    navigator.geolocation.getCurrentPosition(
      function (position) {
        var here = L.latLng(position.coords.latitude, position.coords.longitude);
        map.setView(here, 17);
        setPin(here, true);
      },
      function () {
        where.textContent = text.geolocationFailed;
      },
      { enableHighAccuracy: true, timeout: 10000 }
    );
  });

  /* A photo's own GPS position, read on the server (the photo is not kept), offered as the pin. */
  var attachments = form.querySelector("input[name=attachments]");
  var photoOffer = document.getElementById("photo-location");
  attachments.addEventListener("change", function () {
    photoOffer.hidden = true;
    var photo = Array.prototype.find.call(attachments.files, function (file) {
      return file.type.indexOf("image/") === 0;
    });
    if (!photo) return;
    var data = new FormData();
    data.append("photo", photo);
    CasaMap.postForm(cfg.photoLocationUrl, data).then(function (result) {
      if (result.status === 200 && result.body.found) {
        photoPosition = L.latLng(result.body.lat, result.body.lon);
        photoOffer.hidden = false;
      }
    });
  });
  document.getElementById("use-photo-location").addEventListener("click", function () {
    if (!photoPosition) return;
    map.setView(photoPosition, 17);
    setPin(photoPosition, true);
    photoOffer.hidden = true;
  });
})();
