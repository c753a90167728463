"""Parallel WaveNet (van den Oord et al. 2018, arXiv:1711.10433): the bundled WaveNet teacher
distilled into an inverse-autoregressive-flow student that draws a whole note in one pass.

Only META lives here (no torch or numpy at import). model.py holds the student's flows,
distill.py the probability density distillation and power losses, task.py the conditionings
and their split, train.py the distillation, infer.py what the page shows, evaluate.py the
figures.
"""

from __future__ import annotations

# The wavenet plug-in's choices (a test checks they stay the same), without importing numpy.
_NOTE_NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]
NOTES = [f"{_NOTE_NAMES[i % 12]}{3 + i // 12}" for i in range(25)]
TIMBRES = ["flute", "clarinet", "brass"]

_EXPLANATION_EN = """\
WaveNet draws audio one sample at a time: sample t can only be computed once sample t − 1 exists, so even with cached queues a second of sound takes 16,000 sequential network steps. Parallel WaveNet (points 7 and 8 of the talk) keeps the trained WaveNet as a teacher and trains a second network, the student, that makes every sample at once. The student is an inverse autoregressive flow: it starts from white noise z and, flow after flow, turns each noise value z_t into a sample x_t = z_t · s_t + μ_t, where the scale s_t and shift μ_t come from a causal convolution over the earlier noise z_<t only. Because all of the noise is known from the start, one parallel pass computes every sample of the note.

The student is trained by probability density distillation: it draws a note, the teacher scores every sample of it in one teacher-forced pass, and the student minimises the KL divergence from its own distribution to the teacher's, which is the student's cross-entropy under the teacher minus the student's own entropy. The entropy term stops it from collapsing onto a single most likely waveform. Given the past noise, each student sample is Gaussian, and the teacher here gives a 256-way μ-law softmax, so the cross-entropy of each sample is computed exactly, bin by bin, as in the Gaussian variant of ClariNet. Gradients also flow through the teacher's inputs: when the student's past was held fixed, the distillation diverged. A power loss compares the short-time spectrum of the student's note with the synthesiser's note for the same request, so that the energy in each frequency band is right (point 8; the paper's perceptual and contrastive losses are left out here).

Both teacher and student get the note and timbre, and the same phase of the requested pitch at every sample. Pick a note, a timbre and a length. The page plays the teacher's note, drawn sample by sample with its cached queues in PyTorch, beside the student's note from one pass, and shows their waveforms, spectrograms, the time each took, and how likely the teacher finds each note. The students were distilled on notes and timbres that the evaluation never uses for its figures."""

_EXPLANATION_ES = """\
WaveNet genera el audio muestra a muestra: la muestra t solo se puede calcular cuando ya existe la t − 1, así que, incluso con las colas en caché, un segundo de sonido exige 16.000 pasos secuenciales de la red. WaveNet Paralelo (puntos 7 y 8 de la charla) conserva el WaveNet entrenado como maestro y entrena una segunda red, el estudiante, que produce todas las muestras a la vez. El estudiante es un flujo autorregresivo inverso: parte de ruido blanco z y, flujo tras flujo, convierte cada valor de ruido z_t en una muestra x_t = z_t · s_t + μ_t, donde la escala s_t y el desplazamiento μ_t salen de una convolución causal sobre el ruido anterior z_<t solamente. Como todo el ruido se conoce desde el principio, una sola pasada en paralelo calcula todas las muestras de la nota.

El estudiante se entrena por destilación de densidad de probabilidad: genera una nota, el maestro puntúa todas sus muestras en una sola pasada con forzado del maestro, y el estudiante minimiza la divergencia KL de su propia distribución respecto a la del maestro, que es la entropía cruzada del estudiante bajo el maestro menos la entropía del propio estudiante. El término de entropía le impide colapsar en una única forma de onda más probable. Dado el ruido pasado, cada muestra del estudiante es gaussiana, y el maestro da aquí un softmax de 256 clases μ-law, así que la entropía cruzada de cada muestra se calcula de forma exacta, clase a clase, como en la variante gaussiana de ClariNet. Los gradientes también atraviesan las entradas del maestro: cuando se mantenía fijo el pasado del estudiante, la destilación divergía. Una pérdida de potencia compara el espectro a corto plazo de la nota del estudiante con la nota del sintetizador para la misma petición, para que la energía de cada banda de frecuencia sea la correcta (punto 8; las pérdidas perceptual y contrastiva del artículo quedan fuera aquí).

Maestro y estudiante reciben la nota y el timbre, y la misma fase del tono pedido en cada muestra. Elige una nota, un timbre y una duración. La página reproduce la nota del maestro, generada muestra a muestra con sus colas en PyTorch, junto a la nota del estudiante hecha en una sola pasada, y muestra sus formas de onda, sus espectrogramas, el tiempo que tardó cada uno y lo probable que encuentra el maestro cada nota. Los estudiantes se destilaron con notas y timbres que la evaluación nunca usa para sus cifras."""

