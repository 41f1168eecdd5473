(function () {
  "use strict";
  var cards = Array.prototype.slice.call(document.querySelectorAll("article.card"));
  var controls = {
    severity: document.getElementById("f-severity"),
    rule: document.getElementById("f-rule"),
    source: document.getElementById("f-source"),
    language: document.getElementById("f-language"),
    status: document.getElementById("f-status"),
    subject: document.getElementById("f-subject"),
    property: document.getElementById("f-property"),
    text: document.getElementById("f-text"),
    onlyNew: document.getElementById("f-new")
  };

  // --- search: the search box's query, folded, and whether a card matches it -------------
  // (kept in this one block: the rest of the page calls searchMatches only)
  // the query folded as reconcile.render.html_report.search_fold folds the cards' search
  // text (search.js holds the fold, shared with its resolution of names)
  var fold = reconcileSearch.fold;
  // search.js resolves the typed text (names in any script, fingerprints, sources, files)
  // and tells what it understood, under the search box
  var understood = document.createElement("p");
  understood.id = "f-understood";
  understood.className = "muted";
  understood.setAttribute("aria-live", "polite");
  var box = controls.text.closest("label") || controls.text;
  box.parentNode.insertBefore(understood, box.nextSibling);
  var query = reconcileSearch.compile("");
  function searchMatches(card, folded) {
    return !folded || query.empty || query.test(card);
  }
  // --- end of search ---------------------------------------------------------------------

  // --- filters, and the address that holds them (#severity=error&status=new&q=...) -------
  // The keys of the address: one per control ("q" for the search box, "new" for the box
  // "only new"); an address without "=" is an anchor (a card's permalink, a section).
  var KEYS = { severity: "severity", rule: "rule", source: "source", language: "language", status: "status",
    subject: "subject", property: "property", text: "q", onlyNew: "new" };
  function matches(card, folded) {
    var d = card.dataset;
    var sev = controls.severity.value;
    if (sev && d.severity !== sev) return false;
    if (controls.rule.value && d.rule !== controls.rule.value) return false;
    if (controls.source.value && (" " + d.sources + " ").indexOf(" " + controls.source.value + " ") < 0) return false;
    if (controls.language.value && (" " + d.languages + " ").indexOf(" " + controls.language.value + " ") < 0) return false;
    if (controls.status.value && d.status !== controls.status.value) return false;
    if (controls.subject.value && d.subject !== controls.subject.value) return false;
    if (controls.property.value && d.property !== controls.property.value) return false;
    if (controls.onlyNew.checked && d.status !== "new") return false;
    return searchMatches(card, folded);
  }
  function update() {
    query = reconcileSearch.compile(controls.text.value);
    understood.textContent = query.understood;
    var shown = { all: 0, error: 0, warning: 0, info: 0 };
    var folded = fold(controls.text.value);
    cards.forEach(function (card) {
      var ok = matches(card, folded);
      card.classList.toggle("hidden", !ok);
      if (ok) { shown.all += 1; shown[card.dataset.severity] += 1; }
    });
    Object.keys(shown).forEach(function (k) {
      var el = document.getElementById("shown-" + k);
      if (el) el.textContent = String(shown[k]);
    });
    var bar = document.getElementById("shown-bar");
    if (bar) bar.textContent = String(shown.all);
    var none = document.getElementById("no-cards");
    if (none) none.classList.toggle("hidden", shown.all > 0 || !cards.length);
    var current = stateOf();
    Array.prototype.forEach.call(document.querySelectorAll("a.count"), function (a) {
      a.setAttribute("aria-current", a.dataset.filter === current ? "true" : "false");
    });
  }
  // the filters as the address writes them (keys in a fixed order, empty ones left out)
  function stateOf() {
    var parts = [];
    Object.keys(KEYS).forEach(function (k) {
      var el = controls[k];
      if (!el) return;
      var v = k === "onlyNew" ? (el.checked ? "1" : "") : el.value;
      if (v) parts.push(KEYS[k] + "=" + encodeURIComponent(v));
    });
    return parts.join("&");
  }
  function isFilterHash(hash) {
    var h = hash.replace(/^#/, "");
    return h === "" || h.indexOf("=") >= 0;
  }
  // set the controls from an address; a value the page has no option for is ignored
  function applyHash(hash) {
    var params = {};
    hash.replace(/^#/, "").split("&").forEach(function (pair) {
      var at = pair.indexOf("=");
      if (at > 0) {
        try { params[pair.slice(0, at)] = decodeURIComponent(pair.slice(at + 1).replace(/\+/g, " ")); } catch (e) { /* a malformed value is ignored */ }
      }
    });
    Object.keys(KEYS).forEach(function (k) {
      var el = controls[k];
      if (!el) return;
      var v = params[KEYS[k]] || "";
      if (k === "onlyNew") { el.checked = v === "1" || v === "true"; return; }
      el.value = v;
      if (el.tagName === "SELECT" && el.value !== v) el.value = "";
    });
    update();
  }
  // a change of a control writes the address (a new history entry, so Back undoes it);
  // typing in the search box replaces the entry instead of adding one per key
  function writeHash(replace) {
    var state = stateOf();
    var url = location.pathname + location.search + (state ? "#" + state : "#");
    if (replace) history.replaceState(null, "", url); else history.pushState(null, "", url);
  }
  var form = document.querySelector("form.filters");
  if (form) form.addEventListener("submit", function (event) { event.preventDefault(); });
  Object.keys(controls).forEach(function (k) {
    if (!controls[k]) return;
    if (k === "text") {
      controls[k].addEventListener("input", function () { update(); writeHash(true); });
      controls[k].addEventListener("change", function () { writeHash(false); });
    } else {
      controls[k].addEventListener("change", function () { update(); writeHash(false); });
    }
  });
  window.addEventListener("hashchange", function () { if (isFilterHash(location.hash)) applyHash(location.hash); });
  window.addEventListener("popstate", function () { if (isFilterHash(location.hash)) applyHash(location.hash); });
  if (isFilterHash(location.hash)) applyHash(location.hash); else update();

  // --- keyboard: j or n next conflict, k or p previous -----------------------------------
  function visibleCards() { return cards.filter(function (c) { return !c.classList.contains("hidden"); }); }
  function move(step) {
    var list = visibleCards();
    if (!list.length) return;
    var active = document.activeElement && document.activeElement.closest ? document.activeElement.closest("article.card") : null;
    var at = list.indexOf(active);
    if (at < 0) {
      // from the first card at or below the top of the screen
      at = step > 0 ? -1 : list.length;
      for (var i = 0; i < list.length; i++) {
        if (list[i].getBoundingClientRect().top > 60) { at = step > 0 ? i - 1 : i; break; }
      }
    }
    var next = list[Math.max(0, Math.min(list.length - 1, at + step))];
    next.focus({ preventScroll: true });
    next.scrollIntoView({ block: "start" });
  }
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var t = event.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA" || t.isContentEditable)) return;
    if (event.key === "j" || event.key === "n") { move(1); event.preventDefault(); }
    else if (event.key === "k" || event.key === "p") { move(-1); event.preventDefault(); }
  });

  // --- copy the decide command: the Clipboard API, else the command's text selected ------
  function selectText(el) {
    var range = document.createRange();
    range.selectNodeContents(el);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }
  Array.prototype.forEach.call(document.querySelectorAll("button.copy"), function (button) {
    button.addEventListener("click", function () {
      var code = button.parentNode.querySelector("code");
      var done = function () { button.textContent = "copied"; };
      var fallback = function () { selectText(code); button.textContent = "selected: press Ctrl+C"; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(button.dataset.command).then(done, fallback);
      } else {
        fallback();
      }
    });
  });
})();
