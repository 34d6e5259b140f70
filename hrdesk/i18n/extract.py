"""A babel extractor for the vocabularies: one message per term label, with the
vocabulary's name as its context (``msgctxt "violation"``), so translators see
which list a word belongs to and the stable slugs are never touched."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any


def extract_vocabularies(
    fileobj: Any, keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str, tuple[str, str], list[str]]]:
    text = fileobj.read().decode("utf-8")
    data = json.loads(text)
    lines = text.splitlines()
    for vocabulary, terms in data.items():
        if vocabulary.startswith("_"):
            continue
        for term in terms:
            needle = f'"slug": "{term["slug"]}"'
            lineno = next((n for n, line in enumerate(lines, 1) if needle in line), 0)
            comment = [f"slug: {term['slug']} (never translated)"]
            yield lineno, "pgettext", (vocabulary, term["label"]), comment
