"""Forms of user administration."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
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


class NewUserForm(UserForm):
    password = PasswordField(_l("Mot de passe initial"),
                             validators=[DataRequired(_l("Champ obligatoire.")), Length(max=200)],
                             description=_l("Au moins 12 caractères ; à transmettre à la personne, qui le changera."),
                             render_kw={"autocomplete": "new-password"})


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("Nouveau mot de passe"),
                             validators=[DataRequired(_l("Champ obligatoire.")), Length(max=200)],
                             description=_l("Au moins 12 caractères. Les sessions de la personne sont fermées."),
                             render_kw={"autocomplete": "new-password"})
