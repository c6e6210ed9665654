"""Forms of findings: the phone-first logging form, correction, routing, status, photos, action, routing table."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from gup.findings.models import FindingKind, FindingStatus, LandOwnership, Priority
from gup.forms_common import (
    OPEN_GROUP,
    REQUIRED,
    FrenchDateField,
    FrenchFloatField,
    RadioField,
    RequiredDate,
    SelectField,
    int_or_none,
    strip,
)
from gup.inputs import TEXT_MAX
from gup.orm import SEARCH_MAX

PHOTO_ACCEPT = {"accept": "image/*", "capture": "environment"}


class _FindingFields(FlaskForm):
    """What a finding says and where it is (shared by logging and correcting)."""

    kind = RadioField(_l("Type de constat"), choices=FindingKind.choices(), default=FindingKind.ISSUE.value,
                      validators=[DataRequired(REQUIRED)])
    theme_id = SelectField(_l("Thématique"), coerce=int_or_none, validators=[DataRequired(REQUIRED)])
    stop_id = SelectField(_l("Halte"), coerce=int_or_none, validators=[Optional()])
    description = TextAreaField(_l("Description"), filters=[strip],
                                validators=[DataRequired(_l("Décrivez le constat.")), Length(max=TEXT_MAX)],
                                render_kw={"rows": 4})
    resident_quote = TextAreaField(_l("Parole d'habitant (facultatif)"), filters=[strip],
                                   validators=[Optional(), Length(max=TEXT_MAX)], render_kw={"rows": 2},
                                   description=_l("Ce qu'un habitant a dit, sans son nom ni rien qui "
                                                  "permette de le reconnaître."))
    address = StringField(_l("Adresse ou repère"), filters=[strip], validators=[Optional(), Length(max=255)],
                          render_kw={"autocomplete": "street-address"})
    latitude = FrenchFloatField(_l("Latitude"), minimum=-90, maximum=90)
    longitude = FrenchFloatField(_l("Longitude"), minimum=-180, maximum=180)
    territory_id = SelectField(_l("Lieu (quartier, résidence, bâtiment, cage d'escalier)"), coerce=int_or_none,
                               validators=[Optional()])
    land_ownership = SelectField(_l("Domanialité"), choices=[("", _l("— Inconnue —"))] + LandOwnership.choices(),
                                 validators=[Optional()],
                                 description=_l("À qui appartient le lieu : elle désigne l'organisme qui doit "
                                                "agir."))
    priority = RadioField(_l("Priorité"), choices=Priority.choices(), default=Priority.THIS_YEAR.value,
                          validators=[DataRequired(REQUIRED)])

    def validate_longitude(self, field):
        if (self.latitude.value is None) != (field.value is None) and not self.latitude.errors:
            raise ValidationError(_l("Indiquez la latitude et la longitude, ou aucune des deux."))


class FindingForm(_FindingFields):
    """Log a finding (phone-first): the fields above, who must act, photos."""

    responsible_organisation_id = SelectField(_l("Organisme responsable"), coerce=int_or_none,
                                              validators=[Optional()])
    reason = TextAreaField(_l("Raison du choix d'un autre organisme"), filters=[strip],
                           validators=[Length(max=2000)], render_kw={"rows": 2})  # no Optional(): see validate_reason
    photos = MultipleFileField(_l("Photos"), render_kw=PHOTO_ACCEPT)

    #: the routing suggestion's organisation id, set by the view before validation
    suggested_id: int | None = None

    def validate_reason(self, field):
        chosen = self.responsible_organisation_id.data if "responsible_organisation_id" in self else None
        if chosen and self.suggested_id and chosen != self.suggested_id and not field.data:
            raise ValidationError(_l("Indiquez pourquoi vous choisissez un autre organisme que celui proposé."))


class FindingEditForm(_FindingFields):
    """Correct a finding (coordination): the fields above and the due date."""

    due_on = FrenchDateField(_l("Échéance"), validators=[RequiredDate()],
                             description=_l("Sans objet pour un point positif."))

    def validate(self, extra_validators=None):
        if self.kind.data == FindingKind.STRENGTH.value:  # a positive point has no due date: whatever is typed
            self.due_on.validators = [Optional()]
            self.due_on.process_errors = []
        return super().validate(extra_validators)


class RouteForm(FlaskForm):
    organisation_id = SelectField(_l("Organisme responsable"), coerce=int_or_none,
                                  validators=[DataRequired(REQUIRED)])
    reason = TextAreaField(_l("Raison"), filters=[strip], validators=[Optional(), Length(max=2000)],
                           render_kw={"rows": 2},
                           description=_l("Obligatoire quand le constat change d'organisme ; elle reste dans "
                                          "l'historique des transmissions."))


class StatusForm(FlaskForm):
    status = SelectField(_l("Nouveau statut"), validators=[DataRequired(REQUIRED)])
    note = TextAreaField(_l("Note"), filters=[strip], validators=[Optional(), Length(max=TEXT_MAX)],
                         render_kw={"rows": 3},
                         description=_l("Obligatoire pour un refus (la raison) et pour une réorientation "
                                        "(vers qui) ; pour une résolution, ce qui a été fait."))
    photo = FileField(_l("Photo de la résolution (facultatif)"), render_kw=PHOTO_ACCEPT)

    def set_targets(self, targets: list[FindingStatus]) -> None:
        self.status.choices = [("", _l("— Choisir —"))] + [(t.value, t.label) for t in targets]


class PhotosForm(FlaskForm):
    photos = MultipleFileField(_l("Ajouter des photos"), render_kw=PHOTO_ACCEPT)

    def validate_photos(self, field):
        if not field.data:
            raise ValidationError(_l("Choisissez au moins une photo."))


class ActionForm(FlaskForm):
    title = StringField(_l("Intitulé de l'action"), filters=[strip],
                        validators=[DataRequired(REQUIRED), Length(max=255)])
    due_on = FrenchDateField(_l("Échéance de l'action"), validators=[Optional()])


class FindingFilterForm(FlaskForm):
    """Filters of the findings list and of its CSV export (GET, no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(_l("Rechercher"), filters=[strip], validators=[Optional(), Length(max=SEARCH_MAX)],
                    description=_l("N°, intitulé ou description"))
    agreement_id = SelectField(_l("Convention"), coerce=int_or_none, validate_choice=False)
    neighbourhood_id = SelectField(_l("Quartier"), coerce=int_or_none, validate_choice=False)
    theme_id = SelectField(_l("Thématique"), coerce=int_or_none, validate_choice=False)
    organisation_id = SelectField(_l("Organisme responsable"), coerce=int_or_none, validate_choice=False)
    status = SelectField(_l("Statut"), choices=[("", _l("Tous")), (OPEN_GROUP, _l("En cours (non clos)"))]
                         + FindingStatus.choices(), validate_choice=False)
    priority = SelectField(_l("Priorité"), choices=[("", _l("Toutes"))] + Priority.choices(), validate_choice=False)
    overdue = SelectField(_l("Échéance"), choices=[("", _l("Toutes")), ("1", _l("En retard")),
                                                   ("0", _l("Dans les temps"))], validate_choice=False)
    recurring = SelectField(_l("Récurrence"), choices=[("", _l("Tous")), ("1", _l("Problèmes structurels"))],
                            validate_choice=False)


class RoutingRuleForm(FlaskForm):
    land_ownership = SelectField(_l("Domanialité"), choices=[("", _l("— Choisir —"))] + LandOwnership.choices(),
                                 validators=[DataRequired(REQUIRED)])
    theme_id = SelectField(_l("Thématique"), coerce=int_or_none, validators=[Optional()],
                           description=_l("« Toutes » : la règle vaut pour les thématiques sans règle propre."))
    organisation_id = SelectField(_l("Organisme responsable"), coerce=int_or_none,
                                  validators=[DataRequired(REQUIRED)])
