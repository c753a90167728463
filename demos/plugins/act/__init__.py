"""Adaptive Computation Time on the parity task (Graves 2016, arXiv:1603.08983).

Only META lives here: the platform imports this module at start-up, so it must not import
torch or numpy. The model is in model.py, the task in task.py, inference in infer.py.
"""

from __future__ import annotations

# Parity vector size of the bundled checkpoints (the paper uses 64). 10 is the smallest size whose
# vector space (3^10 = 59,049) holds a test split of 5,000 distinct vectors and still leaves most of
# it to training (task.py); a network trains in about half a CPU minute.
DIM = 10

# One entry: +1, 1, -1 or 0; entries separated by commas and/or spaces; exactly DIM of them,
# or an empty string for "draw a random vector with k non-zero entries".
_ENTRY = r"(\+?1|-1|0)"
VECTOR_PATTERN = rf"^\s*$|^\s*{_ENTRY}(\s*[,\s]\s*{_ENTRY}){{{DIM - 1}}}\s*$"

_EXPLANATION_EN = """\
An ordinary recurrent network does exactly one update per input, so the amount of computation is tied to the length of the data (point 16). Adaptive Computation Time (ACT) lets the network decide how long to "ponder" each input before answering (point 17): after every internal update a sigmoid halting unit outputs h, and the network stops once the halting values add up to 1 − ε (ε = 0.01), or after a maximum of M = 20 updates. The last step gets the remainder R = 1 − (sum of the earlier h), so the halting probabilities of one input always sum to exactly 1, and the output and state are the averages of the intermediate ones weighted by those probabilities. Computation time is thereby separated from data time (point 18).

Pondering is not free: the loss adds τ · (N + R), where N is the number of updates and R the remainder. N is a whole number and has no gradient, so the pressure to stop early flows through R alone. A large time penalty τ makes the network think briefly; a small one lets it think longer.

The task is the parity problem of Graves' paper, scaled down: a vector of 10 entries, each +1, −1 or 0, and the answer is whether the count of +1 entries is odd. A network that sees the vector once and answers after one update (the baseline) stays near chance; with ACT the same tanh RNN of 128 units solves it by pondering a few steps, and it ponders less as τ grows (points 19 and 20). Two claims of the paper did not survive the evaluation at this size: networks forced to take a fixed 2 or 3 steps solve it just as well, and the number of steps barely grows with the number of non-zero entries, so "more thought for harder inputs" is not shown here; the batch chart below lets you check it for yourself.

Type a vector (for example 1,-1,0,0,1,0,0,1,0,-1) or leave the box empty to draw a random one with k non-zero entries. The result says whether the vector was one of those the networks were trained on (the vector space is split once into training, validation and test vectors), and shows the answer, the halting probability of each ponder step and, over a batch of 256 random vectors, how the number of steps grows with the number of non-zero entries; the last chart is the paper's trade-off between error and mean ponder time across the time penalties, on the validation vectors. The evaluation below repeats every training run with three seeds and reports the test vectors."""

_EXPLANATION_ES = """\
Una red recurrente corriente hace exactamente una actualización por entrada, así que la cantidad de cálculo queda atada a la longitud de los datos (punto 16). El Tiempo de Cálculo Adaptativo (ACT) permite que la red decida cuánto tiempo "reflexionar" sobre cada entrada antes de responder (punto 17): tras cada actualización interna, una unidad de parada sigmoide produce un valor h, y la red se detiene cuando esos valores suman 1 − ε (ε = 0,01), o tras un máximo de M = 20 actualizaciones. El último paso recibe el resto R = 1 − (suma de los h anteriores), de modo que las probabilidades de parada de una entrada suman siempre exactamente 1, y la salida y el estado son los promedios de los intermedios ponderados por esas probabilidades. Así se separa el tiempo de cálculo del tiempo de los datos (punto 18).

Reflexionar tiene un coste: la pérdida suma τ · (N + R), donde N es el número de actualizaciones y R el resto. N es un número entero y no tiene gradiente, de modo que la presión para parar antes fluye solo a través de R. Una penalización de tiempo τ grande hace que la red piense poco; una pequeña le deja pensar más.

La tarea es el problema de paridad del artículo de Graves, a escala reducida: un vector de 10 entradas, cada una +1, −1 o 0, y la respuesta es si el número de entradas +1 es impar. Una red que ve el vector una vez y responde tras una sola actualización (la referencia) se queda cerca del azar; con ACT la misma RNN tanh de 128 unidades lo resuelve reflexionando unos pocos pasos, y reflexiona menos a medida que τ crece (puntos 19 y 20). Dos afirmaciones del artículo no resistieron la evaluación a esta escala: redes obligadas a dar 2 o 3 pasos fijos lo resuelven igual de bien, y el número de pasos apenas crece con el número de entradas no nulas, así que «más reflexión para las entradas más difíciles» no se ve aquí; el gráfico del lote permite comprobarlo.

Escribe un vector (por ejemplo 1,-1,0,0,1,0,0,1,0,-1) o deja la casilla vacía para sortear uno con k entradas no nulas. El resultado dice si el vector era uno de aquellos con los que se entrenaron las redes (el espacio de vectores se divide una vez en vectores de entrenamiento, de validación y de prueba), y muestra la respuesta, la probabilidad de parada de cada paso de reflexión y, sobre un lote de 256 vectores aleatorios, cómo crece el número de pasos con el número de entradas no nulas; el último gráfico es el compromiso del artículo entre error y tiempo medio de reflexión para las distintas penalizaciones de tiempo, sobre los vectores de validación. La evaluación de abajo repite cada entrenamiento con tres semillas e informa sobre los vectores de prueba."""

