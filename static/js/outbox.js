/* Reports kept on the phone until the server has them: IndexedDB, shared by the pages and the
   service worker (importScripts), so whichever runs first sends them. Each report carries the
   submission key the server stores as unique: a report sent twice (page and background sync at
   once, or a retry after a lost answer) is stored once, and the second answer names the first. */
"use strict";

var CasaOutbox = (function () {
  var DB_NAME = "casa-map";
  var STORE = "outbox";
  var sending = null;

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "key" });
      };
      request.onsuccess = function () {
        resolve(request.result);
      };
      request.onerror = function () {
        reject(request.error);
      };
    });
  }

  function run(mode, action) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(STORE, mode);
        var result = action(transaction.objectStore(STORE));
        transaction.oncomplete = function () {
          db.close();
          resolve(result && "result" in result ? result.result : undefined);
        };
        transaction.onerror = function () {
          db.close();
          reject(transaction.error);
        };
      });
    });
  }

  function put(entry) {
    return run("readwrite", function (store) {
      return store.put(entry);
    });
  }

  function remove(key) {
    return run("readwrite", function (store) {
      return store.delete(key);
    });
  }

  function list() {
    return run("readonly", function (store) {
      return store.getAll();
    }).then(function (entries) {
      return entries.sort(function (a, b) {
        return a.createdAt - b.createdAt;
      });
    });
  }

  /* A random UUID (version 4), also where crypto.randomUUID is missing (plain-HTTP pages). */
  function newKey() {
    if (self.crypto && self.crypto.randomUUID) return self.crypto.randomUUID();
    var bytes = self.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) {
      return (b + 0x100).toString(16).slice(1);
    }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function formData(entry) {
    var data = new FormData();
    entry.fields.forEach(function (pair) {
      data.append(pair[0], pair[1]);
    });
    entry.files.forEach(function (file) {
      data.append(file.field, file.blob, file.name);
    });
    return data;
  }

  /* What an answer means for a kept report. Three cases stay apart, so the citizen is never told
     "waiting for the network" about a report the server refused:
     - "sent": stored (201, or 200 for a resent copy), with its tracking code;
     - "refused": the server will not take it as it is — 400 (the fields' messages), 409 (the
       form was already sent), 413 (too large: which file), 429 (too many reports: when to try
       again, from Retry-After). Not retried: the draft goes back to the form to be changed;
     - "waiting": not received — no network ("offline"), or the server in trouble (5xx,
       "server": retried after a pause, and said so). */
  var REFUSALS = { 400: "invalid", 409: "already_used", 413: "too_large", 429: "rate_limited" };

  function judge(entry, answer) {
    var body = answer.body || {};
    if (answer.status === 200 || answer.status === 201) {
      entry.state = "sent";
      entry.reference = body.reference;
      entry.sentUrl = body.url;
      entry.files = [];
      entry.fields = [];
    } else if (REFUSALS[answer.status]) {
      entry.state = "refused";
      entry.problem = REFUSALS[answer.status];
      entry.errors = body.errors || { __all__: [body.error || body.detail || ""] };
      entry.retryAfter = answer.retryAfter || body.retry_after || null;
    } else {
      entry.state = "waiting";
      entry.problem = "server";
      entry.retryAfter = answer.retryAfter || null;
    }
    return entry;
  }

  /* Sends one kept report; resolves to the entry as it now stands (see judge), stored again. */
  function send(entry, csrfToken) {
    return fetch(entry.url, {
      method: "POST",
      body: formData(entry),
      credentials: "same-origin",
      headers: {
        "X-CSRFToken": csrfToken || entry.csrfToken,
        "X-Requested-With": "fetch",
        Accept: "application/json",
      },
    })
      .then(function (response) {
        var retryAfter = parseInt(response.headers.get("Retry-After") || "", 10) || null;
        return response.json().then(
          function (body) {
            return { status: response.status, body: body, retryAfter: retryAfter };
          },
          function () {
            return { status: response.status, body: {}, retryAfter: retryAfter };
          }
        );
      })
      .then(
        function (answer) {
          return judge(entry, answer);
        },
        function () {
          entry.state = "waiting";
          entry.problem = "offline";
          return entry;
        }
      )
      .then(function (updated) {
        return put(updated).then(function () {
          return updated;
        });
      });
  }

  /* Sends every waiting report, one after the other; one flush at a time per page or worker. */
  function flush(csrfToken) {
    if (sending) return sending;
    sending = list()
      .then(function (entries) {
        var waiting = entries.filter(function (entry) {
          return entry.state === "waiting";
        });
        return waiting.reduce(function (chain, entry) {
          return chain.then(function (done) {
            return send(entry, csrfToken).then(function (updated) {
              return done.concat([updated]);
            });
          });
        }, Promise.resolve([]));
      })
      .finally(function () {
        sending = null;
      });
    return sending;
  }

  return { put: put, remove: remove, list: list, send: send, flush: flush, newKey: newKey, judge: judge };
})();
