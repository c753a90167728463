"""Admin: import talks by pasting a text or uploading .txt files, preview everything, then confirm.

Nothing is written until "Confirm": the preview parses each text, lists every problem with its line,
the points (gaps and duplicates flagged), the concept graph's nodes, edges and groups with their
links to points, and the diff against the stored talk. A text with no header gets the talk it most
likely translates suggested (``talks.curation.suggest_talks``); the curator accepts it with a click.
Confirm writes all the texts in one transaction, or none.
"""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from vault import languages

from .curation import DocPreview, preview_text
from .importers.knowledge_vault import ImportProblem, Metadata, decode
from .importers.manifest import entry_for
from .importers.writer import CREATED, MERGED, UNCHANGED, UPDATED, build_previews, import_documents
from .models import Talk

MAX_PASTE = 1_000_000  # characters in the paste box
MAX_UPLOAD_BYTES = 1_000_000  # bytes per uploaded file
MAX_FILES = 50  # files per upload; the rest are refused by name, and nothing is imported
PASTED = "pasted.txt"
STATUS_LABELS = {
    CREATED: _("created as a new talk"),
    MERGED: _("merged as a translation of an existing talk"),
    UPDATED: _("updated"),
    UNCHANGED: _("left unchanged"),
}
# Uploaded files named like the bundled corpus take their manifest entry (headerless files).
CORPUS_DIR = Path(settings.BASE_DIR) / "data" / "corpus"


class PasteImportForm(forms.Form):
    text = forms.CharField(
        label=_("Source text"),
        required=False,
        strip=False,
        max_length=MAX_PASTE,
        widget=forms.Textarea(attrs={"rows": 14, "cols": 100}),
        error_messages={
            "max_length": _(
                "The pasted text is %(show_value)d characters long; at most %(limit_value)d are "
                "accepted in one paste. Nothing was imported: split it, or upload it as files."
            )
        },
    )
    slug = forms.SlugField(
        label=_("Talk slug"),
        required=False,
        help_text=_("Needed when the text has no header (speaker, event, year)."),
    )
    lang = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Detect from the text"))] + [(c, c) for c in languages.codes()],
    )
    title = forms.CharField(label=_("Title"), required=False, max_length=500)
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("From the text")), *list(Talk.Kind.choices)],
    )
    status = forms.ChoiceField(
        label=_("Status of a new talk"), choices=Talk.Status.choices, initial=Talk.Status.DRAFT
    )


def _inputs(request, form: PasteImportForm) -> list[tuple[str, str | None, str, str]]:
    """``(filename, text or None, per-file slug, decode error)`` for the pasted text and each file."""
    out: list[tuple[str, str | None, str, str]] = []
    data = form.cleaned_data
    if data["text"].strip():
        out.append(_text_input(PASTED, data["text"], data["slug"]))
    carried = zip(
        request.POST.getlist("carried_name"),
        request.POST.getlist("carried_text"),
        request.POST.getlist("carried_slug"),
        strict=False,
    )
    out += [_text_input(name, text, slug) for name, text, slug in carried]
    uploads = request.FILES.getlist("files")
    for n, upload in enumerate(uploads):
        name = Path(upload.name).name
        if n >= MAX_FILES:
            # Refused with a word, never dropped: the whole upload waits until it is split.
            out.append((name, None, "", str(_too_many(n + 1, len(uploads)))))
            continue
        if upload.size > MAX_UPLOAD_BYTES:
            out.append((name, None, "", str(_too_large(upload.size))))
            continue
        try:
            out.append((name, decode(upload.read(), upload.name), "", ""))
        except ImportProblem as problem:
            out.append((name, None, "", str(problem)))
    accept = request.POST.get("accept", "")
    if ":" in accept:  # "<index>:<slug>": the curator accepted a suggested talk
        index, slug = accept.split(":", 1)
        if index.isdigit() and int(index) < len(out):
            name, text, _old, error = out[int(index)]
            out[int(index)] = (name, text, slug, error)
    return out


def _too_many(number: int, total: int) -> str:
    return _(
        "not accepted: file %(number)d of %(total)d, and at most %(max)d files are accepted in one "
        "upload; upload it in another batch"
    ) % {"number": number, "total": total, "max": MAX_FILES}


def _too_large(size: int) -> str:
    return _(
        "not accepted: the file is %(size)s bytes, and at most %(max)s bytes are accepted per file"
    ) % {"size": f"{size:,}", "max": f"{MAX_UPLOAD_BYTES:,}"}


def _text_input(name: str, text: str, slug: str) -> tuple[str, str | None, str, str]:
    """A text from a form field as the importer reads files: LF line endings (browsers send CRLF), no BOM."""
    try:
        return (name, decode(text.encode("utf-8", "surrogatepass"), name), slug, "")
    except ImportProblem as problem:
        return (name, None, slug, str(problem))


def _overrides(form: PasteImportForm, name: str, slug: str, single: bool) -> Metadata:
    data = form.cleaned_data
    meta = Metadata(
        slug=slug or (data["slug"] if single else ""),
        lang=data["lang"],
        title=data["title"] if single else "",
        kind=data["kind"],
    )
    manifest = entry_for(CORPUS_DIR / name) if name != PASTED else None
    return meta.merged_with(manifest) if manifest else meta


