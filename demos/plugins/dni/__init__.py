"""Decoupled Neural Interfaces using Synthetic Gradients (Jaderberg et al. 2016, arXiv:1608.05343).

Only META lives here: the platform imports this module at start-up, so it must not import torch
or numpy. The core and the synthetic-gradient module are in model.py, the windowed training in
unroll.py, the task in task.py.
"""

from __future__ import annotations

_EXPLANATION_EN = """\
Recurrent networks learn by back-propagation through time (BPTT): the error at the end of a sequence is sent back through every step. That costs memory in proportion to the sequence length and means waiting for the whole sequence before any update, so in practice the sequence is cut into windows of T steps and the gradient stops at each cut: truncated BPTT. It then cannot learn anything that depends on more than about T steps of the past (points 11 and 12).

Synthetic gradients (points 13 and 14) put a small extra network at each cut. It looks at the LSTM's state there and predicts the gradient that the future would have sent back if the cut were not there. The window back-propagates its own losses plus that prediction, so it learns as if it could see past its end. The predictor itself learns by bootstrapping: its target is the gradient the next window actually sends back to its starting state, which includes the next predictor's guess; the last window of a sequence has no future, so its gradient is exact and anchors the chain. Here the predictor is one linear layer that starts at zero, so before it has learned anything the network trains exactly like truncated BPTT. Because no window waits for the gradient of the next one, the same trick lets modules update asynchronously, even modules that tick at different speeds in a hierarchy (point 15); this demo shows the part about time.

The task is a delayed recall: the first step shows one of 4 symbols, then come random distractor symbols on other input lines, and after L steps a cue asks for the first symbol. The only error is at the cue, L steps after the information arrived. With a window T shorter than L, truncated BPTT never connects the answer to the symbol and stays near chance (25 %); with synthetic gradients the same LSTM learns it; full BPTT is the reference.

The live run trains two copies of the same LSTM (32 units, the same seed and the same episodes) at the window and length you choose, one with truncated BPTT and one with synthetic gradients, and plots their accuracy on validation episodes during training, together with how well the synthetic gradients point in the direction of the true gradients (computed with full BPTT for the chart only). The bundled figures below come from the evaluation: accuracy on held-out test episodes over three training seeds, and the longest length each method solved at each window."""

_EXPLANATION_ES = """\
Las redes recurrentes aprenden por retropropagación a través del tiempo (BPTT): el error del final de una secuencia se envía hacia atrás por todos los pasos. Eso cuesta memoria proporcional a la longitud de la secuencia y obliga a esperar a que termine la secuencia para actualizar, así que en la práctica la secuencia se corta en ventanas de T pasos y el gradiente se detiene en cada corte: BPTT truncada. Entonces no puede aprender nada que dependa de más de unos T pasos del pasado (puntos 11 y 12).

Los gradientes sintéticos (puntos 13 y 14) ponen una pequeña red adicional en cada corte. Esta mira el estado de la LSTM en ese punto y predice el gradiente que el futuro habría enviado hacia atrás si no hubiera corte. La ventana retropropaga sus propias pérdidas más esa predicción, de modo que aprende como si pudiera ver más allá de su final. El predictor aprende a su vez por bootstrapping: su objetivo es el gradiente que la ventana siguiente devuelve de verdad a su estado inicial, que incluye la estimación del predictor siguiente; la última ventana de una secuencia no tiene futuro, así que su gradiente es exacto y ancla la cadena. Aquí el predictor es una capa lineal que empieza en cero, de modo que antes de aprender nada la red se entrena exactamente como con BPTT truncada. Como ninguna ventana espera al gradiente de la siguiente, el mismo truco permite que los módulos se actualicen de forma asíncrona, incluso módulos que avanzan a distinto ritmo en una jerarquía (punto 15); esta demo muestra la parte del tiempo.

La tarea es un recuerdo diferido: el primer paso muestra uno de 4 símbolos, después llegan símbolos de distracción aleatorios por otras líneas de entrada y, tras L pasos, una señal pide el primer símbolo. El único error está en esa señal, L pasos después de que llegara la información. Con una ventana T más corta que L, la BPTT truncada nunca relaciona la respuesta con el símbolo y se queda cerca del azar (25 %); con gradientes sintéticos la misma LSTM lo aprende; la BPTT completa es la referencia.

La ejecución en vivo entrena dos copias de la misma LSTM (32 unidades, la misma semilla y los mismos episodios) con la ventana y la longitud que elijas, una con BPTT truncada y otra con gradientes sintéticos, y dibuja su acierto en episodios de validación durante el entrenamiento, junto con lo bien que los gradientes sintéticos apuntan en la dirección de los gradientes verdaderos (calculados con BPTT completa solo para el gráfico). Las cifras incluidas debajo vienen de la evaluación: acierto en episodios de prueba reservados con tres semillas de entrenamiento, y la mayor longitud que cada método resolvió con cada ventana."""

