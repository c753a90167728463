"""The "Editor" group: curates content (talks, translations, points, events, speakers, graphs, their
history) but cannot manage users or groups."""

from django.db import migrations

EDITOR = "Editor"
# app label -> model -> actions
CURATED = {
    "talks": {
        "talk": ("add", "change", "delete", "view"),
        "talktranslation": ("add", "change", "delete", "view"),
        "summarypoint": ("add", "change", "delete", "view"),
        "event": ("add", "change", "delete", "view"),
        "speaker": ("add", "change", "delete", "view"),
        "sourcedocument": ("view",),
        "historicaltalk": ("view",),
        "historicaltalktranslation": ("view",),
        "historicalsummarypoint": ("view",),
        "historicalevent": ("view",),
        "historicalspeaker": ("view",),
    },
    "graphs": {"conceptgraph": ("view",), "conceptnode": ("view",)},
}


def create_editor_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; make sure ours exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITOR)
    wanted = [
        (app, f"{action}_{model}") for app, models in CURATED.items() for model, actions in models.items()
        for action in actions
    ]
    perms = [Permission.objects.get(content_type__app_label=app, codename=code) for app, code in wanted]
    group.permissions.add(*perms)


def remove_editor_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITOR).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("talks", "0003_review_becomes_reviewed"),
        ("graphs", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_editor_group, remove_editor_group)]
