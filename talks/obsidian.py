"""An Obsidian-compatible export: a folder of Markdown notes, one per talk and one per shared concept.

Layout (relative paths)::

    Knowledge Vault.md      an index note linking every talk
    talks/<slug>.md         YAML front matter (speaker, event, year, languages, sources, provenance),
                            the numbered points of each language (each ending in a block id
                            ``^point-<lang>-<n>``), the Mermaid block of each graph, and
                            ``[[wiki links]]`` to the concepts it shares with other talks
    concepts/<name>.md      one note per shared concept, linking back to its talks

Links are ``[[stem]]`` or ``[[stem|shown text]]``; every stem is unique ignoring case (Obsidian
resolves links by file name, case-insensitively on some systems). Which concepts talks share comes
from the vault's concept map, through :func:`shared_concepts` only.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

import yaml

from graphs import concept_map
from graphs.services import vault_inputs

from .models import LANG_CODES, Talk

INDEX_NOTE = "Knowledge Vault.md"
MARKER = ".knowledge-vault-export"  # names a folder this module wrote (safe to replace)
LANG_NAMES = {"en": "English", "es": "Español"}
_UNSAFE_IN_NAME = re.compile(r'[\[\]#^|\\/:*?"<>\x00-\x1f]')


@dataclass(frozen=True)
class SharedConcept:
    term: str
    label: str
    talks: tuple[str, ...]  # slugs


def shared_concepts(slugs: set[str]) -> list[SharedConcept]:
    """The concepts that two or more of ``slugs`` share, as the vault's concept map matches them.

    The one place the export calls the concept map (``graphs.concept_map`` over
    ``graphs.services.vault_inputs``, the published talks): a new matching method changes only this.
    """
    inputs = [t for t in vault_inputs("en") if t.slug in slugs]
    g, users = concept_map.build(inputs)
    return [
        SharedConcept(term, g.nodes[f"concept:{term}"]["label"], tuple(sorted(users[term])))
        for term in sorted(users)
        if len(users[term]) > 1
    ]


def note_stem(text: str, taken: set[str]) -> str:
    """A file-name stem for ``text``: no character a link or a file system would misread, unique."""
    base = " ".join(_UNSAFE_IN_NAME.sub(" ", text).split()).strip(". ")[:80] or "concept"
    stem, n = base, 2
    while stem.lower() in taken:
        stem, n = f"{base} ({n})", n + 1
    taken.add(stem.lower())
    return stem


def _fence(source: str) -> str:
    """A backtick fence longer than any run of backticks in ``source`` (a graph cannot close it)."""
    longest = max((len(m) for m in re.findall(r"`+", source)), default=0)
    return "`" * max(3, longest + 1)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _link_text(text: str) -> str:
    """Shown text of a ``[[stem|text]]`` link: no ``]]`` or ``|`` inside."""
    return _one_line(text).replace("|", "/").replace("[", "(").replace("]", ")")


def front_matter(talk: Talk, base_url: str = "") -> dict:
    """The note's YAML properties."""
    languages = talk.languages()
    data: dict = {
        "title": talk.title_in(languages[0] if languages else "en"),
        "aliases": sorted({t.title for t in talk.translations.all()}),
        "slug": talk.slug,
        "kind": talk.kind,
        "speaker": talk.speaker.name if talk.speaker else None,
        "event": str(talk.event) if talk.event else None,
        "year": talk.event.year if talk.event else None,
        "languages": languages,
        "vault_index": talk.vault_index or None,
    }
    if base_url:
        data["url"] = {code: f"{base_url}/{code}/talks/{talk.slug}/" for code in languages}
    data["sources"] = [
        {
            "lang": s.lang,
            "file": s.filename or None,
            "sha256": s.checksum,
            "imported": s.imported_at.isoformat(timespec="seconds"),
        }
        for s in talk.sources.all()
    ]
    data["provenance"] = {
        t.lang: {
            "origin": t.origin,
            "generator": t.generator or None,
            **(
                {"graph_origin": t.graph_origin, "graph_generator": t.graph_generator or None}
                if t.graph_origin
                else {}
            ),
            "licence": t.license or None,
            "attribution": t.attribution or None,
        }
        for t in talk.translations.all()
    }
    data["tags"] = ["knowledge-vault", talk.kind.replace("_", "-")]
    return data


