/* gup — findings maps (templates/_macros/map.html).
 *
 * Each <div class="map" data-points='[…]'> becomes a Leaflet map when Leaflet (vendored, never from a CDN) has
 * loaded; otherwise it stays hidden and the list under it is the view. Tiles are fetched only when the
 * MAP_TILE_URL setting fills data-tiles: by default the markers sit on a plain background and nothing leaves
 * the server. When tiles fail to load the markers stay where they are and a note says so.
 * Colours (data-colours, set in the macro) never carry meaning alone: the legend under the map names each
 * status, and tooltips, popups and the list repeat it.
 */
(function () {
  "use strict";

  var FALLBACK_COLOUR = "#161616";

  function readJson(element, name, fallback) {
    try {
      return JSON.parse(element.getAttribute(name) || "") || fallback;
    } catch (e) {
      return fallback;
    }
  }

  function popupContent(point, linkText) {
    var box = document.createElement("div");
    var title = document.createElement("p");
    title.style.margin = "0 0 .25rem";
    title.style.fontWeight = "600";
    title.textContent = point.label;
    box.appendChild(title);
    var status = document.createElement("p");
    status.style.margin = "0 0 .25rem";
    status.textContent = point.status_label + (point.address ? " — " + point.address : "");
    box.appendChild(status);
    if (point.url) {
      var link = document.createElement("a");
      link.href = point.url;
      link.textContent = linkText;
      box.appendChild(link);
    }
    return box;
  }

  function notice(L, text) {
    var control = L.control({position: "topright"});
    control.onAdd = function () {
      var box = L.DomUtil.create("div", "map-notice");
      box.setAttribute("role", "status");
      box.style.background = "#fff";
      box.style.color = "#161616";
      box.style.padding = ".3rem .5rem";
      box.style.border = "1px solid #929292";
      box.style.fontSize = ".8125rem";
      box.style.maxWidth = "16rem";
      box.textContent = text;
      return box;
    };
    return control;
  }

  function init(L, element) {
    var colours = readJson(element, "data-colours", {});
    var points = readJson(element, "data-points", []).filter(function (p) {
      return typeof p.lat === "number" && typeof p.lng === "number" && isFinite(p.lat) && isFinite(p.lng);
    });
    if (!points.length) {
      return;
    }
    var block = element.parentNode;  // the map and its legend, hidden until the map can be drawn
    if (block && block.hasAttribute("hidden")) {
      block.hidden = false;
    }
    element.setAttribute("data-ready", "1");
    var map = L.map(element, {keyboard: true, scrollWheelZoom: false, attributionControl: true});
    map.attributionControl.setPrefix("Leaflet");
    var tiles = element.getAttribute("data-tiles");
    if (tiles) {
      var layer = L.tileLayer(tiles, {maxZoom: 19, attribution: element.getAttribute("data-attribution") || ""});
      var warned = false;
      layer.on("tileerror", function () {
        if (!warned) {
          warned = true;
          notice(L, element.getAttribute("data-tiles-error") || "").addTo(map);
        }
      });
      layer.addTo(map);
    }
    var linkText = element.getAttribute("data-link-text") || "";
    var bounds = [];
    points.forEach(function (p) {
      var marker = L.circleMarker([p.lat, p.lng], {
        radius: 8, color: "#ffffff", weight: 2, fillColor: colours[p.status] || FALLBACK_COLOUR, fillOpacity: 1
      });
      marker.bindPopup(popupContent(p, linkText));
      marker.bindTooltip(p.label + " — " + p.status_label);
      marker.addTo(map);
      bounds.push([p.lat, p.lng]);
    });
    if (bounds.length === 1) {
      map.setView(bounds[0], 17);
    } else {
      map.fitBounds(bounds, {padding: [24, 24], maxZoom: 17});
    }
  }

  function start() {
    var L = window.L;
    if (!L || typeof L.map !== "function") {
      return;  // Leaflet missing: the maps stay hidden, the lists under them remain
    }
    var elements = document.querySelectorAll(".map[data-points]:not([data-ready])");
    Array.prototype.forEach.call(elements, function (element) {
      init(L, element);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
