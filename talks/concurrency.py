"""Optimistic concurrency for what curators edit: a ``version`` that every save bumps, a form that
carries the version it was opened at, and a save that refuses to overwrite a newer one.

- ``Versioned`` (an abstract model): ``version`` starts at 1 and grows by one with every save. A save
  that was given the version its editor saw (``expect_version``) is a conditional ``UPDATE … WHERE
  version = seen``: if someone saved in between, no row matches and ``EditConflict`` is raised, so
  nothing is overwritten even when two saves race (on SQLite as on PostgreSQL).
- ``VersionedForm``: a model form mixin with ``version`` as a hidden field. ``clean`` compares it with
  the stored version and records a ``Conflict`` (and a form error) when the row moved on, so the admin
  can show every stale form of a page at once instead of failing at the first save.
- ``conflict_for``: what the conflict page shows, the stored value beside the curator's and who
  changed it when (the latest django-simple-history row).
- Bulk writers (the admin's status actions, the importer) lock the rows they rewrite with
  ``select_for_update`` (a no-op on SQLite, whose writers are serialised anyway) and bump ``version``
  too, so an editor who opened a row before a bulk change is told, not overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.db.models import F
from django.forms.models import BaseInlineFormSet
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class EditConflict(Exception):
    """A save was refused: the row's stored version is not the one its editor opened."""

    def __init__(self, instance: models.Model, seen: int, current: int | None) -> None:
        super().__init__(f"{instance!r}: opened at version {seen}, stored version is {current}")
        self.instance, self.seen, self.current = instance, seen, current


class Versioned(models.Model):
    """An abstract model whose rows carry an edit version (see the module docstring)."""

    version = models.PositiveIntegerField(
        default=1,
        verbose_name=gettext_lazy("edit version"),
        help_text=gettext_lazy("Grows with every save; a form opened at an older one cannot save."),
    )

    class Meta:
        abstract = True

    def expect_version(self, seen: int) -> None:
        """Refuse the next save unless the stored version is still ``seen``."""
        self._expected_version = seen

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding or self.pk is None:
            super().save(*args, **kwargs)
            return
        rows = type(self)._base_manager.using(kwargs.get("using") or self._state.db)
        with transaction.atomic(using=rows.db):
            seen = self.__dict__.pop("_expected_version", None)
            if seen is not None:
                if not rows.filter(pk=self.pk, version=seen).update(version=seen + 1):
                    current = rows.filter(pk=self.pk).values_list("version", flat=True).first()
                    raise EditConflict(self, seen, current)
                self.version = seen + 1
            else:
                rows.filter(pk=self.pk).update(version=F("version") + 1)
                self.version = rows.filter(pk=self.pk).values_list("version", flat=True).get()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
            super().save(*args, **kwargs)


@dataclass
class Conflict:
    """One stale object: what is stored now, what the curator sent, and who changed it when."""

    instance: models.Model
    seen: int
    current: int | None
    fields: list[dict] = field(default_factory=list)  # {"name", "label", "stored", "yours"}
    changed_by: str = ""
    changed_at: datetime | None = None

    @property
    def deleted(self) -> bool:
        return self.current is None


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dict | list):
        import json

        return json.dumps(value, ensure_ascii=False, indent=2)
    return str(value)


def conflict_for(
    instance: models.Model, seen: int, yours: dict[str, Any] | None = None, labels=None
) -> Conflict:
    """The conflict page's view of ``instance``: ``yours`` maps field names to the curator's values."""
    model = type(instance)
    stored = model._base_manager.filter(pk=instance.pk).first()
    out = Conflict(instance, seen, stored.version if stored else None)  # type: ignore[attr-defined]
    for name, value in (yours or {}).items():
        if name == "version":
            continue
        label = (labels or {}).get(name) or getattr(
            model._meta.get_field(name), "verbose_name", name
        )
        current = getattr(stored, name, None) if stored else None
        out.fields.append(
            {
                "name": name,
                "label": str(label),
                "stored": _shown(current),
                "yours": _shown(value),
                "differs": _shown(current) != _shown(value),
            }
        )
    history = getattr(model, "history", None)
    if history is not None:
        last = history.filter(id=instance.pk).order_by("-history_date").first()
        if last is not None:
            out.changed_at = last.history_date
            out.changed_by = str(last.history_user) if last.history_user_id else _("an import")
    return out


class VersionedForm(forms.ModelForm):
    """A model form carrying its instance's version as a hidden field; a stale one does not validate.

    ``self.conflict`` is the ``Conflict`` to show when the stored row moved on since the form was
    opened (``None`` otherwise). Add ``"version"`` to the form's fields.
    """

    conflict: Conflict | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "version" in self.fields:
            self.fields["version"].widget = forms.HiddenInput()
            # A form for a stored row must say which version it was opened at; a new row has none.
            self.fields["version"].required = bool(self.instance.pk)

    def clean(self) -> dict:
        data = super().clean() or {}
        seen = data.get("version") if "version" in self.fields else None
        if self.instance.pk and seen is not None:
            edits = self.edited_fields()
            if self._stored != seen and edits:
                yours = {name: data.get(name) for name in edits if name in data}
                labels = {name: self.fields[name].label for name in yours}
                self.conflict = conflict_for(self.instance, seen, yours, labels)
                raise forms.ValidationError(
                    _("Someone else saved this since you opened it; nothing was saved."),
                    code="edit_conflict",
                )
            self.instance.expect_version(seen)
        return data

    def _seen_version(self) -> int | None:
        raw = self["version"].data if "version" in self.fields else None
        return int(raw) if isinstance(raw, str | int) and str(raw).isdigit() else None

    @cached_property
    def _stored(self) -> int | None:
        return (
            type(self.instance)
            ._base_manager.filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
        )

    @cached_property
    def _opened(self) -> models.Model | None:
        """The row as its editor opened it, when it has moved on since: its history row at that version.

        Against it (not the row as stored now) the form tells what the editor changed, so a row
        someone else changed meanwhile but this editor left alone is neither a conflict nor saved.
        """
        seen = self._seen_version() if self.is_bound and self.instance.pk else None
        history = getattr(type(self.instance), "history", None)
        if seen is None or history is None or self._stored == seen:
            return None
        return (
            history.filter(id=self.instance.pk, version=seen)
            .order_by("-history_date", "-history_id")
            .first()
        )

    def edited_fields(self) -> list[str]:
        """The fields the editor changed (the version differs whenever the row moved on)."""
        names = [name for name in self.changed_data if name != "version"]
        opened = self._opened
        if opened is None:
            return names
        return [name for name in names if self._changed_since_opened(opened, name)]

    def _changed_since_opened(self, opened: models.Model, name: str) -> bool:
        try:
            attname = getattr(opened._meta.get_field(name), "attname", name)
        except FieldDoesNotExist:
            return True  # a form-only field, e.g. an inline's DELETE box: the editor's own act
        return self.fields[name].has_changed(getattr(opened, attname), self[name].data)

    def has_changed(self) -> bool:
        return bool(self.edited_fields()) if self._opened is not None else super().has_changed()


class VersionedInlineFormSet(BaseInlineFormSet):
    """Inline forms of ``VersionedForm``: deleting a row someone changed since is refused too.

    (A formset ignores the errors of the forms it deletes, so the conflict is raised here.)
    """

    def clean(self) -> None:
        super().clean()
        if any(getattr(form, "conflict", None) for form in self.deleted_forms):
            raise forms.ValidationError(
                _("Someone else saved this since you opened it; nothing was saved."),
                code="edit_conflict",
            )