def talk_note(talk: Talk, concept_stems: list[str], base_url: str = "") -> str:
    props = yaml.safe_dump(front_matter(talk, base_url), allow_unicode=True, sort_keys=False)
    out = ["---", props.rstrip("\n"), "---", "", f"# {_one_line(talk.title_in('en'))}", ""]
    points = sorted(talk.points.all(), key=lambda p: (p.lang, p.number))
    graphs = {g.lang: g for g in talk.concept_graphs.all()}
    for code in (c for c in LANG_CODES if c in talk.languages()):
        tr = talk.translation(code)
        out += [f"## {LANG_NAMES.get(code, code)}: {_one_line(tr.title) if tr else ''}", ""]
        mine = [p for p in points if p.lang == code]
        for p in mine:
            out.append(f"{p.number}. {_one_line(p.text)} ^point-{code}-{p.number}")
        if mine:
            out.append("")
        thread = (tr.thread or {}) if tr else {}
        if thread.get("question"):
            out += [f"> {_one_line(thread['question'])}", ""]
            for answer in thread.get("answers", []):
                text = answer.get("text") or " ".join(answer.get("paragraphs", []))
                out += [f"- {_one_line(text)}", ""]
        graph = graphs.get(code)
        source = graph.source if graph is not None else (tr.graph_source if tr else "")
        if source.strip():
            fence = _fence(source)
            out += [f"{fence}mermaid", source.strip("\n"), fence, ""]
    if concept_stems:
        out += ["## Shared concepts", ""]
        out += [f"- [[{stem}]]" for stem in concept_stems]
        out.append("")
    return "\n".join(out)


def concept_note(concept: SharedConcept, titles: dict[str, str]) -> str:
    props = yaml.safe_dump(
        {
            "concept": concept.label,
            "term": concept.term,
            "talks": len(concept.talks),
            "tags": ["concept"],
        },
        allow_unicode=True,
        sort_keys=False,
    )
    out = ["---", props.rstrip("\n"), "---", "", f"# {_one_line(concept.label)}", "", "Talks:", ""]
    out += [f"- [[{slug}|{_link_text(titles[slug])}]]" for slug in concept.talks]
    return "\n".join(out) + "\n"


def notes(talks, base_url: str = "") -> dict[str, str]:
    """``{relative path: Markdown}`` for ``talks`` (a queryset or list) and the concepts they share."""
    talks = sorted(talks, key=lambda t: t.slug)
    titles = {t.slug: t.title_in("en") for t in talks}
    taken = {INDEX_NOTE.removesuffix(".md").lower()} | {t.slug.lower() for t in talks}
    concepts = shared_concepts(set(titles))
    stems = {c.term: note_stem(c.label, taken) for c in concepts}
    by_talk: dict[str, list[str]] = {slug: [] for slug in titles}
    for c in concepts:
        for slug in c.talks:
            by_talk[slug].append(stems[c.term])
    out: dict[str, str] = {}
    for talk in talks:
        out[f"talks/{talk.slug}.md"] = talk_note(
            talk, sorted(by_talk[talk.slug], key=str.lower), base_url
        )
    for c in concepts:
        out[f"concepts/{stems[c.term]}.md"] = concept_note(c, titles)
    index = ["# Knowledge Vault", "", "Talks:", ""]
    index += [f"- [[{t.slug}|{_link_text(titles[t.slug])}]]" for t in talks]
    out[INDEX_NOTE] = "\n".join(index) + "\n"
    return out


def export_queryset(queryset):
    """What the export reads of each talk, in a handful of queries."""
    return queryset.with_related().prefetch_related("points", "sources", "concept_graphs")


def as_zip(files: dict[str, str], folder: str = "knowledge-vault") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, text in sorted(files.items()):
            archive.writestr(f"{folder}/{path}", text)
    return buffer.getvalue()
