from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalksConfig(AppConfig):
    name = "talks"
    verbose_name = _("Talks")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.apps import apps

        from . import cache

        # Everything a cached page shows: any save or delete of these makes every cached page stale.
        labels = [
            "talks.Event",
            "talks.Speaker",
            "talks.Talk",
            "talks.TalkTranslation",
            "talks.SummaryPoint",
            "talks.SourceDocument",
        ]
        if apps.is_installed("graphs"):
            labels += [
                "graphs.ConceptGraph",
                "graphs.ConceptGroup",
                "graphs.ConceptNode",
                "graphs.ConceptEdge",
            ]
        cache.connect_models(apps.get_model(label) for label in labels)
