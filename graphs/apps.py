from __future__ import annotations

from django.apps import AppConfig


class GraphsConfig(AppConfig):
    name = "graphs"
    verbose_name = "Concept graphs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from talks.models import TalkTranslation
        from talks.signals import preview_built, translation_imported

        from . import receivers

        translation_imported.connect(
            receivers.on_translation_imported,
            dispatch_uid="graphs.translation_imported",
        )
        preview_built.connect(receivers.on_preview_built, dispatch_uid="graphs.preview_built")
        post_save.connect(
            receivers.on_translation_saved,
            sender=TalkTranslation,
            dispatch_uid="graphs.translation_saved",
        )
