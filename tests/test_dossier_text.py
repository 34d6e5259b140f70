"""The dossier text layer: fonts per script, shaping, bidi and line breaking,
checked on real PDFs read back with pypdf and, where it is on PATH, pdftotext.

Extractors differ on right-to-left text: pypdf returns words in visual order,
poppler applies its own bidi. So what is asserted is what both must agree on:
every word of the source is there (whole, or reversed for a visual-order
reader), numbers are intact, and, from glyph positions, which words are drawn
where.
"""

from __future__ import annotations

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


def extracted(path: Path) -> str:
    """pypdf's text, and poppler's too when pdftotext is installed."""
    found = "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)
    if shutil.which("pdftotext"):
        found += (
            "\n"
            + subprocess.run(
                ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
            ).stdout
        )
    return found


def words_of(source: str) -> list[str]:
    return [w.strip("()") for w in source.split()]


def assert_words(found: str, source: str) -> None:
    missing = [w for w in words_of(source) if w not in found and w[::-1] not in found]
    assert not missing, f"missing {missing} in {found!r}"


def assert_words_in_order(path: Path, source: str) -> None:
    """Each reader on its own: pypdf, then pdftotext, each must give every word."""
    assert_words("\n".join(p.extract_text() for p in PdfReader(str(path)).pages), source)
    if shutil.which("pdftotext"):
        poppler = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True)
        assert_words(poppler.stdout, source)


def fragments(path: Path, page: int = 0) -> list[tuple[str, float, float]]:
    """(text, x, baseline y) of every text-showing operation, as pypdf sees them."""
    found: list[tuple[str, float, float]] = []

    def visit(value, cm, tm, font, size):
        if value.strip():
            found.append((value, cm[4] + tm[4] * cm[0], cm[5] + tm[5] * cm[3]))

    PdfReader(str(path)).pages[page].extract_text(visitor_text=visit)
    return found


def lines_of(path: Path, page: int = 0) -> list[list[tuple[str, float]]]:
    """Fragments grouped by baseline, top line first, each line left to right."""
    by_y: dict[float, list[tuple[str, float]]] = {}
    for value, x, y in fragments(path, page):
        by_y.setdefault(round(y, 1), []).append((value, x))
    return [sorted(by_y[y], key=lambda f: f[1]) for y in sorted(by_y, reverse=True)]


def x_of(line: list[tuple[str, float]], word: str) -> float:
    return next(x for value, x in line if word in value or word[::-1] in value)


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
        ("NotoSansHebrew", "ש"),
        ("NotoSans", " 2026"),  # nor does the Hebrew font have digits
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
    for line in (ARABIC_MIXED, HEBREW, PERSIAN, "Detained in " + ARABIC + " (2026-03-01)."):
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
    assert_words_in_order(pdf, sample)
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
    assert x_of(line, "2026") < x_of(line, "Khartoum") < x_of(line, "صحفيين")
    assert x_of(line, "صحفيين") < x_of(line, "احتجاز")
    assert {"NotoNaskhArabic-Regular", "NotoSans-Regular"} <= base_fonts(pdf)


def test_an_arabic_phrase_inside_english_reads_right_to_left(tmp_path):
    sample = "Detained on 2026-03-01: احتجاز صحفيين in Khartoum."
    pdf = build(tmp_path / "embedded.pdf", [text.paragraph(sample, STYLE)])
    assert_words(extracted(pdf), sample)
    (line,) = lines_of(pdf)
    assert x_of(line, "Detained") < x_of(line, "صحفيين") < x_of(line, "احتجاز")
    assert x_of(line, "احتجاز") < x_of(line, "Khartoum")


def test_a_long_rtl_paragraph_wraps_in_logical_order(tmp_path):
    words = ARABIC.split() * 4
    sample = " ".join(words)
    pdf = build(tmp_path / "narrow.pdf", [text.paragraph(sample, STYLE)], width=150)
    lines = lines_of(pdf)
    assert len(lines) >= 4
    first = " ".join(value for value, _ in lines[0])
    # The first line holds the first words of the text (visual-order wrapping by
    # reportlab would put the paragraph's last words there instead).
    assert words[0] in first and words[1] in first
    assert words[-1] not in first
    last = " ".join(value for value, _ in lines[-1])
    assert words[-1] in last
    # Right-aligned: every line ends at the frame's right edge, so its first word
    # (rightmost) starts well right of the left margin.
    assert all(x_of(line, line[-1][0]) > 50 + 40 for line in lines)
    assert_words(extracted(pdf), sample)


def test_a_long_paragraph_splits_across_pages_without_loss(tmp_path):
    sample = " ".join([ARABIC] * 120)
    paragraph = text.paragraph(sample, STYLE)
    head, tail = paragraph.split(200, 5 * STYLE.leading)
    assert head.wrap(200, 1000)[1] == 5 * STYLE.leading
    assert f"{head.getPlainText()} {tail.getPlainText()}" == sample
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
    assert x_of(line, "2026") < x_of(line, "Khartoum") < x_of(line, "احتجاز")


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
