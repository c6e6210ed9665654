"""Public forms of the hotline: the resident's report form, « suivre un signalement », « est-ce réglé ? »."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp, ValidationError

from gup.forms_common import (
    FrenchFloatField,
    RadioField,
    SelectField,
    strip,
)

#: longest description accepted from the public (a page of text; the API has its own limit)
MAX_DESCRIPTION = 5000
MAX_PHOTOS = 5
PHONE_PATTERN = r"^[0-9 +().\-]{6,40}$"


def id_or_none(value: Any) -> int | None:
    """Coerce a posted choice to an id; anything else (tampered input) means none, never an English error."""
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip()) if value not in (None, "", "None") else None
    except ValueError:
        return None


class PublicReportForm(FlaskForm):
    """« Signaler un problème »: category, description, place, photos, optional contact, honeypot."""

    category_id = RadioField(_l("Catégorie du problème"), coerce=id_or_none, validate_choice=False,
                             validators=[DataRequired(_l("Choisissez une catégorie."))])
    description = TextAreaField(_l("Description du problème"), filters=[strip],
                                validators=[DataRequired(_l("Décrivez le problème.")),
                                            Length(max=MAX_DESCRIPTION,
                                                   message=_l("%(max)d caractères au maximum."))],
                                render_kw={"rows": 5, "maxlength": MAX_DESCRIPTION})
    address = StringField(_l("Adresse ou lieu précis"), filters=[strip],
                          validators=[Length(max=255, message=_l("%(max)d caractères au maximum."))],
                          render_kw={"autocomplete": "street-address", "maxlength": 255})
    latitude = FrenchFloatField(_l("Latitude"), minimum=-90, maximum=90)
    longitude = FrenchFloatField(_l("Longitude"), minimum=-180, maximum=180)
    neighbourhood_id = SelectField(_l("Quartier"), coerce=id_or_none, validate_choice=False,
                                   validators=[Optional()])
    photos = MultipleFileField(_l("Photos (facultatif)"),
                               render_kw={"accept": "image/*", "capture": "environment"})
    contact_name = StringField(_l("Nom"), filters=[strip],
                               validators=[Optional(), Length(max=120, message=_l("%(max)d caractères au maximum."))],
                               render_kw={"autocomplete": "name", "maxlength": 120})
    contact_email = StringField(_l("Adresse e-mail"), filters=[strip],
                                validators=[Optional(), Length(max=254, message=_l("%(max)d caractères au maximum.")),
                                            Email(_l("Adresse e-mail invalide."), check_deliverability=False)],
                                render_kw={"autocomplete": "email", "inputmode": "email", "type": "email",
                                           "maxlength": 254})
    contact_phone = StringField(_l("Téléphone"), filters=[strip],
                                validators=[Optional(), Length(max=40, message=_l("%(max)d caractères au maximum.")),
                                            Regexp(PHONE_PATTERN, message=_l("Numéro de téléphone invalide."))],
                                render_kw={"autocomplete": "tel", "inputmode": "tel", "type": "tel", "maxlength": 40})
    contact_consent = BooleanField(_l("J'accepte d'être contacté·e au sujet de ce signalement"))
    #: honeypot: hidden from people, filled by robots
    website = StringField(_l("Laissez ce champ vide"), render_kw={"tabindex": "-1", "autocomplete": "off",
                                                                    "aria-hidden": "true"})

    #: ids of the published categories and of the neighbourhoods, set by the view
    category_ids: frozenset[int] = frozenset()
    neighbourhood_ids: frozenset[int] = frozenset()

    def validate_category_id(self, field):
        if field.data not in self.category_ids:
            raise ValidationError(_l("Choisissez une catégorie dans la liste."))

    def validate_photos(self, field):
        if len(self.uploads) > MAX_PHOTOS:
            raise ValidationError(_l("%(n)s photos au maximum.", n=MAX_PHOTOS))

    def validate_neighbourhood_id(self, field):
        if field.data is not None and field.data not in self.neighbourhood_ids:
            raise ValidationError(_l("Choisissez un quartier dans la liste."))

    def validate_longitude(self, field):
        if (self.latitude.value is None) != (field.value is None) and not self.latitude.errors:
            raise ValidationError(_l("Indiquez la latitude et la longitude, ou aucune des deux."))

    def validate_address(self, field):
        # no Optional() on address: it would stop the chain before this check
        if not (field.data or self.latitude.data or self.longitude.data or self.neighbourhood_id.data):
            raise ValidationError(_l("Indiquez où se trouve le problème : une adresse, un quartier ou des "
                                     "coordonnées."))

    def validate_contact_consent(self, field):
        if field.data and not (self.contact_email.data or self.contact_phone.data):
            raise ValidationError(_l("Pour être contacté·e, indiquez une adresse e-mail ou un numéro de "
                                     "téléphone."))

    @property
    def uploads(self) -> list:
        """The files actually chosen (an empty file input still sends one nameless part)."""
        return [f for f in (self.photos.data or []) if f and getattr(f, "filename", "")]

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
        return not self.contact_consent.data and bool(self.contact_name.data or self.contact_email.data or
                                                      self.contact_phone.data)


class TrackForm(FlaskForm):
    """« Suivre un signalement »: a reference typed by the resident (GET, no CSRF needed)."""

    class Meta:
        csrf = False

    reference = StringField(_l("Référence du signalement"), filters=[strip],
                            validators=[DataRequired(_l("Indiquez la référence (par exemple GUP-2026-000123).")),
                                        Length(max=40, message=_l("%(max)d caractères au maximum."))],
                            render_kw={"autocomplete": "off", "autocapitalize": "characters", "maxlength": 40})


class FixedAnswerForm(FlaskForm):
    """« Est-ce réglé ? »: two submit buttons carrying answer=yes|no, and the signed token."""

    token = StringField(validators=[DataRequired(), Length(max=500)])
    answer = StringField(validators=[DataRequired(), Regexp(r"^(yes|no)$")])
