/* Service worker: the site keeps working without a connection.
   - The home page and the overdose page of the reader's language, and every
     page the reader opens, are kept in one cache named after the build.
   - Pages: network first (fresh when online), the kept copy when offline.
   - Other files of the site (styles, scripts, search index): kept copy first.
   - A new build has a new version: the old cache is deleted on activation,
     so an update is picked up on the next visit with a connection.
   Only this site's own files are ever fetched or kept. kbsite/offline.py (the offline site step)
   writes the version at build time. */
"use strict";
var VERSION = "__KB_VERSION__";
var CACHE = "kb-" + VERSION;

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("kb-") === 0 && name !== CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function ownUrl(url) {
  try {
    var parsed = new URL(url, self.location.href);
    return parsed.origin === self.location.origin ? parsed.href.split("#")[0] : null;
  } catch (error) {
    return null;
  }
}

function keep(urls) {
  return caches.open(CACHE).then(function (cache) {
    return Promise.all(urls.map(ownUrl).filter(Boolean).map(function (url) {
      return cache.match(url).then(function (found) {
        if (found) return null;
        return fetch(url).then(function (response) {
          if (response.ok) return cache.put(url, response);
        }).catch(function () {});
      });
    }));
  });
}

self.addEventListener("message", function (event) {
  var data = event.data || {};
  var done = null;
  if (data.type === "kb-keep" && Array.isArray(data.urls)) {
    done = keep(data.urls);
  } else if (data.type === "kb-forget") {
    done = caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) { return name.indexOf("kb-") === 0; })
        .map(function (name) { return caches.delete(name); }));
    });
  }
  if (done) {
    event.waitUntil(done.then(function () {
      if (event.source) event.source.postMessage({ type: data.type + ":done" });
    }));
  }
});

function isPage(request, url) {
  return request.mode === "navigate" || /\/$|\.html$/.test(url.pathname);
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (isPage(request, url)) {
    event.respondWith(
      fetch(request).then(function (response) {
        if (response.ok) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(url.href.split("#")[0], copy); });
        }
        return response;
      }).catch(function () {
        return caches.match(url.href.split("#")[0], { ignoreSearch: true }).then(function (kept) {
          return kept || caches.match(new URL("offline.html", self.location.href).href).then(function (page) {
            return page || Response.error();
          });
        });
      })
    );
    return;
  }
  event.respondWith(
    caches.match(request, { ignoreSearch: false }).then(function (kept) {
      if (kept) return kept;
      return fetch(request).then(function (response) {
        if (response.ok && response.type === "basic") {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
        }
        return response;
      });
    })
  );
});
