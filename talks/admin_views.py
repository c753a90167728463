"""Admin pages beyond the model forms: the review queue, the EN/ES side-by-side view and the Mermaid
editor of a translation's concept graph with its JSON check endpoint (the project's own parser)."""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Max, Q
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from graphs import mermaid, suggest

from .concurrency import Conflict, EditConflict, conflict_for
from .models import LANG_CODES, GraphOrigin, Origin, SummaryPoint, Talk, TalkTranslation
from .workbench import WorkbenchUnavailable, open_workbench, stale_translations

MAX_GRAPH_SOURCE = 1_000_000


def _context(model_admin: admin.ModelAdmin, request: HttpRequest, title: str, **extra) -> dict:
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": title,
        **extra,
    }


def review_queue(model_admin: admin.ModelAdmin, request: HttpRequest):
    """What awaits a curator: drafts to review, reviewed talks to publish, with their provenance."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    talks = (
        Talk.objects.awaiting_review()
        .with_related()
        .annotate(
            n_points=Count("points"),
            edited=Count("points", filter=Q(points__origin=Origin.EDITED)),
            last_import=Max("sources__imported_at"),
        )
        .order_by("status", "-updated_at")
    )
    groups = [
        (
            Talk.Status.DRAFT.label,
            _("Drafts to review"),
            [t for t in talks if t.status == Talk.Status.DRAFT],
        ),
        (
            Talk.Status.REVIEWED.label,
            _("Reviewed, waiting to be published"),
            [t for t in talks if t.status == Talk.Status.REVIEWED],
        ),
    ]
    edited_published = (
        Talk.objects.published().filter(points__origin=Origin.EDITED).distinct().with_related()
    )
    return TemplateResponse(
        request,
        "admin/talks/review_queue.html",
        _context(
            model_admin,
            request,
            _("Awaiting review"),
            groups=groups,
            edited_published=edited_published,
            stale=stale_translations(),
        ),
    )


def side_by_side(model_admin: admin.ModelAdmin, request: HttpRequest, pk: int):
    """A talk's points in English and Spanish, row by row, to check a translation."""
    talk = get_object_or_404(Talk.objects.with_related(), pk=pk)
    if not model_admin.has_view_permission(request, talk):
        raise PermissionDenied
    by_lang: dict[str, dict[int, SummaryPoint]] = {code: {} for code in LANG_CODES}
    for point in talk.points.all():
        by_lang.setdefault(point.lang, {})[point.number] = point
    numbers = sorted(set().union(*(set(p) for p in by_lang.values())))
    rows = [(n, [by_lang[code].get(n) for code in LANG_CODES]) for n in numbers]
    return TemplateResponse(
        request,
        "admin/talks/side_by_side.html",
        _context(
            model_admin,
            request,
            _("%(talk)s: English and Spanish") % {"talk": talk.title_in("en")},
            talk=talk,
            rows=rows,
            langs=LANG_CODES,
            original=talk,
        ),
    )


def edit_conflict(model_admin: admin.ModelAdmin, request: HttpRequest, conflicts: list[Conflict]):
    """409: what the curator sent was not saved, because someone saved the same rows since they opened
    the page. Each row shows its stored value beside the curator's, and who changed it when."""
    return TemplateResponse(
        request,
        "admin/talks/edit_conflict.html",
        _context(
            model_admin,
            request,
            _("Not saved: someone else changed this since you opened it"),
            conflicts=conflicts,
            reload_url=request.get_full_path(),
        ),
        status=409,
    )


def graph_editor(model_admin: admin.ModelAdmin, request: HttpRequest, pk: int):
    """Edit a translation's Mermaid source with a live preview; saving re-derives the stored graph.

    The form carries the translation's version: a save over a newer one is refused with the conflict
    page (``edit_conflict``), the stored source beside the curator's."""
    translation = get_object_or_404(TalkTranslation.objects.select_related("talk"), pk=pk)
    if not model_admin.has_view_permission(request, translation):
        raise PermissionDenied
    error: dict | None = None
    source = translation.graph_source
    status = 200
    # "Suggest a concept graph": a draft from the points opens here, unsaved, for the curator.
    suggested = request.GET.get("suggest") == "1" or request.POST.get("suggested") == "1"
    if request.method == "GET" and suggested:
        try:
            source = suggest.suggest_for(translation)
        except ValueError:
            message = _("This translation has no summary points to draft a graph from.")
            error, suggested, status = {"message": message}, False, 400
    if request.method == "POST":
        if not model_admin.has_change_permission(request, translation):
            raise PermissionDenied
        source = request.POST.get("graph_source", "").replace("\r\n", "\n")
        seen = _seen_version(request)
        error = _check(source)
        if error is None and seen is None:
            error = {
                "message": _("The form was sent without its version; reload the page."),
                "line": 0,
                "column": 0,
            }
        if error is None:
            try:
                _save_graph(model_admin, request, translation, source, seen, suggested)
            except EditConflict as conflict:
                got = conflict_for(conflict.instance, conflict.seen, {"graph_source": source})
                return edit_conflict(model_admin, request, [got])
            messages.success(request, _("The concept graph was saved."))
            return redirect("admin:talks_talktranslation_graph", translation.pk)
        status = 400
    return TemplateResponse(
        request,
        "admin/talks/graph_editor.html",
        _context(
            model_admin,
            request,
            _("Concept graph: %(translation)s") % {"translation": translation},
            translation=translation,
            source=source,
            version=request.POST.get("version") or translation.version,
            error=error,
            original=translation,
            suggested=suggested,
            check_url=reverse("admin:talks_talktranslation_graph_check"),
        ),
        status=status,
    )


