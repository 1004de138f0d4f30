/* mawjaz search page: Pagefind's UI with Arabic-aware queries.
 *
 * Pagefind's stemmer does not peel attached prefixes (صحة does not find الصحة), so article
 * pages carry index-only forms: each word normalised the way generator/text/normalize.py does
 * (match_form) and without و ف ب ل ك ال. The query gets the same normalisation here, and
 * excerpts that come from the index-only forms are rebuilt from the article's own words.
 * Keep matchForm and unprefixed in step with generator/text/normalize.py and generator/pages/search.py.
 */
(function () {
  "use strict";
  var SENTINEL = "mawjazindexforms";
  var LETTERS = {
    "\u0671": "\u0627", "\u0649": "\u064a", "\u06cc": "\u064a", "\u06d2": "\u064a",
    "\u0629": "\u0647", "\u06c1": "\u0647", "\u06a9": "\u0643", "\u0640": ""
  };
  var CONJUNCTIONS = ["", "\u0648", "\u0641"];
  var PREPOSITIONS = ["", "\u0628", "\u0644", "\u0643"];
  var AL = "\u0627\u0644";
  var MIN = 3;

  function matchForm(text) {
    var s = text.normalize("NFKD").toLowerCase();
    s = s.replace(/\p{Mn}/gu, "").replace(/(?!\u200c)\p{Cf}/gu, "");
    s = s.replace(/[\u0660-\u0669]/g, function (d) { return String(d.charCodeAt(0) - 0x660); });
    s = s.replace(/[\u06f0-\u06f9]/g, function (d) { return String(d.charCodeAt(0) - 0x6f0); });
    s = s.replace(/[\u0671\u0649\u06cc\u06d2\u0629\u06c1\u06a9\u0640]/g, function (c) { return LETTERS[c]; });
    return s.replace(/\s+/g, " ").trim().normalize("NFC");
  }

  function unprefixed(form) {
    var found = [form];
    if (!/^[\u0620-\u064a]+$/.test(form)) { return found; }
    CONJUNCTIONS.forEach(function (conj) {
      PREPOSITIONS.forEach(function (prep) {
        var prefix = conj + prep;
        if (!prefix || form.indexOf(prefix) !== 0) { return; }
        var rest = form.slice(prefix.length);
        if (prep === "\u0644" && rest.charAt(0) === "\u0644") { found.push("\u0627" + rest); }
        if (rest.length >= MIN) { found.push(rest); }
      });
    });
    found.slice().forEach(function (word) {
      if (word.indexOf(AL) === 0 && word.length - AL.length >= MIN) { found.push(word.slice(AL.length)); }
    });
    return found;
  }

  function bare(word) { return matchForm(word).replace(/[^\p{L}\p{N}]+/gu, ""); }

  function escapeHtml(text) {
    return text.replace(/[&<>"]/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;" }[c];
    });
  }

  /* An excerpt drawn from the index-only forms is rebuilt around the first of the
     article's own words that has a matched form. */
  function repair(result) {
    var words = (result.content || "").split(/\s+/);
    var at = words.indexOf(SENTINEL);
    if (at < 0) { return result; }
    var locations = result.locations || [];
    var visibleHit = locations.some(function (n) { return n < at; });
    if (visibleHit && result.excerpt.indexOf(SENTINEL) < 0) { return result; }
    var targets = {};
    locations.forEach(function (n) { if (n > at) { targets[bare(words[n])] = true; } });
    var visible = words.slice(0, at);
    var hit = -1;
    for (var i = 0; i < visible.length && hit < 0; i++) {
      if (unprefixed(bare(visible[i])).some(function (f) { return targets[f]; })) { hit = i; }
    }
    var start = Math.max(0, (hit < 0 ? 0 : hit) - 12);
    var window = visible.slice(start, start + 30).map(function (word, k) {
      return start + k === hit ? "<mark>" + escapeHtml(word) + "</mark>" : escapeHtml(word);
    });
    result.excerpt = window.join(" ");
    return result;
  }

  function start() {
    var element = document.getElementById("search");
    if (!element || typeof window.PagefindUI !== "function") { return; }
    new window.PagefindUI({
      element: "#search",
      baseUrl: element.getAttribute("data-base") || "/",
      showImages: false,
      resetStyles: false,
      processTerm: matchForm,
      processResult: repair
    });
    labelInput(element, 20);
  }

  /* Pagefind's input is named only by its title attribute; the page heading labels it. */
  function labelInput(element, tries) {
    var input = element.querySelector("input");
    var label = element.getAttribute("data-label");
    if (input && label) {
      input.setAttribute("aria-labelledby", label);
    } else if (tries > 0) {
      window.requestAnimationFrame(function () { labelInput(element, tries - 1); });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
