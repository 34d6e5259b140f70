"""The text layer of PDF dossiers: a font per script, HarfBuzz shaping, bidi.

User text in a dossier may be in any script, and one line may mix Arabic,
English and numbers. reportlab alone gets three things wrong here: it has no
bidi without ``rlbidi`` (not on PyPI); its own HarfBuzz shaping guesses the
direction of each space-delimited word and shapes a word with the font of its
first fragment, so ``Delhi/दिल्ली`` or ``(احتجاز)`` (Naskh has no parentheses)
get wrong glyphs; and the text it writes for shaped glyphs (conjuncts,
contextual forms) is private-use code points, so pdftotext and search lose the
words. Hence this module lays out user text itself:

1. **Fonts** (:func:`script_runs`): each letter takes the bundled Noto family of
   its Unicode block; spaces, digits, punctuation and symbols join the run
   before them when that font has the glyph, else the run after, else the first
   bundled font that has it; combining marks and joiners stay with their base.
2. **Bidi levels**: UAX #9 from python-bidi (its Rust implementation, the full
   algorithm with brackets and isolates; its pure-Python one as a fallback),
   per logical line (a newline separates paragraphs), with the base direction
   from the first strong character (P2/P3; a line without one takes the text's).
   One higher-level protocol: a number with separators (``2026-03-01``) is an
   isolate, else after an Arabic letter it shows as ``01-03-2026`` (W2, W4).
3. **Shaping**: every run of one font and one bidi level is shaped by HarfBuzz
   with an explicit direction (odd level: right-to-left, so glyphs come out in
   visual order, joined, and mirrored: ``(`` becomes ``)``).
4. **Line breaking before reordering** (:class:`ShapedParagraph`): lines are
   broken in *logical* order with the shaped widths, at spaces (and ZWSP); a
   word wider than the line is cut between HarfBuzz clusters. Only then is each
   line reordered (UAX #9 L1: trailing spaces dropped; L2: runs reversed from
   the highest level down), so the first line of a long Arabic paragraph holds
   its first words, right-aligned, and ``2026-03-01`` or ``Khartoum`` inside it
   read left to right.
5. **Drawing and text extraction**: each glyph is written with a code of the
   font (:class:`ShapingTTFont`) whose ToUnicode entry is its share of the
   cluster's text, so pypdf and pdftotext give the source characters back;
   left-to-right runs of complex scripts also carry an ``ActualText`` span, as
   poppler splits Burmese and Khmer words at marks otherwise. Right-to-left
   runs come out in visual order from pypdf and in logical order from poppler.

:func:`paragraph_markup` is the one-line form for places that need reportlab
markup (a table of contents entry): the same runs, pre-shaped, in visual order,
meant for a style *without* reportlab shaping (``ParagraphStyle`` default).

Limits: no dictionary line breaking, so Thai, Khmer and Burmese without spaces
break between syllable clusters, not words; no hyphenation; no glyph offsets in
:func:`paragraph_markup` (marks sit at their default place, no kerning) and, as
markup is wrapped by reportlab after reordering, right-to-left markup is only
right on one line; its glyph codes are only valid in this process (never store
it). Poppler may put an Arabic vowel mark it reads as raised on another line.
Tabs become four spaces; other control characters are dropped. Lines are the
style's leading apart, the first baseline one font size down: scripts with
tall stacks (Myanmar, Khmer) want a leading of about 1.6 times the font size.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from bisect import bisect_right
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, NamedTuple
from weakref import WeakKeyDictionary
from xml.sax.saxutils import escape

import uharfbuzz
from bidi import get_display
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus.flowables import Flowable

from hrdesk.resources import resource_path

Direction = Literal["ltr", "rtl"]

# A family's name is also its regular face's font name, so "NotoSans" works with
# canvas.setFont and ParagraphStyle(fontName=...); the bold face is "<family>-Bold".
LATIN = "NotoSans"
ARABIC = "NotoNaskhArabic"  # fonts/README.md: Naskh for documents, Sans Arabic for the UI
FAMILIES: tuple[str, ...] = (
    LATIN,
    ARABIC,
    "NotoSansArabic",
    "NotoSansHebrew",
    "NotoSansDevanagari",
    "NotoSansBengali",
    "NotoSansTamil",
    "NotoSansMyanmar",
    "NotoSansThai",
    "NotoSansKhmer",
    "NotoSansEthiopic",
    "NotoSansGeorgian",
    "NotoSansArmenian",
)
# Where a character outside every known block, or a symbol no neighbour has, is
# looked for. NotoSansArabic is left out: Naskh is the document face for Arabic.
_FALLBACK = tuple(f for f in FAMILIES if f != "NotoSansArabic")

# (first, last, family) per Unicode block, sorted by first code point.
_BLOCKS: tuple[tuple[int, int, str], ...] = (
    (0x0000, 0x052F, LATIN),  # Latin, IPA, Greek, Cyrillic
    (0x0530, 0x058F, "NotoSansArmenian"),
    (0x0590, 0x05FF, "NotoSansHebrew"),
    (0x0600, 0x06FF, ARABIC),
    (0x0750, 0x077F, ARABIC),
    (0x0870, 0x08FF, ARABIC),
    (0x0900, 0x097F, "NotoSansDevanagari"),
    (0x0980, 0x09FF, "NotoSansBengali"),
    (0x0B80, 0x0BFF, "NotoSansTamil"),
    (0x0E00, 0x0E7F, "NotoSansThai"),
    (0x1000, 0x109F, "NotoSansMyanmar"),
    (0x10A0, 0x10FF, "NotoSansGeorgian"),
    (0x1200, 0x139F, "NotoSansEthiopic"),
    (0x1780, 0x17FF, "NotoSansKhmer"),
    (0x19E0, 0x19FF, "NotoSansKhmer"),
    (0x1C80, 0x1C8F, LATIN),  # Cyrillic Extended-C
    (0x1C90, 0x1CBF, "NotoSansGeorgian"),
    (0x1D00, 0x1FFF, LATIN),  # phonetic extensions, Latin and Greek extended
    (0x2C60, 0x2C7F, LATIN),
    (0x2D00, 0x2D2F, "NotoSansGeorgian"),
    (0x2D80, 0x2DDF, "NotoSansEthiopic"),
    (0x2DE0, 0x2DFF, LATIN),
    (0xA640, 0xA69F, LATIN),
    (0xA720, 0xA7FF, LATIN),
    (0xA8E0, 0xA8FF, "NotoSansDevanagari"),
    (0xA9E0, 0xA9FF, "NotoSansMyanmar"),
    (0xAA60, 0xAA7F, "NotoSansMyanmar"),
    (0xAB00, 0xAB2F, "NotoSansEthiopic"),
    (0xAB30, 0xAB6F, LATIN),
    (0xFB00, 0xFB06, LATIN),
    (0xFB13, 0xFB17, "NotoSansArmenian"),
    (0xFB1D, 0xFB4F, "NotoSansHebrew"),
    (0xFB50, 0xFDFF, ARABIC),
    (0xFE70, 0xFEFF, ARABIC),
    (0x11FC0, 0x11FFF, "NotoSansTamil"),
    (0x1E7E0, 0x1E7FF, "NotoSansEthiopic"),
)
_BLOCK_STARTS = tuple(first for first, _, _ in _BLOCKS)

# Joiners and variation selectors shape with the character before them.
_ATTACHED = frozenset({0x034F, 0x200C, 0x200D, *range(0xFE00, 0xFE10)})
_BREAKING_SPACES = frozenset(" \u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008")
_BREAKING_SPACES |= frozenset("\u2009\u200a\u205f\u3000\u200b")  # ZWSP: Thai, Khmer, Burmese
_RTL_CLASSES = frozenset({"R", "AL"})
# Bidi classes that can give a character of a left-to-right line a non-zero level.
_BIDI_TRIGGERS = _RTL_CLASSES | {"AN", "RLE", "RLO", "RLI", "LRE", "LRO", "LRI", "FSI", "PDF"}
_ISOLATE_OPENERS = frozenset({"LRI", "RLI", "FSI"})
_LEVEL_RE = re.compile(r"Level\(\s*(\d+)")
# Digits joined by separators, with an optional sign: dates, times, phone and ID numbers.
_NUMBER_TOKEN = re.compile(r"[+\u2212]?\d+(?:[-\u2010\u2011\u2013/.:,]\d+)+")
# Glyph codes for glyphs that no character maps to, or that stand for other text
# than their character (ligatures, contextual forms, mirrored brackets): planes 15
# and 16, which no bundled font uses, so they never collide with a font's own.
_PRIVATE_FIRST, _PRIVATE_LAST = 0xF0000, 0x10FFFD

_register_lock = threading.Lock()
_FONTS: dict[str, ShapingTTFont] = {}  # by face name, filled by register_fonts()


# -- fonts ------------------------------------------------------------------------------


def face_name(family: str, bold: bool = False) -> str:
    """The registered font name of a family's regular or bold face."""
    return f"{family}-Bold" if bold else family


