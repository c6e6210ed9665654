"""Forms of user administration."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, StringField
from wtforms.validators import DataRequired, Email, Length

from gup.auth.models import Role
from gup.forms_common import SelectField, int_or_none, strip


class UserForm(FlaskForm):
    full_name = StringField(_l("Nom complet"), filters=[strip],
                            validators=[DataRequired(_l("Champ obligatoire.")), Length(max=200)])
    email = EmailField(_l("Adresse e-mail"), filters=[strip],
                       validators=[DataRequired(_l("Champ obligatoire.")), Email(_l("Adresse e-mail invalide."),
                                                                                  check_deliverability=False),
                                   Length(max=254)])
    role = SelectField(_l("Rôle"), choices=Role.choices())
    organisation_id = SelectField(_l("Organisme"), coerce=int_or_none,
                                  description=_l("Obligatoire pour un·e référent·e partenaire."))
    is_active = BooleanField(_l("Compte actif"), default=True)


class PasswordLinkForm(FlaskForm):
    """The « Renvoyer l'invitation » and « Envoyer un lien de réinitialisation » buttons (CSRF token only)."""
