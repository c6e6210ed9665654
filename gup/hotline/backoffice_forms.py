"""Forms of the hotline back office: queue filters, triage actions, phone intake, settings, erasure."""

from __future__ import annotations

import json

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError

from gup.forms_common import SelectField, int_or_none, strip
from gup.hotline.models import Channel, ReportStatus

REQUIRED = _l("Ce champ est obligatoire.")
TEXT_MAX = 4000


class QueueFilterForm(FlaskForm):
    """Filters of the triage queue (GET, no CSRF)."""

    class Meta:
        csrf = False

    reference = StringField(_l("Référence"), filters=[strip], validators=[Optional(), Length(max=20)])
    status = SelectField(_l("Statut"), choices=[("", _l("Tous"))] + ReportStatus.choices(), validate_choice=False)
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


class ReopenForm(FlaskForm):
    public_text = _public_text()


class ActionLinkForm(FlaskForm):
    action_id = SelectField(_l("Action existante"), coerce=int_or_none, validators=[DataRequired(REQUIRED)])


class PhoneIntakeForm(FlaskForm):
    """An operator logs a call: the public form's fields plus the caller's callback preference."""

    category_id = SelectField(_l("Catégorie"), coerce=int_or_none, validators=[DataRequired(REQUIRED)])
    description = TextAreaField(_l("Description du problème"), filters=[strip],
                                validators=[DataRequired(REQUIRED), Length(max=TEXT_MAX)])
    address = StringField(_l("Adresse ou lieu"), filters=[strip], validators=[Optional(), Length(max=255)])
    neighbourhood_id = SelectField(_l("Quartier"), coerce=int_or_none, validators=[Optional()])
    contact_name = StringField(_l("Nom de l'appelant"), filters=[strip], validators=[Optional(), Length(max=120)])
    contact_email = EmailField(_l("Courriel"), filters=[strip],
                               validators=[Optional(), Email(_l("Adresse électronique invalide.")), Length(max=254)])
    contact_phone = StringField(_l("Téléphone"), filters=[strip], validators=[Optional(), Length(max=40)])
    contact_consent = BooleanField(_l("L'appelant accepte d'être recontacté au sujet de ce signalement"))
    callback_preference = StringField(_l("Préférence de rappel"), filters=[strip],
                                      validators=[Optional(), Length(max=200)],
                                      description=_l("Par exemple : le matin, par téléphone ; pas le week-end."))


class TemplateForm(FlaskForm):
    category_id = SelectField(_l("Catégorie"), coerce=int_or_none, validators=[Optional()])
    status = SelectField(_l("Statut"), choices=ReportStatus.choices(), validators=[DataRequired(REQUIRED)])
    text = TextAreaField(_l("Texte"), filters=[strip], validators=[DataRequired(REQUIRED), Length(max=TEXT_MAX)],
                         description=_l("Repères possibles : {reference}, {organisation}, {referral}, "
                                        "{duplicate_of}."))


ATTRIBUTE_KEYS = {"code", "datatype", "required", "description", "order", "values"}
DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}


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