def register_fonts() -> None:
    """Register the bundled fonts with reportlab, once (later calls do nothing).

    Each family's regular face is registered under the family name and its bold
    face as ``<family>-Bold``, with the family mapping for ``<b>`` in markup.
    The fonts are :class:`ShapingTTFont`, with faithful ToUnicode maps.
    """
    with _register_lock:
        if _registered():
            return
        for family in FAMILIES:
            for bold in (False, True):
                name = face_name(family, bold)
                # The same object again if reportlab's registry was reset: shaped
                # runs in the caches hold glyph codes that this object handed out.
                if name not in _FONTS:
                    style = "Bold" if bold else "Regular"
                    path = resource_path("fonts", f"{family}-{style}.ttf")
                    _FONTS[name] = ShapingTTFont(name, str(path))
                pdfmetrics.registerFont(_FONTS[name])
            pdfmetrics.registerFontFamily(
                family,
                normal=family,
                bold=face_name(family, True),
                italic=family,
                boldItalic=face_name(family, True),
            )


def _registered() -> bool:
    names = set(pdfmetrics.getRegisteredFontNames())
    return bool(_FONTS) and all(name in names for name in _FONTS)


def _font(name: str) -> ShapingTTFont:
    font = _FONTS.get(name)
    if font is None:
        register_fonts()
        font = _FONTS[name]  # a KeyError names a face that is not bundled
    return font


class _Glyph(NamedTuple):
    """Where HarfBuzz puts a glyph, and its width in the PDF font, in 1/1000 em."""

    x_advance: float
    x_offset: float
    y_offset: float
    width: float


