"""``manage.py scale_vault``: generated talks for load tests, idempotent and removable."""

from __future__ import annotations

from io import StringIO

import numpy as np
from django.core.management import call_command

from graphs.models import ConceptGraph
from search.models import IndexEntry
from talks.models import SummaryPoint, Talk


def scale(*args: str) -> str:
    out = StringIO()
    call_command("scale_vault", *args, "--quiet", stdout=out)
    return out.getvalue()


def test_it_grows_the_vault_to_the_asked_size_with_varied_talks(corpus_db):
    real = Talk.objects.count()
    scale("--talks", str(real + 6))
    generated = Talk.objects.filter(slug__startswith="scaled-")
    assert Talk.objects.count() == real + 6 and generated.count() == 6
    graves = generated.filter(slug__endswith="alex-graves-iclr-2017").first()
    assert graves.languages() == ["en", "es"]  # every language its corpus talk has
    origin_graphs = ConceptGraph.objects.filter(talk__slug="alex-graves-iclr-2017")
    assert ConceptGraph.objects.filter(talk=graves).count() == origin_graphs.count() >= 1
    titles = {t.title_in("en") for t in generated}
    assert len(titles) == 6  # each variant has its own title
    original = SummaryPoint.objects.get(
        talk__slug="alex-graves-iclr-2017", lang="en", number=5
    ).text
    variant = SummaryPoint.objects.get(talk=graves, lang="en", number=5).text
    assert variant != original and set(variant.split()) <= set(original.split())
    assert len({t.speaker_id for t in generated}) >= 2 and len({t.event_id for t in generated}) >= 2


def test_generated_points_are_searchable_with_their_corpus_vectors(corpus_db):
    scale("--talks", str(Talk.objects.count() + 3))
    point = SummaryPoint.objects.filter(talk__slug__startswith="scaled-").first()
    entry = IndexEntry.objects.get(point=point, kind=IndexEntry.Kind.POINT)
    source = IndexEntry.objects.get(
        point__talk__slug=point.talk.slug.split("-", 2)[2],
        point__lang=point.lang,
        point__number=point.number,
        kind=IndexEntry.Kind.POINT,
    )
    assert entry.text == point.text and entry.text != source.text
    assert np.array_equal(entry.vector("use"), source.vector("use"))


def test_a_second_run_writes_nothing_and_remove_takes_them_all_away(corpus_db):
    real = Talk.objects.count()
    scale("--talks", str(real + 4))
    points = SummaryPoint.objects.count()
    assert "0 translation(s) written" in scale("--talks", str(real + 4))
    assert SummaryPoint.objects.count() == points
    scale("--talks", str(real + 2))  # shrinking removes the extra ones
    assert Talk.objects.filter(slug__startswith="scaled-").count() == 2
    scale("--remove")
    assert Talk.objects.count() == real
    assert not IndexEntry.objects.filter(point__talk__slug__startswith="scaled-").exists()


def test_generated_talks_are_published_like_the_talks_they_vary(corpus_db):
    # A corpus page imported with a warning (a Spanish page without its graph) belongs to a talk a
    # curator published; its variants are public too, or the load test serves a third of the vault
    # and every search carries a draft filter that the real vault does not.
    origins = set(Talk.objects.published().values_list("slug", flat=True))
    scale("--talks", str(Talk.objects.count() + 6))
    generated = Talk.objects.filter(slug__startswith="scaled-")
    assert {t.slug.split("-", 2)[2] for t in generated} <= origins
    assert sorted(generated.values_list("status", flat=True)) == [Talk.Status.PUBLISHED] * 6
