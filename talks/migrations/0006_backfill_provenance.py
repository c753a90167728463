"""Provenance for content imported before it was recorded: each translation and its points point at
the latest source document of their talk and language, and carry that document's generator line."""

import re

from django.db import migrations

# The export's generator line, e.g. "Concept Graph & Resume using Claude 3 Opus | …:" (or in Spanish).
GENERATOR = re.compile(r"^(?:Concept Graph|Resume using|Gr[aá]fico de Conceptos)\b.*$", re.IGNORECASE | re.MULTILINE)


def backfill(apps, schema_editor):
    SourceDocument = apps.get_model("talks", "SourceDocument")
    TalkTranslation = apps.get_model("talks", "TalkTranslation")
    SummaryPoint = apps.get_model("talks", "SummaryPoint")
    for tr in TalkTranslation.objects.filter(source__isnull=True):
        source = SourceDocument.objects.filter(talk_id=tr.talk_id, lang=tr.lang).order_by("-imported_at", "-id").first()
        if source is None:
            continue
        match = GENERATOR.search(source.raw_text)
        if match and not source.generator:
            source.generator = match[0].strip().rstrip(":").strip()[:300]
            source.save(update_fields=["generator"])
        tr.source = source
        tr.generator = tr.generator or source.generator
        tr.save(update_fields=["source", "generator"])
        SummaryPoint.objects.filter(talk_id=tr.talk_id, lang=tr.lang, source__isnull=True).update(source=source)


class Migration(migrations.Migration):
    dependencies = [("talks", "0005_initial_history")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
