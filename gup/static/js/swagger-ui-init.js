/* gup — starts the vendored Swagger UI on /api/v1/docs (templates/swagger_ui.html) from its data-* attributes,
 * replacing flask-smorest's inline script, which the Content-Security-Policy does not allow. */
(function () {
  "use strict";

  function start() {
    var container = document.getElementById("swagger-ui-container");
    if (!container || typeof window.SwaggerUIBundle !== "function") {
      return;
    }
    var config = {url: container.getAttribute("data-spec-url"), dom_id: "#swagger-ui-container"};
    var extra = {};
    try {
      extra = JSON.parse(container.getAttribute("data-config") || "{}") || {};
    } catch (e) {
      extra = {};
    }
    Object.keys(extra).forEach(function (name) {
      config[name] = extra[name];
    });
    window.ui = window.SwaggerUIBundle(config);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
