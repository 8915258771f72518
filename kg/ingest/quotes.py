"""Find a curator's quoted words in an article, tolerant of typography, exact in what it records.

Articles spell the same words with curly or straight quotes, U+02BC apostrophes,
en or em dashes, line breaks or underline markup; curators type what they see.
Matching folds those differences away; the span returned points at the
article's own characters, which is what the graph records.
"""

import difflib
import re
from dataclasses import dataclass

_FOLD = str.maketrans({
    "“": '"', "”": '"', "„": '"', "«": '"', "»": '"',
    "‘": "'", "’": "'", "ʼ": "'", "`": "'", "´": "'",
    "–": "-", "—": "-", "‑": "-", "−": "-",
    "\u00a0": " ",
})
_MARKUP = re.compile(r"</?u>")
CONTEXT = 32  # characters of prefix and suffix kept to re-anchor a quote


@dataclass(frozen=True)
class Span:
    start: int  # 0-based code point offset, inclusive
    end: int  # exclusive
    exact: str
    prefix: str
    suffix: str


class FoldedText:
    """An article's text folded for matching, with a map back to the original offsets."""

    def __init__(self, text: str):
        self.text = text
        chars: list[str] = []
        origin: list[int] = []
        markup = {m.start(): m.end() for m in _MARKUP.finditer(text)}
        i = 0
        while i < len(text):
            if i in markup:
                i = markup[i]
                continue
            ch = text[i].translate(_FOLD)
            if ch.isspace():
                if chars and chars[-1] != " ":
                    chars.append(" ")
                    origin.append(i)
            else:
                chars.append(ch)
                origin.append(i)
            i += 1
        self.folded = "".join(chars)
        self.origin = origin

    def find_all(self, quote: str) -> list[Span]:
        """Every place the quote occurs, as spans of the original text."""
        needle = fold(quote)
        spans: list[Span] = []
        if not needle:
            return spans
        at = self.folded.find(needle)
        while at != -1:
            start = self.origin[at]
            end = self.origin[at + len(needle) - 1] + 1
            spans.append(self._span(start, end))
            at = self.folded.find(needle, at + 1)
        return spans

    def nearest(self, quote: str) -> str:
        """The article's passage most like the quote, to show a curator what is there."""
        needle = fold(quote)
        starts = [0] + [m.end() for m in re.finditer(r"\s", self.folded)]
        best, best_ratio = "", 0.0
        for start in starts:
            window = self.folded[start:start + len(needle)]
            ratio = difflib.SequenceMatcher(None, window, needle, autojunk=False).ratio()
            if ratio > best_ratio:
                best, best_ratio = window, ratio
        return best

    def _span(self, start: int, end: int) -> Span:
        return Span(
            start=start,
            end=end,
            exact=self.text[start:end],
            prefix=self.text[max(0, start - CONTEXT):start],
            suffix=self.text[end:end + CONTEXT],
        )


def fold(text: str) -> str:
    """Fold typography and white space the way FoldedText does."""
    text = _MARKUP.sub("", text).translate(_FOLD)
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class Sentence:
    start: int  # 0-based code point offset of its first character, inclusive
    end: int  # exclusive
    text: str


# A sentence ends at . ! ? (and any closing quote marks) followed by white space and a capital,
# a digit or an opening quote; a line break always ends one (headlines, date lines, bylines).
_SENTENCE_END = re.compile(r"[.!?][\"'”’»)]*(?=\s+[\"'“‘«(]?[A-Z0-9])")
# "U.S. Position" (a headline) is not the end of a sentence: an abbreviation of capitals.
_ABBREVIATION = re.compile(r"(?:\b[A-Z]\.){2,}$")


def sentences(text: str) -> list[Sentence]:
    """The article's sentences with their offsets, for coverage and the review rules.

    Simple on purpose: the five articles are plain news prose; each line is split at sentence
    ends, and an abbreviation such as "U.S." does not end one.
    """
    found: list[Sentence] = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        for end in _SENTENCE_END.finditer(line.group()):
            if _ABBREVIATION.search(line.group()[:end.start() + 1]):
                continue
            found += _trimmed(text, start, line.start() + end.end())
            start = line.start() + end.end()
        found += _trimmed(text, start, line.end())
    return found


def _trimmed(text: str, start: int, end: int) -> list[Sentence]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return [Sentence(start, end, text[start:end])] if start < end else []
