/* gup — « Utiliser ma position » (staff finding form, public report form).
 *
 * A [data-geolocate] block, hidden in the page, is revealed when the browser can locate the phone; its button
 * fills the form's latitude and longitude fields (six decimals) and fires an input event, so the draft, the map
 * picker and the duplicate check see the change. Without JavaScript or geolocation the fields stay as they are.
 */
(function () {
  "use strict";

  function setup(block) {
    if (!("geolocation" in navigator)) { return; }
    var form = block.closest("form");
    var lat = form && form.querySelector("[name=latitude]");
    var lng = form && form.querySelector("[name=longitude]");
    var button = block.querySelector("button");
    var status = block.querySelector(".geo-status");
    if (!lat || !lng || !button) { return; }
    block.hidden = false;
    button.addEventListener("click", function () {
      if (status) { status.textContent = status.getAttribute("data-wait"); }
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(function (pos) {
        lat.value = pos.coords.latitude.toFixed(6);
        lng.value = pos.coords.longitude.toFixed(6);
        var details = lat.closest("details");
        if (details) { details.open = true; }  // show what was filled in
        lat.dispatchEvent(new Event("input", { bubbles: true }));
        if (status) { status.textContent = status.getAttribute("data-done"); }
        button.disabled = false;
      }, function () {
        if (status) { status.textContent = status.getAttribute("data-fail"); }
        button.disabled = false;
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }

  function init() {
    var blocks = document.querySelectorAll("[data-geolocate]");
    for (var i = 0; i < blocks.length; i++) { setup(blocks[i]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