META = {
    "slug": "parallel_wavenet",
    "title": {
        "en": "Parallel WaveNet: a flow student distilled from the WaveNet teacher",
        "es": "WaveNet Paralelo: un estudiante de flujo destilado del maestro WaveNet",
    },
    "summary": {
        "en": "An inverse-autoregressive-flow student plays a whole note in one parallel pass, next to the WaveNet teacher it was distilled from, which draws the same note sample by sample.",
        "es": "Un estudiante de flujo autorregresivo inverso toca una nota entera en una sola pasada en paralelo, junto al maestro WaveNet del que se destiló, que genera la misma nota muestra a muestra.",
    },
    "explanation": {"en": _EXPLANATION_EN, "es": _EXPLANATION_ES},
    "talk": "koray-kavukcuoglu-iclr-2018",
    "points": [7, 8],
    "nodes": ["H", "I"],
    "also_talks": [],
    "deterministic": True,
    "time_limit_s": 30,
    "evaluation_notes": {
        "speedup_vs_cached": {
            "en": "How many times more samples per second the student makes than the teacher drawing them one by one with its cached queues, same length, same process.",
            "es": "Cuántas veces más muestras por segundo produce el estudiante que el maestro generándolas una a una con sus colas en caché, con la misma duración y en el mismo proceso.",
        },
        "student_nll_gap": {
            "en": "How much less likely the teacher finds the student's notes than its own, in nats per sample, on test notes and timbres never used for distillation or checkpoint selection (0 would be indistinguishable).",
            "es": "Cuánto menos probables encuentra el maestro las notas del estudiante que las suyas, en nats por muestra, con notas y timbres de prueba nunca usados para destilar ni para elegir el punto de control (0 sería indistinguible).",
        },
        "student_nll_gap_val_temperature": {
            "en": "The same gap when the student's noise is scaled by a temperature (1, 0.5 or 0) chosen per seed on the validation notes; below 1 the student plays safer than the distribution it was distilled to.",
            "es": "La misma diferencia cuando el ruido del estudiante se escala por una temperatura (1, 0,5 o 0) elegida para cada semilla con las notas de validación; por debajo de 1 el estudiante juega más seguro que la distribución a la que se destiló.",
        },
        "pitch_acc_student": {
            "en": "Share of the student's test notes whose dominant frequency is within 3 % of the requested pitch.",
            "es": "Proporción de notas de prueba del estudiante cuya frecuencia dominante está a menos del 3 % del tono pedido.",
        },
        "pitch_acc_teacher": {
            "en": "The same pitch measure for the teacher's own notes on the same test requests.",
            "es": "La misma medida de tono para las notas del propio maestro con las mismas peticiones de prueba.",
        },
        "no_power_loss": {
            "en": "Students distilled by the KL alone, without the power loss: the figures show what the spectral term adds.",
            "es": "Estudiantes destilados solo con la KL, sin la pérdida de potencia: las cifras muestran lo que aporta el término espectral.",
        },
    },
    "params": {
        "note": {
            "type": "choice",
            "choices": NOTES,
            "default": "A3",
            "label": {"en": "Note", "es": "Nota"},
            "help": {"en": "C3 (131 Hz) to C5 (523 Hz).", "es": "De C3 (131 Hz) a C5 (523 Hz)."},
        },
        "timbre": {
            "type": "choice",
            "choices": TIMBRES,
            "default": "clarinet",
            "label": {"en": "Timbre", "es": "Timbre"},
        },
        "length_s": {
            "type": "float",
            "min": 0.25,
            "max": 0.5,
            "step": 0.25,
            "default": 0.25,
            "label": {"en": "Length (seconds)", "es": "Duración (segundos)"},
            "help": {
                "en": "The teacher's sample-by-sample generation is the slow part.",
                "es": "La generación muestra a muestra del maestro es la parte lenta.",
            },
        },
        "power_loss": {
            "type": "bool",
            "default": True,
            "label": {
                "en": "Student distilled with the power loss",
                "es": "Estudiante destilado con la pérdida de potencia",
            },
            "help": {
                "en": "Off: the student distilled by the KL alone (the ablation).",
                "es": "Desactivado: el estudiante destilado solo con la KL (la ablación).",
            },
        },
        "seed": {
            "type": "int",
            "min": 0,
            "max": 999_999,
            "default": 7,
            "label": {"en": "Random seed", "es": "Semilla aleatoria"},
        },
    },
}
