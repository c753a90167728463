"""How to cite a talk: a BibTeX ``@misc`` entry and a CSL-JSON item, built from one :class:`Citation`.

The formatting functions are pure; :func:`for_talk` reads a talk (Django side). BibTeX values are
escaped so that LaTeX's special characters in a title stay text (``&``, ``%``, ``#``, ``_`` …), and
names are given as ``Family, Given`` so that BibTeX splits them as intended.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from django.utils import translation

from .models import Talk

# The attribution the vault's pages carry (templates/base.html's footer).
VAULT_ATTRIBUTION = "Summary from the Knowledge Vault by David Vivancos (2024)"
PUBLISHER = "Knowledge Vault"

_BIBTEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


@dataclass
class Citation:
    key: str
    title: str
    url: str
    lang: str
    speaker: str = ""
    event: str = ""
    year: int | None = None
    note: str = ""
    accessed: date = field(default_factory=date.today)


def split_name(name: str) -> tuple[str, str]:
    """``"Alex Graves"`` -> ``("Graves", "Alex")``: the last word is taken as the family name."""
    words = name.split()
    if len(words) < 2:
        return name.strip(), ""
    return words[-1], " ".join(words[:-1])


def bibtex_escape(text: str) -> str:
    return "".join(_BIBTEX_SPECIALS.get(ch, ch) for ch in " ".join(text.split()))


def cite_key(speaker: str, year: int | None, title: str) -> str:
    """``graves2017new``: family name, year, first word of the title; ASCII letters and digits."""

    def ascii_word(text: str) -> str:
        folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        return re.sub(r"[^a-z0-9]", "", folded.lower())

    family = ascii_word(split_name(speaker)[0]) if speaker else "vault"
    first = next((ascii_word(w) for w in title.split() if ascii_word(w)), "talk")
    return f"{family or 'vault'}{year or ''}{first}"


def bibtex(c: Citation) -> str:
    """The ``@misc`` entry, fields in a fixed order, one per line."""
    fields: list[tuple[str, str]] = []
    if c.speaker:
        family, given = split_name(c.speaker)
        fields.append(("author", bibtex_escape(f"{family}, {given}" if given else family)))
    fields.append(("title", "{" + bibtex_escape(c.title) + "}"))  # keep the title's capitals
    if c.event:
        fields.append(("howpublished", bibtex_escape(f"Talk at {c.event}")))
    if c.year:
        fields.append(("year", str(c.year)))
    fields.append(("url", c.url.replace("%", r"\%")))
    fields.append(("urldate", c.accessed.isoformat()))
    fields.append(("language", c.lang))
    fields.append(("note", bibtex_escape(c.note)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{c.key},\n{body}\n}}\n"


def csl_json(c: Citation) -> list[dict]:
    """A one-item CSL-JSON array (type ``speech``), as citation managers import it."""
    item: dict = {
        "id": c.key,
        "type": "speech",
        "title": c.title,
        "URL": c.url,
        "language": c.lang,
        "publisher": PUBLISHER,
        "note": c.note,
        "accessed": {"date-parts": [[c.accessed.year, c.accessed.month, c.accessed.day]]},
    }
    if c.speaker:
        family, given = split_name(c.speaker)
        item["author"] = [{"family": family, "given": given} if given else {"literal": family}]
    if c.event:
        item["event-title"] = c.event
        item["genre"] = "Talk"
    if c.year:
        item["issued"] = {"date-parts": [[c.year]]}
    return [item]


def for_talk(talk: Talk, lang: str, base_url: str) -> Citation:
    """The citation of ``talk``'s page in ``lang`` (a language it has); ``base_url`` has no slash at the end."""
    with translation.override(lang):
        url = base_url + talk.get_absolute_url()
    tr = talk.translation(lang)
    note = VAULT_ATTRIBUTION
    if talk.vault_index:
        note += f", entry {talk.vault_index}"
    if tr and tr.license:
        note += f". {tr.license}"
    if tr and tr.attribution:
        note += f". {tr.attribution}"
    speaker = talk.speaker.name if talk.speaker else ""
    year = talk.event.year if talk.event else None
    title = talk.title_in(lang)
    return Citation(
        key=cite_key(speaker, year, title),
        title=title,
        url=url,
        lang=lang,
        speaker=speaker,
        event=str(talk.event) if talk.event else "",
        year=year,
        note=note,
    )
