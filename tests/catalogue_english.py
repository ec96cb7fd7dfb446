"""Find the English msgids of Ponte's own translation catalogues left in a rendered page.

A string Ponte wrote in English and translated to pt-BR must never reach a pt-BR page in
English: a missing `gettext`, a label built by hand or a verbose name outside the catalogue
shows up here as the English words themselves.
"""

from __future__ import annotations

import gettext
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Attributes a user reads (hover hints, button labels, placeholders).
READ_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
# The admin's filter heading, "By %(filter_title)s", as Django's pt-BR catalogue has it.
BY = "Por"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")


def catalogue_files() -> list[Path]:
    return sorted(
        path
        for path in ROOT.glob("**/locale/pt_BR/LC_MESSAGES/django.mo")
        if ".venv" not in path.parts and "site-packages" not in path.parts
    )


@cache
def english_patterns() -> list[tuple[str, re.Pattern]]:
    """Each msgid whose pt-BR text differs from it, as a whole-word, case-blind pattern."""
    patterns = {}
    for path in catalogue_files():
        with path.open("rb") as handle:
            catalogue = gettext.GNUTranslations(handle)._catalog
        for key, translated in catalogue.items():
            msgid = key[0] if isinstance(key, tuple) else key
            if not msgid or "\x04" in msgid or translated.strip().lower() == msgid.strip().lower():
                continue
            literal = [part.strip() for part in PLACEHOLDER.split(msgid)]
            while literal and not literal[0]:
                literal.pop(0)
            while literal and not literal[-1]:
                literal.pop()
            if not any(re.search(r"[A-Za-z]{3}", part) for part in literal):
                continue  # nothing but placeholders and punctuation
            body = r"\s*.+?\s*".join(
                r"\s+".join(re.escape(word) for word in part.split()) for part in literal
            )
            if len(msgid.split()) == 1:
                # One word is only English when it is the whole text: a column, a label ("Status:"),
                # a filter ("Por integration"); inside a longer text it may be a third party's.
                body = rf"^(?:{BY}\s+)?{body}:?$"
            patterns[msgid] = re.compile(rf"(?<![\w-]){body}(?![\w-])", re.IGNORECASE)
    return sorted(patterns.items())


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._skip += 1
        for name, value in attrs:
            if value and (
                name in READ_ATTRIBUTES
                or (tag == "input" and name == "value" and dict(attrs).get("type") in ("submit", "button"))
            ):
                self.pieces.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.pieces.append(data)


def visible_texts(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return [" ".join(piece.split()) for piece in parser.pieces]


def english_left(html: str) -> list[tuple[str, str]]:
    """(msgid, the text it was found in) for every catalogue msgid shown in English."""
    found = []
    for text in visible_texts(html):
        for msgid, pattern in english_patterns():
            if pattern.search(text):
                found.append((msgid, text))
    return found