def _seen_version(request: HttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


def _save_graph(
    model_admin, request, translation: TalkTranslation, source: str, seen, suggested: bool
) -> None:
    # The receiver rebuilds the graph rows in the same transaction.
    with transaction.atomic():
        translation.graph_source = source
        translation.origin = Origin.EDITED
        reason = "graph edited"
        if suggested:  # provenance: drafted by the suggestion, then saved by a curator
            translation.graph_generator = suggest.GENERATOR
            translation.graph_origin = GraphOrigin.SUGGESTED
            reason = "graph suggested, then edited by a curator"
        elif translation.graph_origin != GraphOrigin.SUGGESTED:
            # A suggested graph stays one when edited again; any other edited graph is a person's.
            translation.graph_origin = GraphOrigin.EDITED
        translation._change_reason = reason  # type: ignore[attr-defined]  # simple-history reads it
        translation.expect_version(seen)
        translation.save()
        model_admin.log_change(request, translation, f"Concept graph: {reason}")


def _check(source: str) -> dict | None:
    """None when ``source`` parses (or is empty), else the parser's error with its line and column."""
    if len(source) > MAX_GRAPH_SOURCE:
        return {
            "message": _(
                "The graph source is %(n)s characters long; at most %(max)s are accepted. "
                "Nothing was saved."
            )
            % {"n": f"{len(source):,}", "max": f"{MAX_GRAPH_SOURCE:,}"},
            "line": 0,
            "column": 0,
        }
    if not source.strip():
        return None
    try:
        mermaid.parse(source)
    except mermaid.MermaidSyntaxError as exc:
        return {"message": str(exc), "line": exc.line, "column": exc.column}
    return None


@require_POST
def graph_check(request: HttpRequest):
    """``POST {"source": "..."}`` → ``{"ok": true, "mermaid": canonical, counts}`` or 400 with the error."""
    try:
        source = str(json.loads(request.body or b"{}").get("source", ""))
    except (ValueError, AttributeError):
        return JsonResponse(
            {
                "ok": False,
                "error": {"message": _('Send JSON: {"source": "…"}'), "line": 0, "column": 0},
            },
            status=400,
        )
    error = _check(source)
    if error is not None:
        return JsonResponse({"ok": False, "error": error}, status=400)
    if not source.strip():
        return JsonResponse({"ok": True, "mermaid": "", "nodes": 0, "edges": 0, "groups": 0})
    graph = mermaid.parse(source)
    return JsonResponse(
        {
            "ok": True,
            "mermaid": mermaid.serialise(graph),
            "nodes": len(graph.nodes),
            "edges": len(graph.edges),
            "groups": len(graph.groups),
        }
    )


def _open_workbench(model_admin: admin.ModelAdmin, request: HttpRequest, pk: int, lang: str):
    talk = get_object_or_404(Talk.objects.with_related(), pk=pk)
    if not model_admin.has_change_permission(request, talk):
        raise PermissionDenied
    return talk, open_workbench(talk, lang)


def translation_workbench(model_admin: admin.ModelAdmin, request: HttpRequest, pk: int, lang: str):
    """Translate a talk's title, points and graph labels into ``lang``; saving writes a draft."""
    try:
        talk, bench = _open_workbench(model_admin, request, pk, lang)
    except WorkbenchUnavailable as exc:
        messages.error(request, str(exc))
        return redirect("admin:talks_talk_change", pk)
    status = 200
    if request.method == "POST":
        if bench.read(request.POST):
            bench.save(request.user)
            model_admin.log_change(request, talk, f"Translated into {lang} in the workbench")
            messages.success(
                request,
                _(
                    "The translation was saved; the talk is a draft until it is reviewed and published."
                ),
            )
            return redirect("admin:talks_talk_translate", talk.pk, lang)
        status = 400
    names = dict(languages_local())
    return TemplateResponse(
        request,
        "admin/talks/translation_workbench.html",
        _context(
            model_admin,
            request,
            _("Translate into %(language)s: %(talk)s")
            % {"language": names[lang], "talk": talk.slug},
            talk=talk,
            bench=bench,
            original=talk,
            source_name=names[bench.source_lang],
            target_name=names[lang],
            preview_url=reverse("admin:talks_talk_translate_preview", args=[talk.pk, lang]),
        ),
        status=status,
    )


def translation_preview(model_admin: admin.ModelAdmin, request: HttpRequest, pk: int, lang: str):
    """``POST`` the workbench form → ``{"ok": true, "mermaid": …}``: the translated graph so far
    (source labels where none is typed yet), or 400 with the form's errors about the graph."""
    if request.method != "POST":
        return JsonResponse({"ok": False, "errors": [_("Send the form with POST.")]}, status=405)
    try:
        _talk, bench = _open_workbench(model_admin, request, pk, lang)
    except WorkbenchUnavailable as exc:
        return JsonResponse({"ok": False, "errors": [str(exc)]}, status=400)
    bench.read(request.POST)
    if bench.graph_errors:
        return JsonResponse({"ok": False, "errors": bench.graph_errors}, status=400)
    graph = bench.translated_graph(fallback=True)
    if graph is None:
        return JsonResponse({"ok": True, "mermaid": "", "nodes": 0})
    source = mermaid.serialise(mermaid.render_safe(graph))
    return JsonResponse({"ok": True, "mermaid": source, "nodes": len(graph.nodes)})


def languages_local() -> list[tuple[str, str]]:
    """The site's languages named in the active language ("Spanish" on an English page)."""
    from django.conf import settings

    return [(code, str(name)) for code, name in settings.LANGUAGES]
