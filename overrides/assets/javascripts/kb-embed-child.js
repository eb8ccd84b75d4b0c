/* Embed variant (inside a partner's iframe): tell the partner page how tall
   the content is, now and whenever it changes (a <details> opened, a font
   size or window width change), so the iframe never shows a scrollbar.
   Origin check: the height goes only to the origin that greeted this frame
   with {type: "kb-embed:hello"} from its parent window. Nothing about the
   partner (its address, its title) is read, kept beyond that origin, or sent
   anywhere. */
(function () {
  "use strict";
  var partner = null;
  var last = 0;

  function height() {
    return Math.ceil(document.body.getBoundingClientRect().height);
  }

  function report() {
    if (!partner) return;
    var now = height();
    if (now === last) return;
    last = now;
    window.parent.postMessage({ type: "kb-embed:height", height: now }, partner);
  }

  window.addEventListener("message", function (event) {
    if (event.source !== window.parent || window.parent === window) return;
    if (!event.data || event.data.type !== "kb-embed:hello") return;
    if (typeof event.origin !== "string" || event.origin === "null") return;
    partner = event.origin;
    last = 0;
    report();
  });

  if ("ResizeObserver" in window) {
    new ResizeObserver(report).observe(document.body);
  } else {
    window.addEventListener("resize", report);
    document.addEventListener("toggle", report, true);
  }
  window.addEventListener("load", report);
})();
