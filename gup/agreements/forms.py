"""Forms of agreements, partners, signatories, amendments, commitments and themes."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from gup.agreements.models import (
    REFERENCE_ERROR,
    REFERENCE_PATTERN,
    AgreementKind,
    AgreementStatus,
    CommitmentStatus,
    FundingSource,
    SignatoryRole,
    TfpbAxis,
)
from gup.forms_common import (
    BAD_NUMBER,
    REQUIRED,
    FrenchDateField,
    FrenchDecimalField,
    RequiredDate,
    SelectField,
    SelectMultipleField,
    bounded_int,
    int_or_none,
    strip,
)
from gup.inputs import AMOUNT_MAX, INDICATOR_MAX, TEXT_MAX

NO_CHOICE = _l("— Aucun —")


def _none_choice(label=NO_CHOICE):
    return [("", label)]


class AgreementForm(FlaskForm):
    reference = StringField(_l("Référence"), filters=[strip],
                            validators=[DataRequired(REQUIRED), Length(max=60),
                                        Regexp(REFERENCE_PATTERN, message=REFERENCE_ERROR)],
                            description=_l("Identifiant unique, par exemple GUP-BELLERIVE-2025."))
    title = StringField(_l("Intitulé"), filters=[strip], validators=[DataRequired(REQUIRED), Length(max=255)])
    kind = SelectField(_l("Type de convention"), choices=AgreementKind.choices(), validators=[DataRequired(REQUIRED)])
    start_on = FrenchDateField(_l("Date de début"), validators=[RequiredDate()])
    end_on = FrenchDateField(_l("Date de fin"), validators=[RequiredDate()])
    midterm_on = FrenchDateField(_l("Date de l'évaluation à mi-parcours"), validators=[Optional()],
                                 description=_l("Laisser vide : 3 ans après le début, ou à mi-chemin pour une "
                                                "convention de moins de 6 ans."))
    city_contract = StringField(_l("Contrat de ville de rattachement"), filters=[strip],
                                validators=[Optional(), Length(max=255)])
    renewal_agreement = StringField(_l("Convention NPNRU de rattachement"), filters=[strip],
                                    validators=[Optional(), Length(max=255)])
    predecessor_id = SelectField(_l("Convention précédente"), coerce=int_or_none, validate_choice=True)
    territory_ids = SelectMultipleField(_l("Quartiers couverts"), coerce=bounded_int,
                                        description=_l("Maintenez Ctrl (ou Cmd) pour en choisir plusieurs."))
    theme_ids = SelectMultipleField(_l("Thématiques"), coerce=bounded_int,
                                    description=_l("Maintenez Ctrl (ou Cmd) pour en choisir plusieurs."))
    coordinator_ids = SelectMultipleField(_l("Coordonnateur·rices"), coerce=bounded_int)


class AgreementStatusForm(FlaskForm):
    status = SelectField(_l("Nouveau statut"), choices=AgreementStatus.choices(), validators=[DataRequired(REQUIRED)])


class PartnerForm(FlaskForm):
    organisation_id = SelectField(_l("Organisme"), coerce=int_or_none, validators=[DataRequired(REQUIRED)])
    referent = StringField(_l("Référent·e GUP (nom, fonction)"), filters=[strip], validators=[Optional(),
                                                                                              Length(max=200)])


class SignatoryForm(FlaskForm):
    organisation_id = SelectField(_l("Organisme signataire"), coerce=int_or_none, validators=[DataRequired(REQUIRED)])
    role = SelectField(_l("Qualité"), choices=SignatoryRole.choices(), validators=[DataRequired(REQUIRED)])
    signer_name = StringField(_l("Nom du ou de la signataire"), filters=[strip],
                              validators=[DataRequired(REQUIRED), Length(max=200)])
    signer_title = StringField(_l("Fonction du ou de la signataire"), filters=[strip],
                               validators=[DataRequired(REQUIRED), Length(max=200)])
    signed_on = FrenchDateField(_l("Date de signature"), validators=[Optional()],
                                description=_l("Laisser vide tant que la convention n'est pas signée."))


class AmendmentForm(FlaskForm):
    signed_on = FrenchDateField(_l("Date de signature de l'avenant"), validators=[RequiredDate()])
    subject = TextAreaField(_l("Objet"), filters=[strip], validators=[DataRequired(REQUIRED), Length(max=TEXT_MAX)])
    new_end_on = FrenchDateField(_l("Nouvelle date de fin"), validators=[Optional()],
                                 description=_l("Seulement si l'avenant prolonge ou raccourcit la convention."))


class CommitmentForm(FlaskForm):
    reference = StringField(_l("Référence"), filters=[strip], validators=[Optional(), Length(max=40)],
                            description=_l("Laisser vide pour une numérotation automatique (ENG-01, ENG-02…)."))
    partner_id = SelectField(_l("Partenaire engagé"), coerce=int_or_none, validators=[DataRequired(REQUIRED)])
    theme_id = SelectField(_l("Thématique"), coerce=int_or_none, validators=[DataRequired(REQUIRED)])
    title = StringField(_l("Intitulé"), filters=[strip], validators=[DataRequired(REQUIRED), Length(max=255)])
    description = TextAreaField(_l("Description"), filters=[strip], validators=[Optional(), Length(max=TEXT_MAX)])
    funding_source = SelectField(_l("Source de financement"), choices=FundingSource.choices(),
                                 validators=[DataRequired(REQUIRED)])
    tfpb_axis = SelectField(_l("Axe TFPB"), choices=_none_choice() + TfpbAxis.choices(), validators=[Optional()],
                            description=_l("Obligatoire pour un financement par l'abattement de TFPB."))
    planned_investment_amount = FrenchDecimalField(_l("Investissement prévu (€)"), places=2,
                                             validators=[Optional(), NumberRange(min=0, max=AMOUNT_MAX)],
                                             render_kw={"inputmode": "decimal"})
    planned_operating_amount = FrenchDecimalField(_l("Fonctionnement prévu (€)"), places=2,
                                            validators=[Optional(), NumberRange(min=0, max=AMOUNT_MAX)],
                                            render_kw={"inputmode": "decimal"})
    indicator_label = StringField(_l("Indicateur"), filters=[strip], validators=[Optional(), Length(max=255)])
    indicator_unit = StringField(_l("Unité"), filters=[strip], validators=[Optional(), Length(max=60)])
    indicator_baseline = FrenchDecimalField(_l("Valeur de référence"), validators=[Optional()],
                                      render_kw={"inputmode": "decimal"})
    indicator_target = FrenchDecimalField(_l("Cible"), validators=[Optional()], render_kw={"inputmode": "decimal"})
    due_on = FrenchDateField(_l("Échéance"), validators=[Optional()])
    status = SelectField(_l("Statut"), choices=CommitmentStatus.choices(), validators=[DataRequired(REQUIRED)])
    progress = IntegerField(_l("Avancement (%)"), default=0,
                            validators=[Optional(), NumberRange(min=0, max=100, message=_l("Entre 0 et 100."))],
                            render_kw={"inputmode": "numeric", "min": 0, "max": 100})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("planned_investment_amount", "planned_operating_amount", "indicator_baseline",
                     "indicator_target", "progress"):
            getattr(self, name).messages = {"invalid": BAD_NUMBER}


class CommitmentUpdateForm(FlaskForm):
    note = TextAreaField(_l("Point d'avancement"), filters=[strip], validators=[DataRequired(REQUIRED),
                                                                                Length(max=TEXT_MAX)],
                         description=_l("Ce qui a été fait, ce qui bloque, les prochaines étapes."))
    progress = IntegerField(_l("Nouvel avancement (%)"),
                            validators=[Optional(), NumberRange(min=0, max=100, message=_l("Entre 0 et 100."))],
                            render_kw={"inputmode": "numeric", "min": 0, "max": 100})
    status = SelectField(_l("Nouveau statut"), choices=_none_choice(_l("— Inchangé —")) + CommitmentStatus.choices(),
                         validators=[Optional()])
    investment_spent = FrenchDecimalField(
        _l("Investissement dépensé à ce jour (€)"), places=2,
        validators=[Optional(), NumberRange(min=0, max=AMOUNT_MAX, message=_l("Montant positif attendu."))],
        render_kw={"inputmode": "decimal"},
        description=_l("Total versé depuis le début de l'engagement, pas seulement depuis le dernier point."))
    operating_spent = FrenchDecimalField(
        _l("Fonctionnement dépensé à ce jour (€)"), places=2,
        validators=[Optional(), NumberRange(min=0, max=AMOUNT_MAX, message=_l("Montant positif attendu."))],
        render_kw={"inputmode": "decimal"})
    spent_on = FrenchDateField(_l("Dépenses arrêtées au"), validators=[Optional()],
                               description=_l("Par défaut : aujourd'hui."))
    indicator_value = FrenchDecimalField(
        _l("Valeur observée de l'indicateur"), places=2,
        validators=[Optional(), NumberRange(min=-INDICATOR_MAX, max=INDICATOR_MAX,
                                                message=_l("Valeur hors limites."))],
        render_kw={"inputmode": "decimal"})
    measured_on = FrenchDateField(_l("Mesurée le"), validators=[Optional()],
                                  description=_l("Par défaut : aujourd'hui."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("investment_spent", "operating_spent", "indicator_value", "progress"):
            getattr(self, name).messages = {"invalid": BAD_NUMBER}


class ThemeForm(FlaskForm):
    code = StringField(_l("Code"), filters=[strip],
                       validators=[DataRequired(REQUIRED), Length(max=60),
                                   Regexp(r"^[a-z0-9_]+$", message=_l("Minuscules, chiffres et _ uniquement."))])
    label = StringField(_l("Libellé"), filters=[strip], validators=[DataRequired(REQUIRED), Length(max=120)])
    position = IntegerField(_l("Ordre d'affichage"), default=0, validators=[Optional(), NumberRange(min=0, max=1000)])
    is_active = BooleanField(_l("Active (proposée dans les formulaires)"), default=True)


class CommitmentFilterForm(FlaskForm):
    """Filters of the commitments list (GET, no CSRF)."""

    class Meta:
        csrf = False

    agreement_id = SelectField(_l("Convention"), coerce=int_or_none, validate_choice=False)
    organisation_id = SelectField(_l("Partenaire"), coerce=int_or_none, validate_choice=False)
    theme_id = SelectField(_l("Thématique"), coerce=int_or_none, validate_choice=False)
    status = SelectField(_l("Statut"), choices=_none_choice(_l("Tous")) + CommitmentStatus.choices(),
                         validate_choice=False)
    overdue = SelectField(_l("Échéance"), choices=[("", _l("Toutes")), ("1", _l("En retard")),
                                                   ("0", _l("Dans les temps"))], validate_choice=False)
