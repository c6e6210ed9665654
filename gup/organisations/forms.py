"""Forms of organisations."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from gup.forms_common import SelectField, strip
from gup.organisations.models import OrganisationKind


class OrganisationForm(FlaskForm):
    code = StringField(_l("Code"), filters=[strip],
                       validators=[DataRequired(_l("Champ obligatoire.")), Length(max=60),
                                   Regexp(r"^[a-z0-9][a-z0-9-]*$", message=_l("Minuscules, chiffres et tirets."))],
                       description=_l("Identifiant court utilisé dans les fichiers de convention, "
                                      "ex. ville-bellerive."))
    name = StringField(_l("Nom"), filters=[strip], validators=[DataRequired(_l("Champ obligatoire.")), Length(max=200)])
    kind = SelectField(_l("Type d'organisme"), choices=OrganisationKind.choices())
    is_active = BooleanField(_l("Actif"), default=True)
