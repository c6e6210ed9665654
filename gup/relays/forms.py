"""Forms of resident relays: a mandate, its end, consent withdrawal, a pool and its members, a draw."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, EmailField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, ValidationError

from gup.forms_common import (
    REQUIRED,
    FrenchDateField,
    RequiredDate,
    SelectField,
    SelectMultipleField,
    int_or_none,
    strip,
)
from gup.hotline.forms import MAX_DESCRIPTION, MAX_PHOTOS
from gup.relays.models import CONSENT_CHANNELS, AgeBracket, DesignationMethod, EndReason, Gender, InvitationStatus

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
    mandate_start_on = FrenchDateField(_l("Début du mandat"), validators=[RequiredDate()])
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
    on = FrenchDateField(_l("Date de fin"), validators=[RequiredDate()])


class WithdrawForm(FlaskForm):
    on = FrenchDateField(_l("Consentement retiré le"), validators=[RequiredDate()])


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


class RelayReportForm(FlaskForm):
    """« Signaler pour mes voisins »: a category, the place within the relay's scope, what is wrong, photos."""

    category_id = SelectField(_l("Catégorie du problème"), coerce=int_or_none,
                              validators=[DataRequired(_l("Choisissez une catégorie."))])
    territory_id = SelectField(_l("Où ?"), coerce=int_or_none,
                               validators=[DataRequired(_l("Choisissez un lieu de votre secteur."))])
    address = StringField(_l("Précision sur le lieu (étage, porte, parking…)"), filters=[strip],
                          validators=[Optional(), Length(max=255, message=_l("%(max)d caractères au maximum."))],
                          render_kw={"maxlength": 255})
    description = TextAreaField(_l("Ce qui ne va pas"), filters=[strip],
                                validators=[DataRequired(_l("Décrivez le problème.")),
                                            Length(max=MAX_DESCRIPTION,
                                                   message=_l("%(max)d caractères au maximum."))],
                                render_kw={"rows": 4, "maxlength": MAX_DESCRIPTION})
    photos = MultipleFileField(_l("Photos (facultatif)"), render_kw={"accept": "image/*", "capture": "environment"})

    def validate_photos(self, field):
        if len(self.uploads) > MAX_PHOTOS:
            raise ValidationError(_l("%(n)s photos au maximum.", n=MAX_PHOTOS))

    @property
    def uploads(self) -> list:
        """The files actually chosen (an empty file input still sends one nameless part)."""
        return [f for f in (self.photos.data or []) if f and getattr(f, "filename", "")]


class RelayChoiceForm(FlaskForm):
    """Invite relays to a walk, or entrust them an action."""

    relay_ids = SelectMultipleField(_l("Habitants relais"), coerce=int_or_none,
                                    validators=[DataRequired(_l("Choisissez au moins un·e habitant·e relais."))])


class PresenceForm(FlaskForm):
    status = SelectField(_l("Présence"), choices=InvitationStatus.choices(), validators=[DataRequired(REQUIRED)])


class RelayProgressForm(FlaskForm):
    """What a relay says of an action entrusted to them."""

    note = TextAreaField(_l("Où en est-on ?"), filters=[strip],
                         validators=[DataRequired(_l("Écrivez quelques mots.")), Length(max=2000)],
                         render_kw={"rows": 3, "maxlength": 2000})
    progress = IntegerField(_l("Avancement (%)"), validators=[Optional(), NumberRange(min=0, max=100)],
                            render_kw={"inputmode": "numeric", "min": 0, "max": 100})
    done = BooleanField(_l("C'est terminé"))
