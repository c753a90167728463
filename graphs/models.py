"""A talk's concept graph as rows: per talk and language, its groups (classDefs), nodes and edges.

Filled from ``TalkTranslation.graph_source`` by the ``translation_imported`` receiver
(``graphs/receivers.py``); a re-import deletes and rewrites the language's graph inside the import's
transaction, so readers never see half a graph. ``ConceptGraph.to_mermaid()`` rebuilds the parsed
``graphs.mermaid.Graph``, whose canonical text the pages render.
"""

from __future__ import annotations

from django.db import models

from graphs import mermaid
from talks.models import LANGUAGES, Talk


class ConceptGraphQuerySet(models.QuerySet["ConceptGraph"]):
    def for_talk(self, talk: Talk | str, lang: str) -> ConceptGraph | None:
        lookup = {"talk": talk} if isinstance(talk, Talk) else {"talk__slug": talk}
        return self.filter(lang=lang, **lookup).first()

    def with_parts(self) -> ConceptGraphQuerySet:
        return self.prefetch_related("groups", "nodes__group", "edges__source", "edges__target")


class ConceptGraph(models.Model):
    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, related_name="concept_graphs")
    lang = models.CharField(max_length=5, choices=LANGUAGES)
    direction = models.CharField(max_length=2, default="LR")
    # Canonical Mermaid (graphs.mermaid.serialise): what the Mermaid view renders and `.mmd` returns.
    source = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ConceptGraphQuerySet.as_manager()

    class Meta:
        ordering = ["talk", "lang"]
        constraints = [
            models.UniqueConstraint(fields=["talk", "lang"], name="concept_graph_talk_lang_unique")
        ]

    def __str__(self) -> str:
        return f"{self.talk.slug} [{self.lang}] graph"

    def to_mermaid(self) -> mermaid.Graph:
        """The parsed graph back from rows (uses prefetched ``groups``/``nodes``/``edges`` when present)."""
        groups = tuple(mermaid.Group(g.name, g.style) for g in self.groups.all())
        nodes = tuple(
            mermaid.Node(n.key, n.label, n.shape, n.group.name if n.group is not None else None)
            for n in self.nodes.all()
        )
        edges = tuple(
            mermaid.Edge(e.source.key, e.target.key, e.label, e.style) for e in self.edges.all()
        )
        return mermaid.Graph(self.direction, nodes, edges, groups)


class ConceptGroup(models.Model):
    graph = models.ForeignKey(ConceptGraph, on_delete=models.CASCADE, related_name="groups")
    order = models.PositiveIntegerField()
    name = models.CharField(max_length=100)
    style = models.CharField(
        max_length=500,
        blank=True,
        help_text="classDef style, e.g. fill:#f9d4d4,font-weight:bold",
    )

    class Meta:
        ordering = ["graph", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["graph", "name"], name="concept_group_graph_name_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def fill(self) -> str:
        """The ``fill`` colour of the classDef, or '' (the legend and the interactive view use it)."""
        for declaration in self.style.split(","):
            prop, _, value = declaration.partition(":")
            if prop.strip() == "fill":
                return value.strip()
        return ""


class ConceptNode(models.Model):
    graph = models.ForeignKey(ConceptGraph, on_delete=models.CASCADE, related_name="nodes")
    order = models.PositiveIntegerField()
    key = models.CharField(max_length=100)
    label = models.TextField(
        help_text="Label as written, newlines included, point numbers included"
    )
    title = models.TextField(help_text="Label without its trailing point numbers")
    shape = models.CharField(
        max_length=10, default="rect", choices=[(s, s) for s in mermaid.SHAPES]
    )
    group = models.ForeignKey(
        ConceptGroup,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="nodes",
    )
    # Summary point numbers the label cites that exist in this talk and language (usually one).
    points = models.JSONField(default=list, blank=True)
    point = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The first cited point, for queries"
    )

    class Meta:
        ordering = ["graph", "order"]
        constraints = [
            models.UniqueConstraint(fields=["graph", "key"], name="concept_node_graph_key_unique")
        ]
        indexes = [models.Index(fields=["graph", "point"])]

    def __str__(self) -> str:
        return f"{self.key}: {self.title}"


class ConceptEdge(models.Model):
    graph = models.ForeignKey(ConceptGraph, on_delete=models.CASCADE, related_name="edges")
    order = models.PositiveIntegerField()
    source = models.ForeignKey(ConceptNode, on_delete=models.CASCADE, related_name="out_edges")
    target = models.ForeignKey(ConceptNode, on_delete=models.CASCADE, related_name="in_edges")
    label = models.CharField(max_length=500, blank=True)
    style = models.CharField(
        max_length=12, default="arrow", choices=[(s, s) for s in mermaid.EDGE_STYLES]
    )

    class Meta:
        ordering = ["graph", "order"]

    def __str__(self) -> str:
        return f"{self.source.key} -> {self.target.key}"


class Concept(models.Model):
    """One concept of the vault-wide map: a cluster of nodes, points and paragraphs of several talks
    linked by meaning (``graphs/linking.py``), rebuilt by ``manage.py link_concepts``."""

    labels = models.JSONField(default=dict, help_text="language code -> label")
    talk_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-talk_count", "id"]

    def __str__(self) -> str:
        return self.label("en")

    def label(self, lang: str) -> str:
        """The label in ``lang``, else in the first language the concept has one."""
        for code in (lang, *(code for code, _name in LANGUAGES)):
            if self.labels.get(code):
                return str(self.labels[code])
        return ""


class ConceptMember(models.Model):
    class Kind(models.TextChoices):
        NODE = "node", "graph node"
        POINT = "point", "summary point"
        PARAGRAPH = "paragraph", "thread paragraph"

    concept = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="members")
    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, related_name="concept_members")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    lang = models.CharField(max_length=5, choices=LANGUAGES)
    number = models.PositiveIntegerField(help_text="point number (paragraph order for threads)")
    key = models.CharField(
        max_length=100, blank=True, help_text="graph node key, or the thread paragraph's anchor key"
    )
    text = models.TextField()
    similarity = models.FloatField(help_text="best link similarity (1.0: joined as the same point)")

    class Meta:
        ordering = ["concept", "talk", "kind", "lang", "number"]
        indexes = [models.Index(fields=["talk", "lang"])]

    def __str__(self) -> str:
        return f"{self.talk_id} {self.kind} {self.lang} {self.number}"

    @property
    def anchor(self) -> str:
        """The fragment on the talk page: ``point-es-5`` or ``thread-es-a1-2``."""
        if self.kind == self.Kind.PARAGRAPH:
            return f"thread-{self.lang}-{self.key}"
        return f"point-{self.lang}-{self.number}"
