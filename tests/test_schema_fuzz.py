"""Schema-level fuzzing: every API input schema meets every malformed value in every field, and answers with a
marshmallow ValidationError or a clean load, never another exception (the HTTP version, one request per value,
is marked slow; each write route keeps one HTTP smoke request in the normal suite)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import marshmallow as ma
import pytest

import gup
from tests.test_api_bad_input import BAD_VALUES


def _input_schemas() -> list[type[ma.Schema]]:
    found: dict[str, type[ma.Schema]] = {}
    for module_info in pkgutil.walk_packages(gup.__path__, "gup."):
        if not module_info.name.endswith("schemas"):
            continue
        module = importlib.import_module(module_info.name)
        for name, obj in inspect.getmembers(module, inspect.isclass):
            if (issubclass(obj, ma.Schema) and obj.__module__ == module.__name__
                    and (name.endswith("In") or name.endswith("Args"))):
                found[f"{obj.__module__}.{name}"] = obj
    return [found[key] for key in sorted(found)]


SCHEMAS = _input_schemas()


def test_every_feature_has_input_schemas():
    modules = {schema.__module__ for schema in SCHEMAS}
    assert {"gup.agreements.schemas", "gup.walks.schemas", "gup.findings.schemas", "gup.actions.schemas",
            "gup.hotline.schemas"} <= modules


@pytest.mark.parametrize("schema_class", SCHEMAS, ids=lambda s: f"{s.__module__.split('.')[1]}.{s.__name__}")
def test_malformed_values_are_validation_errors(app_ctx, schema_class):
    required = [name for name, param in inspect.signature(schema_class.__init__).parameters.items()
                if param.kind is param.KEYWORD_ONLY and param.default is param.empty]
    schema = schema_class(**{name: lambda *args, **kwargs: None for name in required})  # e.g. find_category
    failures = []
    for field in [*schema.fields, "unknown_field"]:
        for value in BAD_VALUES:
            try:
                schema.load({field: value}, partial=True)
            except ma.ValidationError as exc:
                if not exc.messages:
                    failures.append(f"{schema_class.__name__}.{field}: a validation error without a message")
            except Exception as exc:  # noqa: BLE001 - the point is that nothing else escapes
                failures.append(f"{schema_class.__name__}.{field}={str(value)[:30]!r}: {type(exc).__name__}: {exc}")
    assert not failures, "\n".join(failures[:20])
