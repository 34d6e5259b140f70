"""Turning a spreadsheet row into case JSON: the column mapping and cell conversion.

A mapping (docs/import.md) names, for each column, a *target*: a case field
(``title``, ``location.country``), or a field of the row's victim, alleged
perpetrator, incident, note or service (``victim.name``, ``incident.date``).
Cells are forgiving the way spreadsheets need: dates in common local formats,
vocabulary values by slug or by label (any letter case, with or without
accents), countries by code or name, lists split on ``;`` or ``,``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from hrdesk.core import vocab
from hrdesk.core.errors import ValidationError
from hrdesk.core.textfold import fold_key
from hrdesk.core.validate import shown
from hrdesk.i18n import _

# target -> (vocabulary for slug/label matching or a kind, is it a list)
TARGETS: dict[str, tuple[str, bool]] = {
    "title": ("text", False),
    "summary": ("text", False),
    "status": ("case-status", False),
    "priority": ("priority", False),
    "sensitivity": ("sensitivity", False),
    "opened_on": ("date", False),
    "closed_on": ("date", False),
    "tags": ("text", True),
    "location.country": ("country", False),
    "location.region": ("text", False),
    "location.locality": ("text", False),
    "victim.name": ("text", False),
    "victim.alias": ("text", False),
    "victim.sex": ("sex", False),
    "victim.gender": ("text", False),
    "victim.birth_date": ("date", False),
    "victim.birth_year": ("year", False),
    "victim.age_range": ("text", False),
    "victim.nationality": ("country", False),
    "victim.contact": ("text", False),
    "victim.vulnerabilities": ("vulnerability", True),
    "perpetrator.name": ("text", False),
    "perpetrator.actor_type": ("actor-type", False),
    "incident.date": ("partial-date", False),
    "incident.place": ("text", False),
    "incident.description": ("text", False),
    "incident.violations": ("violation", True),
    "note.text": ("text", False),
    "service.type": ("service-type", False),
    "service.status": ("service-status", False),
    "service.provider": ("text", False),
}

DEFAULT_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y/%m/%d", "%d/%m/%y")


@dataclass
class Mapping:
    columns: dict[str, str]  # column header -> target
    date_formats: tuple[str, ...] = DEFAULT_DATE_FORMATS
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # target -> cell -> slug
    sheet: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"columns": self.columns, "date_formats": list(self.date_formats)}
        if self.values:
            data["values"] = self.values
        if self.sheet:
            data["sheet"] = self.sheet
        return data


def parse_mapping(data: Any) -> Mapping:
    if not isinstance(data, dict):
        raise ValidationError("", _("a mapping is a JSON object"))
    for key in data:
        if key not in ("columns", "date_formats", "values", "sheet"):
            raise ValidationError(
                str(key), _("unknown key (allowed: columns, date_formats, sheet, values)")
            )
    columns = data.get("columns")
    if not isinstance(columns, dict) or not columns:
        raise ValidationError("columns", _("expected an object of column name → field"))
    for column, target in columns.items():
        if not isinstance(target, str) or target not in TARGETS:
            raise ValidationError(
                f"columns.{column}",
                _("“{target}” is not a field that can be imported (see docs/import.md)").format(
                    target=target
                ),
            )
    formats = data.get("date_formats", list(DEFAULT_DATE_FORMATS))
    if not isinstance(formats, list) or not all(isinstance(f, str) for f in formats):
        raise ValidationError("date_formats", _("expected a list of formats such as %d/%m/%Y"))
    values = data.get("values", {})
    if not isinstance(values, dict):
        raise ValidationError("values", _("expected an object of field → {cell: slug}"))
    for target, table in values.items():
        if target not in TARGETS:
            raise ValidationError(
                f"values.{target}",
                _("“{target}” is not a field that can be imported (see docs/import.md)").format(
                    target=target
                ),
            )
        if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
            raise ValidationError(f"values.{target}", _("expected an object of cell → slug"))
    return Mapping(dict(columns), tuple(formats), values, data.get("sheet"))


# Header names spreadsheets commonly use, besides each target's own name.
_SYNONYMS = {
    "title": ("case title", "case name", "case"),
    "summary": ("description", "narrative", "case summary"),
    "opened_on": ("opened", "date opened", "opening date", "intake date", "case date", "date"),
    "closed_on": ("closed", "date closed", "closing date"),
    "tags": ("keywords", "labels"),
    "location.country": ("country",),
    "location.region": ("region", "district", "province", "state", "governorate"),
    "location.locality": ("locality", "village", "town", "city"),
    "victim.name": ("victim", "victim name", "name of victim"),
    "victim.alias": ("alias", "pseudonym", "code name"),
    "victim.sex": ("sex",),
    "victim.gender": ("gender",),
    "victim.birth_year": ("birth year", "year of birth"),
    "victim.age_range": ("age", "age range", "age group"),
    "victim.nationality": ("nationality",),
    "victim.contact": ("contact", "phone", "telephone"),
    "perpetrator.name": ("perpetrator", "alleged perpetrator", "perpetrator name"),
    "perpetrator.actor_type": ("perpetrator type", "actor type"),
    "incident.date": ("incident date", "date of incident", "date of violation"),
    "incident.place": ("place", "incident place", "place of incident"),
    "incident.description": ("incident description", "what happened"),
    "incident.violations": ("violation", "violations", "violation type", "type of violation"),
    "note.text": ("note", "notes", "comments", "remarks"),
    "service.type": ("service", "service type", "support"),
    "service.status": ("service status",),
    "service.provider": ("provider", "referred to"),
}


def suggest_mapping(headers: list[str]) -> Mapping:
    """A first mapping from the header names (target names and common synonyms); a
    dry run prints it so that it can be saved, corrected and passed back."""
    names: dict[str, str] = {}
    for target in TARGETS:
        for name in (target, target.replace(".", " "), *_SYNONYMS.get(target, ())):
            names.setdefault(_key(name.replace("_", " ")), target)
    columns: dict[str, str] = {}
    for header in headers:
        target = names.get(_key(header))
        if target and target not in columns.values():
            columns[header] = target
    return Mapping(columns)


def _key(text: str) -> str:

    return re.sub(r"[\s_.\-]+", " ", fold_key(text)).strip()


@cache
def _labels(vocabulary: str) -> dict[str, str]:
    """Every way a term may be written -> its slug: slug, English and translated label."""
    table: dict[str, str] = {}
    for term in vocab.terms(vocabulary):
        for text in (term.slug, term.slug.replace("-", " "), term.label_source, term.label):
            table[_key(text)] = term.slug
    return table


@cache
def _country_names() -> dict[str, str]:
    from babel import Locale

    table: dict[str, str] = {}
    for code, name in Locale("en").territories.items():
        if re.fullmatch(r"[A-Z]{2}", code):
            table[_key(name)] = code
            table[_key(code)] = code
            # CLDR writes "Myanmar (Burma)": either name alone is what a sheet holds.
            both = re.fullmatch(r"(.+?)\s*\((.+)\)", name)
            for part in both.groups() if both else ():
                table.setdefault(_key(part), code)
    return table


def convert(target: str, cell: Any, mapping: Mapping) -> Any:
    """A cell's value for ``target``, or ValidationError (whose path the caller sets)."""
    kind, is_list = TARGETS[target]
    if is_list:
        parts = cell if isinstance(cell, list) else re.split(r"[;,\n]", str(cell))
        return [
            _convert_one(target, kind, part.strip(), mapping) for part in parts if str(part).strip()
        ]
    return _convert_one(target, kind, cell, mapping)


