"""WAGE: training and inference with integers (Wu et al., ICLR 2018, arXiv:1802.04680).

The plug-in's metadata only; no torch or numpy at import time (the web process imports this).
"""

from __future__ import annotations

# The bundled networks (infer.NETWORKS; weights/ holds seeds 0-2 of each).
_NETWORKS = [
    "2-8-8-8",
    "8-8-8-8",
    "2-8-8-6",
    "2-8-8-4",
    "2-6-8-8",
    "2-4-8-8",
    "2-2-8-8",
    "2-8-4-8",
    "2-8-8-8/deterministic",
    "2-8-8-8/noshift",
    "float",
]

META = {
    "slug": "wage",
    "title": {
        "en": "WAGE: training a network with integers only",
        "es": "WAGE: entrenar una red solo con enteros",
    },
    "summary": {
        "en": "Train a digit classifier whose weights, activations, gradients and errors are "
        "low-bit integers (ternary weights, 8-bit A/G/E) and compare it with float32.",
        "es": "Entrena un clasificador de dígitos cuyos pesos, activaciones, gradientes y errores "
        "son enteros de pocos bits (pesos ternarios, A/G/E de 8 bits) y compáralo con float32.",
    },
    "explanation": {
        "en": (
            "In his ICLR 2018 talk Koray Kavukcuoglu introduced Shuang Wu's work on training and "
            "inference with integers for edge devices, where power, memory and precision are "
            "scarce (points 23-24). WAGE constrains Weights, Activations, Gradients and Errors to "
            "low-bit integers in training as well as in inference (point 25).\n\n"
            "The parts you can see here are the ones the talk lists (point 26): a linear mapping "
            "Q(x, k) onto a k-bit grid of step 2^(1-k); shifts by powers of two (a layer-wise "
            "scale alpha instead of batch normalisation, errors divided by the power of two "
            "nearest their maximum); deterministic rounding for weights, activations and errors; "
            "stochastic rounding for gradients, so that tiny updates survive on average; and pure "
            "mini-batch SGD whose learning rate is itself a power of two.\n\n"
            "Pick bit widths k_W-k_A-k_G-k_E and a number of epochs: the demo trains a 64-256-256-10 "
            "network on the 8x8 digits with those widths and, beside it, the same network in "
            "float32. With 2-8-8-8 every weight takes one of three values, yet accuracy stays close "
            "to float (point 27 reports the same on CIFAR and ImageNet). Lower the error or "
            "gradient width to see where the information bottleneck appears (points 28-29).\n\n"
            "The memory and energy table counts the bits stored and moved and the energy of the "
            "integer operations against float32: the savings in energy, area and memory access "
            "that make on-device learning possible (point 30). The bundled table gives mean and "
            "standard deviation over three seeds for several settings."
        ),
        "es": (
            "En su charla de ICLR 2018 Koray Kavukcuoglu presentó el trabajo de Shuang Wu sobre "
            "entrenamiento e inferencia con enteros para dispositivos de borde, donde la potencia, "
            "la memoria y la precisión son escasas (puntos 23-24). WAGE restringe pesos (Weights), "
            "activaciones, gradientes y errores a enteros de pocos bits tanto en el entrenamiento "
            "como en la inferencia (punto 25).\n\n"
            "Las piezas que aquí se ven son las que enumera la charla (punto 26): un mapeo lineal "
            "Q(x, k) a una rejilla de k bits con paso 2^(1-k); desplazamientos por potencias de dos "
            "(una escala alpha por capa en lugar de normalización por lotes, errores divididos por la "
            "potencia de dos más cercana a su máximo); redondeo determinista para pesos, activaciones "
            "y errores; redondeo estocástico para los gradientes, para que las actualizaciones "
            "pequeñas sobrevivan en promedio; y SGD puro por mini-lotes cuya tasa de aprendizaje es "
            "también una potencia de dos.\n\n"
            "Elige los anchos de bits k_W-k_A-k_G-k_E y el número de épocas: la demo entrena una red "
            "64-256-256-10 sobre los dígitos de 8x8 con esos anchos y, a su lado, la misma red en "
            "float32. Con 2-8-8-8 cada peso toma uno de tres valores y aun así la precisión queda "
            "cerca de float (el punto 27 informa lo mismo en CIFAR e ImageNet). Reduce el ancho de "
            "errores o gradientes para ver dónde aparece el cuello de botella de información "
            "(puntos 28-29).\n\n"
            "La tabla de memoria y energía cuenta los bits almacenados y movidos y la energía de las "
            "operaciones enteras frente a float32: el ahorro de energía, área y acceso a memoria que "
            "hace posible aprender en el dispositivo (punto 30). La tabla incluida da media y "
            "desviación típica sobre tres semillas para varias configuraciones."
        ),
    },
    "talk": "koray-kavukcuoglu-iclr-2018",
    "points": [22, 23, 24, 25, 26, 27, 28, 29, 30],
    "nodes": ["W", "X", "Y", "Z", "AA", "AB", "AC", "AD", "AE"],
    "also_talks": [],
    "deterministic": True,
    "time_limit_s": 30,
    "params": {
        "network": {
            "type": "choice",
            "choices": _NETWORKS,
            "default": "2-8-8-8",
            "label": {
                "en": "Bundled network k_W-k_A-k_G-k_E",
                "es": "Red incluida k_W-k_A-k_G-k_E",
            },
            "help": {
                "en": "2-8-8-8 = ternary weights, 8-bit activations, gradients and errors; "
                "/deterministic and /noshift are the Q_G ablations; float = float32",
                "es": "2-8-8-8 = pesos ternarios, activaciones, gradientes y errores de 8 bits; "
                "/deterministic y /noshift son las ablaciones de Q_G; float = float32",
            },
        },
        "seed": {
            "type": "int",
            "min": 0,
            "max": 2,
            "default": 0,
            "label": {"en": "Training seed", "es": "Semilla de entrenamiento"},
        },
        "digit": {
            "type": "str",
            "max_length": 64,
            "pattern": "^([0-9a-g]{64})?$",
            "default": "",
            "label": {"en": "Your digit (8×8)", "es": "Tu dígito (8×8)"},
            "help": {
                "en": "draw it in the box; it is sent as 64 grey levels 0-16 (0-9, a-g), row by "
                "row; empty = the test image below",
                "es": "dibújalo en el recuadro; se envía como 64 niveles de gris 0-16 (0-9, a-g), "
                "fila a fila; vacío = la imagen de test de abajo",
            },
        },
        "sample": {
            "type": "int",
            "min": 0,
            "max": 359,
            "default": 0,
            "label": {
                "en": "Test image (when nothing is drawn)",
                "es": "Imagen de test (si no dibujas)",
            },
        },
        "retrain": {
            "type": "bool",
            "default": False,
            "label": {
                "en": "Retrain the network from scratch (and float32 beside it)",
                "es": "Reentrenar la red desde cero (y float32 a su lado)",
            },
        },
        "epochs": {
            "type": "int",
            "min": 1,
            "max": 30,
            "default": 20,
            "label": {"en": "Epochs (when retraining)", "es": "Épocas (al reentrenar)"},
        },
    },
}
