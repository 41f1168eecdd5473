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
  // the search box: search.js resolves the typed text (names in any script, fingerprints,
  // sources, files) and tells what it understood
  var understood = document.createElement("p");
  understood.id = "f-understood";
  understood.className = "muted";
  understood.setAttribute("aria-live", "polite");
  var box = controls.text.closest("label") || controls.text;
  box.parentNode.insertBefore(understood, box.nextSibling);
  var query = reconcileSearch.compile("");
  function matches(card) {
    var d = card.dataset;
    var sev = controls.severity.value;
    if (sev && rank[d.severity] > rank[sev]) return false;
    if (controls.rule.value && d.rule !== controls.rule.value) return false;
    if (controls.source.value && (" " + d.sources + " ").indexOf(" " + controls.source.value + " ") < 0) return false;
    if (controls.language.value && (" " + d.languages + " ").indexOf(" " + controls.language.value + " ") < 0) return false;
    if (controls.status.value && d.status !== controls.status.value) return false;
    if (controls.onlyNew.checked && d.status !== "new") return false;
    if (!query.empty && !query.test(card)) return false;
    return true;
  }
  function update() {
    query = reconcileSearch.compile(controls.text.value);
    understood.textContent = query.understood;
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
