// Finding forms: a positive point hides the fields that only a problem has (priority, due date, who must act).
// Without JavaScript every field stays visible and the server ignores them for a positive point.
(function () {
  "use strict";
  document.querySelectorAll("form").forEach(function (form) {
    var radios = form.querySelectorAll('input[name="kind"]');
    if (!radios.length) { return; }
    function update() {
      var checked = form.querySelector('input[name="kind"]:checked');
      var positive = checked !== null && checked.value === "strength";
      form.querySelectorAll("[data-problem-only]").forEach(function (el) { el.hidden = positive; });
      form.querySelectorAll("[data-positive-only]").forEach(function (el) { el.hidden = !positive; });
    }
    radios.forEach(function (radio) { radio.addEventListener("change", update); });
    update();
  });
})();
