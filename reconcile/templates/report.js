(function () {
  "use strict";
  var cards = Array.prototype.slice.call(document.querySelectorAll("article.card"));
  var controls = {
    severity: document.getElementById("f-severity"),
    rule: document.getElementById("f-rule"),
    source: document.getElementById("f-source"),
    language: document.getElementById("f-language"),
    status: document.getElementById("f-status"),
    text: document.getElementById("f-text"),
    onlyNew: document.getElementById("f-new")
  };
  var rank = { error: 0, warning: 1, info: 2 };
  // The query folded as reconcile.render.html_report.search_fold folds the cards' search
  // text: compatibility forms, invisible marks, Persian and Arabic-Indic digits, every mark
  // (category M), Arabic and Persian letter variants, case, punctuation and runs of spaces.
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
  window.reconcileFold = fold;  // for the tests, which compare it with the Python side
  function matches(card) {
    var d = card.dataset;
    var sev = controls.severity.value;
    if (sev && rank[d.severity] > rank[sev]) return false;
    if (controls.rule.value && d.rule !== controls.rule.value) return false;
    if (controls.source.value && (" " + d.sources + " ").indexOf(" " + controls.source.value + " ") < 0) return false;
    if (controls.language.value && (" " + d.languages + " ").indexOf(" " + controls.language.value + " ") < 0) return false;
    if (controls.status.value && d.status !== controls.status.value) return false;
    if (controls.onlyNew.checked && d.status !== "new") return false;
    var q = fold(controls.text.value);
    if (q && d.search.indexOf(q) < 0) return false;
    return true;
  }
  function update() {
    var shown = { all: 0, error: 0, warning: 0, info: 0 };
    cards.forEach(function (card) {
      var ok = matches(card);
      card.classList.toggle("hidden", !ok);
      if (ok) { shown.all += 1; shown[card.dataset.severity] += 1; }
    });
    Object.keys(shown).forEach(function (k) {
      var el = document.getElementById("shown-" + k);
      if (el) el.textContent = String(shown[k]);
    });
  }
  var form = document.querySelector("form.filters");
  if (form) form.addEventListener("submit", function (event) { event.preventDefault(); });
  Object.keys(controls).forEach(function (k) {
    controls[k].addEventListener(k === "text" ? "input" : "change", update);
  });
  update();
})();