@dataclass(frozen=True)
class _Shaped:
    """A run shaped by HarfBuzz, at 1000 units per em (multiply by size/1000)."""

    codes: str  # one character per glyph, in visual order: the font's code for it
    glyphs: tuple[_Glyph, ...]
    advance: float
    clusters: tuple[tuple[int, float], ...]  # (first character, advance), logical order


class ShapingTTFont(TTFont):
    """A TrueType font that draws HarfBuzz's glyphs and says what text they are.

    reportlab draws a string through the font's character-to-glyph map; for a
    glyph that is not one character's own (a conjunct, an initial form, a
    mirrored bracket) this font hands out a code of its own, mapped to the
    glyph for drawing and, in the PDF's ToUnicode map, to the cluster's text.
    """

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename)
        self._hb_font = uharfbuzz.Font(uharfbuzz.Face(uharfbuzz.Blob.from_file_path(filename)))
        self._to_em = 1000 / self._hb_font.face.upem
        # The smallest code point of each glyph: U+0020 rather than U+00A0 for a space.
        by_glyph = sorted(self.face.charToGlyph.items(), reverse=True)
        self._own_char: dict[int, int] = {glyph: code for code, glyph in by_glyph}
        self._cmap = frozenset(self.face.charToGlyph)  # before any code of ours is added
        self._codes: dict[tuple[int, str], int] = {}
        self._texts: dict[int, str] = {}
        self._lock = threading.Lock()

    def covers(self, code_point: int) -> bool:
        """Whether the font itself (not a code of ours) has a glyph for the character."""
        return code_point in self._cmap

    def shape(self, text: str, rtl: bool) -> _Shaped:
        """HarfBuzz glyphs for one run of one direction (cached)."""
        return _shape_cached(self.fontName, text, rtl)

    def _shape(self, text: str, rtl: bool) -> _Shaped:
        buf = uharfbuzz.Buffer()
        buf.add_str(text)
        buf.direction = "rtl" if rtl else "ltr"
        buf.guess_segment_properties()  # script and language; the direction stays ours
        uharfbuzz.shape(self._hb_font, buf)
        infos, positions = buf.glyph_infos, buf.glyph_positions
        texts = _glyph_texts(text, [info.cluster for info in infos], rtl)
        codes, glyphs = [], []
        for info, pos, glyph_text in zip(infos, positions, texts, strict=True):
            code = self._code(info.codepoint, glyph_text)
            codes.append(chr(code))
            glyphs.append(self._placement(pos, code))
        advance = sum(g.x_advance for g in glyphs)
        clusters = _cluster_advances([info.cluster for info in infos], glyphs)
        return _Shaped("".join(codes), tuple(glyphs), advance, clusters)

    def _placement(self, pos, code: int) -> _Glyph:
        scale = self._to_em
        width = self.face.charWidths.get(code, 0)
        return _Glyph(pos.x_advance * scale, pos.x_offset * scale, pos.y_offset * scale, width)

    def _code(self, glyph: int, text: str) -> int:
        own = self._own_char.get(glyph)
        if own is not None and text == chr(own):
            return own
        code = self._codes.get((glyph, text))
        if code is None:
            with self._lock:
                code = self._codes.get((glyph, text)) or self._allocate(glyph, text)
        return code

    def _allocate(self, glyph: int, text: str) -> int:
        code = _PRIVATE_FIRST + len(self._codes)
        if code > _PRIVATE_LAST:  # ~131,000 distinct glyph/text pairs: draw right, say less
            return self._own_char.get(glyph, 0)
        self.face.charToGlyph[code] = glyph
        self.face.charWidths[code] = self._hb_font.get_glyph_h_advance(glyph) * self._to_em
        self._codes[(glyph, text)] = code
        self._texts[code] = text
        return code

    def addObjects(self, doc) -> None:
        """Write the font as reportlab does, then replace each subset's ToUnicode map."""
        state = self.state.get(doc)
        subsets = [list(s) for s in state.subsets] if state else []
        names = [self.getSubsetInternalName(n, doc)[1:] for n in range(len(subsets))]
        super().addObjects(doc)
        fonts = doc.idToObject["BasicFonts"].dict
        for name, subset in zip(names, subsets, strict=True):
            base_font = fonts[name].BaseFont
            stream = doc.idToObject["toUnicodeCMap:" + base_font]
            stream.content = _to_unicode_cmap(base_font, subset, self._texts)


def _glyph_texts(text: str, clusters: Sequence[int], rtl: bool) -> list[str]:
    """The text each glyph stands for, so that reading the glyphs in their reading
    order (left to right, or right to left in a right-to-left run) gives the
    cluster's text: one character per glyph, the rest on the cluster's last glyph.

    Every glyph gets some text where it can: pdftotext reads a glyph that
    stands for nothing as a gap, and puts a space in the middle of the word.
    """
    starts = sorted(set(clusters))
    ends = dict(zip(starts, [*starts[1:], len(text)], strict=True))
    groups: dict[int, list[int]] = {}
    order = range(len(clusters) - 1, -1, -1) if rtl else range(len(clusters))
    for i in order:
        groups.setdefault(clusters[i], []).append(i)
    out = [""] * len(clusters)
    for start, glyphs in groups.items():
        chars = text[start : ends[start]]
        for n, i in enumerate(glyphs):
            out[i] = chars[n] if n < len(glyphs) - 1 else chars[n:]
    return out


