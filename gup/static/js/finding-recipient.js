/* gup — « who will receive this finding? » on the logging form, kept up to date while the form is filled.
 *
 * The server computes the line (the same rule as saving): a [data-recipient-url] block asks it again whenever
 * the type, theme, place, land ownership or chosen organisation changes, and writes the answer with
 * textContent. Without JavaScript the block's « Vérifier » button posts the form for the same line, without
 * saving; with it the button is removed.
 */
(function () {
  "use strict";

  var FIELDS = ["kind", "theme_id", "territory_id", "land_ownership", "responsible_organisation_id"];

  function setup(block) {
    var form = block.closest("form");
    var text = block.querySelector("[data-recipient-text]");
    var url = block.getAttribute("data-recipient-url");
    if (!form || !text || !url || !window.fetch || !window.URLSearchParams) { return; }
    var checks = block.querySelectorAll("[data-recipient-check]");
    /* removed rather than hidden: a .button's display rule would win over [hidden] */
    for (var i = 0; i < checks.length; i++) { checks[i].parentNode.removeChild(checks[i]); }

    function refresh() {
      var query = new URLSearchParams();
      FIELDS.forEach(function (name) {
        var el = form.elements[name];
        if (!el) { return; }
        query.set(name, el.value || "");  /* a radio group (RadioNodeList) gives its checked value */
      });
      window.fetch(url + "?" + query.toString(), { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) { if (data && typeof data.text === "string") { text.textContent = data.text; } })
        .catch(function () { /* the line keeps its last value; saving still says who received it */ });
    }

    form.addEventListener("change", function (event) {
      if (event.target && FIELDS.indexOf(event.target.name) !== -1) { refresh(); }
    });
  }

  function init() {
    var blocks = document.querySelectorAll("[data-recipient-url]");
    for (var i = 0; i < blocks.length; i++) { setup(blocks[i]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
