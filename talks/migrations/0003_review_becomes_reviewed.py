"""The workflow is draft → reviewed → published: talks "in review" become "reviewed"."""

from django.db import migrations


def forwards(apps, schema_editor):
    apps.get_model("talks", "Talk").objects.filter(status="review").update(status="reviewed")


def backwards(apps, schema_editor):
    apps.get_model("talks", "Talk").objects.filter(status="reviewed").update(status="review")


class Migration(migrations.Migration):
    dependencies = [("talks", "0002_curation_history_provenance")]
    operations = [migrations.RunPython(forwards, backwards)]
