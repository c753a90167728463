"""Learned optimizer meta-trained with evolution strategies (Sohl-Dickstein, ICLR 2023).

Only ``META`` lives here: importing this package must not import torch.
"""

from __future__ import annotations

_FAMILIES = [
    "digits",
    "syn_cls",
    "syn_reg",
    "quad",
    "digits_deep",
    "digits_wide",
    "wine",
    "breast_cancer",
]

# One sentence per interval figure and ablation of evaluation.json (the demo page shows them).
_NOTES = {
    "win_vs_adam_default": (
        "Share of test tasks where the learned optimizer ends at least 1 % lower than Adam at its "
        "default lr 1e-3, which is far too slow for 100 steps: an easy bar.",
        "Proporción de tareas de prueba en que el optimizador aprendido acaba al menos un 1 % más "
        "bajo que Adam con su lr por defecto 1e-3, demasiado lento para 100 pasos: un listón fácil.",
    ),
    "win_vs_sgd_tuned": (
        "Share of test tasks where it ends at least 1 % lower than SGD at the learning rate chosen "
        "on the validation tasks.",
        "Proporción de tareas de prueba en que acaba al menos un 1 % más bajo que SGD con la tasa "
        "de aprendizaje elegida en las tareas de validación.",
    ),
    "win_vs_adam_tuned": (
        "The headline: share of test tasks where it ends at least 1 % lower than Adam at the "
        "learning rate chosen on the validation tasks; ties are not counted as wins.",
        "La cifra principal: proporción de tareas de prueba en que acaba al menos un 1 % más bajo "
        "que Adam con la tasa elegida en validación; los empates no cuentan como victorias.",
    ),
    "tie_vs_adam_tuned": (
        "Share of test tasks where the two final losses are within 1 % of each other.",
        "Proporción de tareas de prueba en que las dos pérdidas finales distan menos de un 1 %.",
    ),
    "loss_vs_adam_tuned": (
        "Share of test tasks where tuned Adam ends at least 1 % lower than the learned optimizer.",
        "Proporción de tareas de prueba en que Adam ajustado acaba al menos un 1 % más bajo que el "
        "optimizador aprendido.",
    ),
    "log_ratio_vs_adam_tuned": (
        "Mean log of the learned optimizer's final training loss over tuned Adam's: below 0 means "
        "lower on average, whatever the margin.",
        "Media del logaritmo del cociente entre la pérdida final de entrenamiento del optimizador "
        "aprendido y la de Adam ajustado: por debajo de 0 es más baja de media, sin margen.",
    ),
    "test_win_vs_adam_default": (
        "The same comparison with Adam 1e-3 on each task's held-out test data.",
        "La misma comparación con Adam 1e-3 en los datos de prueba reservados de cada tarea.",
    ),
    "test_win_vs_sgd_tuned": (
        "The same comparison with tuned SGD on each task's held-out test data.",
        "La misma comparación con SGD ajustado en los datos de prueba reservados de cada tarea.",
    ),
    "test_win_vs_adam_tuned": (
        "Wins against tuned Adam counted on each task's held-out test data instead of its "
        "training data: whether a lower training loss also generalises.",
        "Victorias frente a Adam ajustado contadas en los datos de prueba reservados de cada tarea "
        "en vez de en los de entrenamiento: si una pérdida de entrenamiento menor también generaliza.",
    ),
    "test_tie_vs_adam_tuned": (
        "Ties (within 1 %) with tuned Adam on the held-out test data.",
        "Empates (dentro del 1 %) con Adam ajustado en los datos de prueba reservados.",
    ),
    "test_loss_vs_adam_tuned": (
        "Losses to tuned Adam (it ends at least 1 % lower) on the held-out test data.",
        "Derrotas frente a Adam ajustado (acaba al menos un 1 % más bajo) en los datos de prueba "
        "reservados.",
    ),
    "test_log_ratio_vs_adam_tuned": (
        "Mean log ratio of final test losses, learned over tuned Adam: its interval includes 0, so on "
        "held-out data the learned optimizer is not clearly better than tuned Adam.",
        "Media del logaritmo del cociente de las pérdidas finales de prueba, aprendido entre Adam "
        "ajustado: su intervalo incluye el 0, así que en datos reservados el optimizador aprendido "
        "no es claramente mejor que Adam ajustado.",
    ),
    "win_vs_start": (
        "Share of test tasks where the meta-trained optimizer ends at least 1 % lower than its own "
        "untrained start (Adam at lr 3e-2): what meta-training added.",
        "Proporción de tareas de prueba en que el optimizador meta-entrenado acaba al menos un 1 % "
        "más bajo que su propio punto de partida sin entrenar (Adam con lr 3e-2): lo que aportó el "
        "meta-entrenamiento.",
    ),
    "log_ratio_vs_start": (
        "Mean log ratio of final training losses, meta-trained over untrained start.",
        "Media del logaritmo del cociente de las pérdidas finales de entrenamiento, meta-entrenado "
        "entre el punto de partida sin entrenar.",
    ),
    "ood_win_vs_adam_tuned": (
        "Wins against tuned Adam on tasks outside the meta-training distribution (deeper or wider "
        "networks, other data sets, a longer horizon): about a coin flip.",
        "Victorias frente a Adam ajustado en tareas fuera de la distribución de meta-entrenamiento "
        "(redes más profundas o anchas, otros conjuntos de datos, un horizonte más largo): más o "
        "menos a cara o cruz.",
    ),
    "start_theta": (
        "The untrained start is Adam at lr 3e-2, the very learning rate validation picks for Adam: "
        "raced as its own entry it ties tuned Adam on every test task, so any win above is "
        "meta-training's.",
        "El punto de partida sin entrenar es Adam con lr 3e-2, la misma tasa que la validación "
        "elige para Adam: en carrera propia empata con Adam ajustado en todas las tareas, así que "
        "toda victoria de arriba es del meta-entrenamiento.",
    ),
}


