"""The demo pages' own interface strings in English and Spanish.

Kept beside the app (like each plug-in's bilingual META) so the demo pages and the embeddable widget,
which is served outside the ``/en/``–``/es/`` URL prefixes, speak the page language without depending
on compiled message catalogues.
"""

from __future__ import annotations

UI: dict[str, dict[str, str]] = {
    "demos": {"en": "Live demos", "es": "Demos en vivo"},
    "demos_intro": {
        "en": "Small PyTorch models of the techniques the talks discuss, run on this server. Change the "
        "parameters, press Run and watch the result appear.",
        "es": "Pequeños modelos PyTorch de las técnicas de las charlas, ejecutados en este servidor. Cambia "
        "los parámetros, pulsa Ejecutar y mira aparecer el resultado.",
    },
    "no_demos": {
        "en": "No demo is available yet.",
        "es": "Todavía no hay ninguna demo disponible.",
    },
    "open": {"en": "Open the demo", "es": "Abrir la demo"},
    "illustrates": {"en": "Illustrates", "es": "Ilustra"},
    "points": {"en": "points", "es": "puntos"},
    "point": {"en": "Point", "es": "Punto"},
    "parameters": {"en": "Parameters", "es": "Parámetros"},
    "run": {"en": "Run", "es": "Ejecutar"},
    "running": {"en": "Running…", "es": "Ejecutando…"},
    "queued": {"en": "Queued", "es": "En cola"},
    "done": {"en": "Done", "es": "Hecho"},
    "failed": {"en": "Failed", "es": "Falló"},
    "cached": {
        "en": "served from an identical earlier run",
        "es": "servido desde una ejecución idéntica anterior",
    },
    "progress": {"en": "Progress", "es": "Progreso"},
    "result": {"en": "Result", "es": "Resultado"},
    "result_empty": {
        "en": "Press Run to see a result.",
        "es": "Pulsa Ejecutar para ver un resultado.",
    },
    "explanation": {"en": "What it shows", "es": "Qué muestra"},
    "talk_points": {
        "en": "The talk points it illustrates",
        "es": "Los puntos de la charla que ilustra",
    },
    "graph_nodes": {"en": "Concept-map nodes", "es": "Nodos del mapa de conceptos"},
    "embed": {"en": "Embed", "es": "Insertar"},
    "embed_help": {
        "en": "Copy this HTML into any page to show this demo, with the current parameters:",
        "es": "Copia este HTML en cualquier página para mostrar esta demo con los parámetros actuales:",
    },
    "share": {"en": "Link to these parameters", "es": "Enlace a estos parámetros"},
    "fix_fields": {"en": "Please fix the marked fields.", "es": "Corrige los campos marcados."},
    "retry_in": {"en": "Try again in {s} s.", "es": "Vuelve a intentarlo en {s} s."},
    "network": {
        "en": "The server could not be reached.",
        "es": "No se pudo contactar con el servidor.",
    },
    "no_renderer": {
        "en": "This demo has no renderer yet; the raw result follows.",
        "es": "Esta demo aún no tiene visualización; sigue el resultado en bruto.",
    },
    "open_full": {"en": "Open in the Knowledge Vault", "es": "Abrir en Knowledge Vault"},
    "talk_demos": {"en": "Live demos of this talk", "es": "Demos en vivo de esta charla"},
    "talk_demos_intro": {
        "en": "Run the techniques of these concepts yourself:",
        "es": "Ejecuta tú mismo las técnicas de estos conceptos:",
    },
    "time_limit": {"en": "time limit", "es": "límite de tiempo"},
    "yes": {"en": "yes", "es": "sí"},
    "no": {"en": "no", "es": "no"},
    "eval_title": {"en": "How well it works", "es": "Qué tal funciona"},
    "eval_intro": {
        "en": "Measured by manage.py eval_demo {slug} on held-out test data that no training or "
        "selection saw: the mean over the training seeds {seeds}, with a bootstrap 95 % interval "
        "(seeds and test items resampled).",
        "es": "Medido con manage.py eval_demo {slug} sobre datos de prueba reservados que ningún "
        "entrenamiento ni selección vio: la media sobre las semillas de entrenamiento {seeds}, con "
        "un intervalo bootstrap del 95 % (se remuestrean semillas y casos de prueba).",
    },
    "eval_figure": {"en": "Figure", "es": "Cifra"},
    "eval_mean": {"en": "Mean", "es": "Media"},
    "eval_interval": {"en": "95 % interval", "es": "Intervalo del 95 %"},
    "eval_means": {"en": "What it shows", "es": "Qué muestra"},
    "eval_ablations": {"en": "Ablations", "es": "Ablaciones"},
    "eval_baselines": {"en": "Baselines", "es": "Referencias"},
    "eval_acceptance": {"en": "Promised figures", "es": "Cifras prometidas"},
    "eval_met": {"en": "met", "es": "cumplida"},
    "eval_missed": {"en": "missed", "es": "no cumplida"},
    "invalid_url_params": {
        "en": "Some parameters in the address were invalid and were reset to their defaults.",
        "es": "Algunos parámetros de la dirección no eran válidos y se han restablecido.",
    },
}


def ui(lang: str) -> dict[str, str]:
    """All interface strings in ``lang`` (English where a Spanish one is missing)."""
    return {key: value.get(lang) or value["en"] for key, value in UI.items()}
