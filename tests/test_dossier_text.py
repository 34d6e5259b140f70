"""The dossier text layer: fonts per script, shaping, bidi and line breaking,
checked on real PDFs read back with pypdf and poppler.

Requires pdftotext (poppler-utils, which scripts/test.sh installs): where words
are drawn comes from ``pdftotext -bbox`` (pypdf's text visitor reports
right-to-left runs at the position of the next operation, and one position for
a whole line of reportlab's own Paragraph).

Extractors differ on right-to-left text: pypdf gives words in visual order,
poppler applies its own bidi. So what is asserted is what both must agree on:
every word of the source is there (whole, or reversed for a visual-order
reader), numbers are intact, and, from the word boxes, which word is where.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate

from hrdesk.dossier import text

STYLE = ParagraphStyle("body", fontName="NotoSans", fontSize=11, leading=17)

ARABIC_MIXED = "احتجاز 3 صحفيين في Khartoum يوم 2026-03-01"
ARABIC = "اعتقلت قوات الأمن المحامي أحمد وطالبت الأسرة بالإفراج عنه"
PERSIAN = "بازداشت روزنامه‌نگار در تهران گزارش سازمان"
HEBREW = "נעצרו 3 עיתונאים בירושלים (דיווח)"
BURMESE = "မိသားစုနှင့် အသိုင်းအဝိုင်းစင်တာတွင် တွေ့ဆုံခဲ့ပြီး"
DEVANAGARI = "मानवाधिकार कार्यकर्ता हिन्दी क्षत्रिय गिरफ़्तार"


def build(path: Path, flowables: list, width: float | None = None) -> Path:
    doc = SimpleDocTemplate(str(path), leftMargin=50, rightMargin=50)
    if width is not None:  # a narrow frame: the page less what is left of the width
        doc.rightMargin = doc.pagesize[0] - doc.leftMargin - width
    doc.build(flowables)
    return path


@pytest.fixture(autouse=True)
def poppler_present():
    assert shutil.which("pdftotext"), "scripts/test.sh installs poppler-utils (pdftotext)"


def pypdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def poppler_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def extracted(path: Path) -> str:
    return pypdf_text(path) + "\n" + poppler_text(path)


def words_of(source: str) -> list[str]:
    return [w.strip("()") for w in source.split()]


def assert_words(found: str, source: str) -> None:
    missing = [w for w in words_of(source) if w not in found and w[::-1] not in found]
    assert not missing, f"missing {missing} in {found!r}"


def assert_words_in_each_reader(path: Path, source: str) -> None:
    assert_words(pypdf_text(path), source)
    assert_words(poppler_text(path), source)


_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>')


def lines_of(path: Path, page: int = 1) -> list[list[tuple[str, float]]]:
    """Words with their left edge, grouped by line (top first), left to right."""
    bbox = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    by_top: dict[float, list[tuple[str, float]]] = {}
    for x, top, word in _WORD.findall(bbox):
        by_top.setdefault(round(float(top)), []).append((html.unescape(word), float(x)))
    return [sorted(by_top[top], key=lambda w: w[1]) for top in sorted(by_top)]


def x_of(line: list[tuple[str, float]], word: str) -> float:
    """Where a word starts (poppler may give a right-to-left word reversed)."""
    return next(x for value, x in line if word in (value, value[::-1]))


def line_text(line: list[tuple[str, float]]) -> set[str]:
    return {w for value, _ in line for w in (value, value[::-1])}


def base_fonts(path: Path) -> set[str]:
    names = set()
    for page in PdfReader(str(path)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return names


# -- runs and direction -----------------------------------------------------------------


def test_script_runs_pick_a_font_with_the_glyphs():
    runs = text.script_runs("Delhi/दिल्ली (احتجاز) Москва ש 2026")
    assert runs == [
        ("NotoSans", "Delhi/"),
        ("NotoSansDevanagari", "दिल्ली ("),  # the Devanagari font has "(" and the space
        ("NotoNaskhArabic", "احتجاز"),
        ("NotoSans", ") Москва "),  # Naskh has no ")": the next font that does
        ("NotoSansHebrew", "ש "),
        ("NotoSans", "2026"),  # nor does the Hebrew font have digits
    ]
    assert text.script_runs("မြန်မာ 12") == [("NotoSansMyanmar", "မြန်မာ "), ("NotoSans", "12")]


@pytest.mark.parametrize(
    ("sample", "direction"),
    [
        (ARABIC_MIXED, "rtl"),
        ("2026-03-01 " + HEBREW, "rtl"),  # digits are not strong: the first letter decides
        ("Khartoum " + ARABIC, "ltr"),
        ("\u2067Khartoum\u2069 " + ARABIC, "rtl"),  # P2 skips what is inside an isolate
        ("2026-03-01", "ltr"),  # P3: no strong character
        ("", "ltr"),
    ],
)
def test_base_direction_is_the_first_strong_character(sample, direction):
    assert text.base_direction(sample) == direction
    assert text.is_rtl_text(sample) == (direction == "rtl")


def test_the_python_bidi_fallback_agrees_with_the_rust_one():
    # Not on brackets: the Python implementation predates UAX #9's N0.
    for line in (ARABIC_MIXED, "2026-03-01 " + HEBREW, PERSIAN, "Detained: " + ARABIC_MIXED):
        rtl = text.is_rtl_text(line)
        assert text._levels_python(line, rtl) == text._levels_rust(line, rtl)


# -- PDFs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sample", "family"),
    [
        (ARABIC, "NotoNaskhArabic"),
        (PERSIAN, "NotoNaskhArabic"),
        (HEBREW, "NotoSansHebrew"),
        (BURMESE, "NotoSansMyanmar"),
        (DEVANAGARI, "NotoSansDevanagari"),
    ],
)
def test_each_script_is_extractable_and_embeds_its_noto_font(tmp_path, sample, family):
    pdf = build(tmp_path / "script.pdf", [text.paragraph(sample, STYLE)])
    assert_words_in_each_reader(pdf, sample)
    assert f"{family}-Regular" in base_fonts(pdf)


def test_mixed_arabic_english_and_numbers_keep_their_order(tmp_path):
    pdf = build(tmp_path / "mixed.pdf", [text.paragraph(ARABIC_MIXED, STYLE)])
    found = extracted(pdf)
    assert_words(found, ARABIC_MIXED)
    # Whole and left to right: never 10-30-6202, nor the UAX #9 reading 01-03-2026
    # (a hyphen between Arabic numbers), which the number isolation prevents.
    assert "2026-03-01" in found
    assert "10-30-6202" not in found and "01-03-2026" not in found
    assert "Khartoum" in found and "muotrahK" not in found
    # Drawn right to left: the first word rightmost, the date leftmost.
    (line,) = lines_of(pdf)
    order = ["2026-03-01", "يوم", "Khartoum", "في", "صحفيين", "3", "احتجاز"]
    assert [x_of(line, w) for w in order] == sorted(x_of(line, w) for w in order)
    assert {"NotoNaskhArabic-Regular", "NotoSans-Regular"} <= base_fonts(pdf)


def test_an_arabic_phrase_inside_english_reads_right_to_left(tmp_path):
    sample = "Detained on 2026-03-01: احتجاز صحفيين in Khartoum."
    pdf = build(tmp_path / "embedded.pdf", [text.paragraph(sample, STYLE)])
    assert_words(extracted(pdf), sample)
    (line,) = lines_of(pdf)
    order = ["Detained", "on", "2026-03-01:", "صحفيين", "احتجاز", "in", "Khartoum."]
    assert [x_of(line, w) for w in order] == sorted(x_of(line, w) for w in order)


def test_a_long_rtl_paragraph_wraps_in_logical_order(tmp_path):
    words = ARABIC.split() * 4
    sample = " ".join(words)
    pdf = build(tmp_path / "narrow.pdf", [text.paragraph(sample, STYLE)], width=150)
    lines = lines_of(pdf)
    assert len(lines) >= 4
    # The first line holds the first words of the text, the first one rightmost
    # (reordering before reportlab wraps would put the last words there instead).
    first = lines[0]
    assert {words[0], words[1]} <= line_text(first)
    assert x_of(first, words[0]) == max(x for _, x in first)
    assert words[-1] not in line_text(first)
    assert words[-1] in line_text(lines[-1])
    # Every line in logical order: line n holds the next words after line n - 1.
    seen = [w for line in lines for w in sorted(line, key=lambda w: -w[1])]
    assert [w if w in words else w[::-1] for w, _ in seen] == words
    assert_words(extracted(pdf), sample)


def test_a_long_paragraph_splits_across_pages_without_loss(tmp_path):
    sample = " ".join([ARABIC] * 120)
    paragraph = text.paragraph(sample, STYLE)
    head, tail = paragraph.split(200, 5 * STYLE.leading)
    assert head.wrap(200, 1000)[1] == 5 * STYLE.leading
    assert head.getPlainText() + tail.getPlainText() == sample
    pdf = build(tmp_path / "pages.pdf", [text.paragraph(sample, STYLE)])
    assert len(PdfReader(str(pdf)).pages) >= 2
    assert_words(extracted(pdf), sample)


def test_user_markup_is_escaped_not_interpreted(tmp_path):
    sample = "Three <b>not bold</b> & co <font name='x'>"
    markup = text.paragraph_markup(sample)
    assert "&lt;b&gt;not bold&lt;/b&gt; &amp; co &lt;font" in markup
    pdf = build(tmp_path / "escaped.pdf", [text.paragraph(sample, STYLE), Paragraph(markup, STYLE)])
    found = extracted(pdf)
    assert found.count("<b>not bold</b> & co <font name='x'>") >= 2
    assert base_fonts(pdf) & {"NotoSans-Regular"}
    assert "NotoSans-Bold" not in base_fonts(pdf)


def test_bold_uses_the_bold_faces(tmp_path):
    pdf = build(tmp_path / "bold.pdf", [text.paragraph("Case " + ARABIC_MIXED, STYLE, bold=True)])
    assert {"NotoSans-Bold", "NotoNaskhArabic-Bold"} <= base_fonts(pdf)
    assert "NotoSans-Regular" not in base_fonts(pdf)


def test_paragraph_markup_renders_one_rtl_line_in_visual_order(tmp_path):
    pdf = build(tmp_path / "markup.pdf", [Paragraph(text.paragraph_markup(ARABIC_MIXED), STYLE)])
    found = extracted(pdf)
    assert_words(found, ARABIC_MIXED)
    assert "2026-03-01" in found
    (line,) = lines_of(pdf)
    order = ["2026-03-01", "يوم", "Khartoum", "في", "صحفيين", "3", "احتجاز"]
    assert [x_of(line, w) for w in order] == sorted(x_of(line, w) for w in order)


def test_rtl_text_is_right_aligned_and_an_explicit_alignment_is_kept(tmp_path):
    right = text.paragraph(HEBREW, STYLE)
    centred = text.paragraph(HEBREW, ParagraphStyle("c", parent=STYLE, alignment=1))
    english = text.paragraph(
        "Lawyer informed.", ParagraphStyle("r", parent=STYLE, alignment=TA_RIGHT)
    )
    pdf = build(tmp_path / "align.pdf", [right, centred, english])
    lines = lines_of(pdf)
    assert x_of(lines[0], "נעצרו") > x_of(lines[1], "נעצרו") > 200
    assert x_of(lines[2], "Lawyer") > 300


def test_newlines_start_new_paragraphs_each_with_its_direction(tmp_path):
    sample = "Summary\n" + ARABIC_MIXED + "\n\n" + DEVANAGARI
    pdf = build(tmp_path / "lines.pdf", [text.paragraph(sample, STYLE)])
    lines = lines_of(pdf)
    assert len(lines) == 3  # the empty line draws nothing
    assert x_of(lines[0], "Summary") < 60  # left
    assert x_of(lines[1], "احتجاز") > 400  # right
    assert_words(extracted(pdf), sample)
