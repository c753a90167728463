"""Signals other apps use to follow what the importer writes, without the importer knowing them.

``translation_imported`` is sent inside the import's transaction, after the translation's points were
replaced, so receivers (the concept graph, the search index) write atomically with the import:
``receiver(sender=Talk, talk=Talk, lang=str, translation=TalkTranslation, parsed=ParsedDocument)``.

``preview_built`` lets apps add their part to the dry-run / admin preview of a parsed document:
``receiver(sender=ParsedDocument, parsed=ParsedDocument, preview=dict)`` mutates ``preview``.
"""

from __future__ import annotations

from django.dispatch import Signal

translation_imported = Signal()
preview_built = Signal()