def _cluster_advances(
    clusters: Sequence[int], glyphs: Sequence[_Glyph]
) -> tuple[tuple[int, float], ...]:
    advances: dict[int, float] = {}
    for cluster, glyph in zip(clusters, glyphs, strict=True):
        advances[cluster] = advances.get(cluster, 0.0) + glyph.x_advance
    return tuple(sorted(advances.items()))


@lru_cache(maxsize=2048)  # words recur across a dossier and across dossiers
def _shape_cached(font_name: str, text: str, rtl: bool) -> _Shaped:
    return _font(font_name)._shape(text, rtl)


def _to_unicode_cmap(base_font: str, subset: Sequence[int], texts: dict[int, str]) -> str:
    entries = [f"<{i:02X}> <{_utf16_hex(texts.get(c, chr(c)))}>" for i, c in enumerate(subset)]
    blocks = []
    for first in range(0, len(entries), 100):  # at most 100 entries per block (PDF 9.10.3)
        chunk = entries[first : first + 100]
        blocks += [f"{len(chunk)} beginbfchar", *chunk, "endbfchar"]
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            f"/CIDSystemInfo << /Registry ({base_font}) /Ordering ({base_font}) "
            "/Supplement 0 >> def",
            f"/CMapName /{base_font} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(subset) - 1:02X}>",
            "endcodespacerange",
            *blocks,
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )


