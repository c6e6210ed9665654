"""Message catalogs: extraction from the sources, French catalog filled from the French msgids, checks.

msgids are French, so the French catalog repeats them; the English catalog is translated by hand.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
TRANSLATIONS = PACKAGE / "translations"
LOCALES = ("fr", "en")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
METHODS = [("**.py", "python"), ("**.html", "jinja2")]
OPTIONS = {"**.html": {"extensions": "jinja2.ext.do"}}


def _wanted_directory(path: str) -> bool:
    """Skip hidden folders and caches, but read templates/_macros (babel skips "_*" by default)."""
    name = Path(path).name
    return not name.startswith((".", "__"))


def extract() -> Catalog:
    """Every translatable string of the package and the templates."""
    catalog = Catalog(project="gup", charset="utf-8")
    for folder in (PACKAGE, ROOT / "templates"):
        for _filename, _lineno, message, _comments, _context in extract_from_dir(
                str(folder), METHODS, keywords=KEYWORDS, options_map=OPTIONS, directory_filter=_wanted_directory):
            catalog.add(message, flags=("python-format",) if "%(" in str(message) else ())
    return catalog


def po_path(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def read_catalog(locale: str) -> Catalog:
    with po_path(locale).open("rb") as fh:
        return read_po(fh, locale=locale)


def missing(locale: str) -> list[str]:
    """msgids used in the code that the catalog lacks or leaves untranslated (or fuzzy)."""
    catalog = read_catalog(locale)
    gaps = []
    for message in extract():
        if not message.id:
            continue
        entry = catalog.get(message.id)
        if entry is None or not entry.string or (isinstance(entry.string, tuple) and not all(entry.string)) \
                or entry.fuzzy:
            gaps.append(message.id if isinstance(message.id, str) else message.id[0])
    return gaps


def update() -> dict[str, int]:
    """Refresh both catalogs from the sources (French filled in), write .po and .mo; return missing counts."""
    counts = {}
    for locale in LOCALES:
        template = extract()  # fresh per locale: Catalog.update shares message objects with its template
        path = po_path(locale)
        path.parent.mkdir(parents=True, exist_ok=True)
        catalog = read_catalog(locale) if path.exists() else Catalog(locale=locale, project="gup", charset="utf-8")
        catalog.update(template, no_fuzzy_matching=True)
        for obsolete in list(catalog.obsolete):
            del catalog.obsolete[obsolete]
        if locale == "fr":
            for message in catalog:
                if not message.id:
                    continue
                if isinstance(message.id, str) and not message.string:
                    message.string = message.id
                elif not isinstance(message.id, str) and not all(message.string or ()):
                    message.string = tuple(message.id[:2])  # French: singular and plural forms
        with path.open("wb") as fh:
            write_po(fh, catalog, width=120, no_location=True, sort_output=True, omit_header=False)
        buffer = BytesIO()
        write_mo(buffer, catalog)
        path.with_suffix(".mo").write_bytes(buffer.getvalue())
        counts[locale] = sum(1 for m in catalog if m.id and not (m.string if isinstance(m.id, str)
                                                                  else all(m.string or ())))
    return counts
