"""Form of the Open311 client administration page."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length

from gup.forms_common import strip


class RightsForm(FlaskForm):
    """A client's rights under the public-disclosure rule (gup.hotline.disclosure)."""

    public_intake = BooleanField(
        _l("L'application prévient ses utilisateurs que leur description et l'adresse sont publiées"),
        description=_l("Cochée : les signalements qu'elle dépose sont publiés tels qu'écrits. Sinon, seule une "
                       "formulation validée par la coordination est publiée."))
    reads_private = BooleanField(
        _l("L'application peut lire les descriptions et adresses non publiées"),
        description=_l("Pour un partenaire de confiance (logiciel du bailleur…) : ses requêtes GET avec sa clé "
                       "reçoivent la description et l'adresse de tous les signalements, jamais les coordonnées."))


class ClientForm(RightsForm):
    name = StringField(_l("Nom de l'application cliente"), filters=[strip],
                       validators=[DataRequired(_l("Donnez le nom de l'application cliente.")), Length(max=120)],
                       description=_l("Par exemple : application mobile de la ville, outil de gestion du bailleur."))