def _previews(request, form: PasteImportForm) -> list[DocPreview]:
    inputs = _inputs(request, form)
    previews = []
    for name, text, slug, error in inputs:
        if text is None:
            previews.append(
                DocPreview(
                    filename=name, text="", problems=[ImportProblem(error, 0, name)], refused=True
                )
            )
            continue
        preview = preview_text(text, name, _overrides(form, name, slug, len(inputs) == 1))
        preview.slug_override = slug
        previews.append(preview)
    parsed = [(p, p.doc) for p in previews if p.doc is not None and p.summary]
    if len(parsed) > 1:
        # Texts imported together: the EN and ES pages of one new entry are one talk, created by the
        # first and merged as a translation by the second, as Confirm will write them.
        joints = build_previews([doc for _p, doc in parsed])
        for (preview, _doc), joint in zip(parsed, joints, strict=True):
            preview.summary["would_be"] = joint["would_be"]
    return previews


def _refused_request(model_admin: admin.ModelAdmin, request, refused: Exception):
    """The request was over one of Django's own limits: say which, and that nothing was imported."""
    if isinstance(refused, RequestDataTooBig):
        message = _(
            "The form sent more than %(max)s bytes of text (pasted and carried texts together); "
            "nothing was imported. Paste or upload fewer texts at once."
        ) % {"max": f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,}"}
    elif isinstance(refused, TooManyFilesSent):
        message = _(
            "More than %(sent)s files were sent; at most %(max)d are accepted in one upload. "
            "Nothing was imported."
        ) % {"sent": settings.DATA_UPLOAD_MAX_NUMBER_FILES, "max": MAX_FILES}
    else:
        message = str(_("The form sent too many fields; nothing was imported."))
    form = PasteImportForm({"status": Talk.Status.DRAFT})  # the sent fields could not be read
    form.is_valid()
    form.add_error(None, message)
    context = {
        **model_admin.admin_site.each_context(request),
        "form": form,
        "opts": model_admin.model._meta,
        "title": _("Import talks from text"),
        "previews": None,
        "max_files": MAX_FILES,
        "max_upload_bytes": f"{MAX_UPLOAD_BYTES:,}",
    }
    return TemplateResponse(request, "admin/talks/paste_import.html", context, status=413)


def paste_import_view(model_admin: admin.ModelAdmin, request):
    if not model_admin.has_add_permission(request):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    try:
        form = PasteImportForm(request.POST or None)
        request.FILES  # noqa: B018  # parsed here, so a refusal below is a form message, not a 400 page
    except (RequestDataTooBig, TooManyFilesSent, TooManyFieldsSent) as over_limit:
        return _refused_request(model_admin, request, over_limit)
    context = {
        **model_admin.admin_site.each_context(request),
        "form": form,
        "opts": model_admin.model._meta,
        "title": _("Import talks from text"),
        "previews": None,
        "max_files": MAX_FILES,
        "max_upload_bytes": f"{MAX_UPLOAD_BYTES:,}",
    }
    if request.method != "POST" or not form.is_valid():
        return TemplateResponse(
            request,
            "admin/talks/paste_import.html",
            context,
            status=400 if request.method == "POST" else 200,
        )
    previews = _previews(request, form)
    context["previews"] = previews
    if not previews:
        form.add_error("text", _("Paste a text or choose one or more .txt files."))
        return TemplateResponse(request, "admin/talks/paste_import.html", context, status=400)
    refused = [p.filename for p in previews if p.refused]
    if refused:
        form.add_error(
            None,
            _(
                "%(n)d file(s) not accepted, so nothing was imported: %(names)s. Each is listed "
                "below with the reason; the other files are kept for the next preview."
            )
            % {"n": len(refused), "names": ", ".join(refused)},
        )
    ok = all(p.ok for p in previews)
    context["all_ok"] = ok
    if "confirm" not in request.POST:
        return TemplateResponse(request, "admin/talks/paste_import.html", context)
    if not ok:
        return TemplateResponse(request, "admin/talks/paste_import.html", context, status=400)
    try:
        results = import_documents(
            [p.doc for p in previews if p.doc is not None],
            user=request.user,
            new_status=form.cleaned_data["status"],
        )
    except ImportProblem as problem:  # e.g. a receiver refused it; the transaction rolled back
        form.add_error("text", str(problem))
        return TemplateResponse(request, "admin/talks/paste_import.html", context, status=400)
    talks = Talk.objects.in_bulk([r.slug for r in results], field_name="slug")
    for result in results:
        if result.status != "unchanged":
            LogEntry.objects.log_actions(
                request.user.pk,
                [talks[result.slug]],
                ADDITION if result.status == "created" else CHANGE,
                change_message=f"Imported {result.lang} text {result.file} ({result.status}) in the admin",
            )
        said = {**result.as_dict(), "status": STATUS_LABELS[result.status]}
        if result.warnings:
            said["count"] = len(result.warnings)
            messages.warning(
                request,
                _(
                    "%(file)s → %(slug)s [%(lang)s]: %(status)s, with %(count)d warning(s); the talk stays a draft."
                )
                % said,
            )
            for warning in result.warnings:
                messages.warning(
                    request,
                    (
                        _("%(file)s, line %(line)s: %(message)s")
                        if warning["line"]
                        else _("%(file)s: %(message)s")
                    )
                    % {**warning, "file": result.file},
                )
        else:
            messages.success(request, _("%(file)s → %(slug)s [%(lang)s]: %(status)s.") % said)
    if len(talks) == 1:
        return redirect("admin:talks_talk_change", next(iter(talks.values())).pk)
    return redirect("admin:talks_talk_changelist")
