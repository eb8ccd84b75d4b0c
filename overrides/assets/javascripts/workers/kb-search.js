/*
 * Search worker: Material's own worker (its URL comes in our query string)
 * with two changes to how lunr matches words. It lives next to Material's
 * worker so that Material's relative "../lunr" stemmer URLs resolve the same.
 *
 * 1. Accent-insensitive: accents are folded before the lunr pipeline when
 *    pages are indexed, and in every query term, so "methadone" finds
 *    "méthadone" and "reduction" finds "réduction".
 * 2. Stemming with as-you-type search: Material adds a trailing wildcard to
 *    every term, and lunr skips stemming for wildcard terms, so "injections"
 *    would never reach the stem "inject". We stem each query term with the
 *    index language's stemmer and keep its wildcard.
 */
(function () {
  "use strict"

  var material = new URL(new URL(self.location.href).searchParams.get("material") || "", self.location.href)
  if (material.origin !== self.location.origin)
    throw new Error("kb-search: Material's worker must come from this site")
  importScripts(material.href)

  var lunr = self.lunr
  var language = "en"

  /* The index language arrives with Material's setup message */
  self.addEventListener("message", function (event) {
    var data = event.data && event.data.data
    if (data && data.config && data.config.lang && data.config.lang.length)
      language = data.config.lang[0]
  })

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
  }

  function stem(term) {
    var stemmer = language === "en" ? lunr.stemmer : lunr[language] && lunr[language].stemmer
    if (typeof stemmer !== "function" || !term)
      return term
    var token = new lunr.Token(term, {})
    var result = stemmer(token, 0, [token])
    return result ? result.toString() : term
  }

  /* 1. Indexing: fold each token before trimmer, stop words and stemmer */
  var run = lunr.Pipeline.prototype.run
  lunr.Pipeline.prototype.run = function (tokens) {
    return run.call(this, tokens.map(function (token) {
      return token.update(fold)
    }))
  }

  /* 1 and 2. Query terms: fold, stem, keep the wildcards */
  var clause = lunr.Query.prototype.clause
  lunr.Query.prototype.clause = function (spec) {
    if (typeof spec.term === "string" && typeof spec.editDistance === "undefined") {
      var term = spec.term
      var wildcard = spec.wildcard || lunr.Query.wildcard.NONE
      if (term.charAt(0) === "*") {
        wildcard |= lunr.Query.wildcard.LEADING
        term = term.slice(1)
      }
      if (term.slice(-1) === "*") {
        wildcard |= lunr.Query.wildcard.TRAILING
        term = term.slice(0, -1)
      }
      spec.term = stem(fold(term))
      spec.wildcard = wildcard
      spec.usePipeline = false
    }
    return clause.call(this, spec)
  }
})()
