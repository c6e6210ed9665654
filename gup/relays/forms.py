"""Forms of resident relays: a mandate, its end, consent withdrawal, a pool and its members, a draw."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, IntegerField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from gup.forms_common import REQUIRED, FrenchDateField, SelectField, SelectMultipleField, int_or_none, strip
from gup.relays.models import CONSENT_CHANNELS, AgeBracket, DesignationMethod, EndReason, Gender

NONE_CHOICE = [("", _l("— Non renseigné —"))]


class RelayForm(FlaskForm):
    person_name = StringField(_l("Nom et prénom"), filters=[strip],
                              validators=[DataRequired(REQUIRED), Length(max=200)])
    territory_id = SelectField(_l("Lieu du mandat"), coerce=int_or_none, validators=[Optional()],
                               description=_l("Une résidence, un bâtiment ou une cage d'escalier ; ou laissez vide "
                                              "et choisissez une thématique et un quartier."))
    theme_id = SelectField(_l("Thématique"), coerce=int_or_none, validators=[Optional()])
    neighbourhood_id = SelectField(_l("Quartier (mandat thématique)"), coerce=int_or_none, validators=[Optional()])
    designation_method = SelectField(_l("Mode de désignation"), choices=DesignationMethod.choices(),
                                     validators=[DataRequired(REQUIRED)])
    mandate_start_on = FrenchDateField(_l("Début du mandat"), validators=[InputRequired(REQUIRED)])
    mandate_end_on = FrenchDateField(_l("Fin du mandat"), validators=[Optional()],
                                     description=_l("Laissez vide pour la durée par défaut."))
    charter_signed_on = FrenchDateField(_l("Charte signée le"), validators=[Optional()])
    email = EmailField(_l("Courriel"), filters=[strip],
                       validators=[Optional(), Email(_l("Adresse e-mail invalide."), check_deliverability=False),
                                   Length(max=254)])
    phone = StringField(_l("Téléphone"), filters=[strip], validators=[Optional(), Length(max=40)])
    consent_given_on = FrenchDateField(_l("Consentement à être contacté·e donné le"), validators=[Optional()])
    consent_channels = SelectMultipleField(_l("Canaux acceptés"), choices=list(CONSENT_CHANNELS.items()),
                                           validators=[Optional()])
    age_bracket = SelectField(_l("Tranche d'âge (facultatif)"), choices=NONE_CHOICE + AgeBracket.choices(),
                              validators=[Optional()])
    gender = SelectField(_l("Genre (facultatif)"), choices=NONE_CHOICE + Gender.choices(), validators=[Optional()])


class EndForm(FlaskForm):
    reason = SelectField(_l("Motif"), choices=EndReason.choices(), validators=[DataRequired(REQUIRED)])
    on = FrenchDateField(_l("Date de fin"), validators=[InputRequired(REQUIRED)])


class WithdrawForm(FlaskForm):
    on = FrenchDateField(_l("Consentement retiré le"), validators=[InputRequired(REQUIRED)])


class PoolForm(FlaskForm):
    name = StringField(_l("Nom du vivier"), filters=[strip], validators=[DataRequired(REQUIRED), Length(max=200)])
    territory_id = SelectField(_l("Lieu"), coerce=int_or_none, validators=[Optional()])


class PoolMemberForm(FlaskForm):
    person_name = StringField(_l("Nom et prénom"), filters=[strip],
                              validators=[DataRequired(REQUIRED), Length(max=200)])
    gender = SelectField(_l("Genre (facultatif, pour la parité)"), choices=NONE_CHOICE + Gender.choices(),
                         validators=[Optional()])


class DrawForm(FlaskForm):
    seats = IntegerField(_l("Nombre de places"), validators=[InputRequired(REQUIRED),
                                                             NumberRange(min=1, max=500)])
    parity = BooleanField(_l("Alterner femmes et hommes (parité)"))