def _utf16_hex(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


# -- scripts ----------------------------------------------------------------------------


def script_runs(text: str) -> list[tuple[str, str]]:
    """Split text into ``(font family, text)`` runs, each in a font with its glyphs.

    Letters take their block's family (Latin, Greek and Cyrillic: Noto Sans);
    spaces, digits and punctuation join the run before them when its font has
    them, else the run after, else the first bundled font that does.
    """
    families = _char_families(text)
    runs: list[tuple[str, str]] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or families[i] != families[start]:
            runs.append((families[start], text[start:i]))
            start = i
    return runs


def _char_families(text: str) -> list[str]:
    if text.isascii():  # Noto Sans has every printable ASCII character
        return [LATIN] * len(text)
    own: list[str | None] = [_letter_family(ch) for ch in text]
    following: list[str | None] = [None] * len(text)
    after = None
    for i in range(len(text) - 1, -1, -1):
        following[i] = after
        after = own[i] or after
    families: list[str] = []
    before: str | None = None
    for i, ch in enumerate(text):
        family = own[i]
        if family is None:
            if before is not None and _attaches(ch):
                family = before
            else:
                family = _neighbour_family(ord(ch), before, following[i])
        families.append(family)
        before = family
    return families


def _letter_family(ch: str) -> str | None:
    """The family of a letter (by its block), None for everything else."""
    if not unicodedata.category(ch).startswith("L"):
        return None
    code = ord(ch)
    i = bisect_right(_BLOCK_STARTS, code) - 1
    family = _BLOCKS[i][2] if i >= 0 and code <= _BLOCKS[i][1] else None
    if family is not None and _font(family).covers(code):
        return family
    # A rare letter its block's font lacks (Noto Sans Arabic has some Naskh has not).
    return _covering_family(code) or family or LATIN


def _attaches(ch: str) -> bool:
    return unicodedata.category(ch).startswith("M") or ord(ch) in _ATTACHED


def _neighbour_family(code: int, before: str | None, after: str | None) -> str:
    for family in (before, after):
        if family is not None and _font(family).covers(code):
            return family
    return _covering_family(code) or before or after or LATIN


@lru_cache(maxsize=4096)
def _covering_family(code: int) -> str | None:
    return next((f for f in _FALLBACK if _font(f).covers(code)), None)


# -- direction --------------------------------------------------------------------------


def base_direction(text: str) -> Direction:
    """``"rtl"`` if the first strong character is right-to-left, else ``"ltr"``.

    UAX #9 P2/P3: characters inside isolates (LRI/RLI/FSI … PDI) are skipped; a
    text with no strong character is left-to-right.
    """
    return _first_strong(text) or "ltr"


def is_rtl_text(text: str) -> bool:
    """Whether the text's base direction is right-to-left (see :func:`base_direction`)."""
    return base_direction(text) == "rtl"


def _first_strong(text: str) -> Direction | None:
    depth = 0
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in _ISOLATE_OPENERS:
            depth += 1
        elif kind == "PDI":
            depth = max(0, depth - 1)
        elif depth == 0 and kind == "L":
            return "ltr"
        elif depth == 0 and kind in _RTL_CLASSES:
            return "rtl"
    return None


def _bidi_levels(line: str, rtl: bool) -> list[int]:
    """UAX #9 embedding levels of one paragraph, one per character (before L1),
    with numbers joined by separators kept whole (see :func:`_isolate_numbers`)."""
    if not rtl and not any(unicodedata.bidirectional(ch) in _BIDI_TRIGGERS for ch in line):
        return [0] * len(line)  # nothing can leave level 0: skip the algorithm
    marked, inserted = _isolate_numbers(line, "\u2066", "\u2069")
    levels = _levels_rust(marked, rtl)
    if levels is None:  # the Python algorithm predates isolates: embeddings instead
        marked, inserted = _isolate_numbers(line, "\u202a", "\u202c")
        levels = _levels_python(marked, rtl)
    return [level for i, level in enumerate(levels) if i not in inserted]


def _isolate_numbers(line: str, opener: str, closer: str) -> tuple[str, set[int]]:
    """The line with each number token (``2026-03-01``, ``+249-912``) wrapped in
    left-to-right isolates, and the indices of the characters added.

    A higher-level protocol (UAX #9 HL3): after an Arabic letter, W2 makes
    digits Arabic numbers, and a hyphen between Arabic numbers stays neutral,
    resolves to right-to-left and shows the date as 01-03-2026.
    """
    parts: list[str] = []
    inserted: set[int] = set()
    last = length = 0
    for match in _NUMBER_TOKEN.finditer(line):
        before = line[last : match.start()]
        parts += [before, opener, match.group(), closer]
        length += len(before)
        inserted.add(length)
        length += 1 + len(match.group())
        inserted.add(length)
        length += 1
        last = match.end()
    parts.append(line[last:])
    return "".join(parts), inserted


def _levels_rust(line: str, rtl: bool) -> list[int] | None:
    """Levels from python-bidi's Rust implementation, which gives them (one per
    UTF-8 byte) only in its debug description; None if that is not understood."""
    info = get_display(line, base_dir="R" if rtl else "L", debug=True)
    start = info.rfind("\n    levels: [") if isinstance(info, str) else -1
    if start < 0:  # the text itself is escaped there: a real newline is the format's
        return None
    end = info.find("\n    ]", start)
    per_byte = [int(level) for level in _LEVEL_RE.findall(info, start, end)]
    if len(per_byte) != len(line.encode("utf-8")):
        return None
    levels, offset = [], 0
    for ch in line:
        levels.append(per_byte[offset])
        offset += len(ch.encode("utf-8"))
    return levels


def _levels_python(line: str, rtl: bool) -> list[int]:
    """Levels from python-bidi's pure-Python implementation (no bracket pairs)."""
    from bidi import algorithm as bidi_python  # not in python-bidi 0.5: only when needed

    storage = bidi_python.get_empty_storage()
    storage["base_level"], storage["base_dir"] = (1, "R") if rtl else (0, "L")
    bidi_python.get_embedding_levels(line, storage)
    bidi_python.explicit_embed_and_overrides(storage)
    bidi_python.resolve_weak_types(storage)
    bidi_python.resolve_neutral_types(storage, False)
    bidi_python.resolve_implicit_levels(storage, False)
    chars = storage["chars"]  # without the characters X9 removes (controls, ZWJ, ZWNJ)
    levels, j, last = [], 0, storage["base_level"]
    for ch in line:
        if j < len(chars) and chars[j]["ch"] == ch:
            last = chars[j]["level"]
            j += 1
        levels.append(last)  # a removed character rides with the one before it
    return levels


def _reorder(levels: Sequence[int]) -> list[int]:
    """UAX #9 L2: the visual order of items of the given levels (indices)."""
    order = list(range(len(levels)))
    if not levels:
        return order
    if min(levels) == max(levels):  # one direction: the usual line
        return order[::-1] if levels[0] % 2 else order
    lowest_odd = min(level for level in levels) | 1
    for level in range(max(levels), lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] >= level:
                j = i
                while j < len(order) and levels[order[j]] >= level:
                    j += 1
                order[i:j] = reversed(order[i:j])
                i = j
            else:
                i += 1
    return order


# -- logical text -----------------------------------------------------------------------


def _clean(text: str) -> str:
    """Tabs to spaces; other controls and lone surrogates out (they break PDF text)."""
    text = text.replace("\t", "    ")
    if text.isascii() and "".join(text.splitlines()).isprintable():
        return text
    return "".join(ch for ch in text if ch in "\n\r" or unicodedata.category(ch) not in _DROP)


_DROP = frozenset({"Cc", "Cs"})


@dataclass(frozen=True)
class _Item:
    """A piece of one paragraph in one font and one bidi level: a word or spaces."""

    start: int
    end: int
    text: str
    face: str
    level: int
    space: bool
    shaped: _Shaped

    def width(self, size: float) -> float:
        return self.shaped.advance * size / 1000


@dataclass(frozen=True)
class _Para:
    """One logical line of the source text, analysed once."""

    text: str
    rtl: bool
    items: tuple[_Item, ...]


def _analyse(text: str, bold: bool) -> tuple[_Para, ...]:
    # Labels, dates and names recur in every table of a dossier; narrative text
    # does not, and caching it would keep whole notes alive over a batch export.
    return _analyse_short(text, bold) if len(text) <= 120 else _analyse_text(text, bold)


@lru_cache(maxsize=4096)
def _analyse_short(text: str, bold: bool) -> tuple[_Para, ...]:
    return _analyse_text(text, bold)


def _analyse_text(text: str, bold: bool) -> tuple[_Para, ...]:
    text = _clean(text)
    lines = text.splitlines() or [""]
    whole = _first_strong(text) or "ltr"
    return tuple(
        _analyse_line(line, (_first_strong(line) or whole) == "rtl", bold) for line in lines
    )


def _analyse_line(line: str, rtl: bool, bold: bool) -> _Para:
    families, levels = _char_families(line), _bidi_levels(line, rtl)
    keys = list(zip(families, levels, map(_is_break, line), strict=True))
    items = []
    start = 0
    for i in range(1, len(line) + 1):
        if i == len(line) or keys[i] != keys[start]:
            family, level, _ = keys[start]
            items.append(_make_item(line, start, i, face_name(family, bold), level))
            start = i
    return _Para(line, rtl, tuple(items))


def _is_break(ch: str) -> bool:
    return ch in _BREAKING_SPACES


def _make_item(line: str, start: int, end: int, face: str, level: int) -> _Item:
    text = line[start:end]
    shaped = _font(face).shape(text, bool(level % 2))
    return _Item(start, end, text, face, level, text[0] in _BREAKING_SPACES, shaped)


def _cut(line: str, item: _Item, at: int) -> tuple[_Item, _Item]:
    """An item split at a character offset, both halves shaped anew."""
    head = _make_item(line, item.start, at, item.face, item.level)
    return head, _make_item(line, at, item.end, item.face, item.level)


# -- line breaking ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    items: tuple[_Item, ...]  # visual order, trailing spaces dropped
    advance: float  # at 1000 units per em
    rtl: bool
    first: bool  # the paragraph's first line (gets the first-line indent)
    last: bool  # the paragraph's last line (never justified)
    start: int  # logical offset of its first character
    para: _Para


def _break(
    para: _Para, span: tuple[int, int], widths: tuple[float, float], size: float
) -> list[_Line]:
    """Greedy lines in logical order over ``span`` (start, end offsets of the
    paragraph's text); ``widths``: the first line's, the others'."""
    start, end = span
    queue = deque(_items_within(para, start, end))
    raw: list[list[_Item]] = []
    current: list[_Item] = []
    used = 0.0
    while queue:
        avail = widths[0] if not raw else widths[1]
        word, spaces = _take_word(queue)
        word_width = sum(i.width(size) for i in word)
        if current and used + word_width > avail + 0.01:
            raw.append(current)
            current, used = [], 0.0
            avail = widths[1]
        if not current and word_width > avail + 0.01:
            head, rest = _split_word(para.text, word, avail, size)
            raw.append(head)
            queue.extendleft(reversed(rest + spaces))
            continue
        current += word + spaces
        used += word_width + sum(i.width(size) for i in spaces)
    if current or not raw:
        raw.append(current)
    ends_para = end >= len(para.text)
    return [
        _visual_line(para, items, first=n == 0 and start == 0, last=ends_para and n == len(raw) - 1)
        for n, items in enumerate(raw)
    ]


def _items_within(para: _Para, start: int, end: int) -> Iterator[_Item]:
    for item in para.items:
        if item.end <= start or item.start >= end:
            continue
        if item.start < start:
            item = _cut(para.text, item, start)[1]
        if item.end > end:
            item = _cut(para.text, item, end)[0]
        yield item


def _take_word(queue: deque[_Item]) -> tuple[list[_Item], list[_Item]]:
    """The next word (its items up to a space) and the spaces after it."""
    word: list[_Item] = []
    while queue and not queue[0].space:
        word.append(queue.popleft())
    spaces: list[_Item] = []
    while queue and queue[0].space:
        spaces.append(queue.popleft())
    return word, spaces


def _split_word(
    line: str, word: list[_Item], avail: float, size: float
) -> tuple[list[_Item], list[_Item]]:
    """As much of a too-wide word as fits, cut between clusters (one cluster at least)."""
    used = 0.0
    for n, item in enumerate(word):
        for k, (offset, advance) in enumerate(item.shaped.clusters):
            width = advance * size / 1000
            if used + width > avail and (n or k):
                return _split_at(line, word, n, item.start + offset)
            used += width
    return word, []


def _split_at(line: str, word: list[_Item], n: int, at: int) -> tuple[list[_Item], list[_Item]]:
    item = word[n]
    if at == item.start:
        return word[:n], word[n:]
    head, tail = _cut(line, item, at)
    return [*word[:n], head], [tail, *word[n + 1 :]]


def _visual_line(para: _Para, items: list[_Item], first: bool, last: bool) -> _Line:
    while items and items[-1].space:  # L1: trailing spaces hang past the margin
        items = items[:-1]
    order = _reorder([item.level for item in items])
    visual = tuple(items[i] for i in order)
    start = items[0].start if items else len(para.text)
    advance = sum(i.shaped.advance for i in items)
    return _Line(visual, advance, para.rtl, first, last, start, para)


# -- the flowable -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Part:
    """A paragraph of the source, or the piece of it a split left in one flowable."""

    para: _Para
    start: int = 0
    end: int | None = None  # None: to the paragraph's end

    @property
    def span(self) -> tuple[int, int]:
        return self.start, len(self.para.text) if self.end is None else self.end


class ShapedParagraph(Flowable):
    """A paragraph of plain user text in any script, laid out by this module.

    Honours the style's fontSize, leading, alignment (left means the start side:
    right for a right-to-left line), justification, left/right/first-line
    indents, textColor, backColor with borderPadding, spaceBefore/After, and
    splits between lines across frames and pages.
    """

    def __init__(self, text: str, style: ParagraphStyle, bold: bool = False) -> None:
        super().__init__()
        self.text = text
        self.style = style
        # The style's own face counts too: a heading style may name a bold font.
        self.bold = bold or "bold" in style.fontName.lower()
        # No text, no lines: an empty table cell stays as low as reportlab's would.
        paras = _analyse(text, self.bold) if text.strip() else ()
        self._parts = tuple(_Part(p) for p in paras)
        self._layout_cache: tuple[float, list[_Line]] | None = None

    @classmethod
    def _from_parts(cls, model: ShapedParagraph, parts: Sequence[_Part]) -> ShapedParagraph:
        clone = cls.__new__(cls)
        Flowable.__init__(clone)
        clone.text, clone.style, clone.bold = model.text, model.style, model.bold
        clone._parts, clone._layout_cache = tuple(parts), None
        return clone

    # Platypus protocol ----------------------------------------------------------------

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = len(self._lines(availWidth)) * self.style.leading
        return availWidth, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        lines = self._lines(availWidth)
        fits = int((availHeight + 1e-6) // self.style.leading)
        if fits >= len(lines):
            return [self]
        if fits <= 0:
            return []
        return self._split_before(lines[fits])

    def draw(self) -> None:
        style = self.style
        canvas = self.canv
        canvas.saveState()
        self._draw_background()
        canvas.setFillColor(style.textColor)
        for n, line in enumerate(self._lines(self.width)):
            baseline = self.height - n * style.leading - style.fontSize
            self._draw_line(line, baseline)
        canvas.restoreState()

    def minWidth(self) -> float:
        """The widest word, so a table can size a column that must hold it."""
        size = self.style.fontSize
        widest = 0.0
        for part in self._parts:
            queue = deque(part.para.items)
            while queue:
                word, _ = _take_word(queue)
                widest = max(widest, sum(i.width(size) for i in word))
        return widest + self.style.leftIndent + self.style.rightIndent

    def getPlainText(self) -> str:
        return "\n".join(part.para.text[slice(*part.span)] for part in self._parts)

    # layout ---------------------------------------------------------------------------

    def _lines(self, width: float) -> list[_Line]:
        if self._layout_cache is None or self._layout_cache[0] != width:
            self._layout_cache = (width, self._layout(width))
        return self._layout_cache[1]

    def _layout(self, width: float) -> list[_Line]:
        style = self.style
        text_width = width - style.leftIndent - style.rightIndent
        lines: list[_Line] = []
        for part in self._parts:
            indent = style.firstLineIndent if part.start == 0 else 0.0
            widths = (text_width - indent, text_width)
            lines += _break(part.para, part.span, widths, style.fontSize)
        return lines

    def _split_before(self, line: _Line) -> list[Flowable]:
        """Two flowables: the text before the line (breaking into the same lines
        again, as greedy breaking of a prefix does), and the text from it on."""
        index = next(
            n
            for n, part in enumerate(self._parts)
            if part.para is line.para and part.span[0] <= line.start <= part.span[1]
        )
        part = self._parts[index]
        head = list(self._parts[:index])
        if line.start > part.start:
            head.append(_Part(part.para, part.start, line.start))
        tail = [_Part(part.para, line.start, part.end), *self._parts[index + 1 :]]
        return [self._from_parts(self, head), self._from_parts(self, tail)]

    # drawing --------------------------------------------------------------------------

    def _draw_background(self) -> None:
        style = self.style
        if not getattr(style, "backColor", None):
            return
        pad = style.borderPadding
        pad = pad if isinstance(pad, (tuple, list)) else (pad, pad, pad, pad)
        top, right, bottom, left = (tuple(pad) * 4)[:4]
        self.canv.setFillColor(style.backColor)
        self.canv.rect(
            style.leftIndent - left,
            -bottom,
            self.width - style.leftIndent - style.rightIndent + left + right,
            self.height + top + bottom,
            stroke=0,
            fill=1,
        )

    def _draw_line(self, line: _Line, baseline: float) -> None:
        # One text object per line, written directly: reportlab's text object costs
        # a few times more per word, and half a dossier's time went there. Each
        # item gets its own Tm although the pen is already there: readers that go
        # by the text matrix (pypdf) then see where each word is.
        size = self.style.fontSize
        doc = self.canv._doc
        x, extra = self._line_start(line)
        y = _num(baseline)
        ops = ["BT"]
        selected = None
        for item in line.items:
            ops.append(f"1 0 0 1 {_num(x)} {y} Tm")
            actual = _actual_text(item)
            if actual:  # poppler reads the span's text instead of guessing from the glyphs
                ops.append(f"/Span <</ActualText <FEFF{_utf16_hex(actual)}>>> BDC")
            for select, glyph_ops in _item_operators(doc, item, size):
                if select != selected:
                    ops.append(select)
                    selected = select
                ops += glyph_ops
            if actual:
                ops.append("EMC")
            x += item.width(size) + (extra if item.space else 0.0)
        ops.append("ET")
        self.canv.addLiteral("\n".join(ops))

    def _line_start(self, line: _Line) -> tuple[float, float]:
        """Where the line starts on the left, and the extra width of each space."""
        style = self.style
        size = style.fontSize
        left = style.leftIndent
        room = self.width - style.leftIndent - style.rightIndent
        if line.first:
            room -= style.firstLineIndent
            if not line.rtl:
                left += style.firstLineIndent
        free = room - line.advance * size / 1000
        alignment = _alignment(style.alignment, line.rtl)
        if alignment == TA_JUSTIFY and not line.last:
            spaces = sum(1 for item in line.items if item.space)
            if spaces:
                return left, max(free, 0.0) / spaces
            alignment = TA_RIGHT if line.rtl else TA_LEFT
        elif alignment == TA_JUSTIFY:
            alignment = TA_RIGHT if line.rtl else TA_LEFT
        if alignment == TA_RIGHT:
            return left + free, 0.0
        if alignment == TA_CENTER:
            return left + free / 2, 0.0
        return left, 0.0


def _item_operators(doc, item: _Item, size: float) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``(font selection, glyph operators)`` per font subset for one shaped item;
    cached per document (subset codes are the document's), as words recur."""
    cache = _OPERATORS.setdefault(doc, {})
    key = (item.face, item.shaped, size)  # the whole shape: same glyphs, same places
    found = cache.get(key)
    if found is None:
        font = _font(item.face)
        glyphs = item.shaped.glyphs
        found, first = [], 0
        for subset, codes in font.splitString(item.shaped.codes, doc):
            select = f"{font.getSubsetInternalName(subset, doc)} {_num(size)} Tf"
            found.append(
                (select, tuple(_glyph_operators(codes, glyphs[first : first + len(codes)], size)))
            )
            first += len(codes)
        found = cache[key] = tuple(found)
    return found


_OPERATORS: WeakKeyDictionary = WeakKeyDictionary()  # document -> {(face, shape, size): ...}


def _glyph_operators(codes: bytes, data: Sequence[_Glyph], size: float) -> list[str]:
    """``Tj`` when the glyphs sit at their own advances, else ``TJ`` with HarfBuzz's
    offsets (and a text rise for vertical ones); leaves the pen after the glyphs."""
    if all(d.x_offset == d.y_offset == 0 and d.x_advance == d.width for d in data):
        return [f"<{codes.hex()}> Tj"]
    ops: list[str] = []
    parts: list[str] = []
    rise = 0.0
    for code, d in zip(codes, data, strict=True):
        if d.y_offset != rise:  # a text rise applies to whole strings: close the array
            if parts:
                ops.append(f"[{' '.join(parts)}] TJ")
                parts = []
            rise = d.y_offset
            ops.append(f"{_num(rise * size / 1000)} Ts")
        if d.x_offset:
            parts.append(_num(-d.x_offset))  # TJ numbers move left, in 1/1000 em
        parts.append(f"<{code:02x}>")
        after = d.width + d.x_offset - d.x_advance
        if after:
            parts.append(_num(after))
    if parts:
        ops.append(f"[{' '.join(parts)}] TJ")
    if rise:
        ops.append("0 Ts")
    return ops


def _num(value: float) -> str:
    return f"{value:.2f}"


def _actual_text(item: _Item) -> str | None:
    """The text poppler should read for a complex left-to-right run.

    Its heuristics take a mark drawn just before the next glyph for duplicated
    text and split the word there (Burmese, Khmer); right-to-left runs are left
    to its own bidi, which reads their ToUnicode text right.
    """
    if item.level % 2 or item.face.removesuffix("-Bold") in _PLAIN_FAMILIES:
        return None
    return item.text


def _alignment(alignment: int, rtl: bool) -> int:
    """The style's alignment, where left (the default) means the line's start side."""
    return TA_RIGHT if rtl and alignment == TA_LEFT else alignment


def paragraph(text: str, style: ParagraphStyle, bold: bool = False) -> ShapedParagraph:
    """A flowable for user text in any script, shaped, bidi-ordered and wrapped
    (see the module docstring); right-aligned when right-to-left and the style
    says left. Newlines start new paragraphs within it."""
    return ShapedParagraph(text, style, bold)


# -- markup -----------------------------------------------------------------------------


def paragraph_markup(text: str, bold: bool = False) -> str:
    """reportlab Paragraph markup for user text: escaped, a ``<font>`` per run.

    Each line comes out in visual order, its runs pre-shaped into this module's
    glyph codes (so right-to-left and complex scripts need no shaping from
    reportlab: use a style with ``shaping`` off, reportlab's default), and
    newlines become ``<br/>``. Right-to-left text is only right if reportlab
    does not wrap it: for text that may wrap, use :func:`paragraph`.
    """
    return "<br/>".join(_line_markup(para) for para in _analyse(text, bold))


def _line_markup(para: _Para) -> str:
    line = _visual_line(para, list(para.items), first=True, last=True)
    runs: list[tuple[str, str]] = []  # (face, escaped text), neighbours of one face merged
    for item in line.items:
        body = escape(_markup_text(item))
        if runs and runs[-1][0] == item.face:
            runs[-1] = (item.face, runs[-1][1] + body)
        else:
            runs.append((item.face, body))
    return "".join(f'<font name="{face}">{body}</font>' for face, body in runs)


def _markup_text(item: _Item) -> str:
    if item.level % 2 == 0 and item.face.removesuffix("-Bold") in _PLAIN_FAMILIES:
        return item.text  # as typed: reportlab draws it as is, and it stays readable
    return item.shaped.codes  # glyph codes in visual order: shaped already


# Scripts whose left-to-right text needs no shaping: one glyph per character.
_PLAIN_FAMILIES = frozenset({LATIN, "NotoSansEthiopic", "NotoSansGeorgian", "NotoSansArmenian"})
