"""Forms of user administration."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, StringField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from gup.auth.models import Role
from gup.auth.services import user_by_email
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

    def validate(self, extra_validators=None) -> bool:
        """Every error at once: the cross-field rule the service also enforces is checked with the fields."""
        valid = super().validate(extra_validators)
        if self.role.data == Role.PARTNER_REFERENT.value and not self.organisation_id.data \
                and not self.organisation_id.errors:
            self.organisation_id.errors = [*self.organisation_id.errors,
                                           _l("Un·e référent·e partenaire doit appartenir à un organisme.")]
            valid = False
        return valid


class NewUserForm(UserForm):
    """Account creation: the address must also be free (said with the other errors, not after them)."""

    def validate_email(self, field) -> None:
        if field.data and user_by_email(field.data) is not None:
            raise ValidationError(_l("Un compte existe déjà avec cette adresse e-mail."))


class PasswordLinkForm(FlaskForm):
    """The « Renvoyer l'invitation » and « Envoyer un lien de réinitialisation » buttons (CSRF token only)."""
