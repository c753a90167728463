"""Admin: import a talk by pasting its source text, preview what would change, then import."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from .importers.api import build_preview, import_documents, parse_pasted
from .importers.knowledge_vault import SUPPORTED_LANGS, ImportProblem, Metadata
from .models import Talk

MAX_PASTE = 1_000_000


class PasteImportForm(forms.Form):
    text = forms.CharField(label=_("Source text"), widget=forms.Textarea(attrs={"rows": 18, "cols": 100}),
                           max_length=MAX_PASTE, strip=False)
    slug = forms.SlugField(label=_("Talk slug"), required=False,
                           help_text=_("Needed when the text has no header (speaker, event, year)."))
    lang = forms.ChoiceField(label=_("Language"), required=False,
                             choices=[("", _("Detect from the text"))] + [(c, c) for c in SUPPORTED_LANGS])
    title = forms.CharField(label=_("Title"), required=False, max_length=500)
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("From the text"))] + list(Talk.Kind.choices))
    status = forms.ChoiceField(label=_("Status of a new talk"), choices=Talk.Status.choices,
                               initial=Talk.Status.DRAFT)

    def parsed(self):
        data = self.cleaned_data
        overrides = Metadata(slug=data["slug"], lang=data["lang"], title=data["title"], kind=data["kind"])
        return parse_pasted(data["text"], filename="pasted.txt", overrides=overrides)


def paste_import_view(model_admin: admin.ModelAdmin, request):
    form = PasteImportForm(request.POST or None)
    context = {**model_admin.admin_site.each_context(request), "form": form, "opts": model_admin.model._meta,
               "title": _("Import a talk from text"), "preview": None}
    if request.method == "POST" and form.is_valid():
        try:
            doc = form.parsed()
        except ImportProblem as problem:
            form.add_error("text", str(problem))
            return TemplateResponse(request, "admin/talks/paste_import.html", context, status=400)
        if "confirm" not in request.POST:
            context["preview"] = build_preview(doc)
            context["points"] = sorted(doc.points.items())[:5]
            return TemplateResponse(request, "admin/talks/paste_import.html", context)
        try:
            (result,) = import_documents([doc], user=request.user, new_status=form.cleaned_data["status"])
        except ImportProblem as problem:
            form.add_error("text", str(problem))
            return TemplateResponse(request, "admin/talks/paste_import.html", context, status=400)
        talk = Talk.objects.get(slug=result.slug)
        if result.status != "unchanged":
            LogEntry.objects.log_actions(
                request.user.pk, [talk], ADDITION if result.status == "created" else CHANGE,
                change_message=f"Imported {result.lang} text ({result.status}) by paste",
            )
        messages.success(request, _("%(slug)s [%(lang)s]: %(status)s.") % result.as_dict())
        return redirect("admin:talks_talk_change", talk.pk)
    return TemplateResponse(request, "admin/talks/paste_import.html", context)
