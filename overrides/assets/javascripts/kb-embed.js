/* Partner-side loader for embedded pages of the harm-reduction knowledge base.
   Paste it once after one or more <iframe data-kb-embed> elements (the
   "Embed this page" code does). For each such iframe it greets the embedded
   page, then sets the iframe's height to the height the page reports.
   Origin check: messages are accepted only from the iframe's own window and
   the origin of its src. Nothing about this page (address, title, cookies)
   is sent to the embedded page. */
(function () {
  "use strict";
  var MAX_HEIGHT = 100000;

  function setUp(frame) {
    if (frame.getAttribute("data-kb-embed-ready")) return;
    var origin;
    try {
      origin = new URL(frame.getAttribute("src"), document.baseURI).origin;
    } catch (error) {
      return;
    }
    frame.setAttribute("data-kb-embed-ready", "1");
    frame.setAttribute("scrolling", "no");

    function greet() {
      if (frame.contentWindow) frame.contentWindow.postMessage({ type: "kb-embed:hello" }, origin);
    }

    window.addEventListener("message", function (event) {
      if (event.origin !== origin || event.source !== frame.contentWindow) return;
      var data = event.data;
      if (!data || data.type !== "kb-embed:height") return;
      var height = Number(data.height);
      if (!isFinite(height) || height <= 0 || height > MAX_HEIGHT) return;
      frame.style.height = Math.ceil(height) + "px";
    });
    frame.addEventListener("load", greet);
    greet(); /* already loaded before this script ran */
  }

  function scan() {
    var frames = document.querySelectorAll("iframe[data-kb-embed]");
    for (var i = 0; i < frames.length; i++) setUp(frames[i]);
  }

  scan();
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", scan);
})();
