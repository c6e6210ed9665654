"""Form of « Mes actions »: the bulk status change."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from gup.forms_common import (
    REQUIRED,
    SelectField,
    SelectMultipleField,
    strip,
)
from gup.inputs import TEXT_MAX

#: target statuses of the bulk update (findings and actions share planned and in progress)
BULK_TARGETS = [
    ("accepted", _l("Accepté (constats)")),
    ("refused", _l("Refusé — la note donne la raison (constats)")),
    ("planned", _l("Programmé / prévue")),
    ("in_progress", _l("En cours")),
    ("resolved", _l("Résolu (constats)")),
    ("done", _l("Réalisée (actions)")),
    ("blocked", _l("Bloquée — la note donne la raison (actions)")),
    ("cancelled", _l("Annulée (actions)")),
]


class BulkStatusForm(FlaskForm):
    """Move several findings and actions of "Mes actions" at once."""

    items = SelectMultipleField(_l("Éléments à mettre à jour"), coerce=str, validate_choice=False,
                                validators=[DataRequired(_l("Cochez au moins un élément de la liste."))])
    status = SelectField(_l("Nouveau statut"), choices=[("", _l("— Choisir —"))] + BULK_TARGETS,
                         validators=[DataRequired(REQUIRED)])
    note = TextAreaField(_l("Note"), filters=[strip], validators=[DataRequired(REQUIRED), Length(max=TEXT_MAX)],
                         description=_l("Enregistrée sur chaque élément : ce qui a été fait, ou la raison d'un refus "
                                        "ou d'un blocage."))
