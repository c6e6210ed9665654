"""Forms of the territory tree."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from gup.forms_common import SelectField, int_or_none, strip
from gup.territory.models import TerritoryKind


class TerritoryForm(FlaskForm):
    kind = SelectField(_l("Niveau"), choices=TerritoryKind.choices())
    parent_id = SelectField(_l("Rattaché à"), coerce=int_or_none,
                            description=_l("Une résidence dans un quartier, un bâtiment dans une résidence, une cage "
                                           "d'escalier dans un bâtiment ; un quartier n'est rattaché à rien."))
    name = StringField(_l("Nom"), filters=[strip], validators=[DataRequired(_l("Champ obligatoire.")), Length(max=200)])
    code = StringField(_l("Code"), filters=[strip],
                       validators=[DataRequired(_l("Champ obligatoire.")), Length(max=80),
                                   Regexp(r"^[a-z0-9][a-z0-9-]*$", message=_l("Minuscules, chiffres et tirets."))])
    qpv_code = StringField(_l("Code QPV"), filters=[strip], validators=[Optional(), Length(max=20)],
                           description=_l("Pour un quartier prioritaire de la politique de la ville uniquement."))
    address = StringField(_l("Adresse"), filters=[strip], validators=[Optional(), Length(max=255)])
    housing_provider_id = SelectField(_l("Bailleur"), coerce=int_or_none)
