"""Finds the words on a page that no translation function produced.

``marked_translations()`` makes every string that goes through Django's translation functions
(``{% translate %}``, ``{% blocktranslate %}``, ``gettext``, ``gettext_lazy``, ``ngettext``,
``pgettext``, Django's own month and weekday names…) come out between two markers, as a
translation into another language would replace it. ``untranslated(html, data)`` then reads the
page as a person does (text and the attributes people hear or see) and returns what is left once
the marked strings and the data are taken away: words a Welsh interface could not change.
``write_catalogue(folder, language, translations)`` writes a compiled catalogue of a few
translations, for a test to offer that language (without GNU gettext).
"""

from __future__ import annotations

import contextlib
import re
import struct
from html.parser import HTMLParser

from django.utils import translation
from django.utils.translation import trans_real

OPEN, CLOSE = "\u27ea", "\u27eb"  # ⟪ ⟫
# The innermost marked string (a translated sentence may hold a translated month, say).
MARKED = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
# What is left that is not words: numbers, references, punctuation, symbols.
NOT_WORDS = re.compile(r"[\W\d_]+")
# Attributes people see or hear: ``data-label`` is a column's name shown beside each cell when a
# table stacks on a phone (the stylesheet prints it), the rest are read out or shown as hints.
SPOKEN_ATTRIBUTES = ("title", "aria-label", "alt", "placeholder", "aria-description", "data-label")


def _mark(function):
    def marked(*args, **kwargs):
        text = function(*args, **kwargs)
        if not text or OPEN in text or text in FORMAT_STRINGS:
            return text
        return f"{OPEN}{text}{CLOSE}"

    return marked


# Django reads these format strings through gettext; marking them would break date formatting.
FORMAT_STRINGS = {
    "DATE_FORMAT",
    "DATETIME_FORMAT",
    "TIME_FORMAT",
    "YEAR_MONTH_FORMAT",
    "MONTH_DAY_FORMAT",
    "SHORT_DATE_FORMAT",
    "SHORT_DATETIME_FORMAT",
}


@contextlib.contextmanager
def marked_translations():
    """Every translated string comes out as ⟪string⟫ while this is open."""
    trans = translation._trans
    names = ("gettext", "ngettext", "pgettext", "npgettext")
    saved = {name: getattr(trans, name) for name in names}
    for name in names:
        setattr(trans, name, _mark(getattr(trans_real, name)))
    try:
        yield
    finally:
        for name, function in saved.items():
            setattr(trans, name, function)


class _Reader(HTMLParser):
    # Scripts, and machine names shown as code (a column, a field, a slug) that no language changes.
    SKIP = {"script", "style", "template", "code", "kbd", "samp"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skipping += 1
        values = dict(attrs)
        for name in SPOKEN_ATTRIBUTES:
            if values.get(name):
                self.texts.append(values[name])
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.texts.append(values["value"])
        # A search engine shows a page's description under its title.
        if tag == "meta" and values.get("name") == "description" and values.get("content"):
            self.texts.append(values["content"])

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.texts.append(data)


def untranslated(html: str, data: list[str]) -> list[str]:
    """The pieces of the page's text that are neither translated nor data."""
    # A translated sentence may hold markup (a link in a sentence): its marks are taken out of
    # the page's source, innermost first, before the page is read.
    while True:
        unmarked = MARKED.sub(" ", html)
        if unmarked == html:
            break
        html = unmarked
    reader = _Reader()
    reader.feed(html)
    pieces = sorted({d for d in data if d and len(d.strip()) > 0}, key=len, reverse=True)
    left = []
    for text in reader.texts:
        rest = text
        for piece in pieces:
            if piece in rest:
                rest = rest.replace(piece, " ")
        if NOT_WORDS.sub("", rest):
            left.append(" ".join(rest.split()))
    return left


# Welsh's plural forms, as Django's own Welsh catalogue declares them.
PLURAL_FORMS = {"cy": "nplurals=4; plural=(n==1) ? 0 : (n==2) ? 1 : (n != 8 && n != 11) ? 2 : 3;"}


def write_catalogue(folder, language: str, translations: dict[str, str]):
    """Writes ``folder/<language>/LC_MESSAGES/django.mo`` (GNU .mo) holding ``translations``
    (msgid → msgstr); point LOCALE_PATHS at ``folder`` and add the language to LANGUAGES to use it."""
    header = "Content-Type: text/plain; charset=UTF-8\n"
    if language in PLURAL_FORMS:
        header += f"Plural-Forms: {PLURAL_FORMS[language]}\n"
    messages = {"": header, **translations}
    keys = sorted(messages)
    ids = strs = b""
    entries = []
    for key in keys:
        msgid, msgstr = key.encode(), messages[key].encode()
        entries.append((len(ids), len(msgid), len(strs), len(msgstr)))
        ids += msgid + b"\0"
        strs += msgstr + b"\0"
    start_ids = 7 * 4 + 16 * len(keys)
    start_strs = start_ids + len(ids)
    table_ids = b"".join(struct.pack("<2I", length, start_ids + offset) for offset, length, _, _ in entries)
    table_strs = b"".join(struct.pack("<2I", length, start_strs + offset) for _, _, offset, length in entries)
    head = struct.pack("<7I", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + 8 * len(keys), 0, 0)
    target = folder / language / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    (target / "django.mo").write_bytes(head + table_ids + table_strs + ids + strs)
    return folder
