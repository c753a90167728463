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
        "en": "Draw a digit for a classifier whose weights, activations, gradients and errors "
        "were low-bit integers in training (ternary weights, 8-bit A/G/E) and that reads it "
        "with integers only, beside float32.",
        "es": "Dibuja un dígito para un clasificador cuyos pesos, activaciones, gradientes y "
        "errores fueron enteros de pocos bits en el entrenamiento (pesos ternarios, A/G/E de "
        "8 bits) y que lo lee solo con enteros, junto a float32.",
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
            "Draw a digit in the box (or pick a test image) and run: a bundled network, trained "
            "with the chosen widths k_W-k_A-k_G-k_E, reads it with integers only: integer codes, "
            "integer multiply-accumulates and a right shift by alpha per layer, which give exactly "
            "the answer of the simulated network. With 2-8-8-8 every weight takes one of three "
            "values, yet accuracy stays close to float32 (point 27 reports the same on CIFAR and "
            "ImageNet). Its other seeds and the float32 networks read the same digit beside it; "
            "lower the error, activation or gradient width to see where the information "
            "bottleneck appears (points 28-29), or tick retrain to train the network again from "
            "scratch.\n\n"
            "The update-code histograms show the paper's central claim at work: Q_G rounds each "
            "scaled gradient to a whole number of steps stochastically, so that updates smaller "
            "than one step survive on average; with deterministic rounding they become zero. The "
            "evaluation below compares both, and Q_G without its shift, over three seeds with "
            "95 % intervals. The memory and energy table counts the bits stored and moved and the "
            "energy of the integer operations against float32: the savings in energy, area and "
            "memory access that make on-device learning possible (point 30)."
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
            "Dibuja un dígito en el recuadro (o elige una imagen de test) y ejecuta: una red "
            "incluida, entrenada con los anchos elegidos k_W-k_A-k_G-k_E, lo lee solo con enteros: "
            "códigos enteros, multiplicaciones y sumas enteras y un desplazamiento a la derecha por "
            "alpha en cada capa, que dan exactamente la respuesta de la red simulada. Con 2-8-8-8 "
            "cada peso toma uno de tres valores y aun así la precisión queda cerca de float32 (el "
            "punto 27 informa lo mismo en CIFAR e ImageNet). Sus otras semillas y las redes "
            "float32 leen el mismo dígito a su lado; reduce el ancho de errores, activaciones o "
            "gradientes para ver dónde aparece el cuello de botella de información (puntos "
            "28-29), o marca reentrenar para entrenar la red de nuevo desde cero.\n\n"
            "Los histogramas de los códigos de actualización muestran la tesis central del "
            "artículo: Q_G redondea cada gradiente escalado a un número entero de pasos de forma "
            "estocástica, para que las actualizaciones menores que un paso sobrevivan en "
            "promedio; con redondeo determinista se vuelven cero. La evaluación de abajo compara "
            "ambos, y Q_G sin su desplazamiento, sobre tres semillas con intervalos del 95 %. La "
            "tabla de memoria y energía cuenta los bits almacenados y movidos y la energía de las "
            "operaciones enteras frente a float32: el ahorro de energía, área y acceso a memoria "
            "que hace posible aprender en el dispositivo (punto 30)."
        ),
    },
    "talk": "koray-kavukcuoglu-iclr-2018",
    "points": [22, 23, 24, 25, 26, 27, 28, 29, 30],
    "nodes": ["W", "X", "Y", "Z", "AA", "AB", "AC", "AD", "AE"],
    "also_talks": [],
    "deterministic": True,
    "time_limit_s": 30,
    "evaluation_notes": {
        "acc_2888": {
            "en": "Ternary weights with 8-bit activations, gradients and errors classify 97 % of "
            "the 360 test digits, over three training seeds.",
            "es": "Con pesos ternarios y activaciones, gradientes y errores de 8 bits se "
            "clasifica el 97 % de los 360 dígitos de test, sobre tres semillas.",
        },
        "acc_float": {
            "en": "The same network in float32, its SGD learning rate tuned on the validation "
            "split, reaches the same accuracy.",
            "es": "La misma red en float32, con su tasa de aprendizaje de SGD ajustada en la "
            "partición de validación, alcanza la misma precisión.",
        },
        "gap_2888_points": {
            "en": "Float32 minus 2-8-8-8, paired per seed and image: zero, with an interval of "
            "about one point either way, so integers cost nothing measurable on digits.",
            "es": "Float32 menos 2-8-8-8, emparejado por semilla e imagen: cero, con un "
            "intervalo de un punto hacia cada lado; los enteros no cuestan nada medible aquí.",
        },
        "test_gap_eta_1_points": {
            "en": "At a small learning rate (eta = 1, updates of at most one step) stochastic "
            "rounding beats deterministic rounding by about 11 test points: the paper's claim.",
            "es": "Con una tasa pequeña (eta = 1, actualizaciones de un paso como mucho) el "
            "redondeo estocástico supera al determinista en unos 11 puntos de test: la tesis "
            "del artículo.",
        },
        "deterministic_rounding": {
            "en": "With each variant's own rate tuned on validation, deterministic rounding and "
            "Q_G without the shift come within a point of stochastic rounding (intervals "
            "include zero): a larger rate makes up for the lost small updates, which only "
            "small rates expose (the test_gap_eta figures).",
            "es": "Con la tasa de cada variante ajustada en validación, el redondeo determinista "
            "y Q_G sin desplazamiento quedan a menos de un punto del estocástico (los intervalos "
            "incluyen el cero): una tasa mayor compensa las actualizaciones pequeñas perdidas, "
            "que solo las tasas pequeñas dejan ver (las cifras test_gap_eta).",
        },
        "bit_widths": {
            "en": "Only binary activations (2-2-8-8) fall clearly below 2-8-8-8, by about 3 "
            "points; 4-bit gradients or errors and 8-bit weights stay within the seed-to-seed "
            "intervals.",
            "es": "Solo las activaciones binarias (2-2-8-8) quedan claramente por debajo de "
            "2-8-8-8, unos 3 puntos; gradientes o errores de 4 bits y pesos de 8 bits quedan "
            "dentro de los intervalos entre semillas.",
        },
    },
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
