"""Catalogs are complete, and the interface formats dates and amounts the French way."""

from datetime import UTC, date, datetime
from decimal import Decimal

from babel.messages.mofile import read_mo

from gup.i18n import fmt_date, fmt_datetime, fmt_money
from gup.i18n_catalog import LOCALES, missing, po_path, read_catalog


def test_no_french_translation_is_missing():
    gaps = missing("fr")
    assert gaps == [], f"{len(gaps)} message(s) without French translation — run `make i18n`: {gaps[:10]}"


def test_no_english_translation_is_missing():
    gaps = missing("en")
    assert gaps == [], f"{len(gaps)} message(s) without English translation in gup/translations/en: {gaps[:10]}"


def _key(value):
    """Plural messages carry lists or tuples of strings."""
    return value if isinstance(value, str) else tuple(value)


def test_compiled_catalogs_match_sources():
    for locale in LOCALES:
        with po_path(locale).with_suffix(".mo").open("rb") as fh:
            compiled = {_key(m.id): _key(m.string) for m in read_mo(fh) if m.id}
        source = {_key(m.id): _key(m.string) for m in read_catalog(locale) if m.id and m.string and not m.fuzzy}
        assert compiled == source, f"{locale}: .mo is stale — run `make i18n`"


def test_french_formats(app):
    with app.test_request_context():
        assert fmt_date(date(2026, 11, 23)) == "23 novembre 2026"
        assert fmt_date(date(2026, 12, 1)) == "1er décembre 2026"
        assert fmt_date(date(2026, 12, 11)) == "11 décembre 2026"
        assert fmt_date(date(2026, 12, 21)) == "21 décembre 2026"
        assert fmt_date(date(2026, 12, 1), "full") == "mardi 1er décembre 2026"
        assert fmt_datetime(datetime(2026, 12, 1, 8, 0, tzinfo=UTC)) == "1er décembre 2026 à 09:00"
        assert fmt_datetime(datetime(2026, 11, 30, 23, 30, tzinfo=UTC)) == "1er décembre 2026 à 00:30"
        assert fmt_money(Decimal("12500")).replace("\u202f", " ").replace("\xa0", " ") == "12 500,00 €"
        assert fmt_datetime(datetime(2026, 11, 23, 14, 5, tzinfo=UTC)) == "23 novembre 2026 à 15:05"
