"""Forms of the hotline.

Public side: the resident's report form, « suivre un signalement », « est-ce réglé ? ». Back office: queue
filters, triage actions, phone intake, settings (response templates, categories), erasure.
"""

from __future__ import annotations

import json
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, EmailField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, Regexp, ValidationError

from gup.forms_common import (
    FrenchFloatField,
    RadioField,
    ResidentContact,
    SelectField,
    contact_fields,
    honeypot_field,
    int_or_none,
    phone_validators,
    strip,
)
from gup.hotline.models import TEXT_MAX, Channel, ReportStatus
from gup.hotline.services import ATTRIBUTE_DATATYPES
from gup.orm import SEARCH_MAX

#: longest description accepted from the public (a page of text; the API has its own limit)
MAX_DESCRIPTION = 5000
MAX_PHOTOS = 5


def id_or_none(value: Any) -> int | None:
    """Coerce a posted choice to an id; anything else (tampered input) means none, never an English error."""
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip()) if value not in (None, "", "None") else None
    except ValueError:
        return None


class ReportRules(ResidentContact):
    """The checks a report gets whoever types it (the resident on /signaler, an operator taking a call): the
    problem is located, both coordinates or none, and a consent to be contacted comes with a way to do it."""

    def validate_longitude(self, field):
        if (self.latitude.value is None) != (field.value is None) and not self.latitude.errors:
            raise ValidationError(_l("Indiquez la latitude et la longitude, ou aucune des deux."))

    def validate_address(self, field):
        # no Optional() on address: it would stop the chain before this check
        coordinates = [getattr(self, name, None) for name in ("latitude", "longitude")]
        if field.data or self.neighbourhood_id.data or any(c is not None and c.data for c in coordinates):
            return
        if coordinates[0] is None:
            raise ValidationError(_l("Indiquez où se trouve le problème : une adresse ou un quartier."))
        raise ValidationError(_l("Indiquez où se trouve le problème : une adresse, un quartier ou des "
                                 "coordonnées."))


class PublicReportForm(ReportRules, FlaskForm):
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
    publish_description = BooleanField(
        _l("Publier ma description et l'adresse du problème"),
        description=_l("Si vous cochez cette case, la description et l'adresse saisies ci-dessus seront visibles "
                       "de tous (page de suivi, données ouvertes Open311), sans vos coordonnées. Sinon, seuls la "
                       "catégorie, le quartier, l'état et les réponses sont publiés."))
    photos = MultipleFileField(_l("Photos (facultatif)"),
                               render_kw={"accept": "image/*", "capture": "environment"})
    contact_name, contact_email, contact_phone = contact_fields()
    contact_consent = BooleanField(_l("J'accepte d'être contacté·e au sujet de ce signalement"))
    website = honeypot_field()

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

    @property
    def uploads(self) -> list:
        """The files actually chosen (an empty file input still sends one nameless part)."""
        return [f for f in (self.photos.data or []) if f and getattr(f, "filename", "")]


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


# --- back office ---------------------------------------------------------------------------------

REQUIRED = _l("Ce champ est obligatoire.")


class QueueFilterForm(FlaskForm):
    """Filters of the triage queue (GET, no CSRF)."""

    class Meta:
        csrf = False

    reference = StringField(_l("Référence"), filters=[strip], validators=[Optional(), Length(max=20)])
    q = StringField(_l("Rechercher"), filters=[strip], validators=[Optional(), Length(max=SEARCH_MAX)],
                    description=_l("Référence, description ou adresse"))
    status = SelectField(_l("Statut"), choices=[("", _l("Ouverts (non clos)")), ("all", _l("Tous"))]
                         + ReportStatus.choices(), validate_choice=False)
    category_id = SelectField(_l("Catégorie"), coerce=int_or_none, validate_choice=False)
    channel = SelectField(_l("Canal"), choices=[("", _l("Tous"))] + Channel.choices(), validate_choice=False)
    neighbourhood_id = SelectField(_l("Quartier"), coerce=int_or_none, validate_choice=False)
    organisation_id = SelectField(_l("Organisme"), coerce=int_or_none, validate_choice=False)
    overdue = SelectField(_l("Délais"), choices=[("", _l("Tous")), ("1", _l("En retard")),
                                                 ("0", _l("Dans les délais"))], validate_choice=False)


def _public_text(label=None):
    return TextAreaField(label or _l("Explication publique"), filters=[strip],
                         validators=[DataRequired(REQUIRED), Length(max=TEXT_MAX)],
                         description=_l("Visible sur la page de suivi et envoyée au déclarant s'il l'a accepté. "
                                        "Adaptez le modèle si besoin."))


