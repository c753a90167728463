"""A tiny demo plug-in for the platform's tests: one parameter of every schema type, and knobs for
slow runs (``seconds``), failures (``mode``) and oversized results.

It follows ``demos/PLUGIN.md`` like the real demos (META here, ``infer.run`` in ``infer.py``) but has
no model: the platform tests check queuing, progress, limits and failure handling, for which what the
demo computes is irrelevant, and a run that can be made to last a known time is what they need.
"""

META = {
    "slug": "probe",
    "title": {"en": "Probe demo", "es": "Demo de prueba"},
    "summary": {"en": "Echoes its parameters.", "es": "Devuelve sus parámetros."},
    "explanation": {
        "en": "First paragraph.\n\nSecond paragraph.",
        "es": "Primer párrafo.\n\nSegundo párrafo.",
    },
    "talk": "alex-graves-iclr-2017",
    "points": [16, 17],
    "nodes": ["Q", "R"],
    "also_talks": ["dnc-scaling-discussion"],
    "deterministic": True,
    "time_limit_s": 3,
    # One sentence per interval figure and ablation of evaluation.json, shown on the demo page.
    "evaluation_notes": {
        "abs_error": {
            "en": "How far the trained unit's output is from the target on held-out inputs.",
            "es": "Cuánto se aleja la salida de la unidad entrenada del objetivo en entradas reservadas.",
        },
        "untrained": {
            "en": "The same unit before training: the gap is what training bought.",
            "es": "La misma unidad antes de entrenar: la diferencia es lo que aportó el entrenamiento.",
        },
    },
    "params": {
        "count": {
            "type": "int",
            "min": 0,
            "max": 8,
            "default": 4,
            "label": {"en": "Count", "es": "Cuenta"},
        },
        "seconds": {
            "type": "float",
            "min": 0.0,
            "max": 30.0,
            "step": 0.1,
            "default": 0.0,
            "label": {"en": "Seconds to work", "es": "Segundos de trabajo"},
        },
        "mode": {
            "type": "choice",
            "choices": ["echo", "fail", "crash", "huge", "nan"],
            "default": "echo",
            "label": {"en": "Mode", "es": "Modo"},
            "help": {"en": "What the run does.", "es": "Lo que hace la ejecución."},
        },
        "bits": {
            "type": "str",
            "max_length": 8,
            "pattern": "^[01]*$",
            "default": "",
            "label": {"en": "Bits", "es": "Bits"},
        },
        "flag": {"type": "bool", "default": False, "label": {"en": "Flag", "es": "Bandera"}},
    },
}
