"""An empty required date (or time) says « Champ obligatoire. » on every form, through one shared validator."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import wtforms
from werkzeug.datastructures import MultiDict

import gup
from gup.extensions import db
from gup.forms_common import RequiredDate

DATE_FIELDS = (wtforms.DateField, wtforms.DateTimeField, wtforms.TimeField, wtforms.DateTimeLocalField)


def _date_fields():
    """(form class, field name, unbound field) for every date/time field of every form of every feature."""
    found = []
    for info in pkgutil.walk_packages(gup.__path__, "gup."):
        if not info.name.rsplit(".", 1)[-1].startswith("forms"):
            continue
        module = importlib.import_module(info.name)
        for form in vars(module).values():
            if inspect.isclass(form) and issubclass(form, wtforms.Form) and form.__module__ == module.__name__:
                for name, value in vars(form).items():
                    if isinstance(value, wtforms.fields.core.UnboundField) and issubclass(value.field_class,
                                                                                         DATE_FIELDS):
                        found.append((form, name, value))
    return found


def test_every_required_date_uses_the_shared_validator_and_says_required(app):
    fields = _date_fields()
    assert len(fields) > 20, "the walk over the forms found too few date fields"
    required = 0
    with app.test_request_context(method="POST"):
        for form_class, name, unbound in fields:
            validators = unbound.kwargs.get("validators") or (unbound.args[1] if len(unbound.args) > 1 else ())
            requires = any(isinstance(v, wtforms.validators.DataRequired | wtforms.validators.InputRequired)
                           for v in validators)
            if not requires:
                continue
            required += 1
            where = f"{form_class.__module__}.{form_class.__name__}.{name}"
            assert any(isinstance(v, RequiredDate) for v in validators), f"{where} does not use RequiredDate"
            form = form_class(formdata=MultiDict({name: ""}), meta={"csrf": False})
            field = form[name]
            field.validate(form)
            assert [str(e) for e in field.errors] == ["Champ obligatoire."], where
            form = form_class(formdata=MultiDict({name: "31/02/2026"}), meta={"csrf": False})
            form[name].validate(form)
            assert "Champ obligatoire." not in [str(e) for e in form[name].errors], where
    assert required >= 10


def test_forms_posted_with_empty_dates_say_required(client, f, login):
    w = f.world()
    walk = f.make_walk(w["agreement"])
    finding = f.make_finding(w["agreement"], w["hp1"], walkthrough=walk)
    db.session.commit()
    login(w["coordinator"])
    posts = [
        ("/agreements/new", {"reference": "GUP-X", "title": "Convention", "kind": "site", "start_on": "",
                             "end_on": ""}),
        (f"/agreements/{w['agreement'].id}/walks/new", {"title": "Marche", "walked_on": "", "kind": "night",
                                                        "neighbourhood_id": walk.neighbourhood_id}),
        (f"/findings/{finding.id}/edit", {"due_on": "", "description": "x"}),
    ]
    for url, data in posts:
        r = client.post(url, data=data)
        html = r.get_data(as_text=True)
        assert r.status_code == 422, url
        assert "Champ obligatoire." in html and "Date invalide" not in html, url
