"""Forms of actions: definition, progress update, list filters."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from gup.actions.models import ACTION_NEXT, ActionKind, ActionStatus
from gup.forms_common import (
    OPEN_GROUP,
    REQUIRED,
    FrenchDateField,
    FrenchDecimalField,
    SelectField,
    SelectMultipleField,
    bounded_int,
    int_or_none,
    strip,
)
from gup.inputs import TEXT_MAX
from gup.orm import SEARCH_MAX

PERCENT = _l("Entre 0 et 100.")


class ActionForm(FlaskForm):
    """Create or edit an action (its status and progress move through progress updates)."""

    title = StringField(_l("Intitulé"), filters=[strip], validators=[DataRequired(REQUIRED), Length(max=255)])
    description = TextAreaField(_l("Description"), filters=[strip], validators=[Optional(), Length(max=TEXT_MAX)])
    kind = SelectField(_l("Type d'action"), choices=ActionKind.choices(), validators=[DataRequired(REQUIRED)])
    audience = StringField(_l("Public visé"), filters=[strip], validators=[Optional(), Length(max=255)],
                           description=_l("Pour une sensibilisation ou une formation : qui y participe."))
    responsible_organisation_id = SelectField(_l("Organisme responsable"), coerce=int_or_none,
                                              validators=[DataRequired(REQUIRED)])
    assignee_id = SelectField(_l("Personne chargée de l'action"), coerce=int_or_none, validators=[Optional()],
                              description=_l("Un compte de l'organisme responsable."))
    contributor_ids = SelectMultipleField(_l("Organismes contributeurs"), coerce=bounded_int,
                                          description=_l("Maintenez Ctrl (ou Cmd) pour en choisir plusieurs."))
    due_on = FrenchDateField(_l("Échéance"), validators=[Optional()])
    cost = FrenchDecimalField(_l("Coût (€)"), places=2, validators=[Optional()],
                              render_kw={"inputmode": "decimal"}, description=_l("Par exemple : 1 250,50"))
    commitment_id = SelectField(_l("Engagement de la convention"), coerce=int_or_none, validators=[Optional()])

    def validate_cost(self, field):
        if field.data is not None and not 0 <= field.data < 10**10:
            raise ValidationError(_l("Le coût est un montant positif."))


class ActionUpdateForm(FlaskForm):
    """A progress update: a note, maybe a new percentage or status, maybe a photo."""

    note = TextAreaField(_l("Point d'avancement"), filters=[strip],
                         validators=[DataRequired(REQUIRED), Length(max=TEXT_MAX)],
                         description=_l("Ce qui a été fait, ce qui bloque, les prochaines étapes. Pour une action "
                                        "bloquée, la note en donne la raison."))
    progress = IntegerField(_l("Nouvel avancement (%)"),
                            validators=[Optional(), NumberRange(min=0, max=100, message=PERCENT)],
                            render_kw={"inputmode": "numeric", "min": 0, "max": 100})
    status = SelectField(_l("Nouveau statut"), choices=[("", _l("— Inchangé —"))] + ActionStatus.choices(),
                         validators=[Optional()], validate_choice=False)  # the lifecycle explains a refusal
    photo = FileField(_l("Photo (facultatif)"), render_kw={"accept": "image/*", "capture": "environment"},
                      description=_l("Une photo JPEG, PNG ou WebP prise sur place ; ses métadonnées (position GPS) "
                                     "sont retirées."))
    resolve_findings = BooleanField(_l("Marquer aussi les constats liés comme résolus"), default=False)

    def validate_status(self, field):
        if field.data and field.data not in {s.value for s in ActionStatus}:
            raise ValidationError(_l("Statut inconnu."))

    def offer_statuses(self, current: ActionStatus) -> None:
        """Propose only the moves the lifecycle allows from the current status."""
        self.status.choices = [("", _l("— Inchangé —"))] + [(s.value, s.label) for s in ActionStatus
                                                            if s in ACTION_NEXT[current]]


class ActionFilterForm(FlaskForm):
    """Filters of the actions list and of its CSV export (GET, no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(_l("Rechercher"), filters=[strip], validators=[Optional(), Length(max=SEARCH_MAX)],
                    description=_l("N°, intitulé ou description"))
    agreement_id = SelectField(_l("Convention"), coerce=int_or_none, validate_choice=False)
    neighbourhood_id = SelectField(_l("Quartier"), coerce=int_or_none, validate_choice=False)
    theme_id = SelectField(_l("Thématique"), coerce=int_or_none, validate_choice=False)
    organisation_id = SelectField(_l("Organisme responsable"), coerce=int_or_none, validate_choice=False)
    status = SelectField(_l("Statut"), choices=[("", _l("Tous")), (OPEN_GROUP, _l("En cours (non clos)"))]
                         + ActionStatus.choices(), validate_choice=False)
    overdue = SelectField(_l("Échéance"), choices=[("", _l("Toutes")), ("1", _l("En retard")),
                                                   ("0", _l("Dans les temps"))], validate_choice=False)