def _convert_one(target: str, kind: str, cell: Any, mapping: Mapping) -> Any:
    explicit = {_key(k): v for k, v in mapping.values.get(target, {}).items()}
    if isinstance(cell, str) and _key(cell) in explicit:
        return explicit[_key(cell)]
    if kind == "text":
        return str(cell).strip()
    if kind == "date":
        return _date(cell, mapping.date_formats)
    if kind == "partial-date":
        # When only the month or the year is known, keep just that (date precision).
        text = str(cell).strip()
        if re.fullmatch(r"\d{4}(-\d{2})?", text) and not isinstance(cell, dt.date):
            return text
        month_year = re.fullmatch(r"(\d{1,2})[/.\-](\d{4})", text)
        if month_year and 1 <= int(month_year[1]) <= 12:
            return f"{month_year[2]}-{int(month_year[1]):02d}"
        return _date(cell, mapping.date_formats)
    if kind == "year":
        text = str(cell).strip()
        if isinstance(cell, int | float) or re.fullmatch(r"\d{4}(\.0)?", text):
            return int(float(text))
        raise ValidationError("", _("expected a year such as 1988"))
    if kind == "country":
        code = _country_names().get(_key(str(cell)))
        if code is None:
            raise ValidationError("", _("not a known country name or ISO code"))
        return code
    slug = _labels(kind).get(_key(str(cell)))
    if slug is None:
        raise ValidationError(
            "",
            _("“{value}” is not one of: {allowed}").format(
                value=shown(cell), allowed=", ".join(vocab.slugs(kind))
            ),
        )
    return slug


def _date(cell: Any, formats: tuple[str, ...]) -> str:
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    text = str(cell).strip()
    for fmt in formats:
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    raise ValidationError(
        "",
        _("“{value}” is not a date in any of the formats {formats}").format(
            value=shown(text), formats=", ".join(formats)
        ),
    )
