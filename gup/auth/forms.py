"""Forms of accounts."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import AnyOf, DataRequired, EqualTo, Length, ValidationError

from gup.auth.services import password_problem
from gup.forms_common import SelectField, strip
from gup.notifications.models import NotificationPreference


class LoginForm(FlaskForm):
    email = EmailField(_l("Adresse e-mail"), filters=[strip],
                       validators=[DataRequired(_l("Indiquez votre adresse e-mail.")), Length(max=254)],
                       render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Mot de passe"), validators=[DataRequired(_l("Indiquez votre mot de passe.")),
                                                             Length(max=200)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Rester connecté·e sur cet appareil"))


class NewPasswordRules:
    """The password rules checked with the form's other fields (both errors at once: too short and not the same
    twice); `account`, set by the view, is the account whose password changes."""

    account = None

    def validate_password(self, field):
        problem = password_problem(self.account, field.data) if self.account is not None and field.data else None
        if problem:
            raise ValidationError(problem)


class PasswordChangeForm(NewPasswordRules, FlaskForm):
    current_password = PasswordField(_l("Mot de passe actuel"), validators=[DataRequired(_l("Champ obligatoire."))],
                                     render_kw={"autocomplete": "current-password"})
    password = PasswordField(_l("Nouveau mot de passe"),
                             validators=[DataRequired(_l("Champ obligatoire.")), Length(max=200)],
                             description=_l("Au moins 12 caractères."),
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Confirmation du nouveau mot de passe"),
                            validators=[DataRequired(_l("Champ obligatoire.")),
                                        EqualTo("password", _l("Les deux mots de passe ne correspondent pas."))],
                            render_kw={"autocomplete": "new-password"})


class TokenForm(FlaskForm):
    name = StringField(_l("Nom du jeton"), filters=[strip],
                       validators=[DataRequired(_l("Donnez un nom au jeton.")), Length(max=100)],
                       description=_l("Par exemple : tableur du bailleur, script d'export."))


class NotificationPreferenceForm(FlaskForm):
    notification_preference = SelectField(
        _l("Quand un constat, un signalement ou une action est confié à votre organisme, ou dépasse son échéance"),
        choices=NotificationPreference.choices(), validate_choice=False,
        validators=[AnyOf([p.value for p in NotificationPreference],
                          message=_l("Choisissez une fréquence proposée."))])


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Adresse e-mail"), filters=[strip],
                       validators=[DataRequired(_l("Indiquez votre adresse e-mail.")), Length(max=254)],
                       render_kw={"autocomplete": "username"})


class ChoosePasswordForm(NewPasswordRules, FlaskForm):
    password = PasswordField(_l("Mot de passe"), validators=[DataRequired(_l("Champ obligatoire.")), Length(max=200)],
                             description=_l("Au moins 12 caractères."), render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Confirmation du mot de passe"),
                            validators=[DataRequired(_l("Champ obligatoire.")),
                                        EqualTo("password", _l("Les deux mots de passe ne correspondent pas."))],
                            render_kw={"autocomplete": "new-password"})