class QualifyForm(FlaskForm):
    category_id = SelectField(_l("Catégorie"), coerce=int_or_none, validators=[DataRequired(REQUIRED)])
    public_text = _public_text()


class RouteForm(FlaskForm):
    organisation_id = SelectField(_l("Organisme responsable"), coerce=int_or_none, validators=[DataRequired(REQUIRED)])
    reason = TextAreaField(_l("Raison du choix d'un autre bailleur"), filters=[strip],
                           validators=[Optional(), Length(max=2000)], render_kw={"rows": 2},
                           description=_l("Obligatoire pour confier le signalement à un autre bailleur que celui "
                                          "du lieu ; elle reste dans l'historique (non publiée)."))
    public_text = _public_text()


class MergeForm(FlaskForm):
    into_id = SelectField(_l("Signalement d'origine proposé"), coerce=int_or_none, validators=[Optional()],
                          validate_choice=False)
    into_reference = StringField(_l("… ou sa référence"), filters=[strip], validators=[Optional(), Length(max=20)],
                                 description=_l("Par exemple GUP-2026-000123."))
    public_text = _public_text()


class StatusForm(FlaskForm):
    """A status change (target in a hidden `status` input) with its public explanation; not our remit needs a
    referral, a rejection gives its reason in the explanation."""

    referral = StringField(_l("Réorientation : à qui s'adresser"), filters=[strip],
                           validators=[Optional(), Length(max=500)])
    public_text = _public_text()


class DisclosureForm(FlaskForm):
    """The public wording of a report (the public-disclosure rule): what everyone will read of the problem."""

    public_description = TextAreaField(
        _l("Description publique"), filters=[strip], validators=[DataRequired(REQUIRED), Length(max=TEXT_MAX)],
        description=_l("Visible de tous (page de suivi, données ouvertes Open311). Décrivez le problème sans "
                       "nom, numéro d'appartement, coordonnées ni propos rapportés."))
    public_address = StringField(_l("Adresse publique"), filters=[strip], validators=[Optional(), Length(max=255)],
                                 description=_l("Le lieu du problème (rue, bâtiment), jamais le logement d'une "
                                                "personne."))


class ReopenForm(FlaskForm):
    public_text = _public_text()


class ActionLinkForm(FlaskForm):
    action_id = SelectField(_l("Action existante"), coerce=int_or_none, validators=[DataRequired(REQUIRED)])


class PhoneIntakeForm(ReportRules, FlaskForm):
    """An operator logs a call: the public form's fields and checks plus the caller's callback preference."""

    category_id = SelectField(_l("Catégorie"), coerce=int_or_none, validators=[DataRequired(REQUIRED)])
    description = TextAreaField(_l("Description du problème"), filters=[strip],
                                validators=[DataRequired(REQUIRED), Length(max=TEXT_MAX)])
    address = StringField(_l("Adresse ou lieu"), filters=[strip], validators=[Length(max=255)])
    neighbourhood_id = SelectField(_l("Quartier"), coerce=int_or_none, validators=[Optional()])
    contact_name = StringField(_l("Nom de l'appelant"), filters=[strip], validators=[Optional(), Length(max=120)])
    contact_email = EmailField(_l("Courriel"), filters=[strip],
                               validators=[Optional(), Email(_l("Adresse électronique invalide.")), Length(max=254)])
    contact_phone = StringField(_l("Téléphone"), filters=[strip], validators=phone_validators(),
                                render_kw={"inputmode": "tel", "type": "tel", "maxlength": 40})
    contact_consent = BooleanField(_l("L'appelant accepte d'être recontacté au sujet de ce signalement"))
    callback_preference = StringField(_l("Préférence de rappel"), filters=[strip],
                                      validators=[Optional(), Length(max=200)],
                                      description=_l("Par exemple : le matin, par téléphone ; pas le week-end."))
    public_description = TextAreaField(
        _l("Description publique (facultatif)"), filters=[strip], validators=[Optional(), Length(max=TEXT_MAX)],
        description=_l("Seule cette formulation sera publiée (page de suivi, Open311). Laissez vide pour ne rien "
                       "publier de la description ; la coordination pourra la rédiger plus tard."))
    public_address = StringField(_l("Adresse publique (facultatif)"), filters=[strip],
                                 validators=[Optional(), Length(max=255)],
                                 description=_l("Le lieu du problème, jamais le logement de l'appelant."))


class TemplateForm(FlaskForm):
    category_id = SelectField(_l("Catégorie"), coerce=int_or_none, validators=[Optional()])
    status = SelectField(_l("Statut"), choices=ReportStatus.choices(), validators=[DataRequired(REQUIRED)])
    text = TextAreaField(_l("Texte"), filters=[strip], validators=[DataRequired(REQUIRED), Length(max=TEXT_MAX)],
                         description=_l("Repères possibles : {reference}, {organisation}, {referral}, "
                                        "{duplicate_of}."))


