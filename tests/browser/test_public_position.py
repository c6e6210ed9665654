"""/signaler on a phone: « Utiliser ma position » fills the coordinates, and a map to place the point appears when
map tiles are configured (without them, the address and coordinate fields stay the way to say where)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import Axe

PHONE = {"viewport": {"width": 360, "height": 740}, "locale": "fr-FR", "is_mobile": True, "has_touch": True}


def test_the_position_button_fills_the_coordinates(browser, base_url):
    context = browser.new_context(base_url=base_url, geolocation={"latitude": 47.2101, "longitude": -1.5502},
                                  permissions=["geolocation"], **PHONE)
    page = context.new_page()
    try:
        page.goto("/signaler")
        expect(page.locator(".map-picker-block")).to_have_count(0)  # no tiles configured: no map
        button = page.get_by_role("button", name="Utiliser ma position")
        expect(button).to_be_visible()
        button.click()
        expect(page.get_by_text("Position renseignée.")).to_be_visible()
        expect(page.get_by_label("Latitude")).to_have_value("47.210100")
        expect(page.get_by_label("Longitude")).to_have_value("-1.550200")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        violations = Axe(page)()
        assert not violations, Axe.format(violations)
    finally:
        context.close()


def test_a_tap_on_the_map_places_the_point_when_tiles_are_configured(browser, base_url, live_app):
    live_app.config.update(MAP_TILE_URL="/static/vendor/leaflet/images/layers.png", MAP_CENTRE="47.2101,-1.5502,16")
    context = browser.new_context(base_url=base_url, **PHONE)
    page = context.new_page()
    try:
        page.goto("/signaler")
        area = page.get_by_role("region", name="Carte pour placer le problème")
        expect(area).to_be_visible()
        area.scroll_into_view_if_needed()
        box = area.bounding_box()
        page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        expect(page.get_by_text("Point placé sur la carte.")).to_be_visible()
        lat = float(page.get_by_label("Latitude").input_value())
        lng = float(page.get_by_label("Longitude").input_value())
        assert abs(lat - 47.2101) < 0.002 and abs(lng + 1.5502) < 0.003
        expect(page.locator(".leaflet-marker-icon")).to_have_count(1)
        violations = Axe(page)()
        assert not violations, Axe.format(violations)
    finally:
        live_app.config.update(MAP_TILE_URL="", MAP_CENTRE="46.6,2.4,5")
        context.close()
