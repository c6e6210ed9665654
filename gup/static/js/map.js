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

  /* Every text below comes from users (a finding's description, its address): it is only ever set through
   * textContent and handed to Leaflet as a DOM node. Leaflet puts a string given to bindTooltip/bindPopup in
   * innerHTML, where markup in a description would run as script. */
  function textElement(tag, className, text) {
    var element = document.createElement(tag);
    element.className = className;
    element.textContent = text;
    return element;
  }

  function popupContent(point, linkText) {
    var box = document.createElement("div");
    box.className = "map-popup";
    box.appendChild(textElement("p", "map-popup-title", point.label));
    box.appendChild(textElement("p", "map-popup-status",
      point.status_label + (point.address ? " — " + point.address : "")));
    if (point.url) {
      var link = textElement("a", "map-popup-link", linkText);
      link.href = point.url;
      box.appendChild(link);
    }
    return box;
  }

  function tooltipContent(point) {
    return textElement("span", "map-tooltip", point.label + " — " + point.status_label);
  }

  function notice(L, text) {
    var control = L.control({position: "topright"});
    control.onAdd = function () {
      var box = L.DomUtil.create("div", "map-notice");
      box.setAttribute("role", "status");
      box.textContent = text;
      return box;
    };
    return control;
  }

  function escapeHtml(text) {
    var box = document.createElement("div");
    box.textContent = text;
    return box.innerHTML;
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
    /* the legend's swatches take the markers' colours (set through the CSSOM, which the CSP allows) */
    Array.prototype.forEach.call(block ? block.querySelectorAll(".map-swatch[data-status]") : [], function (swatch) {
      swatch.style.backgroundColor = colours[swatch.getAttribute("data-status")] || FALLBACK_COLOUR;
    });
    var map = L.map(element, {keyboard: true, scrollWheelZoom: false, attributionControl: true});
    map.attributionControl.setPrefix("Leaflet");
    var tiles = element.getAttribute("data-tiles");
    if (tiles) {
      /* Leaflet's attribution control writes HTML: the MAP_TILE_ATTRIBUTION setting is plain text */
      var attribution = escapeHtml(element.getAttribute("data-attribution") || "");
      var layer = L.tileLayer(tiles, {maxZoom: 19, attribution: attribution});
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
      marker.bindTooltip(tooltipContent(p));
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
