"""Forms of participatory budgets: coordination pages (a campaign, a review, a tally, an override, a delivery,
a merge, « Transformer en proposition ») and public pages (a proposal, a vote)."""

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from gup.budget.models import PBPhase, PBProject, ProjectStatus
from gup.forms_common import (
    REQUIRED,
    TOO_LONG,
    FrenchDateField,
    ResidentContact,
    SelectField,
    SelectMultipleField,
    contact_fields,
    honeypot_field,
    int_or_none,
    strip,
)
from gup.policy import can

AMOUNT_HELP = _l("En euros, par exemple 25 000 ou 1 250,50.")


class CampaignForm(FlaskForm):
    title = StringField(_l("Intitulé"), filters=[strip], validators=[DataRequired(REQUIRED), Length(max=200)])
    year = IntegerField(_l("Année"), validators=[InputRequired(REQUIRED), NumberRange(2000, 2100)])
    neighbourhood_id = SelectField(_l("Quartier (facultatif)"), coerce=int_or_none, validators=[Optional()],
                                   description=_l("Laissez vide pour toute la convention."))
    envelope = StringField(_l("Enveloppe (€)"), filters=[strip], description=AMOUNT_HELP,
                           validators=[DataRequired(REQUIRED), Length(max=20)])
    eligible_territory_id = SelectField(_l("Territoire éligible (facultatif)"), coerce=int_or_none,
                                        validators=[Optional()])
    min_age = IntegerField(_l("Âge minimum pour voter et proposer (facultatif)"),
                           validators=[Optional(), NumberRange(0, 120)])
    investment_only = BooleanField(_l("Dépenses d'investissement uniquement"), default=True)
    max_cost = StringField(_l("Coût maximum par projet (€, facultatif)"), filters=[strip],
                           validators=[Optional(), Length(max=20)])
    choices_per_voter = IntegerField(_l("Nombre de projets choisis par votant"), default=3,
                                     validators=[InputRequired(REQUIRED), NumberRange(1, 50)])
    proposals_on = FrenchDateField(_l("Début du dépôt des propositions"), validators=[Optional()])
    review_on = FrenchDateField(_l("Début de l'étude"), validators=[Optional()])
    vote_on = FrenchDateField(_l("Début du vote"), validators=[Optional()])
    results_on = FrenchDateField(_l("Résultats le"), validators=[Optional()])
    delivery_on = FrenchDateField(_l("Début de la réalisation"), validators=[Optional()])
    closed_on = FrenchDateField(_l("Clôture le"), validators=[Optional()])


class ReviewForm(FlaskForm):
    decision = SelectField(_l("Décision"), choices=[("eligible", _l("Recevable")),
                                                   ("ineligible", _l("Non recevable"))],
                           validators=[DataRequired(REQUIRED)])
    reason = TextAreaField(_l("Motif (communiqué à l'auteur ; obligatoire si non recevable)"), filters=[strip],
                           validators=[Optional(), Length(max=2000)])
    reviewed_cost = StringField(_l("Coût après étude (€)"), filters=[strip], validators=[Optional(), Length(max=20)])
    feasibility_note = TextAreaField(_l("Faisabilité"), filters=[strip], validators=[Optional(), Length(max=4000)])


class TallyForm(FlaskForm):
    """A polling place; the votes per project are read from the `votes-<project id>` fields of the same form."""

    polling_place = StringField(_l("Lieu de vote"), filters=[strip],
                                description=_l("Par exemple « Mairie annexe » ou « Fête de quartier du 12 mai ». "
                                               "Saisir à nouveau un lieu corrige ses chiffres."),
                                validators=[DataRequired(REQUIRED), Length(max=200)])


class OverrideForm(FlaskForm):
    decision = SelectField(_l("Décision"), choices=[("in", _l("Retenir le projet")),
                                                   ("out", _l("Écarter le projet"))],
                           validators=[DataRequired(REQUIRED)])
    reason = TextAreaField(_l("Motif (obligatoire, publié avec les résultats)"), filters=[strip],
                           validators=[Optional(), Length(max=2000)])


class DeliverForm(FlaskForm):
    responsible_organisation_id = SelectField(_l("Organisme responsable"), coerce=int_or_none,
                                              validators=[Optional()])
    due_on = FrenchDateField(_l("Échéance (facultative)"), validators=[Optional()])


class MergeForm(FlaskForm):
    merged_into_id = SelectField(_l("Fusionner dans la proposition"), coerce=int_or_none, validators=[Optional()])
    reason = TextAreaField(_l("Motif (communiqué à l'auteur)"), filters=[strip],
                           validators=[Optional(), Length(max=2000)])


