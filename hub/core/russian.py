"""The pages' Russian. The engines and services write English, as the API and the CLI return it; a page shows
the same text through this one catalogue: an English template with ``{named}`` parts → its Russian, each part
translated again (a term, another template, or left as it is: a code, a number, a name).

A text no template matches whole is read clause by clause (``; `` then `` — ``), since reasons are built of
clauses (hub/reconciliation/matching.py). A text with no template stays English: the test
tests/unit/test_russian.py walks the engines' and services' outputs so that a new English text fails it."""
from __future__ import annotations

import re
from functools import lru_cache

from hub.core.russian_phrases import PHRASES, TERMS


_PLACE = re.compile(r"\{(\w+)\}")
_LATIN = re.compile(r"[A-Za-z]")
_WORD = re.compile(r"[A-Za-z]{2,}")
_SEPARATORS = ("; ", " — ")


def _compiled(template: str, part: str) -> re.Pattern[str]:
    pieces, last = [], 0
    for found in _PLACE.finditer(template):
        pieces += [re.escape(template[last:found.start()]), f"(?P<{found[1]}>{part})"]
        last = found.end()
    pieces.append(re.escape(template[last:]))
    return re.compile("".join(pieces), re.DOTALL)


_CLAUSE_PART = "(?:(?!; | — ).)+?"  # a part within one clause


@lru_cache(maxsize=1)
def _catalogue() -> tuple[tuple[re.Pattern[str], re.Pattern[str], str], ...]:
    """Compiled with the first page that needs it, not at the hub's start (290 patterns; issue 15)."""
    return tuple((_compiled(english, _CLAUSE_PART), _compiled(english, ".+?"), russian) for english, russian in PHRASES)


def _whole(text: str, loose: bool) -> str | None:
    for strict, anything, words in _catalogue():
        found = (anything if loose else strict).fullmatch(text)
        if found:
            return words.format(**{name: _part(value) for name, value in found.groupdict().items()})
    return None


_AMOUNT = re.compile(r"(?<![\d.,])-?\d+\.\d{2}(?![\d.])")
_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def _part(value: str) -> object:
    """A template's part in Russian: words by the catalogue; amounts and days, where the part has no words, as
    a Russian reader writes them (15 460,80; 07.12.2026) — the API's 15460.80 and 2026-12-07 stay the API's."""
    if _LATIN.search(value):
        return russian(_unquoted(value))
    return _DAY.sub(r"\3.\2.\1", _AMOUNT.sub(_amount, value))


def _amount(found: re.Match[str]) -> str:
    from decimal import Decimal

    from babel.numbers import format_decimal

    return format_decimal(Decimal(found[0]), format="#,##0.00", locale="ru_RU")


def _unquoted(value: str) -> str:
    """A part the English quoted as Python does (``'98 Базовый'``): the Russian template quotes it its own way."""
    return value[1:-1] if len(value) > 1 and value[0] == value[-1] == "'" else value


_CODES = re.compile(r"[a-z][a-z0-9_]*(?:, [a-z][a-z0-9_]*)*")


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """The catalogs' configuration and option codes and the providers' ids, by the names the pages show."""
    from pricing import load_catalogs
    from providers import PROFILES

    names = {p: profile.title for p, profile in PROFILES.items()}
    for catalog in load_catalogs().values():
        names.update({c.id: c.name for c in catalog.configurations})
        names.update({a.id: a.name for a in catalog.addons})
    return names


@lru_cache(maxsize=8192)
def russian(text: object) -> object:
    """``text`` in Russian by the catalogue; anything else (None, a number, an unknown text) as it is. Of the
    readings — a template with parts inside one clause, clause by clause (at ``; `` or `` — ``), a template with
    parts of any length — the one that leaves the fewest English words wins."""
    if not isinstance(text, str) or not _LATIN.search(text):
        return text
    if text in TERMS:
        return TERMS[text]
    if _CODES.fullmatch(text):  # a code or a list of codes: their names, where the catalogs know them
        return ", ".join(_names().get(code, code) for code in text.split(", "))
    said = _whole(text, loose=False)
    if said is not None and not _WORD.search(_bare(said)):
        return said
    readings = [said] if said is not None else []
    for separator in _SEPARATORS:
        clauses = text.split(separator)
        if len(clauses) > 1:
            readings.append(separator.join(str(russian(clause)) for clause in clauses))
    readings.append(_whole(text, loose=True))
    return min((r for r in readings if r is not None), key=lambda r: len(_WORD.findall(_bare(r))), default=text)


_NOT_WORDS = re.compile(r"[\w.+-]+@[\w.-]+|/api\S*|\w+[._*]\w*[\w.*]*|\b[A-Z][A-Z0-9]+\b|"
                        r"\b(?:ru|kz|hub|partner|credentials|ITSaaS|Excel)\b")


def _bare(text: str) -> str:
    """``text`` without what is not English prose: e-mail addresses, paths, codes and rule ids, names."""
    return _NOT_WORDS.sub(" ", text)


def untranslated(text: str) -> list[str]:
    """The Latin words left in ``text`` once in Russian, bar codes, rule ids and names (for the tests)."""
    return _WORD.findall(_bare(str(russian(text))))
