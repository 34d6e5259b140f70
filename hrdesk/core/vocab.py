"""Controlled vocabularies (stable slugs, translatable labels) loaded from resources."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from hrdesk.i18n import pgettext
from hrdesk.resources import resource_path


@dataclass(frozen=True)
class Term:
    slug: str
    label_source: str  # English msgid; translated with the vocabulary name as context
    vocabulary: str

    @property
    def label(self) -> str:
        return pgettext(self.vocabulary, self.label_source)


@cache
def _load() -> dict[str, tuple[Term, ...]]:
    data = json.loads(resource_path("vocabularies.json").read_text(encoding="utf-8"))
    return {
        name: tuple(Term(item["slug"], item["label"], name) for item in items)
        for name, items in data.items()
        if not name.startswith("_")
    }


def terms(vocabulary: str) -> tuple[Term, ...]:
    return _load()[vocabulary]


def slugs(vocabulary: str) -> tuple[str, ...]:
    return tuple(term.slug for term in terms(vocabulary))


def label(vocabulary: str, slug: str) -> str:
    for term in terms(vocabulary):
        if term.slug == slug:
            return term.label
    return slug


def vocabularies() -> tuple[str, ...]:
    return tuple(_load())
