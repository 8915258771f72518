"""Quote matching: tolerant of typography, exact in the characters it records."""

from kg.ingest.quotes import FoldedText, fold

ARTICLE = (
    "The Kremlin on Tuesday <u>praised</u> what it called Washington’s “balanced position”.\n\n"
    "Trump commented on his countryʼs decision — it was\nexpected. It was expected."
)


def test_curly_quotes_and_apostrophes_match_straight_ones() -> None:
    [span] = FoldedText(ARTICLE).find_all('Washington\'s "balanced position"')
    assert span.exact == "Washington’s “balanced position”"
    assert ARTICLE[span.start:span.end] == span.exact


def test_modifier_letter_apostrophe_dash_and_line_break_match() -> None:
    [span] = FoldedText(ARTICLE).find_all("country's decision - it was expected")
    assert span.exact == "countryʼs decision — it was\nexpected"


def test_underline_markup_is_skipped_but_recorded() -> None:
    [span] = FoldedText(ARTICLE).find_all("on Tuesday praised what")
    assert span.exact == "on Tuesday <u>praised</u> what"


def test_every_occurrence_is_found_with_context() -> None:
    spans = FoldedText(ARTICLE).find_all("expected")
    assert [ARTICLE[s.start:s.end] for s in spans] == ["expected", "expected"]
    assert spans[1].prefix.endswith("It was ") and spans[1].suffix == "."


def test_missing_quote_finds_nothing_and_suggests_the_nearest_text() -> None:
    text = FoldedText(ARTICLE)
    assert text.find_all("a very balanced position") == []
    assert "balanced position" in text.nearest("a very balanced position")


def test_fold_is_what_matching_compares() -> None:
    assert fold("  “a”\n—  b’ ") == "\"a\" - b'"