class ProposalFromForm(FlaskForm):
    campaign_id = SelectField(_l("Campagne"), coerce=int_or_none, validators=[Optional()])
    title = StringField(_l("Titre de la proposition (facultatif)"), filters=[strip],
                        description=_l("Laissez vide pour reprendre le début de la description."),
                        validators=[Optional(), Length(max=200)])


MERGE_PHASES = (PBPhase.PROPOSALS, PBPhase.REVIEW)


def merge_form(project: PBProject, user: Any, form: MergeForm | None = None) -> MergeForm | None:
    """The merge form of a proposal's page, offering the other proposals of its campaign that may absorb it."""
    if form is None and (project.campaign.phase not in MERGE_PHASES or project.status is ProjectStatus.MERGED
                         or not can(user, "merge", project)):
        return None
    form = form or MergeForm(formdata=None)
    form.merged_into_id.choices = [("", _("— Choisir —"))] + [
        (p.id, f"n° {p.id} — {p.title}") for p in project.campaign.projects
        if p.id != project.id and p.status not in (ProjectStatus.MERGED, ProjectStatus.INELIGIBLE)]
    return form
# --- public pages (no account) -------------------------------------------------------------------------------

MAX_DESCRIPTION = 5000


def id_or_none(value: Any) -> int | None:
    """A posted choice as an id; anything else (tampered input) means none, never an English error."""
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip()) if value not in (None, "", "None") else None
    except ValueError:
        return None


class AgeCheck:
    """The campaign's minimum age (set by the view): a box the resident ticks to say they have it."""

    #: the campaign's minimum age, None: no age rule
    min_age: int | None = None

    def set_min_age(self, min_age: int | None) -> None:
        self.min_age = min_age
        if min_age:
            self.age_confirmed.label.text = _("J'ai %(age)s ans ou plus", age=min_age)

    def validate_age_confirmed(self, field: Any) -> None:
        if self.min_age and not field.data:
            raise ValidationError(_("Cette campagne est ouverte à partir de %(age)s ans : cochez la case pour "
                                    "confirmer votre âge.", age=self.min_age))


class PublicProposalForm(AgeCheck, ResidentContact, FlaskForm):
    """« Proposer un projet »: title, description, place, estimated cost, optional contact, honeypot."""

    title = StringField(_l("Titre de votre proposition"), filters=[strip],
                        validators=[DataRequired(_l("Donnez un titre à votre proposition.")),
                                    Length(max=200, message=TOO_LONG)],
                        render_kw={"maxlength": 200})
    description = TextAreaField(_l("Description"), filters=[strip],
                                validators=[DataRequired(_l("Décrivez votre proposition.")),
                                            Length(max=MAX_DESCRIPTION, message=TOO_LONG)],
                                render_kw={"rows": 6, "maxlength": MAX_DESCRIPTION})
    place_id = SelectField(_l("Lieu (facultatif)"), coerce=id_or_none, validate_choice=False,
                           validators=[Optional()])
    estimated_cost = StringField(_l("Coût estimé en euros (facultatif)"), filters=[strip],
                                 validators=[Optional(), Length(max=20, message=TOO_LONG)],
                                 render_kw={"inputmode": "decimal", "maxlength": 20})
    contact_name, contact_email, contact_phone = contact_fields()
    contact_consent = BooleanField(_l("J'accepte d'être contacté·e au sujet de cette proposition"))
    age_confirmed = BooleanField(_l("J'ai l'âge minimum de la campagne"))
    website = honeypot_field()

    #: ids of the campaign's eligible places, set by the view
    place_ids: frozenset[int] = frozenset()

    def validate_place_id(self, field: Any) -> None:
        if field.data is not None and field.data not in self.place_ids:
            raise ValidationError(_l("Choisissez un lieu dans la liste."))


class VoteForm(AgeCheck, FlaskForm):
    """« Voter »: the voting code and the projects chosen (checked in the service: 1 to K, votable)."""

    code = StringField(_l("Votre code de vote"), filters=[strip],
                       validators=[DataRequired(_l("Saisissez le code de vote reçu dans votre boîte aux lettres.")),
                                   Length(max=40, message=TOO_LONG)],
                       render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false",
                                  "maxlength": 40})
    project_ids = SelectMultipleField(_l("Projets choisis"), coerce=id_or_none, validate_choice=False)
    age_confirmed = BooleanField(_l("J'ai l'âge minimum de la campagne"))

    #: the campaign's K, set by the view
    max_choices: int = 50

    def validate_project_ids(self, field: Any) -> None:
        if not field.data:
            raise ValidationError(_l("Choisissez au moins un projet."))
        if len(field.data) > self.max_choices:
            raise ValidationError(_l("Vous pouvez choisir au plus %(k)s projets.", k=self.max_choices))
