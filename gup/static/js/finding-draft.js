/* gup — keep what was typed in the "log a finding" form on a weak connection (progressive enhancement).
 *
 * - A form with data-draft-key saves its text fields, selects, radios and checkboxes to localStorage on every
 *   input, and restores them on load when the page shows the fields empty (the server's own re-render after a
 *   failed submit always wins). Files and the CSRF token are never stored.
 * - A page carrying data-draft-clear="<key>" (the page shown after a successful save) deletes that draft.
 * « Utiliser ma position » lives in geolocate.js.
 */
(function () {
  "use strict";

  var PREFIX = "gup-draft:";

  function storage() {
    try {
      var test = "__gup__";
      window.localStorage.setItem(test, test);
      window.localStorage.removeItem(test);
      return window.localStorage;
    } catch (e) {
      return null; /* private mode, quota, disabled storage: the form simply works without drafts */
    }
  }

  var store = storage();

  function clearDrafts() {
    if (!store) { return; }
    var marks = document.querySelectorAll("[data-draft-clear]");
    for (var i = 0; i < marks.length; i++) {
      var key = marks[i].getAttribute("data-draft-clear");
      if (key) { store.removeItem(PREFIX + key); }
    }
  }

  function savable(el) {
    if (!el.name || el.disabled || el.name === "csrf_token") { return false; }
    var type = (el.type || "").toLowerCase();
    return ["file", "hidden", "submit", "button", "reset", "password"].indexOf(type) === -1;
  }

  function collect(form) {
    var data = {};
    for (var i = 0; i < form.elements.length; i++) {
      var el = form.elements[i];
      if (!savable(el)) { continue; }
      if (el.type === "radio") {
        if (el.checked) { data[el.name] = el.value; }
      } else if (el.type === "checkbox") {
        data[el.name + "::" + el.value] = el.checked;
      } else if (el.multiple && el.options) {
        var values = [];
        for (var j = 0; j < el.options.length; j++) { if (el.options[j].selected) { values.push(el.options[j].value); } }
        data[el.name] = values;
      } else {
        data[el.name] = el.value;
      }
    }
    return data;
  }

  function isBlank(form) {
    /* the server re-rendered typed values (a failed submit): never overwrite them */
    var text = form.querySelectorAll("textarea, input[type=text], input:not([type])");
    for (var i = 0; i < text.length; i++) {
      if (savable(text[i]) && text[i].value.trim() !== "") { return false; }
    }
    return true;
  }

  function restore(form, data) {
    var restored = false;
    for (var i = 0; i < form.elements.length; i++) {
      var el = form.elements[i];
      if (!savable(el)) { continue; }
      if (el.type === "radio") {
        if (Object.prototype.hasOwnProperty.call(data, el.name)) { el.checked = data[el.name] === el.value; restored = true; }
      } else if (el.type === "checkbox") {
        var k = el.name + "::" + el.value;
        if (Object.prototype.hasOwnProperty.call(data, k)) { el.checked = !!data[k]; restored = true; }
      } else if (el.multiple && el.options && Array.isArray(data[el.name])) {
        for (var j = 0; j < el.options.length; j++) { el.options[j].selected = data[el.name].indexOf(el.options[j].value) !== -1; }
        restored = true;
      } else if (typeof data[el.name] === "string" && data[el.name] !== "") {
        el.value = data[el.name];
        restored = true;
      }
    }
    return restored;
  }

  function announce(form, message) {
    var note = document.createElement("p");
    note.className = "alert alert-info draft-note";
    note.setAttribute("role", "status");
    note.textContent = message;
    form.parentNode.insertBefore(note, form);
  }

  function setupDraft(form) {
    var key = PREFIX + form.getAttribute("data-draft-key");
    if (!store) { return; }
    var saved = null;
    try { saved = JSON.parse(store.getItem(key) || "null"); } catch (e) { saved = null; }
    if (saved && isBlank(form) && restore(form, saved.fields || {})) {
      announce(form, form.getAttribute("data-draft-restored") ||
        "Votre saisie précédente, non envoyée, a été restaurée. Les photos doivent être choisies à nouveau.");
    }
    var timer = null;
    function save() {
      timer = null;
      try { store.setItem(key, JSON.stringify({ at: Date.now(), fields: collect(form) })); } catch (e) { /* full */ }
    }
    function later() { if (timer) { window.clearTimeout(timer); } timer = window.setTimeout(save, 300); }
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    /* the draft stays until the server confirms the save (data-draft-clear on the next page) */
    form.addEventListener("submit", save);
  }

  function init() {
    clearDrafts();
    var forms = document.querySelectorAll("form[data-draft-key]");
    for (var i = 0; i < forms.length; i++) { setupDraft(forms[i]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
