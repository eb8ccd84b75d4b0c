/*
 * Search worker for Material's search dialog (issue 17). It speaks Material's
 * worker protocol (SETUP -> READY, QUERY -> RESULT, results grouped by page)
 * and answers from the site's own small index files, written from the
 * finished HTML by hooks/kbsite/search_shards.py: a query fetches the shard of
 * each of its words and the few pages it shows, never the whole index.
 *
 * Query string (set by kb-languages.js):
 *   index    the language's index folder (…/search/kb/), on this site only;
 *   offline  what to show when the network fails: a sentence and the pages
 *            kept on the device ({"text": …, "pages": [{location, title}]}).
 *
 * Files: search/kb/manifest.json (the version, the shard keys), then that
 * version's s/<key>.json and p/<n>.json. A missing file means a deployment
 * replaced the version: the worker reads the new manifest, once.
 *
 * A query word matches an indexed word (accents and case folded):
 *   the same word (1), a stem it begins, "overdosing" -> overdos (0.9),
 *   a word it begins, for the word being typed (0.7),
 *   a word one edit away, on words of five letters or more (0.6): a letter
 *   changed, added, left out, or two swapped. The shard is named by the
 *   word's first letters, so the index also files each word under itself
 *   without its first or second letter (search_shards._names); when nothing
 *   matches in the word's own shard, the worker also looks in the shards of
 *   the word with its first two letters swapped or one of them dropped, and
 *   in the longest shards one edit away from its start (typoKeys).
 * A section's score for a word is its weight (title and headings weigh most,
 * see search_shards._weight) x the word's rarity x the match; a page's score
 * is the sum, over the query's words, of its best section and a quarter of
 * its other sections (at most as much again). Pages holding every word come
 * first.
 *
 * Keystrokes come faster than the files: a query that a newer one replaced
 * while its shards were loading stops there, so the pages fetched are the
 * last query's only.
 *
 * Everything shown is escaped here: titles and text go to Material as HTML.
 */
"use strict";
var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
var MAX_PAGES = 10, FIRST_PAGES = 6, MAX_SECTIONS = 3, MAX_WORDS = 8, MAX_TERMS = 12;

var params = new URL(self.location.href).searchParams;
var indexUrl = sameSite(params.get("index") || "");
var offline = parse(params.get("offline"), {text: "", pages: []});
var manifest = null;   // Promise of the manifest
var shards = {};       // key -> Promise of {stem: [spellings, postings]}
var pages = {};        // number -> Promise of the page file
var folded = {};       // key -> [[stem, [folded spellings], spellings, postings]]
var latest = 0;

function sameSite(address) {
  try {
    var url = new URL(address, self.location.href);
    return url.origin === self.location.origin ? url : null;
  } catch (error) {
    return null;
  }
}

function parse(text, fallback) {
  try {
    return text ? JSON.parse(text) : fallback;
  } catch (error) {
    return fallback;
  }
}

/* As search_shards.fold: lower case, no accents ("Méthadone" -> "methadone") */
var LETTERS = {"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d"};
function fold(text) {
  return text.toLowerCase().replace(/[œæßøłđ]/g, function (c) { return LETTERS[c]; })
    .normalize("NFKD").replace(/\p{M}/gu, "");
}

/* As search_shards.words: composed first, so a decomposed accent splits no word */
function words(text) {
  return text.normalize("NFC").toLowerCase().match(/[\p{L}\p{N}]+/gu) || [];
}

