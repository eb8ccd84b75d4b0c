/* Embed variant and card (inside a partner's iframe): tell the partner page
   how tall the content is, now and whenever it changes (a <details> opened,
   a font size or window width change), so the iframe never shows a
   scrollbar. Two protocols:
   - ours (kb-embed.js, the code partners paste): the height goes only to
     the origin that greeted this frame with {type: "kb-embed:hello"} from
     its parent window;
   - WordPress's (wp-includes/js/wp-embed.js, for the oEmbed card): when the
     address ends with "#?secret=…", {secret, message: "height", value} is
     posted on load, on every change and when WordPress says "ready", and a
     click on a link asks WordPress to open it in the top window
     ({secret, message: "link", value}): WordPress's sandbox lets this frame
     neither navigate the top window nor open a new one. WordPress follows
     links to our own site only, so a link to another site, or a tel: or
     mailto: link, opens our full page, where it can be followed. The sandboxed frame cannot know the
     partner's origin, hence "*": the message holds a height or one of our
     addresses, nothing else.
   Nothing about the partner (its address, its title) is read, kept or sent
   anywhere; no storage, cookie or worker is touched (WordPress gives this
   frame an opaque origin, where they fail). */
(function () {
  "use strict";
  var partner = null;
  var match = /^#\?secret=([A-Za-z0-9]+)$/.exec(window.location.hash);
  var secret = match ? match[1] : null;
  var last = 0;
  var lastWordPress = 0;

  function height() {
    return Math.ceil(document.body.getBoundingClientRect().height);
  }

  function toWordPress(message, value) {
    window.parent.postMessage({ secret: secret, message: message, value: value }, "*");
  }

  function report() {
    var now = height();
    if (secret && now !== lastWordPress) {
      lastWordPress = now;
      toWordPress("height", now);
    }
    if (!partner || now === last) return;
    last = now;
    window.parent.postMessage({ type: "kb-embed:height", height: now }, partner);
  }

  window.addEventListener("message", function (event) {
    if (event.source !== window.parent || window.parent === window) return;
    var data = event.data;
    if (!data) return;
    if (secret && data.message === "ready" && data.secret === secret) {
      lastWordPress = 0;
      report();
      return;
    }
    if (data.type !== "kb-embed:hello") return;
    if (typeof event.origin !== "string" || event.origin === "null") return;
    partner = event.origin;
    last = 0;
    report();
  });

  if (secret) {
    var fullPage = document.querySelector(".kb-embed-source a");
    document.addEventListener("click", function (event) {
      var link = event.target && event.target.closest ? event.target.closest("a[href]") : null;
      if (!link || event.defaultPrevented) return;
      var url;
      try {
        url = new URL(link.getAttribute("href"), document.baseURI);
      } catch (error) {
        return;
      }
      event.preventDefault();
      if (url.host !== window.location.host || (url.protocol !== "http:" && url.protocol !== "https:")) {
        if (!fullPage) return;
        url = new URL(fullPage.getAttribute("href"), document.baseURI);
      }
      toWordPress("link", url.href);
    });
  }

  if ("ResizeObserver" in window) {
    new ResizeObserver(report).observe(document.body);
  } else {
    window.addEventListener("resize", report);
    document.addEventListener("toggle", report, true);
  }
  window.addEventListener("load", report);

  // WordPress: say the height again a few times after load. A message that
  // reaches the post before wp-embed.js listens is lost, and so is its
  // "ready" when it reaches this frame before this page exists; until one
  // height gets through, WordPress keeps the card hidden. (Seen in CI: a card
  // left hidden at its first height.) Same value each time: no resize loop.
  if (secret) {
    window.addEventListener("load", function () {
      [300, 1000, 3000, 8000].forEach(function (delay) {
        setTimeout(function () { lastWordPress = 0; report(); }, delay);
      });
    });
  }
})();
