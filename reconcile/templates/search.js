// search.js: the report's search by meaning, not by script (see reconcile/render/search_index.py).
// A typed name is folded as Python folds names, resolved among the names of the entities on
// the page (an id; exactly; without a generic prefix; fuzzily within the gazetteer's
// threshold; else names with a word starting with it), and a card matches when it involves
// an entity found, or its keys (fingerprint, rule, property, sources, files, scope) or its
// text contain the folded query. report.js calls reconcileSearch.compile once per update.
var reconcileSearch = (function () {
  "use strict";
  // The query folded as reconcile.render.html_report.search_fold folds the cards' search
  // text and the index's names: compatibility forms, invisible marks, Persian and
  // Arabic-Indic digits, every mark (category M), Arabic and Persian letter variants, case,
  // punctuation and runs of spaces.
  var LETTERS = { "\u064a": "\u06cc", "\u0649": "\u06cc", "\u0626": "\u06cc", "\u0643": "\u06a9",
    "\u0629": "\u0647", "\u06c0": "\u0647", "\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627",
    "\u0671": "\u0627", "\u0624": "\u0648", "\u0621": "", "\u0640": "", "\u0451": "\u0435", "\u0401": "\u0435" };
  var LETTER = /[\u064a\u0649\u0626\u0643\u0629\u06c0\u0623\u0625\u0622\u0671\u0624\u0621\u0640\u0451\u0401]/g;
  var INVISIBLE = /[\u200c-\u200f\u061c\u202a-\u202e\u2066-\u2069\ufeff\u00ad]/g;
  var PUNCT = /["'\u00ab\u00bb\u201c\u201d\u201e\u2018\u2019`\u00b4()\[\]{}.,;:!?\u061f\u060c\u061b\-\u2013\u2014_\/\\|*#+=<>~^&%$@]+/g;
  // where Python's casefold differs from toLowerCase (sharp s, final sigma)
  var FOLDED = { "\u00df": "ss", "\u03c2": "\u03c3" };
  var CASE = /[\u00df\u03c2]/g;
  // Python's \s: JavaScript's, plus the separators U+001C-U+001F and U+0085
  var SPACE = /[\s\x1c-\x1f\x85]+/g;
  function digit(c) {
    var code = c.charCodeAt(0);
    if (code >= 0x06f0 && code <= 0x06f9) return String(code - 0x06f0);
    if (code >= 0x0660 && code <= 0x0669) return String(code - 0x0660);
    return c === "\u066b" ? "." : ",";
  }
  function fold(text) {
    var s = text.normalize("NFKC").replace(INVISIBLE, "").replace(/[\u06f0-\u06f9\u0660-\u0669\u066b\u066c]/g, digit);
    s = s.normalize("NFD").replace(/\p{M}/gu, "").normalize("NFC");
    s = s.replace(LETTER, function (c) { return LETTERS[c]; }).toLowerCase().replace(CASE, function (c) { return FOLDED[c]; });
    return s.replace(PUNCT, " ").replace(SPACE, " ").trim();
  }

  var EMPTY = { entities: [], labels: [], names: {}, terms: [], cards: {}, prefixes: [], fuzzy: { cutoff: 80, margin: 5, min_length: 5 } };
  var index = null;
  function load() {
    if (index) return index;
    var el = document.getElementById("search-index");
    index = EMPTY;
    if (el) {
      try { index = JSON.parse(el.textContent); } catch (e) { index = EMPTY; }
    }
    index.nameList = Object.keys(index.names).map(function (k) { return { key: k, chars: Array.from(k) }; });
    index.byId = {};
    index.entities.forEach(function (id, i) { index.byId[id] = i; });
    return index;
  }

  // Optimal string alignment distance (insertions, deletions, substitutions, adjacent
  // swaps), as rapidfuzz's OSA that the gazetteer scores with; on code points.
  function osa(a, b) {
    var n = a.length, m = b.length, i, j;
    var prev2 = [], prev = [], cur = [];
    for (j = 0; j <= m; j++) prev[j] = j;
    for (i = 1; i <= n; i++) {
      cur = [i];
      for (j = 1; j <= m; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
        cur[j] = d;
      }
      prev2 = prev; prev = cur;
    }
    return prev[m];
  }
  function score(a, b) {
    var longer = Math.max(a.length, b.length);
    return longer ? 100 * (1 - osa(a, b) / longer) : 100;
  }
  function letters(key) { return Array.from(key.replace(/ /g, "")).length; }

  // The folded query and its forms without generic leading words ("republic of", «جمهوری»).
  function forms(q, idx) {
    var out = [q], rest = q, dropped = true;
    while (dropped) {
      dropped = false;
      for (var i = 0; i < idx.prefixes.length; i++) {
        var p = idx.prefixes[i] + " ";
        if (rest.indexOf(p) === 0 && rest.length > p.length) { rest = rest.slice(p.length); out.push(rest); dropped = true; break; }
      }
    }
    return out;
  }

  // Which entities the text names: [positions], how, and the score of a fuzzy match.
  function resolve(raw, q, idx) {
    var trimmed = raw.trim();
    if (Object.prototype.hasOwnProperty.call(idx.byId, trimmed)) return { ids: [idx.byId[trimmed]], how: "id" };
    var fs = forms(q, idx), i;
    for (i = 0; i < fs.length; i++) {
      if (Object.prototype.hasOwnProperty.call(idx.names, fs[i])) return { ids: idx.names[fs[i]].slice(), how: i ? "without a prefix" : "name" };
    }
    var f = idx.fuzzy;
    if (letters(q) >= f.min_length) {
      var best = {};  // entity position -> best score
      fs.forEach(function (form) {
        var chars = Array.from(form);
        idx.nameList.forEach(function (name) {
          var longer = Math.max(chars.length, name.chars.length);
          if (Math.abs(chars.length - name.chars.length) > longer * (1 - f.cutoff / 100)) return;
          var s = score(chars, name.chars);
          idx.names[name.key].forEach(function (e) { if (!(e in best) || s > best[e]) best[e] = s; });
        });
      });
      var ranked = Object.keys(best).map(Number).sort(function (a, b) { return best[b] - best[a] || a - b; });
      if (ranked.length && best[ranked[0]] >= f.cutoff &&
          (ranked.length < 2 || best[ranked[0]] - best[ranked[1]] >= f.margin)) {
        return { ids: [ranked[0]], how: "spelling", score: best[ranked[0]] };
      }
    }
    if (letters(q) >= 3) {
      var found = {};
      idx.nameList.forEach(function (name) {
        if (name.key.indexOf(q) === 0 || name.key.indexOf(" " + q) >= 0) idx.names[name.key].forEach(function (e) { found[e] = true; });
      });
      var ids = Object.keys(found).map(Number).sort(function (a, b) { return a - b; });
      if (ids.length) return { ids: ids, how: "beginning of a name" };
    }
    return { ids: [], how: "" };
  }

  // A query compiled once per update: test(card) says whether the card matches;
  // understood says what the text was read as ("Tashkent → city:tashkent (Tashkent)").
  function compile(text) {
    var q = fold(text || "");
    if (!q) return { empty: true, understood: "", test: function () { return true; } };
    var idx = load();
    var hit = resolve(text, q, idx);
    var wanted = {}, terms = {};
    hit.ids.forEach(function (e) { wanted[e] = true; });
    idx.terms.forEach(function (t, i) { if (t.indexOf(q) >= 0) terms[i] = true; });
    var understood = text.trim() + " → " + (hit.ids.length
      ? hit.ids.map(function (e) { return idx.entities[e] + " (" + idx.labels[e] + ")"; }).join(", ") +
        (hit.how === "spelling" ? " · by spelling, score " + Math.round(hit.score) : hit.how === "name" || hit.how === "id" ? "" : " · " + hit.how) +
        " · or text containing “" + q + "”"
      : "no known name; cards whose fingerprint, source, file, rule or text contains “" + q + "”");
    return {
      empty: false,
      query: q,
      entities: hit.ids.map(function (e) { return idx.entities[e]; }),
      understood: understood,
      test: function (card) {
        var entry = idx.cards[card.id.slice(2)];
        if (entry) {
          for (var i = 0; i < entry[0].length; i++) if (wanted[entry[0][i]]) return true;
          for (i = 0; i < entry[1].length; i++) if (terms[entry[1][i]]) return true;
          if (entry[2].indexOf(q) >= 0) return true;
        }
        return (card.dataset.search || "").indexOf(q) >= 0;
      }
    };
  }

  return { fold: fold, compile: compile, resolve: function (text) { var idx = load(); var r = resolve(text, fold(text), idx); return r.ids.map(function (e) { return idx.entities[e]; }); } };
})();
window.reconcileFold = reconcileSearch.fold;  // for the tests, which compare it with the Python side
window.reconcileSearch = reconcileSearch;
