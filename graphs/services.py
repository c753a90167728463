"""What the graph pages, the embed and the API show: built from the stored rows (Django side)."""

from __future__ import annotations

import hashlib

from django.db.models import Count, Max
from django.utils.translation import gettext as _

from graphs import analysis, concept_map, contrast, interactive, mermaid
from graphs.models import Concept, ConceptGraph, ConceptMember, ConceptNode
from talks.cache import _cache as cache_call
from talks.models import LANG_CODES, SummaryPoint, Talk

VAULT_CACHE_SECONDS = 600


def pick_graph(talk: Talk, lang: str) -> ConceptGraph | None:
    """The talk's graph in ``lang``, else in the first language it has one (en, es)."""
    graphs = {g.lang: g for g in ConceptGraph.objects.filter(talk=talk).with_parts()}
    for code in (lang, *LANG_CODES):
        if code in graphs:
            return graphs[code]
    return None


def _point_texts(
    talk: Talk, graph_lang: str, page_lang: str, points: dict | None
) -> dict[str, dict]:
    """{number: {"text", "lang"}}: the page language's text where it exists, else the graph's language."""
    if points is None:
        points = {code: [] for code in LANG_CODES}
        for p in SummaryPoint.objects.filter(talk=talk, lang__in={graph_lang, page_lang}):
            points.setdefault(p.lang, []).append(p)
    texts: dict[str, dict] = {}
    for code in (graph_lang, page_lang):  # later wins: the page language
        for p in points.get(code, []):
            texts[str(p.number)] = {"text": p.text, "lang": code}
    return texts


def talk_graph_context(talk: Talk, lang: str, points: dict | None = None) -> dict:
    """Everything ``graphs/_graph_views.html`` needs; ``{"graph": None}`` when the talk has no graph."""
    row = pick_graph(talk, lang)
    if row is None:
        return {"talk": talk, "graph": None, "lang": lang}
    parsed = row.to_mermaid()
    g = analysis.to_networkx(parsed)
    groups = list(row.groups.all())
    fills = {group.name: interactive.safe_colour(group.fill) for group in groups}
    members = {group.name: 0 for group in groups}
    for node in parsed.nodes:
        if node.group:
            members[node.group] += 1
    payload = {
        "slug": talk.slug,
        "graphLang": row.lang,
        "pageLang": lang,
        # The stored canonical text, re-written with only plain classDef values (mermaid.render_safe),
        # and a label colour that contrasts with each fill (graphs/contrast.py).
        "mermaid": mermaid.serialise(contrast.with_label_ink(mermaid.render_safe(parsed))),
        "network": interactive.network_payload(interactive.build_network(g, fills)),
        "nodes": {
            n.key: {"title": n.title, "points": list(n.points), "group": n.group or ""}
            for n in parsed.nodes
        },
        "points": _point_texts(talk, row.lang, lang, points),
        "text": {
            "point": _("Point"),
            "noPoint": _("This concept names no summary point."),
            "node": _("Concept"),
            # graph_tools.js puts the count in.
            "matches": _("%(count)s matching concepts"),
        },
    }
    from talks.models import TalkTranslation

    tr = TalkTranslation.objects.filter(talk=talk, lang=row.lang).first()
    return {
        "talk": talk,
        "graph": row,
        "lang": lang,
        # A curators' suggested graph says so: it is not the Knowledge Vault's text.
        "provenance": tr.graph_provenance_notice() if tr is not None else "",
        "other_language": row.lang != lang,
        "payload": payload,
        "payload_id": f"graph-data-{talk.slug}",
        "groups": [
            {"name": gr.name, "fill": fills[gr.name], "count": members[gr.name]} for gr in groups
        ],
        "metrics": analysis.centrality(g),
        "counts": {
            "nodes": len(parsed.nodes),
            "edges": len(parsed.edges),
            "groups": len(groups),
        },
    }


def _vault_version() -> str:
    stats = ConceptGraph.objects.aggregate(n=Count("id"), last=Max("id"), latest=Max("created_at"))
    talks = Talk.objects.aggregate(n=Count("id"), latest=Max("updated_at"))
    linked = Concept.objects.aggregate(n=Count("id"), last=Max("id"))
    return (
        f"{stats['n']}-{stats['last']}-{stats['latest']}-{talks['n']}-{talks['latest']}"
        f"-{linked['n']}-{linked['last']}"
    )


def vault_inputs(lang: str) -> list[concept_map.TalkConcepts]:
    """One ``TalkConcepts`` per published talk: its graph nodes in every language, and its subject."""
    talks = {t.pk: t for t in Talk.objects.published().with_related()}
    concepts = {
        pk: concept_map.TalkConcepts(
            slug=t.slug,
            title=t.title_in(lang),
            url=t.get_absolute_url(),
            subject=t.subject,
        )
        for pk, t in talks.items()
    }
    rows = ConceptNode.objects.filter(graph__talk__in=list(talks)).values_list(
        "graph__talk_id", "title", "group__name"
    )
    for talk_id, title, group in rows.iterator(chunk_size=5000):
        concepts[talk_id].nodes.append((title.replace("\n", " "), group or ""))
    labels = dict(Concept.objects.values_list("id", "labels"))
    seen: set[tuple[int, int]] = set()
    members = (
        ConceptMember.objects.filter(talk__in=list(talks))
        .order_by("concept_id", "talk_id", "kind", "number")
        .only("concept_id", "talk_id", "kind", "lang", "number", "key")
    )
    for m in members.iterator(chunk_size=5000):
        if (m.concept_id, m.talk_id) in seen:
            continue
        seen.add((m.concept_id, m.talk_id))
        label = label_in(labels.get(m.concept_id, {}), lang)
        concepts[m.talk_id].concepts.append((f"c{m.concept_id}", label, m.anchor))
    return list(concepts.values())


