"""The vault-wide concept map: talks and their concepts as one networkx graph, summarised for the page.

Shared concepts come *by meaning*: the clusters ``graphs/linking.py`` finds across talks and
languages (stored as ``Concept`` rows by ``manage.py link_concepts``) arrive in
``TalkConcepts.concepts``, each with its label in the page's language and the anchor of the talk's
first member. A talk's own concepts are still its *normalised labels*: a node's head term (the text
before ``:`` in ``"DNCs: sophisticated memory…"``), its acronyms (``NTM``, ``WAGE``), its group
(classDef) name, and a discussion's subject, each accent-folded, lower-cased and singularised
(``DNCs`` -> ``dnc``). When no talk carries meaning concepts (a vault never linked, or a caller that
passes only nodes), equal terms are shared between talks as before.

At scale the page cannot draw 30,000 raw nodes: :func:`summarise` keeps the concepts shared by the
most talks (``MAX_SHARED_CONCEPTS``) and the talks that carry them (``MAX_TALK_NODES``); only a small
vault (``SMALL_VAULT_TALKS``) also shows each talk's own concepts. No Django import here.
"""

from __future__ import annotations

import functools
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import networkx as nx

MAX_SHARED_CONCEPTS = 60
MAX_TALK_NODES = 120
SMALL_VAULT_TALKS = 10
OWN_CONCEPTS_PER_TALK = 40
MAX_HEAD_WORDS = 3  # "External memory: …" is a concept; a long clause before ':' is not
MIN_TERM_LENGTH = 2
_STOP_TERMS = frozenset({"iclr", "main", "the", "and", "for", "con", "del", "los", "las"})


@dataclass
class TalkConcepts:
    """One talk's input: its slug, display title, and the (title, group) of every graph node."""

    slug: str
    title: str
    url: str = ""
    nodes: list[tuple[str, str]] = field(default_factory=list)
    subject: str = ""
    #: Concepts by meaning this talk takes part in: (key, label, anchor of its first member here).
    concepts: list[tuple[str, str, str]] = field(default_factory=list)


@functools.lru_cache(maxsize=65_536)  # group names and head terms repeat across thousands of nodes
def normalise(text: str) -> str:
    """Accent-folded, lower-case words, each singularised: ``"DNCs"`` -> ``"dnc"``, ``"Memoria"`` -> ``"memoria"``."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    words = "".join(ch if ch.isalnum() else " " for ch in folded).split()
    return " ".join(
        w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words
    )


def concept_terms(title: str, group: str = "") -> set[str]:
    """The normalised terms a node stands for (see the module docstring)."""
    terms: set[str] = set()
    head, colon, _rest = title.partition(":")
    if colon and 0 < len(head.split()) <= MAX_HEAD_WORDS:
        terms.add(normalise(head))
    for word in title.replace("/", " ").split():
        bare = word.strip(".,;:()'\"")
        letters = [c for c in bare if c.isalpha()]
        if len(letters) >= 3 and all(c.isupper() for c in letters) and bare[:1].isalpha():
            terms.add(normalise(bare))
    if group:
        terms.add(normalise(group))
    return {t for t in terms if len(t) >= MIN_TERM_LENGTH and t not in _STOP_TERMS}


def build(talks: list[TalkConcepts]) -> tuple[nx.Graph, dict[str, set[str]]]:
    """The full bipartite graph ``talk:<slug>`` - ``concept:<term>`` and, per term, the talks using it."""
    g = nx.Graph()
    users: dict[str, set[str]] = defaultdict(set)
    surface: dict[str, Counter] = defaultdict(Counter)
    by_meaning = any(talk.concepts for talk in talks)
    for talk in talks:
        g.add_node(f"talk:{talk.slug}", kind="talk", label=talk.title, url=talk.url)
        for key, label, anchor in talk.concepts:
            users[key].add(talk.slug)
            surface[key][label] += 1
            g.add_edge(f"talk:{talk.slug}", f"concept:{key}", weight=1, anchor=anchor)
    for talk in talks:
        g.add_node(f"talk:{talk.slug}", kind="talk", label=talk.title, url=talk.url)
        weights: Counter = Counter()
        for title, group in talk.nodes:
            for term in concept_terms(title, group):
                weights[term] += 1
                head = title.partition(":")[0].strip() if ":" in title else group or term
                surface[term][head if normalise(head) == term else term] += 1
        if talk.subject:
            weights[normalise(talk.subject)] += 1
        for term, weight in weights.items():
            # With concepts by meaning, equal label terms no longer make two talks share a concept:
            # each talk's terms are its own (keyed by talk), the shared ones come from linking.
            key = f"{talk.slug}/{term}" if by_meaning else term
            users[key].add(talk.slug)
            if key != term:
                surface[key] = surface[term]
            g.add_edge(f"talk:{talk.slug}", f"concept:{key}", weight=weight)
    for term, talk_slugs in users.items():
        label = surface[term].most_common(1)[0][0] if surface[term] else term
        g.nodes[f"concept:{term}"].update(kind="concept", label=label, talks=len(talk_slugs))
    return g, users


def _link(g: nx.Graph, slug: str, term: str) -> dict:
    """A shared concept's link to one talk: to its first member's point when the concept has one."""
    talk = g.nodes[f"talk:{slug}"]
    anchor = g.edges[f"talk:{slug}", f"concept:{term}"].get("anchor", "")
    url = talk.get("url", "")
    return {
        "slug": slug,
        "title": talk["label"],
        "url": f"{url}#{anchor}" if url and anchor else url,
    }


def summarise(g: nx.Graph, users: dict[str, set[str]]) -> dict:
    """The page's graph: shared concepts first, capped; see the module docstring. JSON-ready."""
    talk_nodes = [n for n, d in g.nodes(data=True) if d["kind"] == "talk"]
    shared = sorted((t for t, s in users.items() if len(s) > 1), key=lambda t: (-len(users[t]), t))
    kept_concepts = shared[:MAX_SHARED_CONCEPTS]
    small = len(talk_nodes) <= SMALL_VAULT_TALKS
    if small:
        for talk in talk_nodes:
            own = sorted(
                (c for c in g.neighbors(talk) if len(users[c.removeprefix("concept:")]) == 1),
                key=lambda c: (-g.edges[talk, c]["weight"], c),
            )
            kept_concepts += [c.removeprefix("concept:") for c in own[:OWN_CONCEPTS_PER_TALK]]
    concept_ids = {f"concept:{t}" for t in kept_concepts}
    talk_score: Counter = Counter()
    for concept in concept_ids:
        for talk in g.neighbors(concept):
            talk_score[talk] += 1
    kept_talks = talk_nodes if small else [t for t, _ in talk_score.most_common(MAX_TALK_NODES)]
    kept = set(kept_talks) | concept_ids
    sub = g.subgraph(kept)
    nodes = [{"id": n, **sub.nodes[n], "degree": sub.degree(n)} for n in sorted(sub.nodes)]
    edges = [{"from": a, "to": b, "weight": d["weight"]} for a, b, d in sub.edges(data=True)]
    return {
        "nodes": nodes,
        "edges": edges,
        "shared": [
            {
                "term": t,
                "label": g.nodes[f"concept:{t}"]["label"],
                "talks": sorted(users[t]),
                "links": [_link(g, slug, t) for slug in sorted(users[t])],
            }
            for t in shared[:MAX_SHARED_CONCEPTS]
        ],
        "totals": {
            "talks": len(talk_nodes),
            "concepts": len(users),
            "shared_concepts": len(shared),
            "shown_nodes": len(nodes),
            "all_nodes": g.number_of_nodes(),
        },
    }
