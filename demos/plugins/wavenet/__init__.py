"""WaveNet on synthesised notes (van den Oord et al. 2016, arXiv:1609.03499), with the fast
cached generation of Paine et al. 2016 (arXiv:1611.09482) and a compiled per-sample engine.

Only META lives here: the platform imports this module at start-up, so it must not import torch,
numpy or numba. model.py holds the network, task.py the note synthesiser, fast.py the naive and
cached generators, engine.py the compiled loop, infer.py what the page shows.
"""

from __future__ import annotations

# Kept in step with task.NOTES / task.TIMBRE_NAMES (a test checks it) without importing numpy.
_NOTE_NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]
NOTES = [f"{_NOTE_NAMES[i % 12]}{3 + i // 12}" for i in range(25)]
TIMBRES = ["flute", "clarinet", "brass"]

_EXPLANATION_EN = """\
WaveNet is a generative model of raw audio, trained end to end on the waveform itself: it produces sound one sample at a time, each of the 16,000 samples of a second drawn from a probability distribution that depends on all the samples before it (point 4). To make that distribution a simple softmax, each sample is compressed with μ-law companding to one of 256 values.

The network sees the past through a stack of causal convolutions whose dilation doubles from layer to layer (1, 2, 4, … 1,024, and then again), so a couple of dozen layers cover 4,095 samples, about a quarter of a second, while every layer stays cheap; gated tanh·sigmoid units, residual and skip connections make the stack trainable. During training all time steps are predicted in parallel, but generation is autoregressive, sample by sample (point 5). The picture of the receptive field shows which past samples one output can see and one path from the output down to its oldest input.

Generating naively means running the whole receptive field through the network again for every new sample. The fast algorithm of Paine et al. keeps, for each layer, a queue of the activations it will need again d steps later, so each sample costs one column per layer: the demo draws the same samples both ways from the same seed and reports how much faster the queues are. A compiled loop over the same queues runs faster than real time on one processor core. DeepMind's production answer was different: Parallel WaveNet (points 7 and 8) distils the trained WaveNet teacher into an inverse-autoregressive-flow student that emits all samples at once, trained with probability density distillation plus power, perceptual and contrastive losses, and it is what made WaveNet real-time in the Google Assistant, where it reached human-level quality in text-to-speech (point 6).

Here the model is small (about 69 thousand parameters) and trained for under an hour on one shared processor core, on notes that the project synthesises itself: two octaves of flute, clarinet and brass-like tones with harmonics, vibrato and attack–decay–sustain envelopes. The note and the timbre are global conditioning, like WaveNet's speaker identity, so you choose what it plays; the same recipe with other data gives other voices, which is the quick adaptation to new speakers and languages the talk points out (point 9). The pitch is also given as local conditioning, one value per sample, as WaveNet's text-to-speech model received the fundamental frequency among its local features: the running phase of the note's fundamental enters every layer's gate as four signals (the sine and cosine of the phase and of twice the phase), the idea behind neural source-filter vocoders. In training that phase is the one that made each note, vibrato and wander included; here it comes from the note you ask for. With global conditioning alone the network had to keep the period from its own past output, and sampling noise made it drift off pitch; with the phase at every sample it only has to shape each period, so the note comes out at the pitch asked. Pick a note, a timbre, a length, a temperature (below 1 plays safer, above 1 wilder) and a seed, then listen, compare the dominant frequency of the result with the note you asked for, and play the reference clip below it: the same note from the synthesiser that made the training data."""

