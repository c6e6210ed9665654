"""Security headers of every response, set in one place (an after_request hook wired by the app factory).

HTML pages get a strict Content-Security-Policy: scripts and styles only from gup's own files (no inline
<script>, no onclick=, no style attributes or <style> elements, no eval), images from self and data: (plus the
map tile server when MAP_TILE_URL is set), no plugins, no framing, forms and <base> pinned to the site. Every
other response (JSON, XML, CSV, PDF, photos, static files) gets `default-src 'none'` (nothing it might contain
runs) or, for PDF, which Chromium shows in a built-in viewer, `frame-ancestors 'none'` alone. All responses get
nosniff, X-Frame-Options DENY, a same-origin Referrer-Policy and a Permissions-Policy allowing only the
geolocation of the page itself (« Utiliser ma position »). Settings: CSP_REPORT_ONLY, CSP_REPORT_URI,
HSTS_SECONDS, HSTS_INCLUDE_SUBDOMAINS (config.py; README « Sécurité »).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask, Response

#: features the app never uses are switched off for its pages and anything they might embed
PERMISSIONS_POLICY = ", ".join((
    "geolocation=(self)", "camera=()", "microphone=()", "payment=()", "usb=()", "serial=()", "bluetooth=()",
    "hid=()", "midi=()", "magnetometer=()", "gyroscope=()", "accelerometer=()", "display-capture=()",
    "fullscreen=()", "browsing-topics=()",
))
#: sent on every response; same-origin keeps the full URL for gup's own requests (Flask-WTF's HTTPS Referer
#: check needs it) and sends nothing to any other site, so a tile server never sees /signalement/suivi/<ref>
REFERRER_POLICY = "same-origin"
#: rendered by a browser plugin-like viewer that a `default-src 'none'` policy would break
VIEWER_MIMETYPES = frozenset({"application/pdf"})


def tile_origin(url_template: str) -> str | None:
    """Origin of a Leaflet tile URL template as a CSP source ({s} subdomains become a wildcard), or None."""
    if not url_template:
        return None
    parts = urlsplit(url_template)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    host = re.sub(r"^\{s\}\.", "*.", parts.netloc)
    if "{" in host or not re.fullmatch(r"[A-Za-z0-9*.:\[\]-]+", host):
        return None  # a placeholder elsewhere in the host: no source CSP could express, tiles stay blocked
    return f"{parts.scheme}://{host}"


def html_policy(config: dict) -> str:
    """The Content-Security-Policy of HTML pages, from the settings."""
    images = ["'self'", "data:"]  # data: for Leaflet's and Swagger UI's inline icons; no preview needs blob:
    origin = tile_origin(config.get("MAP_TILE_URL", ""))
    if origin:
        images.append(origin)
    directives = [
        "default-src 'self'",
        "script-src 'self'",
        # Leaflet positions panes and markers through element.style (CSSOM), which CSP does not restrict; only
        # style attributes in the markup and <style> elements would need 'unsafe-inline', and gup has none
        "style-src 'self'",
        f"img-src {' '.join(images)}",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "frame-src 'none'",
        "worker-src 'self'",
        "manifest-src 'self'",
    ]
    report_uri = config.get("CSP_REPORT_URI")
    if report_uri:
        directives.append(f"report-uri {report_uri}")
    return "; ".join(directives)


OTHER_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
VIEWER_POLICY = "frame-ancestors 'none'"


def init_app(app: Flask) -> None:
    """Add the headers to every response of `app` (the HTML policy is built once, from the settings)."""
    policy = html_policy(app.config)
    csp_header = ("Content-Security-Policy-Report-Only" if app.config.get("CSP_REPORT_ONLY")
                  else "Content-Security-Policy")
    hsts_seconds = int(app.config.get("HSTS_SECONDS") or 0)
    hsts = None
    if hsts_seconds > 0:
        hsts = f"max-age={hsts_seconds}" + ("; includeSubDomains" if app.config.get("HSTS_INCLUDE_SUBDOMAINS") else "")

    @app.after_request
    def set_security_headers(response: Response) -> Response:
        headers = response.headers
        if response.mimetype == "text/html":
            headers.setdefault(csp_header, policy)
        elif response.mimetype in VIEWER_MIMETYPES:
            headers.setdefault("Content-Security-Policy", VIEWER_POLICY)
        else:
            headers.setdefault("Content-Security-Policy", OTHER_POLICY)
        if csp_header != "Content-Security-Policy" and response.mimetype == "text/html":
            headers.setdefault("Content-Security-Policy", "frame-ancestors 'none'")  # enforced even in trial runs
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", REFERRER_POLICY)
        headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if hsts:
            headers.setdefault("Strict-Transport-Security", hsts)
        return response