META = {
    "slug": "act",
    "title": {
        "en": "Adaptive Computation Time: learning how long to think (parity)",
        "es": "Tiempo de Cálculo Adaptativo: aprender cuánto pensar (paridad)",
    },
    "summary": {
        "en": "A recurrent network with a halting unit learns how many steps to ponder before answering a parity vector.",
        "es": "Una red recurrente con una unidad de parada aprende cuántos pasos reflexionar antes de responder a un vector de paridad.",
    },
    "explanation": {"en": _EXPLANATION_EN, "es": _EXPLANATION_ES},
    "talk": "alex-graves-iclr-2017",
    "points": [16, 17, 18, 19, 20],
    "nodes": ["Q", "R", "S", "T", "U"],
    "also_talks": [],
    "deterministic": True,
    "time_limit_s": 10,
    "evaluation_notes": {
        "parity_error": {
            "en": "Test error of the ACT network at the τ chosen on validation: near zero means it solves parity.",
            "es": "Error de prueba de la red ACT con la τ elegida en validación: casi cero significa que resuelve la paridad.",
        },
        "mean_ponder": {
            "en": "Mean number of ponder steps that network takes per test vector.",
            "es": "Número medio de pasos de reflexión que da esa red por vector de prueba.",
        },
        "baseline_error": {
            "en": "The same RNN with one update per input, its learning rate tuned on validation: near chance shows one step is not enough.",
            "es": "La misma RNN con una sola actualización por entrada, con su tasa ajustada en validación: cerca del azar, un paso no basta.",
        },
        "fixed_steps": {
            "en": "Networks forced to take exactly 2, 3 or 5 steps solve this small parity as well, so here ACT does not buy accuracy.",
            "es": "Redes obligadas a dar exactamente 2, 3 o 5 pasos también resuelven esta paridad pequeña: aquí ACT no aporta precisión.",
        },
        "error_tau_1e-1": {
            "en": "Test error of the ACT networks trained with τ = 1e-1.",
            "es": "Error de prueba de las redes ACT entrenadas con τ = 1e-1.",
        },
        "error_tau_1e-2": {
            "en": "Test error of the ACT networks trained with τ = 1e-2.",
            "es": "Error de prueba de las redes ACT entrenadas con τ = 1e-2.",
        },
        "error_tau_1e-3": {
            "en": "Test error of the ACT networks trained with τ = 1e-3.",
            "es": "Error de prueba de las redes ACT entrenadas con τ = 1e-3.",
        },
        "ponder_tau_1e-1": {
            "en": "Mean ponder steps at τ = 1e-1: a larger penalty makes the network think less.",
            "es": "Pasos medios de reflexión con τ = 1e-1: una penalización mayor hace que la red piense menos.",
        },
        "ponder_tau_1e-2": {
            "en": "Mean ponder steps at τ = 1e-2: a larger penalty makes the network think less.",
            "es": "Pasos medios de reflexión con τ = 1e-2: una penalización mayor hace que la red piense menos.",
        },
        "ponder_tau_1e-3": {
            "en": "Mean ponder steps at τ = 1e-3: a larger penalty makes the network think less.",
            "es": "Pasos medios de reflexión con τ = 1e-3: una penalización mayor hace que la red piense menos.",
        },
    },
    "params": {
        "vector": {
            "type": "str",
            "max_length": 64,
            "pattern": VECTOR_PATTERN,
            "default": "",
            "label": {
                "en": f"Input vector ({DIM} entries of 1, -1 or 0; empty = random)",
                "es": f"Vector de entrada ({DIM} entradas 1, -1 o 0; vacío = aleatorio)",
            },
            "help": {
                "en": "For example 1,-1,0,0,1,0,0,1,0,-1. The target is 1 when the number of +1 entries is odd.",
                "es": "Por ejemplo 1,-1,0,0,1,0,0,1,0,-1. El objetivo es 1 cuando el número de entradas +1 es impar.",
            },
        },
        "k": {
            "type": "int",
            "min": 0,
            "max": DIM,
            "default": 4,
            "label": {
                "en": "Non-zero entries of a random vector",
                "es": "Entradas no nulas del vector aleatorio",
            },
        },
        "seed": {
            "type": "int",
            "min": 0,
            "max": 1_000_000,
            "default": 0,
            "label": {"en": "Random seed", "es": "Semilla aleatoria"},
            "help": {
                "en": "Chooses the random vector and the batch of 256 vectors behind the charts.",
                "es": "Elige el vector aleatorio y el lote de 256 vectores de los gráficos.",
            },
        },
        "tau": {
            "type": "choice",
            "choices": ["1e-1", "1e-2", "1e-3"],
            "default": "1e-3",
            "label": {"en": "Time penalty τ", "es": "Penalización de tiempo τ"},
            "help": {
                "en": "Each choice is a separately trained network (training seed 0); larger τ makes pondering more expensive.",
                "es": "Cada opción es una red entrenada aparte (semilla de entrenamiento 0); un τ mayor encarece la reflexión.",
            },
        },
    },
}
