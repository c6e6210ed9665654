"""Agreement definition files (YAML): parse, validate, import and export.

The format is documented in ``conventions/README.md``. In short:

* ``parse`` reads the YAML with line numbers (``yaml.compose``) and builds plain data plus a map from each
  field path (``commitments[3].due_on``) to its line;
* ``validate`` checks the data with marshmallow schemas and cross-references (codes used but not declared,
  duplicates, dates in the wrong order…); every error names its line and field path, and all errors are
  collected before one ``ConventionError`` is raised;
* ``import_convention`` upserts organisations, places, the agreement, its partners, signatories, amendments and
  commitments through the services, inside a savepoint: on any error nothing is left in the session. It
  flushes and never commits (the caller commits, like every service);
* ``export_convention`` writes an agreement back in the same format; importing an export changes nothing.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import RAISE, Schema, ValidationError, fields, validates_schema

from gup.agreements import services
from gup.agreements.models import (
    DEFAULT_THEMES,
    Agreement,
    AgreementKind,
    AgreementStatus,
    Amendment,
    Commitment,
    CommitmentStatus,
    FundingSource,
    SignatoryRole,
    TfpbAxis,
    Theme,
)
from gup.audit.services import acting_as
from gup.errors import DomainError
from gup.extensions import db
from gup.inputs import INDICATOR_MAX
from gup.organisations import services as organisation_services
from gup.organisations.models import Organisation, OrganisationKind
from gup.territory import services as territory_services
from gup.territory.models import Territory, TerritoryKind

logger = logging.getLogger(__name__)

CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
THEME_CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MONEY_MAX = Decimal("9999999999.99")        # Numeric(12, 2)


class ConventionError(Exception):
    """An agreement file was refused; ``errors`` holds one French message per problem, each with its line."""

    def __init__(self, errors: Iterable[str]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


# --- parsing: YAML nodes → plain data + line of every path -----------------------------------------------------

@dataclass
class Parsed:
    """Plain data of a file, the line (1-based) of every field path, and the problems found while reading."""

    data: Any
    lines: dict[str, int]
    problems: list[tuple[str, str]] = field(default_factory=list)

    def line_of(self, path: str) -> int:
        """Line of a path, or of its closest ancestor present in the file (a missing key: its block's line)."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = _parent_path(path)
        return self.lines.get("", 1)

    def message(self, path: str, text: Any) -> str:
        shown = path.split("#", 1)[0]  # « key#line » marks a second occurrence of a key
        where = f"{shown} : " if shown else ""
        return _("ligne %(line)d : %(where)s%(text)s", line=self.line_of(path), where=where, text=str(text))

    def messages(self, problems: Iterable[tuple[str, Any]]) -> list[str]:
        ordered = sorted({(self.line_of(path), path, str(text)) for path, text in problems})
        return [self.message(path, text) for _line, path, text in ordered]


def _parent_path(path: str) -> str:
    cut = max(path.rfind("."), path.rfind("["))
    return path[:cut] if cut > 0 else ""


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_TAG = "tag:yaml.org,2002:"

_SYNTAX_HINTS = [
    ("could not find expected ':'", _l("« : » attendu après une clé")),
    ("mapping values are not allowed here", _l("« : » inattendu (mettez entre guillemets un texte qui contient "
                                               "« : »)")),
    ("found character '\\t'", _l("tabulation interdite : indentez avec des espaces")),
    ("expected <block end>", _l("indentation incohérente")),
    ("did not find expected key", _l("indentation incohérente ou clé manquante")),
    ("did not find expected '-' indicator", _l("indentation incohérente dans une liste")),
    ("found unexpected end of stream", _l("fin de fichier inattendue (guillemet ou crochet non fermé ?)")),
    ("expected a single document", _l("un seul document par fichier (retirez les « --- » en trop)")),
]


def _syntax_message(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or ""
    hint = next((str(text) for needle, text in _SYNTAX_HINTS if needle in problem), None)
    detail = f"{hint} [{problem}]" if hint else problem
    return _("syntaxe YAML invalide : %(detail)s", detail=detail)


def parse(text: str) -> Parsed:
    """Read YAML text; a syntax error raises ConventionError at once (nothing else can be checked)."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        # a key without « : » is reported on the next line; the context points at the key itself
        simple_key = (exc.context or "").startswith("while scanning a simple key")
        mark = (exc.context_mark if simple_key else None) or exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise ConventionError([_("ligne %(line)d : %(text)s", line=line, text=_syntax_message(exc))]) from exc
    except yaml.YAMLError as exc:  # e.g. a control character in the text
        raise ConventionError([_("ligne 1 : fichier illisible (%(detail)s)", detail=str(exc))]) from exc
    if node is None:
        raise ConventionError([_("ligne 1 : le fichier est vide")])
    parsed = Parsed(data=None, lines={"": node.start_mark.line + 1})
    parsed.data = _convert(node, "", parsed)
    return parsed


def _convert(node: yaml.Node, path: str, parsed: Parsed) -> Any:
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                parsed.lines.setdefault(_join(path, "?"), key_node.start_mark.line + 1)
                parsed.problems.append((_join(path, "?"), _("clé invalide (une clé est un simple mot)")))
                continue
            key = str(key_node.value)
            child = _join(path, key)
            if key in result:
                first = parsed.lines[child]
                parsed.lines[f"{child}#{key_node.start_mark.line}"] = key_node.start_mark.line + 1
                parsed.problems.append((f"{child}#{key_node.start_mark.line}",
                                        _("clé « %(key)s » en double (déjà présente ligne %(line)d)", key=key,
                                          line=first)))
                continue
            parsed.lines[child] = key_node.start_mark.line + 1
            result[key] = _convert(value_node, child, parsed)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            child = _join(path, index)
            parsed.lines[child] = item.start_mark.line + 1
            items.append(_convert(item, child, parsed))
        return items
    return _scalar(node, path, parsed)


def _scalar(node: yaml.ScalarNode, path: str, parsed: Parsed) -> Any:
    tag = node.tag
    if tag == _TAG + "str":
        return node.value
    if tag == _TAG + "null":
        return None
    try:
        if tag == _TAG + "bool":
            return _CONSTRUCTOR.construct_yaml_bool(node)
        if tag == _TAG + "int":
            return _CONSTRUCTOR.construct_yaml_int(node)
        if tag == _TAG + "float":
            try:
                number = Decimal(node.value.replace("_", ""))
            except InvalidOperation:
                number = Decimal(repr(_CONSTRUCTOR.construct_yaml_float(node)))
            return number
        if tag == _TAG + "timestamp":
            return _CONSTRUCTOR.construct_yaml_timestamp(node)
    except (ValueError, TypeError, yaml.YAMLError):
        return node.value  # e.g. 2025-13-01: kept as text, the date field reports it
    parsed.problems.append((path, _("type YAML non pris en charge (%(tag)s)", tag=tag)))
    return node.value


# --- validation: marshmallow schemas ---------------------------------------------------------------------------

def _is_text(value: Any) -> bool:
    return isinstance(value, str)


class _Field(fields.Field):
    """Base of the file's fields: French messages, None allowed only for optional keys."""

    def __init__(self, *, required: bool = False, **kwargs: Any) -> None:
        messages = {"required": _l("clé obligatoire manquante"),
                    "null": _l("valeur obligatoire (ne peut pas être vide)")}
        messages.update(kwargs.pop("error_messages", {}))
        super().__init__(required=required, allow_none=not required, error_messages=messages, **kwargs)


class Text(_Field):
    """Text, trimmed; an empty optional text is None, an empty required text an error."""

    def __init__(self, *, max_length: int | None = None, **kwargs: Any) -> None:
        self.max_length = max_length
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str | None:
        if not _is_text(value):
            raise ValidationError(_("texte attendu (mettez la valeur entre guillemets)"))
        value = value.strip()
        if not value:
            if self.required:
                raise ValidationError(_("valeur obligatoire (ne peut pas être vide)"))
            return None
        if self.max_length and len(value) > self.max_length:
            raise ValidationError(_("texte trop long (%(n)d caractères au plus)", n=self.max_length))
        return value


class Code(Text):
    """A code: lowercase letters, digits and hyphens (organisations, places)."""

    pattern = CODE_RE

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str | None:
        value = super()._deserialize(value, attr, data, **kwargs)
        if value is not None and not self.pattern.match(value):
            raise ValidationError(self.pattern_message(value))
        return value

    def pattern_message(self, value: str) -> str:
        return _("code invalide « %(value)s » : lettres minuscules, chiffres et tirets uniquement "
                 "(ex. ville-bellerive)", value=value)


class ThemeCode(Code):
    pattern = THEME_CODE_RE

    def pattern_message(self, value: str) -> str:
        return _("code de thématique invalide « %(value)s » : lettres minuscules, chiffres, « _ » et « - » "
                 "(ex. green_spaces)", value=value)


class IsoDate(_Field):
    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> date:
        if isinstance(value, datetime):
            raise ValidationError(_("date attendue sans heure (AAAA-MM-JJ)"))
        if isinstance(value, date):
            return value
        if _is_text(value) and ISO_DATE_RE.match(value.strip()):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise ValidationError(_("date invalide (attendu AAAA-MM-JJ)"))


class Number(_Field):
    """A decimal number with at most two decimals (indicator values)."""

    maximum = INDICATOR_MAX
    minimum: Decimal | None = None

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, int | Decimal | float):
            raise ValidationError(self.invalid())
        number = Decimal(value) if not isinstance(value, float) else Decimal(repr(value))
        if not number.is_finite():
            raise ValidationError(self.invalid())
        if number != number.quantize(Decimal("0.01"), rounding="ROUND_DOWN"):
            raise ValidationError(_("deux décimales au plus"))
        if abs(number) > self.maximum:
            raise ValidationError(_("nombre trop grand"))
        if self.minimum is not None and number < self.minimum:
            raise ValidationError(_("le montant ne peut pas être négatif"))
        return number.quantize(Decimal("0.01"))

    def invalid(self) -> str:
        return _("nombre attendu (ex. 12 ou 4.5)")


class Amount(Number):
    """Euros, at most two decimals, not negative."""

    maximum = MONEY_MAX
    minimum = Decimal(0)

    def invalid(self) -> str:
        return _("montant invalide (nombre en euros, ex. 12500.00)")


class Integer(_Field):
    def __init__(self, *, minimum: int | None = None, maximum: int | None = None, **kwargs: Any) -> None:
        self.minimum, self.maximum = minimum, maximum
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> int:
        if isinstance(value, Decimal) and value == value.to_integral_value():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(_("nombre entier attendu"))
        if self.minimum is not None and self.maximum is not None and not self.minimum <= value <= self.maximum:
            raise ValidationError(_("doit être compris entre %(min)d et %(max)d", min=self.minimum, max=self.maximum))
        if self.minimum is not None and value < self.minimum:
            raise ValidationError(_("doit être au moins %(min)d", min=self.minimum))
        return value


class Choice(_Field):
    """One of the values of a StrEnum; returns the member."""

    def __init__(self, enum_cls: type, **kwargs: Any) -> None:
        self.enum_cls = enum_cls
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        allowed = [member.value for member in self.enum_cls]
        if _is_text(value) and value.strip() in allowed:
            return self.enum_cls(value.strip())
        raise ValidationError(_("valeur inconnue « %(value)s » (valeurs possibles : %(allowed)s)", value=value,
                                allowed=", ".join(allowed)))


class Stairwell(_Field):
    """A stairwell: its name (code derived from the building's code) or {code, name}."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> dict[str, str | None]:
        if _is_text(value) and value.strip():
            name = value.strip()
            if len(name) > territory_services.NAME_MAX:
                raise ValidationError(_("nom trop long (%(n)d caractères au plus)", n=territory_services.NAME_MAX))
            return {"code": None, "name": name}
        if isinstance(value, dict):
            unknown = set(value) - {"code", "name"}
            if unknown or not all(_is_text(value.get(k)) and value[k].strip() for k in ("code", "name")):
                raise ValidationError(_("cage d'escalier : un nom (ex. \"A1\") ou { code: …, name: … }"))
            code = value["code"].strip()
            if not CODE_RE.match(code) or len(code) > territory_services.CODE_MAX:
                raise ValidationError(Code().pattern_message(code))
            return {"code": code, "name": value["name"].strip()}
        raise ValidationError(_("cage d'escalier : un nom (ex. \"A1\") ou { code: …, name: … }"))


def _list(inner: Any, *, required: bool = False) -> fields.List:
    return fields.List(inner, required=required, allow_none=not required,
                       error_messages={"invalid": _l("liste attendue (lignes commençant par « - »)"),
                                       "required": _l("clé obligatoire manquante"),
                                       "null": _l("liste attendue (lignes commençant par « - »)")})


def _nested(schema: type[Schema], *, required: bool = False, many: bool = False) -> fields.Field:
    if many:
        return _list(fields.Nested(schema), required=required)
    return fields.Nested(schema, required=required, allow_none=not required,
                         error_messages={"type": _l("bloc attendu (clé : valeur)"),
                                         "required": _l("clé obligatoire manquante"),
                                         "null": _l("bloc attendu (clé : valeur)")})


class _Schema(Schema):
    """Unknown keys are errors; messages in French."""

    class Meta:
        unknown = RAISE

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.error_messages = {**self.error_messages,
                               "unknown": _("clé inconnue (clés possibles : %(keys)s)",
                                            keys=", ".join(self.fields)),
                               "type": _("bloc attendu (clé : valeur)")}


class OrganisationSchema(_Schema):
    code = Code(required=True, max_length=organisation_services.CODE_MAX)
    name = Text(required=True, max_length=organisation_services.NAME_MAX)
    kind = Choice(OrganisationKind, required=True)
    referent = Text(max_length=200)


class BuildingSchema(_Schema):
    code = Code(required=True, max_length=territory_services.CODE_MAX)
    name = Text(required=True, max_length=territory_services.NAME_MAX)
    address = Text(max_length=territory_services.ADDRESS_MAX)
    stairwells = _list(Stairwell(required=True))


class ResidenceSchema(_Schema):
    code = Code(required=True, max_length=territory_services.CODE_MAX)
    name = Text(required=True, max_length=territory_services.NAME_MAX)
    address = Text(max_length=territory_services.ADDRESS_MAX)
    housing_provider = Code(max_length=organisation_services.CODE_MAX)
    buildings = _nested(BuildingSchema, many=True)


class NeighbourhoodSchema(_Schema):
    code = Code(required=True, max_length=territory_services.CODE_MAX)
    name = Text(required=True, max_length=territory_services.NAME_MAX)
    qpv_code = Text(max_length=territory_services.QPV_MAX)
    address = Text(max_length=territory_services.ADDRESS_MAX)
    residences = _nested(ResidenceSchema, many=True)


class SignatorySchema(_Schema):
    organisation = Code(required=True, max_length=organisation_services.CODE_MAX)
    role = Choice(SignatoryRole, required=True)
    signer_name = Text(required=True, max_length=200)
    signer_title = Text(required=True, max_length=200)
    signed_on = IsoDate()


class AmendmentSchema(_Schema):
    number = Integer(required=True, minimum=1)
    signed_on = IsoDate(required=True)
    subject = Text(required=True)
    new_end_on = IsoDate()


class IndicatorSchema(_Schema):
    label = Text(required=True, max_length=255)
    unit = Text(max_length=60)
    baseline = Number()
    target = Number()


class CommitmentSchema(_Schema):
    reference = Text(required=True, max_length=40)
    partner = Code(required=True, max_length=organisation_services.CODE_MAX)
    theme = ThemeCode(required=True, max_length=60)
    title = Text(required=True, max_length=255)
    description = Text()
    funding_source = Choice(FundingSource, required=True)
    tfpb_axis = Choice(TfpbAxis)
    planned_investment = Amount()
    planned_operating = Amount()
    indicator = _nested(IndicatorSchema)
    due_on = IsoDate()
    status = Choice(CommitmentStatus, required=True)
    progress = Integer(minimum=0, maximum=100)

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def _tfpb_axis_iff_tfpb(self, data: dict, original: Any, **kwargs: Any) -> None:
        if not isinstance(original, dict):
            return
        source = data.get("funding_source")
        axis_given = original.get("tfpb_axis") is not None
        if source is FundingSource.TFPB and not axis_given:
            raise ValidationError(_("axe TFPB obligatoire quand funding_source vaut « tfpb » (valeurs possibles : "
                                    "%(axes)s)", axes=", ".join(a.value for a in TfpbAxis)), "tfpb_axis")
        if source is not None and source is not FundingSource.TFPB and axis_given:
            raise ValidationError(_("l'axe TFPB ne s'applique qu'aux engagements financés par l'abattement de TFPB "
                                    "(funding_source: tfpb)"), "tfpb_axis")


class ConventionSchema(_Schema):
    reference = Text(required=True, max_length=60)
    title = Text(required=True, max_length=255)
    kind = Choice(AgreementKind, required=True)
    status = Choice(AgreementStatus, required=True)
    start_on = IsoDate(required=True)
    end_on = IsoDate(required=True)
    midterm_on = IsoDate()
    predecessor = Text(max_length=60)
    city_contract = Text(max_length=255)
    renewal_agreement = Text(max_length=255)
    themes = _list(ThemeCode(required=True, max_length=60))
    organisations = _nested(OrganisationSchema, required=True, many=True)
    neighbourhoods = _nested(NeighbourhoodSchema, many=True)
    signatories = _nested(SignatorySchema, many=True)
    amendments = _nested(AmendmentSchema, many=True)
    commitments = _nested(CommitmentSchema, many=True)

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def _cross_references(self, data: dict, original: Any, **kwargs: Any) -> None:
        if isinstance(original, dict):
            problems = _CrossCheck(original).run()
            if problems:
                raise ValidationError(problems)


class _CrossCheck:
    """Rules between fields and records, run on the raw data (values that failed their own check are skipped)."""

    def __init__(self, raw: dict) -> None:
        self.raw = raw
        self.problems: dict[Any, Any] = {}
        self.effective_end: date | None = None  # end of the agreement after its amendments
        self.known_themes: set[str] = set()

    def add(self, path: tuple, message: str) -> None:
        node = self.problems
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node.setdefault(path[-1], []).append(message)

    def items(self, key: str, container: Any = None) -> list[tuple[int, dict]]:
        container = self.raw if container is None else container
        values = container.get(key) if isinstance(container, dict) else None
        if not isinstance(values, list):
            return []
        return [(i, item) for i, item in enumerate(values) if isinstance(item, dict)]

    @staticmethod
    def date_of(value: Any) -> date | None:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str) and ISO_DATE_RE.match(value.strip()):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                return None
        return None

    @staticmethod
    def text_of(value: Any) -> str | None:
        return value.strip() if isinstance(value, str) and value.strip() else None

    def run(self) -> dict:
        self.check_dates()
        organisations = self.check_organisations()
        self.check_themes()
        self.check_predecessor()
        self.check_places(organisations)
        self.check_signatories(organisations)
        self.check_commitments(organisations)
        return self.problems

    # agreement dates and amendments
    def check_dates(self) -> None:
        start, end = self.date_of(self.raw.get("start_on")), self.date_of(self.raw.get("end_on"))
        midterm = self.date_of(self.raw.get("midterm_on"))
        if start and end and end <= start:
            self.add(("end_on",), _("la date de fin doit être postérieure à start_on (%(start)s)",
                                    start=start.isoformat()))
            start = end = None  # the other date rules would only repeat the problem
        if start and end and midterm and not start < midterm < end:
            self.add(("midterm_on",), _("l'évaluation à mi-parcours doit tomber entre start_on et end_on"))
        numbers: dict[int, int] = {}
        amendments = []
        for i, item in self.items("amendments"):
            number = item.get("number")
            if isinstance(number, int) and not isinstance(number, bool):
                if number in numbers:
                    self.add(("amendments", i, "number"), _("avenant n° %(n)d en double (déjà dans "
                                                            "amendments[%(i)d])", n=number, i=numbers[number]))
                numbers.setdefault(number, i)
            signed_on = self.date_of(item.get("signed_on"))
            if signed_on:
                amendments.append((signed_on, number if isinstance(number, int) else 0, i, item))
        current_end = end
        for signed_on, _number, i, item in sorted(amendments, key=lambda a: (a[0], a[1])):
            if start and signed_on < start:
                self.add(("amendments", i, "signed_on"), _("un avenant ne peut pas précéder le début de la "
                                                           "convention (start_on)"))
                continue
            new_end = self.date_of(item.get("new_end_on"))
            if new_end is None:
                continue
            if current_end and signed_on > current_end:
                self.add(("amendments", i, "signed_on"),
                         _("l'avenant qui prolonge la convention doit être signé avant sa fin (%(end)s)",
                           end=current_end.isoformat()))
            elif (start and new_end <= start) or new_end < signed_on:
                self.add(("amendments", i, "new_end_on"), _("la nouvelle date de fin doit suivre la signature de "
                                                            "l'avenant"))
            else:
                current_end = new_end
        self.effective_end = current_end

    def check_organisations(self) -> dict[str, Any]:
        """Codes declared in the file → their kind value (None when invalid)."""
        seen: dict[str, int] = {}
        for i, item in self.items("organisations"):
            code = self.text_of(item.get("code"))
            if code is None:
                continue
            if code in seen:
                self.add(("organisations", i, "code"), _("code « %(code)s » en double (déjà dans "
                                                         "organisations[%(i)d])", code=code, i=seen[code]))
            else:
                seen[code] = i
        kinds = {}
        for code, i in seen.items():
            kind = self.raw["organisations"][i].get("kind")
            kinds[code] = kind.strip() if isinstance(kind, str) else None
        return kinds

    def known_organisation(self, path: tuple, value: Any, organisations: dict[str, Any]) -> str | None:
        code = self.text_of(value)
        if code is None:
            return None
        if code not in organisations:
            self.add(path, _("organisme « %(code)s » absent de la liste organisations du fichier", code=code))
            return None
        return code

    def check_themes(self) -> None:
        self.known_themes = set(db.session.scalars(sa.select(Theme.code))) | {code for code, _label in DEFAULT_THEMES}
        seen: set[str] = set()
        values = self.raw.get("themes")
        for i, value in enumerate(values if isinstance(values, list) else []):
            code = self.text_of(value)
            if code is None:
                continue
            if code not in self.known_themes:
                self.add(("themes", i), self.unknown_theme(code))
            elif code in seen:
                self.add(("themes", i), _("thématique « %(code)s » en double", code=code))
            seen.add(code)

    def unknown_theme(self, code: str) -> str:
        return _("thématique inconnue « %(code)s » (thématiques connues : %(known)s)", code=code,
                 known=", ".join(sorted(self.known_themes)))

    def check_predecessor(self) -> None:
        predecessor = self.text_of(self.raw.get("predecessor"))
        if predecessor is None:
            return
        if predecessor == self.text_of(self.raw.get("reference")):
            self.add(("predecessor",), _("une convention ne peut pas se précéder elle-même"))
        elif db.session.scalar(sa.select(Agreement.id).where(Agreement.reference == predecessor)) is None:
            self.add(("predecessor",), _("aucune convention de référence « %(ref)s » dans la base", ref=predecessor))

    def check_places(self, organisations: dict[str, Any]) -> None:
        places: list[tuple[tuple, str, TerritoryKind]] = []
        for n, hood in self.items("neighbourhoods"):
            places.append((("neighbourhoods", n, "code"), hood.get("code"), TerritoryKind.NEIGHBOURHOOD))
            for r, residence in self.items("residences", hood):
                path = ("neighbourhoods", n, "residences", r)
                places.append(((*path, "code"), residence.get("code"), TerritoryKind.RESIDENCE))
                provider = self.known_organisation((*path, "housing_provider"), residence.get("housing_provider"),
                                                   organisations)
                if provider and organisations[provider] not in (None, OrganisationKind.HOUSING_PROVIDER.value):
                    self.add((*path, "housing_provider"), _("« %(code)s » n'est pas un bailleur social (kind: "
                                                            "housing_provider)", code=provider))
                for b, building in self.items("buildings", residence):
                    bpath = (*path, "buildings", b)
                    places.append(((*bpath, "code"), building.get("code"), TerritoryKind.BUILDING))
                    stairwells = building.get("stairwells")
                    for s, stairwell in enumerate(stairwells if isinstance(stairwells, list) else []):
                        code = stairwell_code(building.get("code"), stairwell)
                        if code is not None:
                            places.append(((*bpath, "stairwells", s), code, TerritoryKind.STAIRWELL))
        seen: dict[str, str] = {}
        codes = {code for _p, code, _k in places if isinstance(code, str)}
        existing = dict(db.session.execute(sa.select(Territory.code, Territory.kind)
                                           .where(Territory.code.in_(codes))).all()) if codes else {}
        for path, code, kind in places:
            if not isinstance(code, str) or not CODE_RE.match(code):
                if kind is TerritoryKind.STAIRWELL and isinstance(code, str):
                    self.add(path, _("le code dérivé « %(code)s » n'est pas valide : donnez { code: …, name: … }",
                                     code=code))
                continue
            where = _path_text(path)
            if code in seen:
                self.add(path, _("code de lieu « %(code)s » en double (déjà utilisé par %(where)s)", code=code,
                                 where=seen[code]))
                continue
            seen[code] = where
            if code in existing and existing[code] is not kind:
                self.add(path, _("le lieu « %(code)s » existe déjà dans la base au niveau « %(kind)s »", code=code,
                                 kind=existing[code].label))

    def check_signatories(self, organisations: dict[str, Any]) -> None:
        seen: dict[str, int] = {}
        end = self.effective_end
        for i, item in self.items("signatories"):
            code = self.known_organisation(("signatories", i, "organisation"), item.get("organisation"),
                                           organisations)
            if code is not None:
                if code in seen:
                    self.add(("signatories", i, "organisation"),
                             _("« %(code)s » signe déjà (signatories[%(i)d])", code=code, i=seen[code]))
                seen.setdefault(code, i)
            signed_on = self.date_of(item.get("signed_on"))
            if signed_on and end and signed_on > end:
                self.add(("signatories", i, "signed_on"), _("la signature ne peut pas être postérieure à la fin de "
                                                            "la convention (%(end)s)", end=end.isoformat()))

    def check_commitments(self, organisations: dict[str, Any]) -> None:
        seen: dict[str, int] = {}
        for i, item in self.items("commitments"):
            reference = self.text_of(item.get("reference"))
            if reference is not None:
                if reference in seen:
                    self.add(("commitments", i, "reference"),
                             _("référence « %(ref)s » en double (déjà dans commitments[%(i)d])", ref=reference,
                               i=seen[reference]))
                seen.setdefault(reference, i)
            partner = self.known_organisation(("commitments", i, "partner"), item.get("partner"), organisations)
            theme = self.text_of(item.get("theme"))
            if theme is not None and THEME_CODE_RE.match(theme) and theme not in self.known_themes:
                self.add(("commitments", i, "theme"), self.unknown_theme(theme))
            if (partner and item.get("funding_source") == FundingSource.TFPB.value
                    and organisations[partner] not in (None, OrganisationKind.HOUSING_PROVIDER.value)):
                self.add(("commitments", i, "funding_source"),
                         _("l'abattement de TFPB ne concerne que les bailleurs sociaux (« %(code)s » n'en est pas "
                           "un)", code=partner))


def _path_text(path: tuple) -> str:
    text = ""
    for part in path:
        text = _join(text, part)
    return text


def slug(text: str) -> str:
    """« Cage A 1 » → « cage-a-1 »: lowercase ASCII letters and digits joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def stairwell_code(building_code: Any, stairwell: Any) -> str | None:
    """Code of a stairwell: given explicitly, or « <building code>-<slug of its name> »."""
    if isinstance(stairwell, dict):
        code = stairwell.get("code")
        return code.strip() if isinstance(code, str) and code.strip() else None
    if isinstance(stairwell, str) and stairwell.strip() and isinstance(building_code, str) and building_code.strip():
        return f"{building_code.strip()}-{slug(stairwell)}"
    return None


def _flatten(messages: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(messages, dict):
        for key, value in messages.items():
            yield from _flatten(value, path if key == "_schema" else _join(path, key))
    elif isinstance(messages, list | tuple):
        for message in messages:
            yield from _flatten(message, path)
    else:
        yield path, str(messages)


@dataclass
class Convention:
    """A validated agreement file: the loaded data (enums, dates, decimals) and the lines of its paths."""

    data: dict[str, Any]
    parsed: Parsed

    @property
    def reference(self) -> str:
        return self.data["reference"]

    @property
    def commitment_count(self) -> int:
        return len(self.data.get("commitments") or [])


def validate(parsed: Parsed) -> Convention:
    """Check the data against the schemas and cross-references; one ConventionError lists every problem."""
    problems = list(parsed.problems)
    try:
        data = ConventionSchema().load(parsed.data)
    except ValidationError as err:
        problems.extend(_flatten(err.messages))
        data = None
    if problems:
        raise ConventionError(parsed.messages(problems))
    return Convention(data=data, parsed=parsed)


def load_convention(text: str) -> Convention:
    """Parse and validate YAML text (reads the database for theme codes, predecessors and places)."""
    return validate(parse(text))


def read_file(path: str | Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConventionError([_("ligne 1 : le fichier doit être encodé en UTF-8")]) from exc
    except OSError as exc:
        raise ConventionError([_("fichier illisible : %(path)s (%(error)s)", path=str(path),
                                 error=exc.strerror or exc)]) from exc


def load_file(path: str | Path) -> Convention:
    return load_convention(read_file(path))


# --- import ----------------------------------------------------------------------------------------------------

@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


@dataclass
class ImportSummary:
    """What an import did, per kind of record: created, updated or left unchanged."""

    reference: str
    agreement: Tally = field(default_factory=Tally)
    organisations: Tally = field(default_factory=Tally)
    places: Tally = field(default_factory=Tally)          # neighbourhoods, residences and buildings
    stairwells: Tally = field(default_factory=Tally)
    partners: Tally = field(default_factory=Tally)
    signatories: Tally = field(default_factory=Tally)
    amendments: Tally = field(default_factory=Tally)
    commitments: Tally = field(default_factory=Tally)
    coordinators_added: int = 0
    KINDS = ("agreement", "organisations", "places", "stairwells", "partners", "signatories", "amendments",
             "commitments")

    @property
    def changed(self) -> bool:
        return self.coordinators_added > 0 or any(getattr(self, kind).changed for kind in self.KINDS)

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {kind: {"created": getattr(self, kind).created, "updated": getattr(self, kind).updated,
                       "unchanged": getattr(self, kind).unchanged} for kind in self.KINDS}

    def line(self) -> str:
        """« Convention GUP-… importée : 24 engagements (24 créés, 0 modifiés), 6 organismes, 14 lieux. »"""
        text = _("Convention %(ref)s importée : %(n)d engagements (%(created)d créés, %(updated)d modifiés), "
                 "%(orgs)d organismes, %(places)d lieux.", ref=self.reference, n=self.commitments.total,
                 created=self.commitments.created, updated=self.commitments.updated,
                 orgs=self.organisations.total, places=self.places.total)
        if not self.changed:
            text += " " + _("Aucune modification : la base était déjà à jour.")
        return text


#: service field → key of the file, to locate the errors a service raises
_FIELD_KEYS = {"planned_investment_amount": "planned_investment", "planned_operating_amount": "planned_operating",
               "indicator_label": "indicator.label", "indicator_unit": "indicator.unit",
               "indicator_baseline": "indicator.baseline", "indicator_target": "indicator.target",
               "partner_id": "partner", "predecessor_id": "predecessor", "organisation_id": "organisation",
               "parent": "code"}


def _savepoint() -> Any:
    """A SAVEPOINT inside the current transaction.

    pysqlite only opens its transaction before an INSERT/UPDATE/DELETE: a SAVEPOINT sent first would open SQLite's
    own transaction, and releasing it would COMMIT. Opening the transaction first keeps the import uncommitted.
    """
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        raw = connection.connection.dbapi_connection
        if raw is not None and not raw.in_transaction:
            connection.exec_driver_sql("BEGIN")
    return db.session.begin_nested()


def import_convention(convention: Convention, *, actor: Any = None, coordinators: Iterable[Any] = (),
                      on_commitment: Callable[[], None] | None = None) -> ImportSummary:
    """Create or update an agreement and everything it names; flushes, never commits.

    The whole import runs in a savepoint: when a service refuses a value (DomainError) the savepoint is rolled
    back and ConventionError names the line, so nothing is half-imported. Records missing from the file are
    left untouched. ``on_commitment`` is called after each commitment (for a progress bar).
    """
    importer = _Importer(convention, actor=actor, on_commitment=on_commitment)
    try:
        with _savepoint():
            importer.run(list(coordinators))
    except DomainError as exc:
        key = _FIELD_KEYS.get(exc.field or "", exc.field)
        path = _join(importer.where, key) if key else importer.where
        raise ConventionError([convention.parsed.message(path, exc.message)]) from exc
    logger.info("agreement %s imported by %s: %s", convention.reference, getattr(actor, "id", None),
                importer.summary.as_dict())
    return importer.summary


def import_text(text: str, **kwargs: Any) -> ImportSummary:
    return import_convention(load_convention(text), **kwargs)


def import_file(path: str | Path, **kwargs: Any) -> ImportSummary:
    return import_convention(load_file(path), **kwargs)


def _differs(current: Any, value: Any) -> bool:
    if isinstance(current, db.Model) or isinstance(value, db.Model):
        return current is not value
    return current != value


class _Importer:
    def __init__(self, convention: Convention, *, actor: Any, on_commitment: Callable[[], None] | None) -> None:
        self.data = convention.data
        self.actor = actor
        self.on_commitment = on_commitment
        self.summary = ImportSummary(reference=convention.reference)
        self.where = ""  # path of the record being written, for the error message of a service
        self.organisations: dict[str, Organisation] = {}

    def run(self, coordinators: list[Any]) -> None:
        acting_as(db.session, self.actor)
        services.ensure_default_themes()
        services.ensure_tfpb_axes()
        self.import_organisations()
        neighbourhoods = self.import_places()
        agreement = self.import_agreement(neighbourhoods, coordinators)
        self.import_partners(agreement)
        self.import_signatories(agreement)
        self.import_amendments(agreement)
        self.import_commitments(agreement)
        self.where = ""

    # organisations (shared between agreements; updated by code)
    def import_organisations(self) -> None:
        items = self.data["organisations"]
        codes = [item["code"] for item in items]
        existing = {org.code: org for org in db.session.scalars(sa.select(Organisation)
                                                                .where(Organisation.code.in_(codes)))}
        for i, item in enumerate(items):
            self.where = f"organisations[{i}]"
            org = existing.get(item["code"])
            if org is None:
                org = organisation_services.create_organisation(code=item["code"], name=item["name"],
                                                                kind=item["kind"], actor=self.actor)
                self.summary.organisations.add("created")
            else:
                changes = {key: item[key] for key in ("name", "kind") if _differs(getattr(org, key), item[key])}
                if changes:
                    organisation_services.update_organisation(org, actor=self.actor, **changes)
                self.summary.organisations.add("updated" if changes else "unchanged")
            self.organisations[org.code] = org

    # places (shared; optional keys absent from the file leave the stored value as it is)
    def import_places(self) -> list[Territory]:
        codes = []
        for hood in self.data.get("neighbourhoods") or []:
            codes.append(hood["code"])
            for residence in hood.get("residences") or []:
                codes.append(residence["code"])
                for building in residence.get("buildings") or []:
                    codes.append(building["code"])
                    codes.extend(s["code"] or stairwell_code(building["code"], s["name"])
                                 for s in building.get("stairwells") or [])
        self.places = {node.code: node for node in db.session.scalars(sa.select(Territory)
                                                                      .where(Territory.code.in_(codes)))}
        neighbourhoods = []
        for n, hood in enumerate(self.data.get("neighbourhoods") or []):
            path = f"neighbourhoods[{n}]"
            node = self.place(path, TerritoryKind.NEIGHBOURHOOD, hood, None, ("qpv_code", "address"))
            neighbourhoods.append(node)
            for r, residence in enumerate(hood.get("residences") or []):
                rpath = f"{path}.residences[{r}]"
                res_node = self.place(rpath, TerritoryKind.RESIDENCE, residence, node,
                                      ("address", "housing_provider"))
                for b, building in enumerate(residence.get("buildings") or []):
                    bpath = f"{rpath}.buildings[{b}]"
                    b_node = self.place(bpath, TerritoryKind.BUILDING, building, res_node, ("address",))
                    for s, stairwell in enumerate(building.get("stairwells") or []):
                        code = stairwell["code"] or stairwell_code(building["code"], stairwell["name"])
                        self.place(f"{bpath}.stairwells[{s}]", TerritoryKind.STAIRWELL,
                                   {"code": code, "name": stairwell["name"]}, b_node, ())
        return neighbourhoods

    def place(self, path: str, kind: TerritoryKind, item: dict, parent: Territory | None,
              optional: tuple[str, ...]) -> Territory:
        self.where = path
        tally = self.summary.stairwells if kind is TerritoryKind.STAIRWELL else self.summary.places
        values: dict[str, Any] = {"kind": kind, "name": item["name"], "parent": parent}
        for key in optional:
            if key in item:
                value = item[key]
                values[key] = self.organisations[value] if key == "housing_provider" and value else value
        node = self.places.get(item["code"])
        if node is None:
            node = territory_services.create_territory(code=item["code"], actor=self.actor, **values)
            self.places[node.code] = node
            tally.add("created")
            return node
        changes = {key: value for key, value in values.items() if _differs(getattr(node, key), value)}
        if changes:
            territory_services.update_territory(node, actor=self.actor, **changes)
        tally.add("updated" if changes else "unchanged")
        return node

    # the agreement (its status is set as stated: a file is an authoritative restatement)
    def import_agreement(self, neighbourhoods: list[Territory], coordinators: list[Any]) -> Agreement:
        d = self.data
        self.where = ""
        themes = {theme.code: theme for theme in db.session.scalars(sa.select(Theme))}
        self.themes = themes
        predecessor = None
        if d.get("predecessor"):
            predecessor = db.session.scalar(sa.select(Agreement).where(Agreement.reference == d["predecessor"]))
        values = {"reference": d["reference"], "title": d["title"], "kind": d["kind"], "start_on": d["start_on"],
                  "end_on": d["end_on"], "midterm_on": d.get("midterm_on"), "city_contract": d.get("city_contract"),
                  "renewal_agreement": d.get("renewal_agreement"), "predecessor": predecessor,
                  "territories": neighbourhoods, "themes": [themes[code] for code in d.get("themes") or []]}
        agreement = db.session.scalar(sa.select(Agreement).where(Agreement.reference == d["reference"]))
        if agreement is None:
            agreement = services.create_agreement(actor=self.actor, coordinators=coordinators, **values)
            self.summary.agreement.add("created")
            self.summary.coordinators_added += len({id(user) for user in coordinators})
            changed = True
        else:
            changes = {}
            for key, value in values.items():
                current = getattr(agreement, key)
                if key in ("territories", "themes"):
                    if {o.id for o in current} != {o.id for o in value}:
                        changes[key] = value
                elif _differs(current, value):
                    changes[key] = value
            if changes:
                services.update_agreement(agreement, actor=self.actor, **changes)
            missing = [user for user in coordinators if user not in agreement.coordinators]
            if missing:
                acting_as(db.session, self.actor)
                agreement.coordinators = [*agreement.coordinators, *missing]
                db.session.flush()
                self.summary.coordinators_added += len(missing)
            changed = bool(changes)
        if agreement.status is not d["status"]:
            self.where = "status"
            acting_as(db.session, self.actor)
            agreement.status = d["status"]
            db.session.flush()
            changed = True
        if self.summary.agreement.total == 0:
            self.summary.agreement.add("updated" if changed else "unchanged")
        return agreement

    def import_partners(self, agreement: Agreement) -> None:
        for i, item in enumerate(self.data["organisations"]):
            self.where = f"organisations[{i}]"
            org = self.organisations[item["code"]]
            partner = services.partner_for(agreement, org)
            referent = item.get("referent")
            outcome = "created" if partner is None else "unchanged" if partner.referent == referent else "updated"
            if outcome != "unchanged":
                services.add_partner(agreement, organisation=org, referent=referent, actor=self.actor)
            self.summary.partners.add(outcome)

    def import_signatories(self, agreement: Agreement) -> None:
        for i, item in enumerate(self.data.get("signatories") or []):
            self.where = f"signatories[{i}]"
            org = self.organisations[item["organisation"]]
            current = next((s for s in agreement.signatories if s.organisation_id == org.id), None)
            values = {"role": item["role"], "signer_name": item["signer_name"], "signer_title": item["signer_title"],
                      "signed_on": item.get("signed_on")}
            if current is not None and not any(_differs(getattr(current, k), v) for k, v in values.items()):
                self.summary.signatories.add("unchanged")
                continue
            services.set_signatory(agreement, organisation=org, actor=self.actor, **values)
            self.summary.signatories.add("created" if current is None else "updated")

    def import_amendments(self, agreement: Agreement) -> None:
        items = list(enumerate(self.data.get("amendments") or []))
        for i, item in sorted(items, key=lambda pair: (pair[1]["signed_on"], pair[1]["number"])):
            self.where = f"amendments[{i}]"
            current = next((a for a in agreement.amendments if a.number == item["number"]), None)
            values = {"signed_on": item["signed_on"], "subject": item["subject"], "new_end_on": item.get("new_end_on")}
            if current is None:
                services.add_amendment(agreement, number=item["number"], actor=self.actor, **values)
                self.summary.amendments.add("created")
            elif any(_differs(getattr(current, k), v) for k, v in values.items()):
                _update_amendment(current, actor=self.actor, **values)
                self.summary.amendments.add("updated")
            else:
                self.summary.amendments.add("unchanged")

    def import_commitments(self, agreement: Agreement) -> None:
        existing = {c.reference: c for c in agreement.commitments}
        for i, item in enumerate(self.data.get("commitments") or []):
            self.where = f"commitments[{i}]"
            partner = services.partner_for(agreement, self.organisations[item["partner"]])
            indicator = item.get("indicator") or {}
            values = {"reference": item["reference"], "title": item["title"], "description": item.get("description"),
                      "theme": self.themes[item["theme"]], "funding_source": item["funding_source"],
                      "tfpb_axis": item.get("tfpb_axis"),
                      "planned_investment_amount": item.get("planned_investment"),
                      "planned_operating_amount": item.get("planned_operating"),
                      "indicator_label": indicator.get("label"), "indicator_unit": indicator.get("unit"),
                      "indicator_baseline": indicator.get("baseline"), "indicator_target": indicator.get("target"),
                      "due_on": item.get("due_on"), "progress": item.get("progress") or 0}
            commitment = existing.get(item["reference"])
            if commitment is None:
                commitment = services.create_commitment(agreement, partner=partner, actor=self.actor,
                                                        status=item["status"], **values)
                existing[commitment.reference] = commitment
                self.summary.commitments.add("created")
            else:
                changes = {key: value for key, value in values.items() if _differs(getattr(commitment, key), value)}
                partner_changed = commitment.partner is not partner
                if changes or partner_changed:
                    services.update_commitment(commitment, actor=self.actor,
                                               partner=partner if partner_changed else None, **changes)
                # set as stated, without the lifecycle of manual changes: a file is an authoritative restatement
                status_changed = commitment.status is not item["status"]
                if status_changed:
                    acting_as(db.session, self.actor)
                    commitment.status = item["status"]
                    db.session.flush()
                changed = bool(changes) or partner_changed or status_changed
                self.summary.commitments.add("updated" if changed else "unchanged")
            if self.on_commitment is not None:
                self.on_commitment()


def _update_amendment(amendment: Amendment, *, signed_on: date, subject: str, new_end_on: date | None,
                      actor: Any) -> Amendment:
    """Correct an amendment already recorded (same rules as services.add_amendment on its dates)."""
    acting_as(db.session, actor)
    agreement = amendment.agreement
    if signed_on < agreement.start_on:
        raise DomainError(_("Un avenant ne peut pas précéder le début de la convention."), field="signed_on")
    if new_end_on is not None and (new_end_on <= agreement.start_on or new_end_on < signed_on):
        raise DomainError(_("La nouvelle date de fin doit suivre la signature de l'avenant."), field="new_end_on")
    for key, value in (("signed_on", signed_on), ("subject", subject.strip()), ("new_end_on", new_end_on)):
        if getattr(amendment, key) != value:
            setattr(amendment, key, value)
    db.session.flush()
    return amendment


# --- export ----------------------------------------------------------------------------------------------------

class _Money(Decimal):
    """An amount in euros, written with two decimals."""


class _Flow(list):
    """A short list written on one line: [A1, A2]."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
        return super().increase_indent(flow, False)  # lists indented under their key, like the shipped files


def _represent_money(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
    return dumper.represent_scalar(_TAG + "float", f"{value:.2f}")


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
    if value == value.to_integral_value():
        return dumper.represent_scalar(_TAG + "int", str(int(value)))
    return dumper.represent_scalar(_TAG + "float", format(value.normalize(), "f"))


def _represent_flow(dumper: yaml.SafeDumper, value: list) -> yaml.Node:
    return dumper.represent_sequence(_TAG + "seq", value, flow_style=True)


_Dumper.add_representer(_Money, _represent_money)
_Dumper.add_representer(Decimal, _represent_decimal)
_Dumper.add_representer(_Flow, _represent_flow)


def _dump(data: dict) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False,
                     width=100000)


def _compact(mapping: dict[str, Any]) -> dict[str, Any]:
    """Drop the keys whose value is None or an empty list (absent means empty in the format)."""
    return {key: value for key, value in mapping.items() if value is not None and value != []}


def _money(value: Decimal | None) -> _Money | None:
    return None if value is None else _Money(value)


def _by_id(items: Iterable[Any]) -> list[Any]:
    return sorted(items, key=lambda item: item.id)


def export_convention(reference: str) -> str:
    """The agreement as YAML text in the import format; deterministic, so exporting twice gives the same text."""
    agreement = db.session.scalar(sa.select(Agreement).where(Agreement.reference == reference))
    if agreement is None:
        raise ConventionError([_("aucune convention de référence « %(ref)s »", ref=reference)])
    partners = _by_id(agreement.partners)
    party_ids = [p.organisation_id for p in partners]
    organisations = [p.organisation for p in partners]
    for signatory in _by_id(agreement.signatories):
        if signatory.organisation_id not in party_ids:
            party_ids.append(signatory.organisation_id)
            organisations.append(signatory.organisation)
    referents = {p.organisation_id: p.referent for p in partners}

    head = _compact({
        "reference": agreement.reference, "title": agreement.title, "kind": agreement.kind.value,
        "status": agreement.status.value, "start_on": agreement.start_on, "end_on": agreement.end_on,
        "midterm_on": agreement.midterm_on,
        "predecessor": agreement.predecessor.reference if agreement.predecessor else None,
        "city_contract": agreement.city_contract, "renewal_agreement": agreement.renewal_agreement,
    })
    sections = {
        "themes": [theme.code for theme in agreement.themes],
        "organisations": [_compact({"code": org.code, "name": org.name, "kind": org.kind.value,
                                    "referent": referents.get(org.id)}) for org in organisations],
        "neighbourhoods": [_export_neighbourhood(node, set(party_ids)) for node in _by_id(agreement.territories)],
        "signatories": [_compact({"organisation": s.organisation.code, "role": s.role.value,
                                  "signer_name": s.signer_name, "signer_title": s.signer_title,
                                  "signed_on": s.signed_on}) for s in _by_id(agreement.signatories)],
        "amendments": [_compact({"number": a.number, "signed_on": a.signed_on, "subject": a.subject,
                                 "new_end_on": a.new_end_on}) for a in agreement.amendments],
        "commitments": [_export_commitment(c) for c in agreement.commitments],
    }
    # the header is not translated: the file must not depend on the locale of whoever exports it
    chunks = [f"# {agreement.reference} — fichier de convention exporté par gup (format : conventions/README.md)\n"
              + _dump(head)]
    for key, value in sections.items():
        if value or key == "organisations":
            chunks.append(_dump({key: value}))
    return "\n".join(chunks)


def _export_neighbourhood(node: Territory, party_ids: set[int]) -> dict[str, Any]:
    return _compact({
        "code": node.code, "name": node.name, "qpv_code": node.qpv_code, "address": node.address,
        "residences": [_compact({
            "code": residence.code, "name": residence.name, "address": residence.address,
            # a provider that is not party to the agreement is not in the file: the key is left out
            "housing_provider": residence.housing_provider.code
            if residence.housing_provider_id in party_ids and residence.housing_provider else None,
            "buildings": [_compact({
                "code": building.code, "name": building.name, "address": building.address,
                "stairwells": _Flow(_export_stairwell(building, s) for s in _by_id(building.children)
                                    if s.kind is TerritoryKind.STAIRWELL),
            }) for building in _by_id(residence.children) if building.kind is TerritoryKind.BUILDING],
        }) for residence in _by_id(node.children) if residence.kind is TerritoryKind.RESIDENCE],
    })


def _export_stairwell(building: Territory, stairwell: Territory) -> Any:
    if stairwell_code(building.code, stairwell.name) == stairwell.code:
        return stairwell.name
    return {"code": stairwell.code, "name": stairwell.name}


def _export_commitment(c: Commitment) -> dict[str, Any]:
    indicator = None
    if c.indicator_label:
        indicator = _compact({"label": c.indicator_label, "unit": c.indicator_unit,
                              "baseline": c.indicator_baseline, "target": c.indicator_target})
    return _compact({
        "reference": c.reference, "partner": c.partner.organisation.code, "theme": c.theme.code, "title": c.title,
        "description": c.description, "funding_source": c.funding_source.value,
        "tfpb_axis": c.tfpb_axis.value if c.tfpb_axis else None,
        "planned_investment": _money(c.planned_investment_amount),
        "planned_operating": _money(c.planned_operating_amount), "indicator": indicator, "due_on": c.due_on,
        "status": c.status.value, "progress": c.progress,
    })
