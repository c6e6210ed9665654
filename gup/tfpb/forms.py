"""Forms of the TFPB abatement: a valued action, an abatement received, the list filters, the review sending."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from gup.forms_common import BAD_NUMBER, REQUIRED, FrenchDecimalField, SelectField, int_or_none, strip
from gup.inputs import AMOUNT_MAX, TEXT_MAX
from gup.tfpb.models import YEAR_MAX, YEAR_MIN

YEAR_RANGE = _l("Année entre %(low)s et %(high)s.", low=YEAR_MIN, high=YEAR_MAX)


def _year_field(label=None):
    return IntegerField(label or _l("Année"), validators=[InputRequired(REQUIRED),
                                                          NumberRange(min=YEAR_MIN, max=YEAR_MAX, message=YEAR_RANGE)],
                        render_kw={"inputmode": "numeric"})


class TfpbActionForm(FlaskForm):
    """Record or edit an action valued against the TFPB abatement."""

    provider_id = SelectField(_l("Bailleur"), coerce=int_or_none, validators=[DataRequired(REQUIRED)])
    year = _year_field()
    neighbourhood_id = SelectField(_l("Quartier prioritaire (QPV)"), coerce=int_or_none,
                                   validators=[DataRequired(REQUIRED)])
    axis_code = SelectField(_l("Axe TFPB"), validators=[DataRequired(REQUIRED)],
                            description=_l("Seuls les axes du cadre national en vigueur l'année choisie sont "
                                           "acceptés."))
    title = StringField(_l("Intitulé"), filters=[strip], validators=[DataRequired(REQUIRED), Length(max=255)])
    description = TextAreaField(_l("Description"), filters=[strip], validators=[Optional(), Length(max=TEXT_MAX)])
    valued_amount = FrenchDecimalField(_l("Montant valorisé (€)"), places=2,
                                       validators=[InputRequired(REQUIRED), NumberRange(min=0, max=AMOUNT_MAX)],
                                       render_kw={"inputmode": "decimal"})
    commitment_id = SelectField(_l("Engagement de la convention (facultatif)"), coerce=int_or_none,
                                validators=[Optional()])


class TfpbAbatementForm(FlaskForm):
    """Record the abatement a provider received for a QPV and a year (replaces the year's figure)."""

    provider_id = SelectField(_l("Bailleur"), coerce=int_or_none, validators=[DataRequired(REQUIRED)])
    year = _year_field(_l("Année (exercice fiscal)"))
    neighbourhood_id = SelectField(_l("Quartier prioritaire (QPV)"), coerce=int_or_none,
                                   validators=[DataRequired(REQUIRED)])
    abatement_amount = FrenchDecimalField(_l("Abattement reçu (€)"), places=2,
                                          validators=[InputRequired(REQUIRED), NumberRange(min=0, max=AMOUNT_MAX)],
                                          render_kw={"inputmode": "decimal"})
    dwellings = IntegerField(_l("Logements dans le QPV"), validators=[Optional(), NumberRange(min=0, max=1_000_000,
                                                                                              message=BAD_NUMBER)],
                             render_kw={"inputmode": "numeric"})


class TfpbFilterForm(FlaskForm):
    """Filters of the TFPB actions list and of its CSV export (GET, no CSRF)."""

    class Meta:
        csrf = False

    agreement_id = SelectField(_l("Convention"), coerce=int_or_none, validate_choice=False)
    provider_id = SelectField(_l("Bailleur"), coerce=int_or_none, validate_choice=False)
    year = SelectField(_l("Année"), coerce=int_or_none, validate_choice=False)
    axis_code = SelectField(_l("Axe TFPB"), validate_choice=False)


class SendReviewForm(FlaskForm):
    """« Envoyer aux signataires »: a second sending must be asked for."""

    again = BooleanField(_l("Envoyer à nouveau (le bilan a déjà été envoyé)"), default=False)
