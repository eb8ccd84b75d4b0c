/* Offline reading (sw.js), the offline notice, "forget the offline copies",
   and printing with every collapsed block open.
   data-sw: the service worker's URL; data-keep: JSON list of the pages to keep
   for this language (home, overdose page). */
(function () {
  "use strict";
  var script = document.currentScript;
  var notice = document.querySelector("[data-kb-offline]");

  function showState() {
    if (notice) notice.hidden = navigator.onLine;
  }
  window.addEventListener("online", showState);
  window.addEventListener("offline", showState);
  showState();

  /* Print: a collapsed block would not print; open them all for printing. */
  window.addEventListener("beforeprint", function () {
    var closed = document.querySelectorAll("article details:not([open])");
    for (var i = 0; i < closed.length; i++) closed[i].setAttribute("open", "");
  });

  if (!("serviceWorker" in navigator) || !script) return;
  var keepList = [];
  try { keepList = JSON.parse(script.getAttribute("data-keep") || "[]"); } catch (error) {}

  function pageFiles() {
    var urls = [location.href.split("#")[0], new URL(script.getAttribute("data-sw"), location.href).href.replace(/sw\.js$/, "offline.html")]
      .concat(keepList.map(function (u) { return new URL(u, location.href).href; }));
    var nodes = document.querySelectorAll("link[rel=stylesheet][href], script[src], link[rel=icon][href]");
    for (var i = 0; i < nodes.length; i++) urls.push(nodes[i].href || nodes[i].src);
    return urls;
  }

  function keepPage(registration) {
    var worker = registration.active || navigator.serviceWorker.controller;
    if (worker) worker.postMessage({ type: "kb-keep", urls: pageFiles() });
  }

  navigator.serviceWorker.addEventListener("message", function (event) {
    if (event.data && event.data.type === "kb-keep:done") document.documentElement.setAttribute("data-kb-kept", "");
    if (event.data && event.data.type === "kb-forget:done") {
      navigator.serviceWorker.getRegistrations().then(function (registrations) {
        registrations.forEach(function (registration) { registration.unregister(); });
        var status = document.getElementById("kb-forget-status");
        if (status) status.hidden = false;
      });
    }
  });

  window.addEventListener("load", function () {
    navigator.serviceWorker.register(script.getAttribute("data-sw")).then(function () {
      return navigator.serviceWorker.ready;
    }).then(keepPage).catch(function () {});
  });

  /* Material's instant navigation loads pages without a new document: keep
     each one the reader opens. */
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () {
      if (navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage({ type: "kb-keep", urls: [location.href.split("#")[0]] });
      }
    });
  }

  /* The privacy page's button: delete every kept page and stop keeping them. */
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("#kb-forget-offline");
    if (!button) return;
    var worker = navigator.serviceWorker.controller;
    if (worker) {
      worker.postMessage({ type: "kb-forget" });
    } else if (window.caches) {
      caches.keys().then(function (names) {
        return Promise.all(names.map(function (name) { return caches.delete(name); }));
      }).then(function () {
        var status = document.getElementById("kb-forget-status");
        if (status) status.hidden = false;
      });
    }
  });
})();