META = {
    "slug": "dni",
    "title": {
        "en": "Synthetic gradients: reaching past truncated BPTT (delayed recall)",
        "es": "Gradientes sintéticos: llegar más allá de la BPTT truncada (recuerdo diferido)",
    },
    "summary": {
        "en": "A small network predicts the gradient from beyond each truncation, so an LSTM trained in short windows learns a dependency longer than the window.",
        "es": "Una pequeña red predice el gradiente que llega desde más allá de cada corte, así que una LSTM entrenada en ventanas cortas aprende una dependencia más larga que la ventana.",
    },
    "explanation": {"en": _EXPLANATION_EN, "es": _EXPLANATION_ES},
    "talk": "alex-graves-iclr-2017",
    "points": [13, 14, 15],
    "nodes": ["N", "O", "P"],
    "also_talks": [],
    "deterministic": True,
    "time_limit_s": 30,
    "evaluation_notes": {
        "acc_dni": {
            "en": "Share of held-out test episodes the LSTM trained with synthetic gradients answers correctly, at the documented window and length.",
            "es": "Proporción de episodios de prueba reservados que acierta la LSTM entrenada con gradientes sintéticos, con la ventana y la longitud documentadas.",
        },
        "acc_truncated_bptt": {
            "en": "The same LSTM trained with truncated BPTT alone: the dependency is longer than the window, so it stays near chance (25 %).",
            "es": "La misma LSTM entrenada solo con BPTT truncada: la dependencia es más larga que la ventana, así que se queda cerca del azar (25 %).",
        },
        "acc_full_bptt": {
            "en": "The reference: the same LSTM trained with the gradient sent back through the whole episode.",
            "es": "La referencia: la misma LSTM entrenada con el gradiente enviado hacia atrás por todo el episodio.",
        },
        "dni_gain": {
            "en": "Accuracy with synthetic gradients minus accuracy with truncated BPTT, same seeds and same test episodes.",
            "es": "Acierto con gradientes sintéticos menos acierto con BPTT truncada, con las mismas semillas y los mismos episodios de prueba.",
        },
        "sg_cosine": {
            "en": "How well the predicted gradients point along the true ones at the truncation boundaries of test episodes (cosine; 1 is the same direction, 0 unrelated): weak, yet enough to train.",
            "es": "Lo bien que los gradientes predichos apuntan en la dirección de los verdaderos en los cortes de los episodios de prueba (coseno; 1 es la misma dirección, 0 sin relación): débil, pero suficiente para entrenar.",
        },
        "no_synthetic_gradient": {
            "en": "Removing the synthetic-gradient module leaves truncated BPTT: its accuracy shows what the module adds.",
            "es": "Quitar el módulo de gradientes sintéticos deja la BPTT truncada: su acierto muestra lo que aporta el módulo.",
        },
        "window_T2": {
            "en": "With a window of 2 steps: the longest tested length up to which each method solved every length (at least 2 of 3 seeds at 90 % or more on test episodes).",
            "es": "Con una ventana de 2 pasos: la mayor longitud probada hasta la que cada método resolvió todas las longitudes (al menos 2 de 3 semillas con un 90 % o más de acierto en prueba).",
        },
        "window_T4": {
            "en": "With a window of 4 steps: the longest tested length up to which each method solved every length (at least 2 of 3 seeds at 90 % or more on test episodes).",
            "es": "Con una ventana de 4 pasos: la mayor longitud probada hasta la que cada método resolvió todas las longitudes (al menos 2 de 3 semillas con un 90 % o más de acierto en prueba).",
        },
    },
    "params": {
        "window": {
            "type": "int",
            "min": 1,
            "max": 8,
            "default": 2,
            "label": {
                "en": "Truncation window T (steps)",
                "es": "Ventana de truncamiento T (pasos)",
            },
            "help": {
                "en": "The gradient is cut every T steps; synthetic gradients stand in for what the cut removes.",
                "es": "El gradiente se corta cada T pasos; los gradientes sintéticos sustituyen lo que el corte quita.",
            },
        },
        "length": {
            "type": "int",
            "min": 2,
            "max": 16,
            "default": 12,
            "label": {
                "en": "Dependency length L (steps from symbol to cue)",
                "es": "Longitud de la dependencia L (pasos del símbolo a la señal)",
            },
        },
        "steps": {
            "type": "int",
            "min": 100,
            "max": 800,
            "default": 600,
            "label": {"en": "Training steps per method", "es": "Pasos de entrenamiento por método"},
        },
        "seed": {
            "type": "int",
            "min": 0,
            "max": 1000,
            "default": 0,
            "label": {"en": "Random seed", "es": "Semilla aleatoria"},
            "help": {
                "en": "Chooses the initial weights and the training episodes (the same for both methods).",
                "es": "Elige los pesos iniciales y los episodios de entrenamiento (los mismos para los dos métodos).",
            },
        },
    },
}
