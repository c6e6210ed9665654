"""Forms of walks: plan and edit a walk with its route stops, change its status, filter the list."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, HiddenField, IntegerField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from gup.forms_common import (
    BAD_NUMBER,
    REQUIRED,
    FrenchDateField,
    FrenchFloatField,
    RequiredDate,
    SelectField,
    SelectMultipleField,
    bounded_int,
    int_or_none,
    strip,
)
from gup.inputs import TEXT_MAX
from gup.walks.models import WalkKind, WalkStatus

#: blank stop rows offered under the existing ones (no JavaScript: rows are plain repeated fields)
BLANK_STOP_ROWS = 3
MIN_STOP_ROWS = 8
BAD_TIME = _l("Heure invalide (format attendu : HH:MM).")
MULTI_HINT = _l("Maintenez Ctrl (ou Cmd) pour en choisir plusieurs.")


class FrenchTimeField(TimeField):
    """A time of day, HH:MM (what browsers send) or « 21h30 »."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=["%H:%M", "%H:%M:%S", "%Hh%M", "%Hh"], **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata([v.strip().lower() for v in valuelist] if valuelist else valuelist)
        except ValueError as exc:
            raise ValueError(BAD_TIME) from exc


class StopRow(Form):
    """One stop of the route (a sub-form, no CSRF of its own)."""

    id = HiddenField()
    position = IntegerField(_l("Ordre"), validators=[Optional(), NumberRange(min=1, max=999, message=BAD_NUMBER)],
                            render_kw={"inputmode": "numeric"})
    name = StringField(_l("Nom de la halte"), filters=[strip], validators=[Length(max=200)])  # no Optional():
    # it would stop the chain before validate_name
    latitude = FrenchFloatField(_l("Latitude"), minimum=-90, maximum=90)
    longitude = FrenchFloatField(_l("Longitude"), minimum=-180, maximum=180)
    notes = TextAreaField(_l("Notes"), filters=[strip], validators=[Optional(), Length(max=TEXT_MAX)],
                          render_kw={"rows": 2})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.position.messages = {"invalid": BAD_NUMBER}

    @property
    def is_blank(self) -> bool:
        return not any((f.data or "").strip() for f in (self.name, self.latitude, self.longitude, self.notes))

    def validate_name(self, field):
        if not field.data and not self.is_blank:
            raise ValidationError(_l("Donnez un nom à cette halte (ou videz la ligne)."))

    def validate_longitude(self, field):
        if (self.latitude.value is None) != (field.value is None) and not self.latitude.errors:
            raise ValidationError(_l("Indiquez la latitude et la longitude, ou aucune des deux."))


class WalkForm(FlaskForm):
    """Plan or edit a walk: facts, participants, observation grid, route stops."""

    title = StringField(_l("Intitulé"), filters=[strip], validators=[DataRequired(REQUIRED), Length(max=200)])
    neighbourhood_id = SelectField(_l("Quartier"), coerce=int_or_none, validators=[DataRequired(REQUIRED)])
    walked_on = FrenchDateField(_l("Date"), validators=[RequiredDate()])
    starts_at = FrenchTimeField(_l("Heure de départ"), validators=[Optional()])
    kind = SelectField(_l("Type de marche"), choices=WalkKind.choices(), validators=[DataRequired(REQUIRED)])
    follow_up_of_id = SelectField(_l("Suite du diagnostic"), coerce=int_or_none,
                                  description=_l("Par exemple la marche de jour dont cette marche de nuit "
                                                 "reprend le parcours, pour les comparer."))
    route_description = TextAreaField(_l("Parcours"), filters=[strip], validators=[Optional(), Length(max=TEXT_MAX)],
                                      description=_l("Le trajet en quelques mots ; les haltes se saisissent "
                                                     "plus bas."))
    organisation_ids = SelectMultipleField(_l("Organismes participants"), coerce=bounded_int, description=MULTI_HINT)
    user_ids = SelectMultipleField(_l("Personnes participantes (comptes gup)"), coerce=bounded_int,
                                   description=MULTI_HINT)
    residents_count = IntegerField(_l("Nombre d'habitants"), default=0,
                                   validators=[Optional(), NumberRange(min=0, max=100000, message=BAD_NUMBER)],
                                   render_kw={"inputmode": "numeric", "min": 0})
    other_participants = TextAreaField(_l("Autres participants"), filters=[strip],
                                       validators=[Optional(), Length(max=TEXT_MAX)],
                                       description=_l("Élus, associations, habitants relais… (sans données "
                                                      "personnelles d'habitants)."))
    grid_theme_ids = SelectMultipleField(_l("Grille d'observation : thématiques relevées à chaque halte"),
                                         coerce=bounded_int, description=MULTI_HINT)
    stops = FieldList(FormField(StopRow), min_entries=MIN_STOP_ROWS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.residents_count.messages = {"invalid": BAD_NUMBER}
        for choice_field in (self.organisation_ids, self.user_ids, self.grid_theme_ids):
            choice_field.messages = {"invalid": _l("Choix invalide.")}

    def add_blank_rows(self) -> None:
        """Offer blank rows under the existing stops (at least MIN_STOP_ROWS rows in all)."""
        filled = sum(1 for row in self.stops if not row.form.is_blank)
        while len(self.stops) < max(MIN_STOP_ROWS, filled + BLANK_STOP_ROWS):
            self.stops.append_entry()

    def stop_data(self) -> list[dict]:
        """Filled rows in route order (by « Ordre », then as typed), as walks.services.set_stops wants them."""
        rows = [(row.form.position.data or index + 1, index, row.form) for index, row in enumerate(self.stops)
                if not row.form.is_blank]
        return [{"id": int(row.id.data) if (row.id.data or "").isdigit() else None, "name": row.name.data,
                 "latitude": row.latitude.value, "longitude": row.longitude.value, "notes": row.notes.data}
                for _pos, _index, row in sorted(rows, key=lambda r: (r[0], r[1]))]


class WalkStatusForm(FlaskForm):
    status = SelectField(_l("Nouveau statut"), choices=WalkStatus.choices(), validators=[DataRequired(REQUIRED)])


class WalkFilterForm(FlaskForm):
    """Filters of the walks list (GET, no CSRF)."""

    class Meta:
        csrf = False

    agreement_id = SelectField(_l("Convention"), coerce=int_or_none, validate_choice=False)
    neighbourhood_id = SelectField(_l("Quartier"), coerce=int_or_none, validate_choice=False)
    kind = SelectField(_l("Type de marche"), choices=[("", _l("Tous"))] + WalkKind.choices(), validate_choice=False)
    status = SelectField(_l("Statut"), choices=[("", _l("Tous"))] + WalkStatus.choices(), validate_choice=False)
