"""Every page links the SVG icon and /favicon.ico answers (no 404 in every page's log)."""

from __future__ import annotations


def test_favicon_is_linked_and_served(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'rel="icon" href="/static/favicon.svg"' in page
    public = client.get("/signaler").get_data(as_text=True)
    assert 'rel="icon" href="/static/favicon.svg"' in public
    for url in ("/favicon.ico", "/static/favicon.svg"):
        with client.get(url) as response:
            assert response.status_code == 200 and response.mimetype == "image/svg+xml" and b"<svg" in response.data
