"""IMPALA's V-trace (Espeholt et al., ICML 2018, arXiv:1802.01561): off-policy actor-critic targets
for actors whose policy lags the learner's, on gymnasium's CartPole.

Only ``META`` lives here: importing this package must not import torch.
"""

from __future__ import annotations

METHODS = ("vtrace", "no_correction", "unclipped_is")

META = {
    "slug": "vtrace",
    "title": {
        "en": "V-trace: learning from actors that lag behind (IMPALA)",
        "es": "V-trace: aprender de actores que van por detrás (IMPALA)",
    },
    "summary": {
        "en": "Actors play CartPole with a policy several updates old; V-trace's truncated "
        "importance weights let the learner use their experience anyway.",
        "es": "Los actores juegan a CartPole con una política de hace varias actualizaciones; los "
        "pesos de importancia truncados de V-trace permiten al aprendiz aprovechar igualmente su "
        "experiencia.",
    },
    "explanation": {
        "en": (
            "IMPALA is an off-policy actor-critic agent built to scale (point 11). Its actors only "
            "act: each plays its environment with a copy of the policy and sends whole unrolls of "
            "experience to a central learner, which only learns (point 14). Decoupling the two is "
            "what lets IMPALA use many actors, on many tasks at once (points 12 and 13), and beat "
            "A3C on DMLab-30 (point 16). The price is that an actor's copy is always a little out "
            "of date: the learner has moved on by the time the experience arrives, so the data "
            "come from a behaviour policy μ that is not the policy π being learned.\n\n"
            "V-trace corrects for that (point 15). Each step's temporal-difference error is weighted "
            "by ρ = min(ρ̄, π/μ), and the trace that carries later errors back by c = min(c̄, π/μ). "
            "On-policy, with every ratio 1, the V-trace target is the ordinary n-step return. The "
            "truncation is the point: ρ̄ fixes which policy's value is learned (one between μ and π), "
            "c̄ only how far the trace reaches, and neither lets a product of large ratios blow up.\n\n"
            "Here eight actors play gymnasium's CartPole-v1 with the learner's parameters of k "
            "updates ago (a queue of snapshots), and a small MLP learns from batches of 20-step "
            "unrolls with one of three targets: V-trace (ρ̄ = c̄ = 1), the same n-step targets with "
            "no correction at all, and importance weights without clipping. A live run trains all "
            "three at the lag you choose and draws their returns as they learn; the second chart "
            "shows the bundled policies, trained for 1000 updates at each lag with three seeds, "
            "each method with its own learning rate chosen on validation episodes."
        ),
        "es": (
            "IMPALA es un agente actor-crítico fuera de política pensado para escalar (punto 11). "
            "Sus actores solo actúan: cada uno juega en su entorno con una copia de la política y "
            "envía tramos enteros de experiencia a un aprendiz central, que solo aprende (punto 14). "
            "Separar ambas tareas es lo que permite a IMPALA usar muchos actores, en muchas tareas a "
            "la vez (puntos 12 y 13), y superar a A3C en DMLab-30 (punto 16). El precio es que la "
            "copia de un actor siempre está algo desfasada: cuando llega la experiencia, el aprendiz "
            "ya ha avanzado, así que los datos vienen de una política de comportamiento μ que no es "
            "la política π que se aprende.\n\n"
            "V-trace corrige ese desfase (punto 15). El error de diferencia temporal de cada paso se "
            "pondera con ρ = min(ρ̄, π/μ), y la traza que lleva hacia atrás los errores posteriores "
            "con c = min(c̄, π/μ). En política, con todos los cocientes iguales a 1, el objetivo de "
            "V-trace es el retorno de n pasos de siempre. La clave es el truncamiento: ρ̄ fija de qué "
            "política se aprende el valor (una entre μ y π), c̄ solo hasta dónde llega la traza, y "
            "ninguno deja que un producto de cocientes grandes se dispare.\n\n"
            "Aquí ocho actores juegan a CartPole-v1 de gymnasium con los parámetros que tenía el "
            "aprendiz hace k actualizaciones (una cola de copias), y un MLP pequeño aprende de lotes "
            "de tramos de 20 pasos con uno de tres objetivos: V-trace (ρ̄ = c̄ = 1), los mismos "
            "objetivos de n pasos sin ninguna corrección, y pesos de importancia sin recortar. Una "
            "ejecución en vivo entrena los tres con el desfase que elijas y dibuja sus retornos "
            "mientras aprenden; el segundo gráfico muestra las políticas incluidas, entrenadas 1000 "
            "actualizaciones con cada desfase y tres semillas, cada método con su propia tasa de "
            "aprendizaje elegida en episodios de validación."
        ),
    },
    "talk": "koray-kavukcuoglu-iclr-2018",
    "points": [11, 12, 13, 14, 15, 16],
    "nodes": ["L", "M", "N", "O", "P", "Q"],
    "also_talks": [],
    "deterministic": True,
    "time_limit_s": 30,
    "params": {
        "lag": {
            "type": "int",
            "min": 0,
            "max": 64,
            "default": 32,
            "label": {
                "en": "Actor lag k (updates behind the learner)",
                "es": "Desfase k de los actores (actualizaciones por detrás del aprendiz)",
            },
            "help": {
                "en": "0 is on-policy: all three methods then learn the same way",
                "es": "0 es en política: entonces los tres métodos aprenden igual",
            },
        },
        "method": {
            "type": "choice",
            "choices": ["all", *METHODS],
            "default": "all",
            "label": {"en": "Learner target", "es": "Objetivo del aprendiz"},
            "help": {
                "en": "vtrace: ρ̄ = c̄ = 1; no_correction: n-step returns as if on-policy; "
                "unclipped_is: importance weights without clipping",
                "es": "vtrace: ρ̄ = c̄ = 1; no_correction: retornos de n pasos como si fuera en "
                "política; unclipped_is: pesos de importancia sin recortar",
            },
        },
        "updates": {
            "type": "int",
            "min": 50,
            "max": 600,
            "default": 400,
            "label": {"en": "Learner updates", "es": "Actualizaciones del aprendiz"},
        },
        "seed": {
            "type": "int",
            "min": 0,
            "max": 99,
            "default": 0,
            "label": {"en": "Seed", "es": "Semilla"},
        },
    },
    "evaluation_notes": {
        "return_vtrace": {
            "en": "Mean return on the test episodes of the V-trace learner's final policy at the "
            "largest lag, over three training seeds.",
            "es": "Retorno medio en los episodios de prueba de la política final del aprendiz con "
            "V-trace en el mayor desfase, sobre tres semillas de entrenamiento.",
        },
        "return_no_correction": {
            "en": "The same for the learner that uses the n-step targets with no off-policy "
            "correction.",
            "es": "Lo mismo para el aprendiz que usa los objetivos de n pasos sin corrección "
            "fuera de política.",
        },
        "return_unclipped_is": {
            "en": "The same for the learner whose importance weights are never clipped.",
            "es": "Lo mismo para el aprendiz cuyos pesos de importancia nunca se recortan.",
        },
        "no_correction": {
            "en": "Without any correction the lagged actors' data pull the policy the wrong way.",
            "es": "Sin ninguna corrección, los datos de los actores desfasados empujan la política "
            "en la dirección equivocada.",
        },
        "unclipped_is": {
            "en": "Untruncated importance weights correct the bias but their products make the "
            "targets high-variance.",
            "es": "Los pesos de importancia sin truncar corrigen el sesgo, pero sus productos hacen "
            "que los objetivos tengan mucha varianza.",
        },
    },
}
