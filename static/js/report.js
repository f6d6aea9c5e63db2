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

  /* Possible duplicates of the report (issues.selectors.possible_duplicates), offered right
     after the category, before the citizen types anything, then ranked again by what the title
     and description say as they are typed: each with its photo, age, state and distance, and
     "support" in one tap for an open one. A recently closed one is shown without it: if the
     problem is back, a new report is right. */
  var titleInput = form.querySelector("input[name=title]");
  var descriptionInput = form.querySelector("textarea[name=description]");
  var duplicatesAsked = 0;
  var duplicatesTimer = null;

  function typedText() {
    var typed = [titleInput && titleInput.value, descriptionInput && descriptionInput.value]
      .filter(Boolean).join("\n").trim();
    return typed.slice(0, cfg.suggestMaxLength || 600);
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
    var typed = typedText();
    if (typed) url += "&text=" + encodeURIComponent(typed);
    var asked = ++duplicatesAsked;
    CasaMap.getJSON(url).then(function (result) {
      if (asked !== duplicatesAsked) return; // a newer question was asked meanwhile
      list.textContent = "";
      if (result.status !== 200 || result.body.length === 0) {
        box.hidden = true;
        return;
      }
      result.body.forEach(function (item) {
        var li = document.createElement("li");
        li.className = "duplicate";
        if (item.thumbnail) {
          var photo = document.createElement("img");
          photo.src = item.thumbnail;
          photo.alt = "";
          photo.loading = "lazy";
          photo.className = "duplicate__photo";
          li.appendChild(photo);
        }
        var body = document.createElement("div");
        body.className = "duplicate__body";
        var link = document.createElement("a");
        link.href = item.url;
        // Each isolated: a Latin title in an Arabic page keeps its brackets and code in place.
        var name = document.createElement("bdi");
        name.dir = "auto";
        name.textContent = item.title;
        var code = document.createElement("bdi");
        code.className = "code";
        code.textContent = item.reference;
        link.append(name, " (", code, ")");
        var meta = document.createElement("p");
        meta.className = "help duplicate__meta";
        meta.textContent = [
          item.status,
          CasaMap.age(item.created, cfg.language),
          item.distance_m + " " + text.metresAway,
          item.supports + " " + text.supports,
        ].join(" · ");
        if (!item.is_open) {
          var closed = document.createElement("p");
          closed.className = "help duplicate__closed";
          closed.textContent = text.closedRecently;
          body.append(link, meta, closed);
          li.appendChild(body);
          list.appendChild(li);
          return;
        }
        var button = document.createElement("button");
        button.type = "button";
        button.className = "button button--secondary";
        button.textContent = text.support;
        button.addEventListener("click", function () {
          button.disabled = true;
          CasaMap.postForm(item.support_url).then(function (answer) {
            button.textContent = answer.status === 200 ? text.supported : text.support;
            button.disabled = answer.status === 200;
            meta.textContent = answer.body.message || answer.body.error || "";
          }, function () {
            button.disabled = false;
            meta.textContent = text.networkError;
          });
        });
        body.append(link, meta, button);
        li.appendChild(body);
        list.appendChild(li);
      });
      box.hidden = false;
    });
  }

  categorySelect.addEventListener("change", function () {
    showHandler();
    findDuplicates();
  });
  [titleInput, descriptionInput].forEach(function (input) {
    if (!input) return;
    input.addEventListener("input", function () {
      clearTimeout(duplicatesTimer);
      duplicatesTimer = setTimeout(findDuplicates, 500);
    });
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
        // A place's name as OpenStreetMap tags it (often in Latin script): isolated, so its
        // direction does not scramble the Arabic around it.
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

  /* The chosen files, shown before sending (a thumbnail for photos, name and size), and checked
     here against the server's limits so a too-large file is named at once, before any upload. */
  var attachments = form.querySelector("input[name=attachments]");
  var previews = document.getElementById("photo-previews");
  var photoOffer = document.getElementById("photo-location");

  function megabytes(bytes) {
    return (bytes / (1024 * 1024)).toFixed(1) + " MB";
  }

  function fileProblems() {
    var problems = [];
    var files = Array.prototype.slice.call(attachments.files);
    if (files.length > cfg.maxFiles) problems.push(text.tooManyFiles);
    files.forEach(function (file) {
      // Photos are downscaled before sending (downscaled()); other files go as they are.
      var shrinks = /^image\/(jpeg|png|webp)$/.test(file.type) && window.createImageBitmap;
      if (!shrinks && file.size > cfg.maxFileBytes) {
        problems.push(file.name + " (" + megabytes(file.size) + "): " + text.fileTooLarge);
      }
    });
    return problems;
  }

  function showPreviews() {
    previews.textContent = "";
    Array.prototype.forEach.call(attachments.files, function (file) {
      var li = document.createElement("li");
      if (file.type.indexOf("image/") === 0 && file.type !== "image/heic") {
        var image = document.createElement("img");
        image.alt = "";
        image.src = URL.createObjectURL(file);
        image.onload = function () {
          URL.revokeObjectURL(image.src);
        };
        li.appendChild(image);
      }
      var name = document.createElement("bdi");
      name.textContent = file.name;
      li.append(name, " · " + megabytes(file.size));
      previews.appendChild(li);
    });
    previews.hidden = attachments.files.length === 0;
    var problems = fileProblems();
    setFieldError("attachments", problems.join(" "));
  }

  /* A photo's own GPS position, read on the server (the photo is not kept), offered as the pin. */
  attachments.addEventListener("change", function () {
    showPreviews();
    updateSummary();
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

  /* Errors where they happened (the GOV.UK pattern): each message under its field, and a
     summary at the top of the page listing them as links to the fields, which takes focus. */
  var summary = document.getElementById("error-summary");
  var summaryList = summary.querySelector("ul");

  function fieldBox(name) {
    return form.querySelector('[data-field="' + name + '"]') ||
      (name === "kind" ? document.getElementById("kind-choices") : null);
  }

  function setFieldError(name, message) {
    var box = fieldBox(name);
    if (!box) return;
    var old = box.querySelector(".field-error--live");
    if (old) old.remove();
    var input = box.querySelector("input, select, textarea");
    box.classList.toggle("field--error", Boolean(message));
    if (input) {
      if (message) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    }
    if (!message) return;
    var line = document.createElement("p");
    line.className = "field-error field-error--live";
    line.id = name + "-live-error";
    line.textContent = message;
    if (input && box.tagName === "FIELDSET") {
      // A group of choices: the message under its question, not inside the first choice.
      input.setAttribute("aria-describedby", line.id);
      box.querySelector("legend").after(line);
    } else if (input) {
      input.setAttribute("aria-describedby", line.id);
      input.parentNode.insertBefore(line, input);
    } else {
      box.appendChild(line);
    }
  }

  function clearErrors() {
    form.querySelectorAll(".field-error").forEach(function (line) {
      line.remove();
    });
    form.querySelectorAll(".field--error").forEach(function (box) {
      box.classList.remove("field--error");
    });
    form.querySelectorAll("[aria-invalid]").forEach(function (input) {
      input.removeAttribute("aria-invalid");
    });
    summaryList.textContent = "";
    summary.hidden = true;
  }

  function showErrors(errors) {
    clearErrors();
    // In the page's order: the place (the form's own errors: the pin) comes first.
    var names = Object.keys(errors).sort(function (a, b) {
      return (b === "__all__") - (a === "__all__");
    });
    names.forEach(function (name) {
      var messages = errors[name].filter(Boolean);
      var box = fieldBox(name);
      var target = box ? box.querySelector("input, select, textarea") : null;
      var anchor = target && target.id ? target.id : "place-search";
      if (box) setFieldError(name, messages.join(" "));
      var label = target && target.labels && target.labels[0];
      if (box && box.tagName === "FIELDSET") label = box.querySelector("legend");
      messages.forEach(function (message) {
        var li = document.createElement("li");
        var link = document.createElement("a");
        link.href = "#" + anchor;
        link.textContent = (label ? label.textContent.trim() + text.labelSeparator : "") + message;
        link.addEventListener("click", function (event) {
          event.preventDefault();
          var field = document.getElementById(anchor);
          field.scrollIntoView({ block: "center" });
          field.focus();
        });
        li.appendChild(link);
        summaryList.appendChild(li);
      });
    });
    summary.hidden = false;
    summary.scrollIntoView({ block: "start" });
    summary.focus();
  }

  /* Why the server refused a report, in words: 429 says when to try again, 413 which file. */
  function refusal(entry) {
    var errors = entry.errors || {};
    if (entry.problem === "rate_limited") {
      var minutes = Math.max(1, Math.ceil((entry.retryAfter || 60) / 60));
      return { __all__: [text.tooManyReports.replace("%(minutes)s", minutes)] };
    }
    if (entry.problem === "too_large") {
      var largest = (entry.files || []).slice().sort(function (a, b) {
        return b.blob.size - a.blob.size;
      })[0];
      var which = largest ? largest.name + " (" + megabytes(largest.blob.size) + "): " : "";
      return { attachments: [which + text.fileTooLarge] };
    }
    return errors;
  }

  /* The check before sending: what will be sent, in words, kept up to date as the form changes. */
  var summaryOfReport = document.getElementById("report-summary");

  function updateSummary() {
    var rows = [
      [text.summaryPlace, where.textContent.trim() || text.noPin],
      [text.summaryCategory, categorySelect.value ? categorySelect.selectedOptions[0].textContent : "—"],
      [text.summaryHandler, handler.textContent.replace(text.handledBy, "").trim() || "—"],
      [text.summaryKind, (form.querySelector("input[name=kind]:checked + span") || {}).textContent || "—"],
      [text.summaryTitle, form.querySelector("input[name=title]").value.trim() || "—"],
      [text.summaryFiles, attachments.files.length ? String(attachments.files.length) : text.none],
      [text.summaryContact, form.querySelector("input[name=contact_email]").value.trim() ||
        form.querySelector("input[name=contact_phone]").value.trim() || text.anonymous],
      [text.summaryNotify, (form.querySelector("input[name=notify_by]:checked + span") || {}).textContent ||
        text.notifyByContact],
    ];
    summaryOfReport.textContent = "";
    rows.forEach(function (row) {
      var term = document.createElement("dt");
      term.textContent = row[0];
      var value = document.createElement("dd");
      value.textContent = row[1];
      if (/[^\s\u2014\d]/.test(row[1])) value.dir = "auto"; // a lone "—" follows the page
      summaryOfReport.append(term, value);
    });
    summaryOfReport.hidden = false;
  }
  form.addEventListener("input", updateSummary);
  form.addEventListener("change", updateSummary);
  new MutationObserver(updateSummary).observe(where, { childList: true, characterData: true, subtree: true });
  new MutationObserver(updateSummary).observe(handler, { childList: true, characterData: true, subtree: true });

  /* A refused report kept on the phone goes back into the form, files included, to be changed. */
  function restore(entry) {
    form.reset();
    entry.fields.forEach(function (pair) {
      var input = form.querySelector('[name="' + pair[0] + '"]');
      if (!input) return;
      if (input.type === "radio") {
        var radio = form.querySelector('[name="' + pair[0] + '"][value="' + pair[1] + '"]');
        if (radio) radio.checked = true;
      } else {
        input.value = pair[1];
      }
    });
    if (entry.files.length && window.DataTransfer) {
      var transfer = new DataTransfer();
      entry.files.forEach(function (file) {
        transfer.items.add(new File([file.blob], file.name, { type: file.blob.type }));
      });
      attachments.files = transfer.files;
      showPreviews();
    }
    if (latInput.value && lonInput.value) {
      setPin(L.latLng(parseFloat(latInput.value), parseFloat(lonInput.value)), false);
    }
    updateSummary();
  }

  function askForBackgroundSync() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready
      .then(function (registration) {
        return registration.sync && registration.sync.register("outbox");
      })
      .catch(function () {}); // not every browser has it: the page sends on reconnection instead
  }

  var retryTimer = null;

  /* The server had trouble (5xx): the report waits on the phone and is tried again after the
     server's Retry-After, or a minute. */
  function retryLater(entry) {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(sendKeptReports, Math.max(15, entry.retryAfter || 60) * 1000);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var problems = fileProblems();
    if (problems.length) {
      showErrors({ attachments: problems });
      return;
    }
    sendButton.disabled = true;
    clearErrors();
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
          // Refused as it is: nothing was stored; the draft stays in the form, to be changed.
          CasaOutbox.remove(entry.key);
          if (entry.problem === "already_used") keyInput.value = CasaOutbox.newKey();
          showErrors(refusal(entry));
          return;
        }
        if (entry.problem === "server") retryLater(entry);
        else askForBackgroundSync();
        form.reset();
        clearErrors();
        previews.hidden = true;
        keyInput.value = CasaOutbox.newKey();
        showOutbox().then(function () {
          outbox.focus();
        });
      })
      .catch(function () {
        sendButton.disabled = false;
        showErrors({ __all__: [text.networkError] });
      });
  });

  function showOutbox() {
    return CasaOutbox.list().then(function (entries) {
      outboxList.textContent = "";
      entries.forEach(function (entry) {
        var li = document.createElement("li");
        li.dataset.state = entry.state;
        li.dataset.problem = entry.problem || "";
        var title = document.createElement("strong");
        title.textContent = entry.title;
        title.dir = "auto";
        var state = document.createElement("span");
        li.append(title, " — ", state);
        if (entry.state === "sent") {
          state.textContent = text.sentWithCode + " ";
          var link = document.createElement("a");
          link.href = entry.sentUrl;
          link.textContent = entry.reference;
          link.dir = "ltr";
          link.dataset.testid = "outbox-reference";
          link.addEventListener("click", function () {
            CasaOutbox.remove(entry.key);
          });
          state.appendChild(link);
        } else if (entry.state === "refused") {
          state.textContent = text.refused + " " + Object.values(refusal(entry)).flat().join(" ");
          var edit = document.createElement("button");
          edit.type = "button";
          edit.className = "button button--secondary";
          edit.textContent = text.editAgain;
          edit.addEventListener("click", function () {
            restore(entry);
            CasaOutbox.remove(entry.key).then(showOutbox);
            showErrors(refusal(entry));
          });
          li.append(" ", edit);
        } else if (entry.problem === "server") {
          state.textContent = text.serverTrouble;
          retryLater(entry);
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
  updateSummary();
  if (!summary.hidden) summary.focus(); // errors found by the server on a page sent without scripts
})();