def label_in(labels: dict, lang: str) -> str:
    """A concept's label in ``lang``, else in the first language that has one."""
    for code in (lang, *LANG_CODES):
        if labels.get(code):
            return str(labels[code])
    return ""


def concepts_json(lang: str) -> list[dict]:
    """Every concept with its label in ``lang`` and its members (what ``/api/concepts/`` returns)."""
    slugs = dict(Talk.objects.published().values_list("id", "slug"))
    out: dict[int, dict] = {}
    for c in Concept.objects.all():
        out[c.pk] = {"id": c.pk, "label": c.label(lang), "labels": c.labels, "members": []}
    rows = ConceptMember.objects.filter(talk_id__in=list(slugs)).order_by(
        "concept_id", "talk_id", "kind", "lang", "number"
    )
    for m in rows.iterator(chunk_size=5000):
        if m.concept_id in out:
            out[m.concept_id]["members"].append(_member_json(m, slugs[m.talk_id]))
    return [c for c in out.values() if len({m["talk"] for m in c["members"]}) > 1]


def _member_json(m: ConceptMember, slug: str) -> dict:
    return {
        "talk": slug,
        "kind": m.kind,
        "node": m.key if m.kind == ConceptMember.Kind.NODE else None,
        "point": m.number if m.kind != ConceptMember.Kind.PARAGRAPH else None,
        "paragraph": m.key if m.kind == ConceptMember.Kind.PARAGRAPH else None,
        "lang": m.lang,
        "similarity": m.similarity,
        "text": m.text,
        "anchor": m.anchor,
    }


def related(talk: Talk, lang: str) -> dict:
    """The other talks sharing concepts with ``talk``, and per own point the others' members.

    ``{"talks": [{slug, title, url, concepts}], "points": {"<lang>-<n>": [member, …]}}``: a member
    of another talk carries its ``url`` (talk page + anchor of the exact point or paragraph).
    """
    mine = list(ConceptMember.objects.filter(talk=talk))
    concept_ids = {m.concept_id for m in mine}
    labels = dict(Concept.objects.filter(id__in=concept_ids).values_list("id", "labels"))
    others = (
        ConceptMember.objects.filter(concept_id__in=concept_ids, talk__status=Talk.Status.PUBLISHED)
        .exclude(talk=talk)
        .select_related("talk")
        .order_by("talk__slug", "kind", "number")
    )
    by_concept: dict[int, list[dict]] = {}
    talks: dict[str, dict] = {}
    for m in others:
        url = f"{m.talk.get_absolute_url()}#{m.anchor}"
        entry = {**_member_json(m, m.talk.slug), "url": url, "title": m.talk.title_in(lang)}
        entry["concept"] = m.concept_id
        entry["label"] = label_in(labels.get(m.concept_id, {}), lang)
        by_concept.setdefault(m.concept_id, []).append(entry)
        t = talks.setdefault(
            m.talk.slug,
            {
                "slug": m.talk.slug,
                "title": entry["title"],
                "url": m.talk.get_absolute_url(),
                "concepts": [],
            },
        )
        if m.concept_id not in t["concepts"]:
            t["concepts"].append(m.concept_id)
    points: dict[str, list[dict]] = {}
    for m in mine:
        if m.kind == ConceptMember.Kind.NODE:
            continue  # a node stands for its point: the point carries the link
        key = f"{m.lang}-{m.key if m.kind == ConceptMember.Kind.PARAGRAPH else m.number}"
        best = {e["talk"]: e for e in points.get(key, [])}
        for entry in by_concept.get(m.concept_id, []):
            # Per other talk one member: in the page's language where it has one (its page shows
            # that language's points, so the anchor exists), then the closest.
            rank = (entry["lang"] == lang, entry["similarity"])
            held = best.get(entry["talk"])
            if held is None or rank > (held["lang"] == lang, held["similarity"]):
                best[entry["talk"]] = entry
        points[key] = sorted(best.values(), key=lambda e: e["talk"])
    return {
        "talks": sorted(talks.values(), key=lambda t: t["slug"]),
        "concepts": [
            {"id": cid, "label": label_in(labels.get(cid, {}), lang)} for cid in sorted(concept_ids)
        ],
        "points": points,
    }


def vault_summary(lang: str) -> dict:
    """The summarised vault-wide graph (cached until a graph or talk changes)."""
    key = f"graphs:vault:{lang}:{hashlib.sha256(_vault_version().encode()).hexdigest()[:24]}"
    # Through talks.cache's guard: with the cache (Redis) down the map is built uncached, not a 500.
    summary = cache_call("get", key)
    if summary is None:
        g, users = concept_map.build(vault_inputs(lang))
        summary = concept_map.summarise(g, users)
        cache_call("set", key, summary, VAULT_CACHE_SECONDS)
    return summary
