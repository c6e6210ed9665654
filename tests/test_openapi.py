"""The OpenAPI document is generated, valid, and describes every /api/v1 route and field."""

from __future__ import annotations

import re

from openapi_spec_validator import validate

DOC_ENDPOINTS = {"api-docs.openapi_json", "api-docs.openapi_swagger_ui"}


def _spec(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.is_json
    return response.json


def test_spec_is_valid_openapi_303(client):
    spec = _spec(client)
    assert spec["openapi"] == "3.0.3"
    validate(spec)
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {"type": "http", "scheme": "bearer"}


def test_every_api_route_is_documented(app, client):
    paths = _spec(client)["paths"]
    routes = [rule for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/v1") and rule.endpoint not in DOC_ENDPOINTS]
    assert len(routes) >= 15
    for rule in routes:
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        assert path in paths, f"{rule.rule} missing from the OpenAPI document"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operation = paths[path].get(method.lower())
            assert operation is not None, f"{method} {path} missing from the OpenAPI document"
            assert operation.get("summary"), f"{method} {path} has no summary"
            assert "401" in operation["responses"], f"{method} {path} does not document 401"


def test_every_schema_field_is_described(client):
    schemas = _spec(client)["components"]["schemas"]
    ours = {name: schema for name, schema in schemas.items() if name not in ("Error", "PaginationMetadata")}
    assert {"AgreementOut", "AgreementIn", "CommitmentOut", "CommitmentIn", "CommitmentPatchIn",
            "CommitmentUpdateIn", "CommitmentUpdateOut", "OrganisationOut", "NeighbourhoodTreeOut",
            "MeOut"} <= set(ours)
    undescribed = [f"{name}.{field}" for name, schema in ours.items()
                   for field, prop in schema.get("properties", {}).items() if not prop.get("description")]
    assert not undescribed


def test_enums_and_money_are_strings(client):
    schemas = _spec(client)["components"]["schemas"]
    status = schemas["CommitmentOut"]["properties"]["status"]
    assert status["type"] == "string" and "in_progress" in status["enum"]
    assert schemas["CommitmentOut"]["properties"]["planned_operating_amount"]["type"] == "string"
    assert schemas["CommitmentIn"]["properties"]["planned_operating_amount"]["type"] == "string"
    assert schemas["AgreementOut"]["properties"]["start_on"]["format"] == "date"


def test_patch_bodies_require_nothing(client):
    schemas = _spec(client)["components"]["schemas"]
    assert set(schemas["CommitmentIn"]["required"]) == {"agreement_id", "theme_id", "title"}
    assert "required" not in schemas["CommitmentPatchIn"]
    assert "agreement_id" not in schemas["CommitmentPatchIn"]["properties"]
    assert "required" not in schemas["AgreementPatchIn"]


def test_lists_document_pagination(client):
    paths = _spec(client)["paths"]
    for path in ("/api/v1/agreements", "/api/v1/commitments", "/api/v1/organisations", "/api/v1/neighbourhoods",
                 "/api/v1/relays", "/api/v1/relay-pools", "/api/v1/relay-draws"):
        operation = paths[path]["get"]
        names = {p["name"] for p in operation["parameters"]}
        assert {"page", "page_size"} <= names
        assert "X-Pagination" in operation["responses"]["200"]["headers"]


def test_docs_page_is_html_with_vendored_assets(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html)
    # no CDN: Swagger UI's own files are vendored, and gup's starter replaces flask-smorest's inline script (CSP)
    assert assets == ["/static/vendor/swagger-ui/swagger-ui.css",
                      "/static/vendor/swagger-ui/swagger-ui-standalone-preset.js",
                      "/static/vendor/swagger-ui/swagger-ui-bundle.js", "/static/js/swagger-ui-init.js"]
    assert "<script>" not in html
    for url in assets:
        asset = client.get(url)
        assert asset.status_code == 200, url
        asset.close()
