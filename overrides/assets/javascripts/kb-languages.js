/*
 * Languages with Material's instant navigation (see hooks/language_switcher.py
 * and the sitemaps and search_settings steps of hooks/kbsite/site_steps.py). Loaded before Material's bundle, it:
 *
 * 1. points Material's base URL at this language's root, so an English page
 *    fetches /en/sitemap.xml, and search runs in our worker over that
 *    language's index files, /en/search/kb/ (workers/kb-search.js);
 * 2. loads any page of another language with a full page load, never an
 *    instant one, so <html lang>, the search index and the UI strings always
 *    match the page;
 * 3. after each instant navigation, copies the page's counterparts (rendered
 *    in the content container) into the header's language selector.
 */
(function () {
  "use strict"

  var script = document.currentScript
  var language = script.getAttribute("data-kb-language")
  var roots = JSON.parse(script.getAttribute("data-kb-roots"))

  var configElement = document.getElementById("__config")
  var config = JSON.parse(configElement.textContent)
  var siteRoot = new URL(config.base, location.href)
  var languageRoot = new URL(roots[language] || "", siteRoot)

  /* 1. Base URL and search worker */
  var worker = new URL("workers/kb-search.js", new URL("./", script.src))
  worker.searchParams.set("index", new URL("search/kb/", languageRoot).href)
  worker.searchParams.set("offline", script.getAttribute("data-kb-search-offline") || "")
  config.base = languageRoot.href
  config.search = worker.href
  configElement.textContent = JSON.stringify(config)

  /* The language a URL of this site belongs to, or null for other sites */
  function languageOf(url) {
    var best = null
    var bestLength = -1
    Object.keys(roots).forEach(function (code) {
      var root = new URL(roots[code], siteRoot).href
      if (url.href.indexOf(root) === 0 && root.length > bestLength) {
        best = code
        bestLength = root.length
      }
    })
    return best
  }

  /* 2. Another language: full page load (capture phase, before Material) */
  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 ||
        event.metaKey || event.ctrlKey || event.shiftKey || event.altKey)
      return
    var link = event.target instanceof Element && event.target.closest("a[href]")
    if (!link || link.target || link.hasAttribute("download"))
      return
    var url = new URL(link.href, location.href)
    if (url.origin !== location.origin)
      return
    var target = languageOf(url)
    if (target === null || target === language)
      return
    event.preventDefault()
    event.stopPropagation()
    location.assign(url.href)
  }, true)

  /* 3. Keep the selector on the current page's counterparts */
  function syncSwitcher() {
    var counterparts = document.querySelectorAll("[data-kb-counterparts] a[hreflang]")
    Array.prototype.forEach.call(counterparts, function (counterpart) {
      var code = counterpart.getAttribute("hreflang")
      var links = document.querySelectorAll(".md-select__link[hreflang='" + code + "']")
      Array.prototype.forEach.call(links, function (link) {
        link.href = counterpart.href
      })
    })
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (window.document$ && typeof window.document$.subscribe === "function")
      window.document$.subscribe(syncSwitcher)
    else
      syncSwitcher()
  })
})()
