"""Form helpers shared by every feature's forms (filters and coercions) and views (the save-a-form idiom)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import wtforms
from flask import flash, redirect, render_template
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response
from wtforms import StringField

from gup.errors import DomainError
from gup.extensions import db
from gup.inputs import DATE_MAX, DATE_MIN, MAX_ID

T = TypeVar("T")
#: a flash message, or a function of what the service returned giving a message or (message, category) pairs
Success = str | Callable[[Any], str | Iterable[tuple[str, str]] | None] | None

BAD_DATE = _l("Date invalide (format attendu : JJ/MM/AAAA ou AAAA-MM-JJ).")
BAD_NUMBER = _l("Nombre invalide.")
REQUIRED = _l("Champ obligatoire.")
#: the list filters' « en cours » status group: every status that is not closed
OPEN_GROUP = "open"
DATE_OUT_OF_RANGE = _l("Date hors limites (entre le 01/01/1950 et le 31/12/2200).")


class RequiredDate(wtforms.validators.InputRequired):
    """The validator of every required date, time or datetime field: empty says « Champ obligatoire. » (a date
    typed wrong still says « Date invalide »), the same on every form."""

    def __init__(self, message: Any = None) -> None:
        super().__init__(message or REQUIRED)


def strip(value: Any) -> Any:
    """Trim surrounding spaces of text input."""
    return value.strip() if isinstance(value, str) else value


def int_or_none(value: Any) -> int | None:
    """Coerce a select value to int, '' meaning none; an id no row can have is an invalid choice."""
    if value in (None, "", "None"):
        return None
    return bounded_int(value)


def bounded_int(value: Any) -> int:
    """Coerce a select value to an id (ValueError, hence « invalid choice », beyond the id columns' range)."""
    number = int(value)
    if isinstance(value, str) and not 0 < number <= MAX_ID:
        raise ValueError(value)
    return number


def show_domain_error(form: Any, exc: Any) -> None:
    """Show a service's refusal (DomainError) next to the field it names, or above the form."""
    target = (getattr(form, exc.field, None) or getattr(form, f"{exc.field}_id", None)) if exc.field else None
    if target is not None and hasattr(target, "errors") and not hasattr(target, "entries"):
        if isinstance(target.errors, tuple):
            target.errors = list(target.errors)
        target.errors.append(exc.message)
    else:
        form.form_errors.append(exc.message)


def flash_error(_form: Any, exc: DomainError) -> None:
    """Show a service's refusal as an error flash (forms that are only a button)."""
    flash(exc.message, "error")


def handle_form(form: Any | None, call: Callable[[], T], *, success: Success, redirect_to: str | Callable[[T], str],
                on_error: Callable[[Any, DomainError], Response | None] = show_domain_error) -> Response | None:
    """Validate a submitted form, run one service call, then commit, flash and redirect.

    `form` None means nothing to validate (a button). A `DomainError` from the service rolls the transaction
    back (the media hook removes the files it wrote) and goes to `on_error`, by default a field error on the
    form. Returns the redirect, whatever `on_error` returned, or None when the page must be shown again
    (use `render_form`, which answers 422 when the form has errors).
    """
    if form is not None and not form.validate_on_submit():
        return None
    try:
        result = call()
    except DomainError as exc:
        db.session.rollback()
        return on_error(form, exc)
    db.session.commit()
    messages = success(result) if callable(success) else success
    for message, category in [(messages, "success")] if isinstance(messages, str) else messages or ():
        flash(message, category)
    return redirect(redirect_to(result) if callable(redirect_to) else redirect_to)


def render_form(template_name: str, form: Any, /, **context: Any) -> tuple[str, int]:
    """Render a form page: 422 when the submitted form has errors, 200 otherwise."""
    return render_template(template_name, form=form, **context), 422 if form.errors else 200


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


class FrenchDateField(wtforms.DateField):
    """A date input accepting the ISO value sent by browsers and the French JJ/MM/AAAA."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=["%Y-%m-%d", "%d/%m/%Y"], **kwargs)
        self.messages = {"invalid": BAD_DATE}

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(BAD_DATE) from exc
        if self.data is not None and not DATE_MIN <= self.data <= DATE_MAX:
            self.data = None
            raise ValueError(DATE_OUT_OF_RANGE)


class FrenchDecimalField(wtforms.DecimalField):
    """A decimal input accepting French typing: « 12 500,50 » is 12500.50.

    Rendered as a text input (with inputmode="decimal" for the phone keypad): a browser's number input would
    silently send an empty value for « 1 250,50 »."""

    widget = wtforms.widgets.TextInput()

    def _value(self):
        """A stored amount is shown the French way (« 1250,50 »); what the user typed is shown as typed."""
        value = super()._value()
        return value if self.raw_data else value.replace(".", ",")

    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [v.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
                         for v in valuelist]
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(BAD_NUMBER) from exc


class RadioField(wtforms.RadioField):
    """RadioField accepting (value, label) pairs (WTForms 3.3 deprecates raw tuples)."""

    choices = _choices_property(wtforms.RadioField)

    def __init__(self, label=None, validators=None, choices=None, **kwargs):
        super().__init__(label, validators, choices=_select_choices(choices), **kwargs)


class FrenchFloatField(StringField):
    """A decimal number typed the French way (« 47,2101 ») or with a dot; empty means none.

    `data` keeps the text as typed (re-rendered on errors); `value` is the number or None."""

    def __init__(self, label=None, validators=None, minimum: float | None = None, maximum: float | None = None,
                 **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off"})
        super().__init__(label, validators, filters=[strip], **kwargs)
        self.minimum, self.maximum = minimum, maximum
        self.value: float | None = None

    def process_data(self, value):
        self.value = value if isinstance(value, int | float) else None
        self.data = "" if self.value is None else str(self.value)

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        self.data = valuelist[0] or ""
        self.value = None
        text = self.data.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
        if not text:
            return
        try:
            number = float(text)
        except ValueError:
            raise ValueError(BAD_NUMBER) from None
        if number != number or (self.minimum is not None and number < self.minimum) \
                or (self.maximum is not None and number > self.maximum):
            raise ValueError(_l("Valeur hors limites (entre %(a)s et %(b)s).", a=self.minimum, b=self.maximum))
        self.value = number


def offer_moves(field: Any, current: Any, allowed: dict[Any, Any], *, first: tuple[str, Any] | None = None) -> bool:
    """Offer in a status select only the moves the lifecycle allows from `current` (in the enumeration's order),
    after an optional first choice (« — Inchangé — »); returns whether any move is possible."""
    moves = [(s.value, s.label) for s in type(current) if s in allowed.get(current, ())]
    field.choices = ([first] if first else []) + moves
    return bool(moves)



def error_links(form: Any) -> list[tuple[str, str, str]]:
    """(field id, label, first message) of every field in error, in the form's order, for the error summary that
    links each message to its field (`form_errors` in templates/_macros/forms.html); the CSRF token is left to
    the summary's own sentence, and the rows of a list of sub-forms are named « label n — sub-label »."""
    links: list[tuple[str, str, str]] = []

    def walk(fields: Any, prefix: str = "") -> None:
        for fld in fields:
            if fld.type == "CSRFTokenField" or fld.short_name == "csrf_token":
                continue
            label = f"{prefix}{fld.label.text}" if getattr(fld, "label", None) else prefix.rstrip(" —")
            if isinstance(fld, wtforms.FieldList):
                for message in (e for e in fld.errors if isinstance(e, str)):
                    links.append((fld.id, label, message))
                for number, entry in enumerate(fld.entries, start=1):
                    row = f"{label} {number} — "
                    if isinstance(entry, wtforms.FormField):
                        walk(entry.form, row)
                    elif entry.errors:
                        links.append((entry.id, row.rstrip(" —"), str(entry.errors[0])))
            elif isinstance(fld, wtforms.FormField):
                walk(fld.form, f"{label} — ")
            elif fld.errors:
                message = fld.errors[0] if isinstance(fld.errors, list | tuple) else fld.errors
                links.append((fld.id, label, str(message)))

    walk(form)
    return links


# --- a resident's optional contact on a public form (hotline report, budget proposal) -------------------------

PHONE_PATTERN = r"^[0-9 +().\-]{6,40}$"
TOO_LONG = _l("%(max)d caractères au maximum.")


def phone_validators() -> list:
    """A resident's or caller's phone number, the same on every form."""
    return [wtforms.validators.Optional(), wtforms.validators.Length(max=40, message=TOO_LONG),
            wtforms.validators.Regexp(PHONE_PATTERN, message=_l("Numéro de téléphone invalide."))]


def contact_fields() -> tuple[StringField, StringField, StringField]:
    """`contact_name, contact_email, contact_phone = contact_fields()` in a form's body (created there, so the
    fields keep their place in the form's order). The form adds its own `contact_consent` wording."""
    v = wtforms.validators
    return (StringField(_l("Nom"), filters=[strip], validators=[v.Optional(), v.Length(max=120, message=TOO_LONG)],
                        render_kw={"autocomplete": "name", "maxlength": 120}),
            StringField(_l("Adresse e-mail"), filters=[strip],
                        validators=[v.Optional(), v.Length(max=254, message=TOO_LONG),
                                    v.Email(_l("Adresse e-mail invalide."), check_deliverability=False)],
                        render_kw={"autocomplete": "email", "inputmode": "email", "type": "email", "maxlength": 254}),
            StringField(_l("Téléphone"), filters=[strip], validators=phone_validators(),
                        render_kw={"autocomplete": "tel", "inputmode": "tel", "type": "tel", "maxlength": 40}))


def honeypot_field() -> StringField:
    """`website = honeypot_field()`: hidden from people (templates/_macros/forms.html `honeypot`), filled by robots."""
    return StringField(_l("Laissez ce champ vide"), render_kw={"tabindex": "-1", "autocomplete": "off",
                                                                "aria-hidden": "true"})


class ResidentContact:
    """Rules of a resident's optional contact (fields `contact_name`, `contact_email`, `contact_phone`,
    `contact_consent`): consent needs a way to be contacted, the details are kept only with consent; and the
    honeypot (`website`) of the public forms."""

    def validate_contact_consent(self, field: Any) -> None:
        if field.data and not (self.contact_email.data or self.contact_phone.data):
            raise wtforms.ValidationError(_l("Pour être contacté·e, indiquez une adresse e-mail ou un numéro de "
                                             "téléphone."))

    @property
    def is_spam(self) -> bool:
        return bool((self.website.data or "").strip())

    @property
    def wants_contact(self) -> bool:
        """Contact details are kept only with the explicit consent."""
        return bool(self.contact_consent.data and (self.contact_email.data or self.contact_phone.data))

    @property
    def contact_dropped(self) -> bool:
        """Contact details were typed without consent: they are not stored."""
        return not self.contact_consent.data and bool(self.contact_name.data or self.contact_email.data
                                                      or self.contact_phone.data)
