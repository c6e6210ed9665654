"""Forms of evaluations: the coordination's texts, a partner's contribution, manual indicator values, the
lifecycle buttons, and the agreement's indicator baselines and targets."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from gup.forms_common import (
    REQUIRED,
    FrenchDateField,
    FrenchDecimalField,
    RequiredDate,
    SelectField,
    int_or_none,
    strip,
)
from gup.indicators import Direction, Unit
from gup.inputs import TEXT_MAX

UNIT_LABELS = {"count": _l("Nombre"), "percent": _l("Pourcentage"), "days": _l("Jours"), "euros": _l("Euros"),
               "ratio": _l("Ratio")}
DIRECTION_LABELS = {"higher": _l("Plus c'est haut, mieux c'est"), "lower": _l("Plus c'est bas, mieux c'est"),
                    "neutral": _l("Volume (ni hausse ni baisse souhaitée)")}


class ButtonForm(FlaskForm):
    """A lifecycle button (CSRF only)."""


class FreezeForm(FlaskForm):
    note = StringField(_l("Correction qui justifie une nouvelle version"), filters=[strip],
                       validators=[Optional(), Length(max=500)])


class ApproveForm(FlaskForm):
    approved_on = FrenchDateField(_l("Date de validation en COPIL"), validators=[RequiredDate()])
    note = StringField(_l("Instance et décision"), filters=[strip], validators=[Optional(), Length(max=500)],
                       description=_l("Par exemple : « COPIL du 12 mars, relevé de décisions n° 4 »."))


def sections_form(keys_labels: list[tuple[str, object]], data: dict[str, str], formdata: object = None) -> FlaskForm:
    """A form with one text area per qualitative section of this kind of evaluation."""

    class SectionsForm(FlaskForm):
        pass

    for key, label in keys_labels:
        setattr(SectionsForm, key, TextAreaField(label, filters=[strip], validators=[Optional(),
                                                                                       Length(max=TEXT_MAX)],
                                                 render_kw={"rows": 6}))
    return SectionsForm(formdata=formdata, data=data) if formdata is not None else SectionsForm(data=data)


class ContributionForm(FlaskForm):
    organisation_id = SelectField(_l("Organisme"), coerce=int_or_none, validators=[DataRequired(REQUIRED)])
    text = TextAreaField(_l("Contribution"), filters=[strip], render_kw={"rows": 10},
                         validators=[DataRequired(REQUIRED), Length(max=TEXT_MAX)],
                         description=_l("Ce que votre organisme a fait pendant la période, ses difficultés et ses "
                                        "propositions. Les bailleurs y présentent leurs actions TFPB par axe."))


class ManualValueForm(FlaskForm):
    indicator_id = SelectField(_l("Indicateur"), coerce=int_or_none, validators=[DataRequired(REQUIRED)])
    value = FrenchDecimalField(_l("Valeur observée"), validators=[Optional()])
    comment = StringField(_l("Commentaire (source, méthode)"), filters=[strip],
                          validators=[Optional(), Length(max=2000)])


class TargetForm(FlaskForm):
    code = SelectField(_l("Indicateur calculé"), validators=[DataRequired(REQUIRED)])
    baseline = FrenchDecimalField(_l("Valeur de référence"), validators=[Optional()])
    target = FrenchDecimalField(_l("Cible"), validators=[Optional()])


class ManualIndicatorForm(FlaskForm):
    code = StringField(_l("Code"), filters=[strip], validators=[DataRequired(REQUIRED), Length(max=60)],
                       description=_l("Lettres minuscules, chiffres et « _ », par exemple satisfaction_survey."))
    label = StringField(_l("Libellé"), filters=[strip], validators=[DataRequired(REQUIRED), Length(max=255)])
    unit = SelectField(_l("Unité"), choices=[(u.value, UNIT_LABELS[u.value]) for u in Unit])
    direction = SelectField(_l("Sens"), choices=[(d.value, DIRECTION_LABELS[d.value]) for d in Direction])
    baseline = FrenchDecimalField(_l("Valeur de référence"), validators=[Optional()])
    target = FrenchDecimalField(_l("Cible"), validators=[Optional()])
    organisation_id = SelectField(_l("Organisme qui renseigne"), coerce=int_or_none, validators=[Optional()])