META = {
    "slug": "learned_opt",
    "title": {
        "en": "A learned optimizer, meta-trained with evolution strategies",
        "es": "Un optimizador aprendido, meta-entrenado con estrategias evolutivas",
    },
    "summary": {
        "en": "A tiny per-parameter neural network learns to update weights, races SGD and Adam, "
        "and shows why meta-training it is chaotic.",
        "es": "Una pequeña red neuronal por parámetro aprende a actualizar pesos, compite con SGD y "
        "Adam, y muestra por qué meta-entrenarla es caótico.",
    },
    "explanation": {
        "en": (
            "A learned optimizer replaces the hand-written update rule (SGD, Adam) with a function "
            "that is itself trained: an outer loop tunes the optimizer so that the inner loop, the "
            "training of some network, goes well (point 6). Here the optimizer is a tiny MLP applied "
            "to every parameter separately (point 7). It sees the gradient, momenta at three time "
            "scales, an Adam-like and an RMSProp-like direction, the parameter itself and the training "
            "progress, each normalised per tensor, and outputs a direction times exp(magnitude). Its "
            "linear paths can reproduce SGD, momentum or Adam exactly; meta-training starts from Adam "
            "and must find something better.\n\n"
            "The race trains one task with the learned optimizer (meta-training seed 0 of three) "
            "and with SGD, momentum and Adam: Adam at its default learning rate, SGD and Adam at "
            "the learning rate their own grids chose on validation tasks (Adam's is 3e-2, which is "
            "also the learned optimizer's untrained start), and the best of each grid on this very "
            "task (an oracle no real user has). Every final loss is shown on the task's training "
            "data and on its held-out test data, with the verdict for the learned optimizer: a win "
            "or a loss needs a 1 % margin, anything closer is a tie. A plot shows the learned update "
            "rule itself, against the gradient and momentum features, beside its Adam start. "
            "Tasks marked out of distribution (a deeper or wider network, other data sets, more steps "
            "than the 100 seen in meta-training) test generalisation, the open problem of point 14.\n\n"
            "Why is it hard? Training is a dynamical system nested inside another (point 9). For short "
            "unrolls the meta-loss is a smooth function of the optimizer's parameters; for long "
            "unrolls near the edge of stability it becomes rough and chaotic (point 10), so its "
            "gradient is useless. Averaging the loss over random perturbations smooths it (point 11); "
            "evolution strategies estimate the gradient of that smoothed loss, and antithetic "
            "sampling (evaluating +ε and -ε) cuts the estimator's variance drastically (point 12). "
            "Each meta-step still costs many inner steps, so we use truncated unrolls (point 13). The "
            "feature choices follow point 15; point 16 reminds that the best architecture is open."
        ),
        "es": (
            "Un optimizador aprendido sustituye la regla de actualización escrita a mano (SGD, Adam) "
            "por una función que también se entrena: un bucle externo ajusta el optimizador para que "
            "el bucle interno, el entrenamiento de una red, vaya bien (punto 6). Aquí el optimizador es "
            "un MLP diminuto aplicado a cada parámetro por separado (punto 7). Ve el gradiente, momentos "
            "a tres escalas de tiempo, una dirección tipo Adam y otra tipo RMSProp, el propio parámetro "
            "y el progreso del entrenamiento, cada uno normalizado por tensor, y produce una dirección "
            "por exp(magnitud). Sus caminos lineales pueden reproducir exactamente SGD, momento o Adam; "
            "el meta-entrenamiento parte de Adam y debe encontrar algo mejor.\n\n"
            "La carrera entrena una tarea con el optimizador aprendido (la semilla 0 de tres del "
            "meta-entrenamiento) y con SGD, momento y Adam: Adam con su tasa de aprendizaje por "
            "defecto, SGD y Adam con la tasa que sus propias rejillas eligieron en tareas de "
            "validación (la de Adam es 3e-2, que es también el punto de partida sin entrenar del "
            "optimizador aprendido) y lo mejor de cada rejilla en esa misma tarea (un oráculo que "
            "ningún usuario real tiene). Cada pérdida final se muestra en los datos de entrenamiento "
            "de la tarea y en sus datos de prueba reservados, con el veredicto para el optimizador "
            "aprendido: ganar o perder exige un margen del 1 %, lo que queda más cerca es un empate. "
            "Un gráfico muestra la propia regla de actualización aprendida, frente a las "
            "características de gradiente y momento, junto a su punto de partida Adam. "
            "Las tareas fuera de distribución (una red más profunda o más ancha, otros conjuntos "
            "de datos, más pasos que los 100 del meta-entrenamiento) ponen a prueba la generalización, "
            "el problema abierto del punto 14.\n\n"
            "¿Por qué es difícil? El entrenamiento es un sistema dinámico anidado dentro de otro (punto "
            "9). Con desenrollados cortos la meta-pérdida es una función suave de los parámetros del "
            "optimizador; con desenrollados largos cerca del borde de la estabilidad se vuelve rugosa "
            "y caótica (punto 10), y su gradiente no sirve. Promediar la pérdida sobre perturbaciones "
            "aleatorias la suaviza (punto 11); las estrategias evolutivas estiman el gradiente de esa "
            "pérdida suavizada, y el muestreo antitético (evaluar +ε y -ε) reduce drásticamente la "
            "varianza del estimador (punto 12). Cada meta-paso sigue costando muchos pasos internos, "
            "así que usamos desenrollados truncados (punto 13). Las características siguen el punto 15; "
            "el punto 16 recuerda que la arquitectura ideal sigue abierta."
        ),
    },
    "talk": "jascha-sohl-dickstein-iclr-2023",
    "points": [6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16],
    "nodes": [],
    "also_talks": [],
    "evaluation_notes": {k: {"en": en, "es": es} for k, (en, es) in _NOTES.items()},
    "deterministic": True,
    "time_limit_s": 45,
    "params": {
        "mode": {
            "type": "choice",
            "choices": ["race", "hard"],
            "default": "race",
            "label": {"en": "What to show", "es": "Qué mostrar"},
            "help": {
                "en": "race: train a task with every optimizer; hard: why meta-training is hard",
                "es": "race: entrenar una tarea con cada optimizador; hard: por qué el meta-entrenamiento es difícil",
            },
        },
        "task": {
            "type": "choice",
            "choices": _FAMILIES,
            "default": "digits",
            "label": {"en": "Task (race)", "es": "Tarea (carrera)"},
            "help": {
                "en": "digits, syn_cls, syn_reg, quad are in the meta-training distribution; "
                "digits_deep, digits_wide, wine, breast_cancer are not",
                "es": "digits, syn_cls, syn_reg, quad están en la distribución de meta-entrenamiento; "
                "digits_deep, digits_wide, wine, breast_cancer no",
            },
        },
        "steps": {
            "type": "int",
            "min": 10,
            "max": 200,
            "default": 100,
            "label": {
                "en": "Training steps (race)",
                "es": "Pasos de entrenamiento (carrera)",
            },
            "help": {
                "en": "meta-training used 100; more is a longer horizon than it ever saw",
                "es": "el meta-entrenamiento usó 100; más es un horizonte más largo del que vio",
            },
        },
        "long_unroll": {
            "type": "int",
            "min": 20,
            "max": 100,
            "default": 100,
            "label": {
                "en": "Long unroll length (hard)",
                "es": "Longitud del desenrollado largo (hard)",
            },
        },
        "seed": {
            "type": "int",
            "min": 0,
            "max": 99,
            "default": 0,
            "label": {"en": "Seed (which task)", "es": "Semilla (qué tarea)"},
        },
    },
}
