"""Form helpers shared by every feature's forms (filters and coercions)."""

from __future__ import annotations

from typing import Any

import wtforms


def strip(value: Any) -> Any:
    """Trim surrounding spaces of text input."""
    return value.strip() if isinstance(value, str) else value


def int_or_none(value: Any) -> int | None:
    """Coerce a select value to int, '' meaning none."""
    if value in (None, "", "None"):
        return None
    return int(value)


def _select_choices(value: Any) -> Any:
    """(value, label) pairs become SelectChoice objects (WTForms 3.3 deprecates raw tuples)."""
    from wtforms.fields.choices import SelectChoice

    if value is None or callable(value):
        return value
    return [c if isinstance(c, SelectChoice) else SelectChoice(c[0], c[1]) for c in value]


def _choices_property(base: Any) -> property:
    prop = base.choices
    return property(prop.fget, lambda self, value: prop.fset(self, _select_choices(value)))


class SelectField(wtforms.SelectField):
    """SelectField accepting (value, label) pairs."""

    choices = _choices_property(wtforms.SelectField)

    def __init__(self, label: Any = None, validators: Any = None, choices: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validators, choices=_select_choices(choices), **kwargs)


class SelectMultipleField(wtforms.SelectMultipleField):
    """SelectMultipleField accepting (value, label) pairs."""

    choices = _choices_property(wtforms.SelectMultipleField)

    def __init__(self, label: Any = None, validators: Any = None, choices: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validators, choices=_select_choices(choices), **kwargs)