_EXPLANATION_ES = """\
WaveNet es un modelo generativo de audio en bruto, entrenado de extremo a extremo sobre la propia forma de onda: produce el sonido muestra a muestra, y cada una de las 16.000 muestras de un segundo se extrae de una distribución de probabilidad que depende de todas las anteriores (punto 4). Para que esa distribución sea un simple softmax, cada muestra se comprime con la ley μ a uno de 256 valores.

La red ve el pasado a través de una pila de convoluciones causales cuya dilatación se duplica de capa en capa (1, 2, 4, … 1.024, y otra vez), de modo que un par de decenas de capas cubren 4.095 muestras, alrededor de un cuarto de segundo, mientras cada capa sigue siendo barata; las unidades con puerta tanh·sigmoide y las conexiones residuales y de salto hacen que la pila se pueda entrenar. Al entrenar se predicen todos los instantes en paralelo, pero la generación es autorregresiva, muestra a muestra (punto 5). La imagen del campo receptivo muestra qué muestras pasadas ve una salida y un camino desde la salida hasta su entrada más antigua.

Generar de forma ingenua significa volver a pasar todo el campo receptivo por la red para cada muestra nueva. El algoritmo rápido de Paine et al. guarda, en cada capa, una cola con las activaciones que volverá a necesitar d pasos después, así que cada muestra cuesta una columna por capa: la demo extrae las mismas muestras de las dos maneras con la misma semilla e indica cuánto más rápidas son las colas. Un bucle compilado sobre las mismas colas va más rápido que el tiempo real en un solo núcleo de procesador. La respuesta de DeepMind en producción fue otra: WaveNet Paralelo (puntos 7 y 8) destila el WaveNet entrenado (el maestro) en un estudiante de flujo autorregresivo inverso que emite todas las muestras a la vez, entrenado con destilación de densidad de probabilidad más pérdidas de potencia, perceptual y contrastiva, y fue lo que hizo WaveNet de tiempo real en el Asistente de Google, donde alcanzó calidad de nivel humano en texto a voz (punto 6).

Aquí el modelo es pequeño (unos 69 mil parámetros) y se entrena menos de una hora en un núcleo de procesador compartido, con notas que el propio proyecto sintetiza: dos octavas de tonos de flauta, clarinete y metal con armónicos, vibrato y envolventes de ataque, caída y sostenimiento. La nota y el timbre son condicionamiento global, como la identidad del hablante en WaveNet, así que eliges qué toca; la misma receta con otros datos da otras voces, que es la adaptación rápida a nuevos hablantes e idiomas que señala la charla (punto 9). El tono llega además como condicionamiento local, un valor por muestra, como el WaveNet de texto a voz recibía la frecuencia fundamental entre sus rasgos locales: la fase acumulada de la fundamental de la nota entra en la puerta de cada capa como cuatro señales (el seno y el coseno de la fase y del doble de la fase), la idea de los vocoders neuronales de fuente y filtro. Al entrenar, esa fase es la que produjo cada nota, con su vibrato y su deriva; aquí sale de la nota que pidas. Con solo condicionamiento global la red tenía que mantener el periodo a partir de su propia salida, y el ruido del muestreo lo hacía desafinar; con la fase en cada muestra solo tiene que dar forma a cada periodo, y la nota sale en el tono pedido. Elige una nota, un timbre, una duración, una temperatura (por debajo de 1 suena más prudente, por encima más libre) y una semilla; escucha el resultado, compara su frecuencia dominante con la nota pedida y reproduce debajo el clip de referencia: la misma nota del sintetizador que produjo los datos de entrenamiento."""

