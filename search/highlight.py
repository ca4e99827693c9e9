"""Snippets: a short window of the article around the first matched term, terms marked."""

import re

from django.utils.html import escape

WINDOW = 60  # characters either side of the first match


def snippet(texts: list[str], terms: list[str], length: int = 2 * WINDOW) -> str:
    """HTML-safe snippet with every term wrapped in ``<mark>``; the start of the first text
    when nothing matches."""
    terms = sorted({t for t in terms if t}, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE) if terms else None
    for text in texts:
        match = pattern.search(text) if pattern and text else None
        if match:
            start = max(0, match.start() - WINDOW)
            window = text[start : start + length]
            return (
                ("…" if start else "")
                + _mark(window, pattern)
                + ("…" if start + length < len(text) else "")
            )
    first = next((t for t in texts if t), "")
    return escape(first[:length]) + ("…" if len(first) > length else "")


def _mark(text: str, pattern: re.Pattern) -> str:
    out, last = [], 0
    for match in pattern.finditer(text):
        out += [escape(text[last : match.start()]), f"<mark>{escape(match.group())}</mark>"]
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)
