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
  var PHOTO_HEAD_BYTES = 128 * 1024; // holds a phone photo's EXIF (at most 64 KB) and ICC profile

  var map = CasaMap.baseMap("report-map", cfg, function () {
    performance.mark("casa-map:report-ready"); // the boundaries are drawn: the map can be used
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
          (result.body.address ? text.nearestTo + " " + result.body.address + " · " : "") +
          text.inArrondissement + " " + CasaMap.localName(result.body.arrondissement, cfg.language);
        where.dataset.arrondissement = result.body.arrondissement.slug;
        showHandler();
        findDuplicates();
      })
      .catch(function () {
        // Offline: the pin is kept and checked by the server when the report is sent.
        handlers = null;
        where.textContent = text.pinKeptOffline;
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

  /* Place search through the geocoder API (the gazetteer by default): live as one types, or on
     "Find"; each result is a button that places the pin without touching the map. */
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
        button.textContent = place.label + (place.detail ? " · " + place.detail : "");
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

  var locationButton = document.getElementById("use-my-location");
  locationButton.hidden = !navigator.geolocation;
  locationButton.addEventListener("click", function () {
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
    data.append("photo", photo.slice(0, PHOTO_HEAD_BYTES), photo.name);
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

  /* Sending: the report is first kept on the phone (outbox), then sent; if the network fails it
     waits there and goes when the connection returns (background sync, the "online" event or the
     next visit). Photos are downscaled here first, so a 12 MB phone photo uploads as < 1 MB. */
  var keyInput = form.querySelector("input[name=submission_key]");
  var sendErrors = document.getElementById("send-errors");
  var outbox = document.getElementById("outbox");
  var outboxList = document.getElementById("outbox-list");
  var MAX_PHOTO_SIDE = 2048;
  var MAX_PHOTO_BYTES = 1024 * 1024;

  function canvasBlob(bitmap, side, quality) {
    var scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
    var canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return new Promise(function (resolve) {
      canvas.toBlob(resolve, "image/jpeg", quality);
    });
  }

  function downscaled(file) {
    var decodable = /^image\/(jpeg|png|webp)$/.test(file.type);
    if (!decodable || !window.createImageBitmap || file.size <= MAX_PHOTO_BYTES) {
      return Promise.resolve({ blob: file, name: file.name });
    }
    return createImageBitmap(file, { imageOrientation: "from-image" })
      .then(function (bitmap) {
        return canvasBlob(bitmap, MAX_PHOTO_SIDE, 0.85).then(function (blob) {
          return blob.size <= MAX_PHOTO_BYTES ? blob : canvasBlob(bitmap, 1600, 0.7);
        });
      })
      .then(function (blob) {
        return { blob: blob, name: file.name.replace(/\.[^.]*$/, "") + ".jpg" };
      })
      .catch(function () {
        return { blob: file, name: file.name }; // the server decodes and re-encodes it anyway
      });
  }

  function keptReport() {
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string" && name !== "csrfmiddlewaretoken") fields.push([name, value]);
    });
    return Promise.all(Array.prototype.map.call(attachments.files, downscaled)).then(function (files) {
      return {
        key: keyInput.value || CasaOutbox.newKey(),
        url: form.action,
        csrfToken: form.querySelector("input[name=csrfmiddlewaretoken]").value,
        title: form.querySelector("input[name=title]").value,
        fields: fields,
        files: files.map(function (file) {
          return { field: "attachments", blob: file.blob, name: file.name };
        }),
        state: "waiting",
        createdAt: Date.now(),
      };
    });
  }

  function showRefusal(errors) {
    sendErrors.textContent = "";
    Object.keys(errors).forEach(function (name) {
      errors[name].forEach(function (message) {
        var line = document.createElement("p");
        var field = form.querySelector("[name=" + name + "]");
        var label = field && field.labels && field.labels[0];
        line.textContent = (label ? label.textContent + " : " : "") + message;
        sendErrors.appendChild(line);
      });
    });
    sendErrors.hidden = false;
    sendErrors.focus();
  }

  function askForBackgroundSync() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready
      .then(function (registration) {
        return registration.sync && registration.sync.register("outbox");
      })
      .catch(function () {}); // not every browser has it: the page sends on reconnection instead
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    sendButton.disabled = true;
    sendErrors.hidden = true;
    keptReport()
      .then(function (entry) {
        return CasaOutbox.put(entry).then(function () {
          return CasaOutbox.send(entry, CasaMap.csrfToken());
        });
      })
      .then(function (entry) {
        if (entry.state === "sent") {
          CasaOutbox.remove(entry.key).then(function () {
            window.location.assign(entry.sentUrl);
          });
          return;
        }
        sendButton.disabled = false;
        if (entry.state === "refused") {
          CasaOutbox.remove(entry.key);
          showRefusal(entry.errors);
          return;
        }
        askForBackgroundSync();
        form.reset();
        keyInput.value = CasaOutbox.newKey();
        showOutbox();
        outbox.focus();
      })
      .catch(function () {
        sendButton.disabled = false;
        showRefusal({ __all__: [text.networkError] });
      });
  });

  function showOutbox() {
    return CasaOutbox.list().then(function (entries) {
      outboxList.textContent = "";
      entries.forEach(function (entry) {
        var li = document.createElement("li");
        li.dataset.state = entry.state;
        var title = document.createElement("strong");
        title.textContent = entry.title;
        var state = document.createElement("span");
        li.append(title, " — ", state);
        if (entry.state === "sent") {
          state.textContent = text.sentWithCode + " ";
          var link = document.createElement("a");
          link.href = entry.sentUrl;
          link.textContent = entry.reference;
          link.dataset.testid = "outbox-reference";
          link.addEventListener("click", function () {
            CasaOutbox.remove(entry.key);
          });
          state.appendChild(link);
        } else if (entry.state === "refused") {
          state.textContent = text.refused + " " + Object.values(entry.errors).flat().join(" ");
        } else {
          state.textContent = text.waitingToBeSent;
        }
        if (entry.state !== "waiting") {
          var dismiss = document.createElement("button");
          dismiss.type = "button";
          dismiss.className = "link-button";
          dismiss.textContent = text.dismiss;
          dismiss.addEventListener("click", function () {
            CasaOutbox.remove(entry.key).then(showOutbox);
          });
          li.append(" ", dismiss);
        }
        outboxList.appendChild(li);
      });
      outbox.hidden = entries.length === 0;
    });
  }

  function sendKeptReports() {
    return CasaOutbox.flush(CasaMap.csrfToken()).then(showOutbox, showOutbox);
  }

  outbox.tabIndex = -1;
  window.addEventListener("online", sendKeptReports);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data === "outbox-changed") showOutbox();
    });
  }
  showOutbox().then(function () {
    if (navigator.onLine) sendKeptReports();
  });
})();
