"""The web forms and the API schemas of the same records apply the same rules: lengths, patterns, ranges and
required-ness are compared field by field, so the API cannot accept what the form refuses (e.g. a reference
« =1+2 »)."""

from __future__ import annotations

import marshmallow as ma
import pytest
from wtforms import validators as wv

from gup.actions.forms import ActionForm
from gup.actions.schemas import ActionIn
from gup.agreements.forms import AgreementForm, CommitmentForm
from gup.agreements.schemas import AgreementIn, CommitmentIn
from gup.api_fields import between
from gup.findings.forms import FindingForm
from gup.findings.schemas import FindingIn
from gup.walks.forms import WalkForm
from gup.walks.schemas import WalkthroughIn

PAIRS = [(AgreementForm, AgreementIn), (CommitmentForm, CommitmentIn), (FindingForm, FindingIn),
         (ActionForm, ActionIn), (WalkForm, WalkthroughIn)]


def _form_rules(field) -> dict:
    rules = {}
    for v in field.kwargs.get("validators") or ():
        if isinstance(v, wv.Length) and v.max not in (None, -1):
            rules["max_length"] = v.max
        elif isinstance(v, wv.Regexp):
            rules["pattern"] = v.regex.pattern
        elif isinstance(v, wv.NumberRange):
            rules["range"] = (v.min, v.max)
    return rules


def _schema_rules(field) -> dict:
    rules = {}
    for v in field.validators:
        if isinstance(v, ma.validate.Length) and v.max is not None:
            rules["max_length"] = v.max
        elif isinstance(v, ma.validate.Regexp):
            rules["pattern"] = v.regex.pattern
        elif isinstance(v, ma.validate.Range):
            rules["range"] = (v.min, v.max)
        elif isinstance(v, between):
            rules["range"] = (v.low, v.high)
    return rules


@pytest.mark.parametrize(("form_class", "schema_class"), PAIRS, ids=lambda c: c.__name__)
def test_forms_and_schemas_share_their_rules(app, form_class, schema_class):
    schema = schema_class()
    differences = []
    for name, unbound in form_class.__dict__.items():
        if not hasattr(unbound, "field_class") or name not in schema.fields:
            continue
        form_rules, schema_rules = _form_rules(unbound), _schema_rules(schema.fields[name])
        for key in ("max_length", "pattern", "range"):
            if key in form_rules and form_rules.get(key) != schema_rules.get(key):
                differences.append(f"{name}.{key}: form {form_rules.get(key)!r}, API {schema_rules.get(key)!r}")
    assert not differences, "\n".join(differences)