ATTRIBUTE_KEYS = {"code", "datatype", "required", "description", "order", "values"}
DATATYPES = ATTRIBUTE_DATATYPES


def parse_attributes(raw: str) -> list[dict]:
    """Open311 service-definition attributes typed as JSON, checked field by field (ValueError in French)."""
    raw = (raw or "").strip()
    if not raw:
        return []
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(_l("JSON invalide (ligne %(line)s) : %(msg)s", line=exc.lineno, msg=exc.msg)) from exc
    if not isinstance(data, list):
        raise ValueError(_l("Attendu : une liste d'attributs [ {…}, … ]."))
    for n, item in enumerate(data, 1):
        if not isinstance(item, dict) or not {"code", "datatype", "description"} <= set(item):
            raise ValueError(_l("Attribut %(n)s : « code », « datatype » et « description » sont requis.", n=n))
        if set(item) - ATTRIBUTE_KEYS:
            raise ValueError(_l("Attribut %(n)s : clés inconnues %(keys)s.", n=n,
                                keys=", ".join(sorted(set(item) - ATTRIBUTE_KEYS))))
        if not isinstance(item["code"], str) or not item["code"].strip():
            raise ValueError(_l("Attribut %(n)s : « code » doit être un texte.", n=n))
        if item["datatype"] not in DATATYPES:
            raise ValueError(_l("Attribut %(n)s : « datatype » doit valoir %(types)s.", n=n,
                                types=", ".join(sorted(DATATYPES))))
        if not isinstance(item.get("required", False), bool) or not isinstance(item.get("order", 0), int):
            raise ValueError(_l("Attribut %(n)s : « required » est vrai/faux, « order » un entier.", n=n))
        values = item.get("values", [])
        if not isinstance(values, list) or any(not isinstance(v, dict) or set(v) != {"key", "name"}
                                               for v in values):
            raise ValueError(_l("Attribut %(n)s : « values » est une liste de {\"key\", \"name\"}.", n=n))
        if item["datatype"].endswith("valuelist") and not values:
            raise ValueError(_l("Attribut %(n)s : une liste de choix demande des « values ».", n=n))
    return data


class CategoryForm(FlaskForm):
    code = StringField(_l("Code"), filters=[strip], validators=[DataRequired(REQUIRED), Length(max=60)])
    label = StringField(_l("Libellé"), filters=[strip], validators=[DataRequired(REQUIRED), Length(max=120)])
    description = TextAreaField(_l("Description"), filters=[strip], validators=[Optional(), Length(max=TEXT_MAX)])
    theme_id = SelectField(_l("Thématique"), coerce=int_or_none, validators=[DataRequired(REQUIRED)])
    default_organisation_id = SelectField(_l("Organisme par défaut"), coerce=int_or_none, validators=[Optional()])
    first_answer_days = IntegerField(_l("Délai de première réponse (jours)"),
                                     validators=[DataRequired(REQUIRED), NumberRange(0, 365)])
    resolution_days = IntegerField(_l("Délai de résolution (jours)"),
                                   validators=[DataRequired(REQUIRED), NumberRange(1, 3650)])
    is_published = BooleanField(_l("Proposée au public"))
    attributes = TextAreaField(_l("Questions complémentaires (JSON Open311)"), validators=[Length(max=20000)],
                               description=_l('Liste de {"code", "datatype", "required", "description", "order", '
                                              '"values": [{"key", "name"}]}. Laisser vide si aucune.'))

    def validate_attributes(self, field) -> None:
        try:
            self.parsed_attributes = parse_attributes(field.data)
        except ValueError as exc:
            raise ValidationError(str(exc.args[0])) from exc


class CategoryRouteForm(FlaskForm):
    neighbourhood_id = SelectField(_l("Quartier"), coerce=int_or_none, validators=[DataRequired(REQUIRED)])
    organisation_id = SelectField(_l("Organisme responsable"), coerce=int_or_none, validators=[DataRequired(REQUIRED)])


class ErasureSearchForm(FlaskForm):
    class Meta:
        csrf = False

    email = EmailField(_l("Adresse électronique du demandeur"), filters=[strip],
                       validators=[DataRequired(REQUIRED), Email(_l("Adresse électronique invalide.")),
                                   Length(max=254)])


class ErasureForm(FlaskForm):
    email = EmailField(_l("Adresse électronique"), filters=[strip],
                       validators=[DataRequired(REQUIRED), Email(_l("Adresse électronique invalide.")),
                                   Length(max=254)])
