/* gup — place a point on a map (public report form).
 *
 * A <div class="map-picker" data-tiles="…"> becomes a Leaflet map (vendored) only when map tiles are configured
 * (MAP_TILE_URL) and Leaflet loaded; otherwise it stays hidden and the address and coordinate fields are the way
 * to say where. A tap or click on the map puts the marker there and fills the form's latitude and longitude; typed
 * coordinates or « Utiliser ma position » move the marker. Keyboard users use the fields, labelled as usual.
 */
(function () {
  "use strict";

  function number(input) {
    var value = parseFloat(String(input.value || "").replace(",", "."));
    return isFinite(value) ? value : null;
  }

  function escapeHtml(text) {
    var box = document.createElement("div");
    box.textContent = text;
    return box.innerHTML;
  }

  function init(L, element) {
    var form = element.closest("form");
    var lat = form && form.querySelector("[name=latitude]");
    var lng = form && form.querySelector("[name=longitude]");
    var tiles = element.getAttribute("data-tiles");
    if (!lat || !lng || !tiles) { return; }
    var block = element.closest(".map-picker-block") || element;
    block.hidden = false;
    var centre = [parseFloat(element.getAttribute("data-lat")), parseFloat(element.getAttribute("data-lng"))];
    var zoom = parseInt(element.getAttribute("data-zoom"), 10) || 15;
    var map = L.map(element, {keyboard: true, scrollWheelZoom: false});
    map.attributionControl.setPrefix("Leaflet");
    L.tileLayer(tiles, {maxZoom: 19, attribution: escapeHtml(element.getAttribute("data-attribution") || "")})
      .addTo(map);
    var marker = null;
    function show(point, pan) {
      if (marker) { marker.setLatLng(point); } else { marker = L.marker(point).addTo(map); }
      if (pan) { map.setView(point, Math.max(map.getZoom(), 17)); }
    }
    var start = [number(lat), number(lng)];
    if (start[0] !== null && start[1] !== null) {
      map.setView(start, 17);
      show(start, false);
    } else {
      map.setView(centre, zoom);
    }
    map.on("click", function (event) {
      lat.value = event.latlng.lat.toFixed(6);
      lng.value = event.latlng.lng.toFixed(6);
      show(event.latlng, false);
      var status = block.querySelector(".map-picker-status");
      if (status) { status.textContent = status.getAttribute("data-done"); }
    });
    function typed() {
      var point = [number(lat), number(lng)];
      if (point[0] !== null && point[1] !== null) { show(point, true); }
    }
    lat.addEventListener("input", typed);
    lng.addEventListener("input", typed);
  }

  function start() {
    var L = window.L;
    if (!L || typeof L.map !== "function") { return; }
    var elements = document.querySelectorAll(".map-picker[data-tiles]");
    Array.prototype.forEach.call(elements, function (element) { init(L, element); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
