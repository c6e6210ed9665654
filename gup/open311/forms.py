"""Form of the Open311 client administration page."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from gup.forms_common import strip


class ClientForm(FlaskForm):
    name = StringField(_l("Nom de l'application cliente"), filters=[strip],
                       validators=[DataRequired(_l("Donnez le nom de l'application cliente.")), Length(max=120)],
                       description=_l("Par exemple : application mobile de la ville, outil de gestion du bailleur."))