META = {
    "slug": "wavenet",
    "title": {
        "en": "WaveNet: dilated causal convolutions that make sound, generated fast",
        "es": "WaveNet: convoluciones causales dilatadas que producen sonido, generado rápido",
    },
    "summary": {
        "en": "A small WaveNet plays a note you choose sample by sample; naive, cached and compiled generation draw the same samples at very different speeds.",
        "es": "Un WaveNet pequeño toca muestra a muestra la nota que elijas; la generación ingenua, con colas y compilada extrae las mismas muestras a velocidades muy distintas.",
    },
    "explanation": {"en": _EXPLANATION_EN, "es": _EXPLANATION_ES},
    # One sentence per interval figure and ablation of evaluation.json (the page shows them).
    "evaluation_notes": {
        "test_nll": {
            "en": "The bundled model's next-sample loss on 24 test notes it was neither trained nor selected on (its checkpoint was picked on a separate validation set).",
            "es": "La pérdida por muestra del modelo incluido en 24 notas de prueba con las que no se entrenó ni se eligió (su punto de control se eligió en un conjunto de validación aparte).",
        },
        "pitch_ok_frac": {
            "en": "Share of test requests the bundled model plays within 3 % of the asked pitch; the ablation below shows that this is the phase conditioning's doing, not something the network learned about pitch.",
            "es": "Parte de las peticiones de prueba que el modelo incluido toca a menos de un 3 % del tono pedido; la ablación de abajo muestra que eso es obra del condicionamiento de fase, no algo que la red aprendiera sobre el tono.",
        },
        "seeds_test_nll": {
            "en": "The same network trained three times with a 200-step recipe (seeds 0–2): the interval says how much another seed moves the loss at that budget.",
            "es": "La misma red entrenada tres veces con una receta de 200 pasos (semillas 0–2): el intervalo dice cuánto mueve la pérdida otra semilla con ese presupuesto.",
        },
        "seeds_pitch_ok_frac": {
            "en": "Even these barely trained networks hit every requested pitch, because the phase they are given already fixes it.",
            "es": "Incluso estas redes apenas entrenadas aciertan todos los tonos pedidos, porque la fase que reciben ya lo fija.",
        },
        "no_audio_test_nll": {
            "en": "A baseline that sees only the conditioning and no past audio (its own learning-rate grid, same budget) loses about one nat per sample more: the audio context is what the autoregressive model adds.",
            "es": "Un modelo de referencia que solo ve el condicionamiento y ningún audio pasado (con su propia rejilla de tasas de aprendizaje y el mismo presupuesto) pierde cerca de un nat más por muestra: el contexto de audio es lo que aporta el modelo autorregresivo.",
        },
        "no_audio_pitch_ok_frac": {
            "en": "The baseline without any audio context hits the pitch as often as the full model, so the pitch score does not measure what WaveNet learns from the waveform.",
            "es": "El modelo de referencia sin contexto de audio acierta el tono tan a menudo como el modelo completo, así que la puntuación de tono no mide lo que WaveNet aprende de la forma de onda.",
        },
        "no_phase_conditioning": {
            "en": "Without the per-sample phase the same network at the same budget plays the asked pitch only a few times in a hundred, and fed the phase of a tone two semitones higher every model plays the phase's tone, never the note it is conditioned on.",
            "es": "Sin la fase muestra a muestra la misma red con el mismo presupuesto toca el tono pedido solo unas pocas veces de cada cien, y cuando recibe la fase de un tono dos semitonos más alto todos los modelos tocan el tono de la fase, nunca la nota con la que están condicionados.",
        },
    },
    "talk": "koray-kavukcuoglu-iclr-2018",
    "points": [4, 5, 6, 7, 8, 9],
    "nodes": ["E", "F", "G", "H", "I", "J"],
    "also_talks": [],
    "deterministic": True,
    "time_limit_s": 30,
    "params": {
        "note": {
            "type": "choice",
            "choices": NOTES,
            "default": "A3",
            "label": {
                "en": "Note (pitch conditioning)",
                "es": "Nota (condicionamiento de tono)",
            },
            "help": {
                "en": "C3 (131 Hz) to C5 (523 Hz).",
                "es": "De C3 (131 Hz) a C5 (523 Hz).",
            },
        },
        "timbre": {
            "type": "choice",
            "choices": TIMBRES,
            "default": "clarinet",
            "label": {"en": "Timbre (conditioning)", "es": "Timbre (condicionamiento)"},
        },
        "length_s": {
            "type": "float",
            "min": 0.25,
            "max": 3.0,
            "step": 0.25,
            "default": 1.0,
            "label": {"en": "Length (seconds)", "es": "Duración (segundos)"},
        },
        "temperature": {
            "type": "float",
            "min": 0.5,
            "max": 1.5,
            "step": 0.05,
            "default": 1.0,
            "label": {"en": "Sampling temperature", "es": "Temperatura de muestreo"},
            "help": {
                "en": "Divides the logits before the softmax: below 1 is safer, above 1 noisier.",
                "es": "Divide los logits antes del softmax: por debajo de 1 es más prudente, por encima más ruidoso.",
            },
        },
        "seed": {
            "type": "int",
            "min": 0,
            "max": 999_999,
            "default": 7,
            "label": {"en": "Random seed", "es": "Semilla aleatoria"},
        },
        "compare": {
            "type": "bool",
            "default": True,
            "label": {
                "en": "Also time naive and PyTorch generation",
                "es": "Medir también la generación ingenua y en PyTorch",
            },
            "help": {
                "en": "Draws a few samples the slow ways too and checks they are the same.",
                "es": "Extrae también unas pocas muestras por los caminos lentos y comprueba que coinciden.",
            },
        },
    },
}