function escape(text) {
  return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/* A file of the index; a network failure (offline) is a TypeError, any
   other failure (a missing file, a file that is not JSON) a FileError */
function FileError(message) { this.message = message; }

function fetchJson(path) {
  var url = new URL(path, indexUrl);
  return fetch(url.href).then(function (response) {
    if (!response.ok) throw new FileError(response.status + " " + url.pathname);
    return response.json().catch(function () { throw new FileError("not JSON: " + url.pathname); });
  });
}

/* A file of the manifest's version (its files never change) */
function versioned(path) {
  return manifest.then(function (found) { return fetchJson(found.version + "/" + path); });
}

function startIndex() {
  manifest = fetchJson("manifest.json");
  manifest.catch(function () { manifest = null; });
}

/* The manifest and every file read, forgotten (a new version was deployed) */
function forgetIndex() {
  manifest = null;
  shards = {};
  pages = {};
  folded = {};
}

/* The shard a folded word lives in: the longest key it begins with
   (search_shards.MAX_KEY letters at most: the manifest has no longer key) */
function shardKey(known, word) {
  for (var length = Math.min(word.length, 4); length >= 2; length--) {
    if (known.has(word.slice(0, length))) return word.slice(0, length);
  }
  return null;
}

/* The keys of the shards a word being typed may end in, when the index cut
   its letters finer than typed so far ("con" -> conc, cond, cons…): at most eight */
function typedKeys(shardList, word) {
  if (word.length < 3) return [];
  var longer = shardList.filter(function (key) { return key.length > word.length && key.indexOf(word) === 0; });
  return longer.length <= 8 ? longer : [];
}

/* The keys of the shards where a word with a typo in its first letters may
   be: its first two letters swapped or one of them dropped, then the
   longest keys of three letters or more one edit away from the word's start
   ("coms…" -> cons): four at most */
function typoKeys(known, shardList, word) {
  var found = [];
  [word[1] + word[0] + word.slice(2), word.slice(1), word[0] + word.slice(2), word[0] + word[2] + word[1] + word.slice(3)]
    .forEach(function (variant) {
      var key = shardKey(known, variant);
      if (key && found.indexOf(key) < 0) found.push(key);
    });
  var near = shardList.filter(function (key) {
    if (key.length < 3 || found.indexOf(key) >= 0) return false;
    return oneEdit(key, word.slice(0, key.length)) || oneEdit(key, word.slice(0, key.length + 1)) ||
      oneEdit(key, word.slice(0, key.length - 1));
  }).sort(function (a, b) { return b.length - a.length; });
  return found.concat(near).slice(0, 4);
}

function shard(key) {
  if (!shards[key]) {
    shards[key] = versioned("s/" + key + ".json").then(function (entries) {
      folded[key] = Object.keys(entries).map(function (stem) {
        return [stem, entries[stem][0].map(fold), entries[stem][0], entries[stem][1]];
      });
      return entries;
    });
    shards[key].catch(function () { delete shards[key]; });
  }
  return shards[key];
}

function page(number) {
  if (!pages[number]) {
    pages[number] = versioned("p/" + number + ".json");
    pages[number].catch(function () { delete pages[number]; });
  }
  return pages[number];
}

/* At most one edit between a and b: a letter changed, added, removed, or two swapped */
function oneEdit(a, b) {
  if (a === b) return true;
  var la = a.length, lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  var i = 0;
  while (i < la && i < lb && a[i] === b[i]) i++;
  if (la === lb) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/* How well a folded query word matches an entry, 0 if not at all */
function quality(word, entry, typing) {
  var stem = entry[0], forms = entry[1], best = 0;
  for (var n = 0; n < forms.length; n++) {
    var form = forms[n];
    if (form === word) return 1;
    if (typing && word.length >= 2 && form.indexOf(word) === 0) best = Math.max(best, 0.7);
    else if (word.length >= 5 && form.length >= 5 && oneEdit(word, form)) best = Math.max(best, 0.6);
  }
  if (stem.length >= 4 && word.indexOf(stem) === 0 && word.length - stem.length <= 3) best = Math.max(best, 0.9);
  return best;
}

/* For one query word: page -> section -> score, and the spellings it matched */
function scoreWord(word, keys, total, typing) {
  var sections = {}, spellings = [], entries = [];
  keys.forEach(function (key) { entries.push.apply(entries, folded[key] || []); });
  entries.forEach(function (entry) {
    var match = quality(word, entry, typing);
    if (!match) return;
    var postings = entry[3], count = postings.length / 3;
    var rarity = Math.log(1 + total / count);
    spellings.push.apply(spellings, entry[2].slice(0, 3));
    var pageNumber = 0;
    for (var i = 0; i < postings.length; i += 3) {
      pageNumber += postings[i];
      var score = postings[i + 2] * rarity * match;
      var bySection = sections[pageNumber] || (sections[pageNumber] = {});
      bySection[postings[i + 1]] = Math.max(bySection[postings[i + 1]] || 0, score);
    }
  });
  return {sections: sections, spellings: spellings};
}

function mark(text, spellings) {
  if (!spellings.length) return escape(text);
  var wanted = spellings.map(fold);
  var out = "", last = 0, found;
  var pattern = /[\p{L}\p{N}]+/gu;
  while ((found = pattern.exec(text)) !== null) {
    var word = fold(found[0]);
    if (wanted.some(function (w) { return word === w || (w.length >= 4 && word.indexOf(w) === 0); })) {
      out += escape(text.slice(last, found.index)) + "<mark>" + escape(found[0]) + "</mark>";
      last = found.index + found[0].length;
    }
  }
  return out + escape(text.slice(last));
}

function Stale() {}

function search(query, current, early) {
  var typing = !/\s$/.test(query);
  return manifest.then(function (found) {
    var stop = new Set(found.stop || []);
    var queryWords = words(query).map(fold).filter(function (w) { return w.length >= 2 && !stop.has(w); })
      .slice(0, MAX_WORDS);
    if (!queryWords.length) return {items: []};
    var known = new Set(found.shards);
    var keys = queryWords.map(function (w, n) {
      var key = shardKey(known, w);
      var typed = typing && n === queryWords.length - 1 ? typedKeys(found.shards, w) : [];
      return (key ? [key] : []).concat(typed);
    });
    var score = function () {
      return queryWords.map(function (w, n) {
        return scoreWord(w, keys[n], found.sections, typing && n === queryWords.length - 1);
      });
    };
    if (!current()) throw new Stale();  // typed over before the manifest came
    return Promise.all([].concat.apply([], keys).map(shard)).then(function () {
      if (!current()) throw new Stale();
      /* A word of five letters or more found nowhere: its typo may be in the
         letters that name its shard (typoKeys). */
      var perWord = score();
      var more = [];
      queryWords.forEach(function (w, n) {
        if (w.length < 5 || Object.keys(perWord[n].sections).length) return;
        typoKeys(known, found.shards, w).forEach(function (key) {
          if (keys[n].indexOf(key) < 0) { keys[n].push(key); more.push(key); }
        });
      });
      return more.length ? Promise.all(more.map(shard)).then(score) : perWord;
    }).then(function (perWord) {
      if (!current()) throw new Stale();  // a newer query came: its pages, not these
      var totals = {};
      perWord.forEach(function (result) {
        Object.keys(result.sections).forEach(function (p) {
          var bySection = result.sections[p];
          var scores = Object.keys(bySection).map(function (s) { return bySection[s]; });
          var best = Math.max.apply(null, scores);
          var rest = scores.reduce(function (sum, s) { return sum + s; }, 0) - best;
          var total = totals[p] || (totals[p] = {score: 0, words: 0, sections: {}});
          total.score += best + Math.min(best, rest / 4);
          total.words += 1;
          Object.keys(bySection).forEach(function (s) {
            total.sections[s] = (total.sections[s] || 0) + bySection[s];
          });
        });
      });
      var ranked = Object.keys(totals).sort(function (a, b) {
        return totals[b].words - totals[a].words || totals[b].score - totals[a].score;
      }).slice(0, MAX_PAGES);
      var spellings = [];
      perWord.forEach(function (r) { spellings.push.apply(spellings, r.spellings); });
      var result = function (files) {
        return {items: files.map(function (file, n) {
          return group(file, totals[ranked[n]], queryWords, perWord, ranked[n], spellings);
        })};
      };
      /* The first FIRST_PAGES pages are shown as soon as they come (one round
         trip: a browser opens six connections to a host over HTTP/1.1), the
         list is then completed */
      return Promise.all(ranked.slice(0, FIRST_PAGES).map(page)).then(function (files) {
        if (ranked.length <= FIRST_PAGES) return result(files);
        if (current()) early(result(files));
        return Promise.all(ranked.map(page)).then(result);
      });
    });
  });
}

function group(file, total, queryWords, perWord, pageNumber, spellings) {
  var terms = {};
  spellings.slice(0, MAX_TERMS).forEach(function (s) { terms[s] = true; });
  queryWords.forEach(function (w, n) {
    if (!perWord[n].sections[pageNumber]) terms[w] = false;
  });
  var top = file.s[0] || ["", file.t, ""];
  var items = [{location: file.u, title: mark(file.t, spellings), text: mark(top[2], spellings),
                score: total.sections[0] || 0, terms: terms}];
  Object.keys(total.sections).filter(function (s) { return s !== "0" && file.s[s] && file.s[s][0]; })
    .sort(function (a, b) { return total.sections[b] - total.sections[a]; })
    .slice(0, MAX_SECTIONS)
    .forEach(function (s) {
      var section = file.s[s];
      items.push({location: file.u + "#" + section[0], title: mark(section[1], spellings),
                  text: mark(section[2], spellings), score: total.sections[s], terms: terms});
    });
  return items.sort(function (a, b) { return b.score - a.score; });
}

function offlineResult() {
  var pagesKept = Array.isArray(offline.pages) ? offline.pages : [];
  return {items: pagesKept.map(function (kept) {
    return [{location: String(kept.location || ""), title: escape(kept.title || ""),
             text: escape(offline.text || ""), score: 1, terms: {}}];
  })};
}

self.addEventListener("message", function (event) {
  var message = event.data || {};
  if (message.type === SETUP) {
    if (!manifest && indexUrl) startIndex();
    self.postMessage({type: READY});
  } else if (message.type === QUERY) {
    var id = ++latest;
    var current = function () { return id === latest; };
    var query = String(message.data || "");
    var post = function (result) {
      if (result && current()) self.postMessage({type: RESULT, data: result});
    };
    var run = function () {
      if (!manifest && indexUrl) startIndex();
      return manifest ? search(query, current, post) : Promise.reject(new FileError("no index address"));
    };
    run()
      .catch(function (error) {
        if (!(error instanceof FileError)) throw error;
        forgetIndex();  // once: the version read may have been replaced by a deployment
        return run();
      })
      .catch(function (error) {
        if (error instanceof Stale) return null;
        if (error instanceof FileError) return {items: []};
        return offlineResult();  // the network failed: offline
      })
      .then(post);
  }
});
