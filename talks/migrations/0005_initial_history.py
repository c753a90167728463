"""Give rows that existed before history was kept one "+" version (their state at upgrade), so the
first edit of an older talk, translation or point can still be reverted."""

from django.db import migrations
from django.utils import timezone

MODELS = ("Event", "Speaker", "Talk", "TalkTranslation", "SummaryPoint")


def initial_history(apps, schema_editor):
    now = timezone.now()
    for name in MODELS:
        model = apps.get_model("talks", name)
        history = apps.get_model("talks", f"Historical{name}")
        if history.objects.exists():
            continue
        hist_fields = {f.attname for f in history._meta.concrete_fields}
        fields = [f.attname for f in model._meta.concrete_fields if f.attname in hist_fields]
        batch = []
        for obj in model.objects.iterator(chunk_size=2000):
            batch.append(history(history_date=now, history_type="+", history_change_reason="state before history",
                                 **{f: getattr(obj, f) for f in fields}))
            if len(batch) >= 2000:
                history.objects.bulk_create(batch)
                batch = []
        history.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [("talks", "0004_editor_group")]
    operations = [migrations.RunPython(initial_history, migrations.RunPython.noop)]
