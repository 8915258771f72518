"""Whether a count appears in quoted words: as digits ("93", "1,000") or as words ("ten",
"ninety-three"), so that a tally of 93,000,000 cannot stand on "93 votes in favor"."""

import re

UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
         "fourteen fifteen sixteen seventeen eighteen nineteen").split()
TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
# Zero is also written as an absence: "there was no vote against", "none opposed".
ZERO_WORDS = ("no", "none", "nobody", "not a single", "zero")


def number_words(n: int) -> list[str]:
    """The ways English prose writes n (below 1,000 in words; any n in digits)."""
    forms = [str(n), f"{n:,}"]
    if n < 20:
        forms.append(UNITS[n])
    elif n < 100:
        tens, unit = divmod(n, 10)
        word = TENS[tens - 2]
        forms += [word] if unit == 0 else [f"{word}-{UNITS[unit]}", f"{word} {UNITS[unit]}"]
    if n == 0:
        forms += ZERO_WORDS
    return forms


def appears_in(n: int, text: str) -> bool:
    """True if the words say n: digits not part of a longer number, or words as whole words."""
    lowered = text.lower()
    for form in number_words(n):
        if form[0].isdigit():
            pattern = rf"(?<![\d,.]){re.escape(form)}(?![\d]|[,.]\d)"
        else:
            pattern = rf"\b{re.escape(form)}\b"
        if re.search(pattern, lowered):
            return True
    return False
