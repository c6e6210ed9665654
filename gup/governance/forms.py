"""Forms of governance: bodies, members, meetings, agenda items, attendance, minutes, decisions."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Email, Length, Optional

from gup.forms_common import REQUIRED, FrenchDateField, RequiredDate, SelectField, int_or_none, strip
from gup.governance.models import AgendaSection, BodyKind, MeetingStatus
from gup.inputs import TEXT_MAX


class BodyForm(FlaskForm):
    kind = SelectField(_l("Type d'instance"), choices=BodyKind.choices(), validators=[DataRequired(REQUIRED)])
    name = StringField(_l("Nom"), filters=[strip], validators=[DataRequired(REQUIRED), Length(max=200)])
    frequency = StringField(_l("Fréquence"), filters=[strip], validators=[Optional(), Length(max=200)],
                            description=_l("Par exemple : deux fois par an, tous les trimestres."))


class MemberForm(FlaskForm):
    person_name = StringField(_l("Nom et prénom"), filters=[strip], validators=[Optional(), Length(max=200)],
                              description=_l("Facultatif quand un compte gup est choisi."))
    organisation_id = SelectField(_l("Organisme"), coerce=int_or_none, validators=[Optional()])
    role = StringField(_l("Rôle dans l'instance"), filters=[strip], validators=[Optional(), Length(max=200)],
                       description=_l("Par exemple : élue de quartier, directeur de la proximité."))
    email = EmailField(_l("Courriel (pour les invitations)"), filters=[strip],
                       validators=[Optional(), Email(_l("Adresse e-mail invalide."), check_deliverability=False),
                                   Length(max=254)])
    user_id = SelectField(_l("Compte gup"), coerce=int_or_none, validators=[Optional()])


class MeetingForm(FlaskForm):
    day = FrenchDateField(_l("Date"), validators=[RequiredDate()])
    time = TimeField(_l("Heure"), validators=[RequiredDate()])
    place = StringField(_l("Lieu"), filters=[strip], validators=[Optional(), Length(max=255)])
    draft_agenda = BooleanField(_l("Pré-remplir l'ordre du jour avec les points en retard de chaque partenaire"),
                                default=True)


class AgendaItemForm(FlaskForm):
    title = StringField(_l("Point de l'ordre du jour"), filters=[strip],
                        validators=[DataRequired(REQUIRED), Length(max=500)])
    agenda_section = SelectField(_l("Volet"), choices=[("", _l("— Aucun —"))] + AgendaSection.choices(),
                          validators=[Optional()])
    notes = TextAreaField(_l("Notes"), filters=[strip], validators=[Optional(), Length(max=TEXT_MAX)])


class MinutesForm(FlaskForm):
    minutes = TextAreaField(_l("Compte rendu"), filters=[strip], validators=[Optional(), Length(max=TEXT_MAX)])
    minutes_file = FileField(_l("Fichier du compte rendu (PDF, ODT ou DOCX, 10 Mo au plus)"),
                             render_kw={"accept": ".pdf,.odt,.docx"})


class DecisionForm(FlaskForm):
    text = TextAreaField(_l("Décision"), filters=[strip], validators=[DataRequired(REQUIRED), Length(max=TEXT_MAX)])
    owner_organisation_id = SelectField(_l("Organisme porteur"), coerce=int_or_none, validators=[Optional()])
    due_on = FrenchDateField(_l("Échéance"), validators=[Optional()])


class DecisionActionForm(FlaskForm):
    title = StringField(_l("Intitulé de l'action"), filters=[strip], validators=[Optional(), Length(max=255)],
                        description=_l("Le texte de la décision par défaut."))
    responsible_organisation_id = SelectField(_l("Organisme responsable"), coerce=int_or_none,
                                              validators=[DataRequired(REQUIRED)])
    due_on = FrenchDateField(_l("Échéance"), validators=[Optional()])


class StatusForm(FlaskForm):
    status = SelectField(_l("Nouveau statut"), choices=MeetingStatus.choices(), validators=[DataRequired(REQUIRED)])


class SendForm(FlaskForm):
    """A button: send the invitations or the minutes (resend: to everyone again)."""

    resend = BooleanField(_l("Renvoyer aussi à ceux qui l'ont déjà reçu"), default=False)


class AttendanceForm(FlaskForm):
    """CSRF only: each member's choice is read from `member-<id>` (present, absent, excused or empty)."""
