"""Differentiable Neural Computer demo (Graves et al., Nature 2016): copy, repeat-copy and
associative recall with a trained DNC, its memory traffic drawn, and the memory size changeable at
run time. No heavy import here: the web process reads META without loading torch."""

from __future__ import annotations

META = {
    "slug": "dnc",
    "title": {
        "en": "Differentiable Neural Computer: memory you can watch",
        "es": "Computadora neuronal diferenciable: una memoria que se puede observar",
    },
    "summary": {
        "en": "A trained DNC copies, repeats and recalls bit sequences; see where it writes and reads, "
        "and what happens when its memory runs out.",
        "es": "Un DNC entrenado copia, repite y recuerda secuencias de bits; mira dónde escribe y lee, "
        "y qué ocurre cuando se le acaba la memoria.",
    },
    "explanation": {
        "en": (
            "A Differentiable Neural Computer is an LSTM controller wired to an external memory of N "
            "slots (points 5 and 6 of the talk). At every step it emits an interface vector that says "
            "where to write and where to read. Every access is a soft weighting over the slots, so the "
            "whole machine is trained end to end by gradient descent.\n\n"
            "Three access mechanisms work together (point 8). Content-based addressing compares a key "
            "with every slot by cosine similarity, sharpened by a strength. Dynamic allocation keeps a "
            "usage value per slot, lets the read heads free what they have read (free gates), and points "
            "the write head to the least-used slot. Temporal links record the order of the writes in a "
            "link matrix, so a read head can step forwards or backwards through what was written, in "
            "the order it was written. In the copy task the DNC writes each vector to a fresh slot, then "
            "jumps to the first one and follows the links. In associative recall it looks the query up "
            "by content and then steps forward to the item after it.\n\n"
            "The network learns to use the memory on short sequences and carries on working on longer "
            "ones, as long as they fit. This is the generalisation to unseen structures of point 7. "
            "An LSTM with the same number of parameters has to keep everything in its own state, and it "
            "fails once the sequence is longer than any it was trained on.\n\n"
            "What happens when memory runs out? This question comes from the discussion thread. The "
            "memory has no parameters of its own, so you can run the same trained network with fewer or "
            "more slots. With too few slots, usage saturates and allocation has to overwrite slots that "
            "are still needed, so the error grows. With more slots, longer copies succeed. Scaling the "
            "memory up costs compute at every step (the link matrix is N×N), which is why sparse access "
            "matters (point 10)."
        ),
        "es": (
            "Una computadora neuronal diferenciable (DNC) es un controlador LSTM conectado a una memoria "
            "externa de N ranuras (puntos 5 y 6 de la charla). En cada paso emite un vector de interfaz "
            "que indica dónde escribir y dónde leer. Cada acceso es una ponderación suave sobre las "
            "ranuras, así que toda la máquina se entrena de extremo a extremo por descenso de gradiente.\n\n"
            "Tres mecanismos de acceso trabajan juntos (punto 8). El direccionamiento por contenido "
            "compara una clave con cada ranura mediante la similitud coseno, afinada por una intensidad. "
            "La asignación dinámica lleva un uso por ranura, deja que los cabezales de lectura liberen lo "
            "ya leído (puertas de liberación) y dirige la escritura a la ranura menos usada. Los enlaces "
            "temporales guardan el orden de las escrituras en una matriz de enlace, de modo que un "
            "cabezal puede avanzar o retroceder por lo escrito en el orden en que se escribió. En la "
            "copia, el DNC escribe cada vector en una ranura libre, salta a la primera y sigue los "
            "enlaces. En el recuerdo asociativo busca la consulta por contenido y avanza al elemento "
            "siguiente.\n\n"
            "La red aprende a usar la memoria con secuencias cortas y sigue funcionando con otras más "
            "largas, mientras quepan. Es la generalización a estructuras no vistas del punto 7. Un LSTM "
            "con el mismo número de parámetros debe guardarlo todo en su propio estado, y falla en cuanto "
            "la secuencia supera las del entrenamiento.\n\n"
            "¿Qué pasa cuando se acaba la memoria? La pregunta viene del hilo de discusión. La memoria no "
            "tiene parámetros propios, así que la misma red entrenada puede funcionar con menos o más "
            "ranuras. Con muy pocas, el uso se satura y la asignación tiene que sobrescribir ranuras que "
            "aún hacen falta, y el error crece. Con más ranuras, las copias más largas salen bien. "
            "Ampliar la memoria cuesta cómputo en cada paso (la matriz de enlace es N×N), y por eso "
            "importa el acceso disperso (punto 10)."
        ),
    },
    # One sentence per interval figure and ablation of evaluation.json, shown on the demo page.
    "evaluation_notes": {
        "copy_bit_error": {
            "en": "Bits the DNC gets wrong when it copies test sequences of the trained lengths "
            "(2-6), averaged over three training seeds.",
            "es": "Bits que el DNC copia mal en secuencias de prueba de las longitudes entrenadas "
            "(2-6), en promedio sobre tres semillas de entrenamiento.",
        },
        "copy_bit_error_1p5x": {
            "en": "The same at length 9, 1.5 times the longest trained length: the learned copy "
            "carries beyond training, but how far varies a lot from seed to seed.",
            "es": "Lo mismo con longitud 9, 1,5 veces la mayor entrenada: la copia aprendida va "
            "más allá del entrenamiento, pero cuánto varía mucho de una semilla a otra.",
        },
        "copy_bit_error_2x_memory": {
            "en": "Copies of length 32 with 16 memory slots: the memory runs out and the error is "
            "near chance (50 %).",
            "es": "Copias de longitud 32 con 16 ranuras de memoria: la memoria se acaba y el error "
            "queda cerca del azar (50 %).",
        },
        "recall_exact": {
            "en": "Share of associative-recall queries (2-4 items) whose whole answer is right; "
            "after 2,000 steps one seed has learned the task and two are still learning, hence the "
            "wide interval.",
            "es": "Proporción de consultas de recuerdo asociativo (2-4 elementos) cuya respuesta "
            "entera es correcta; tras 2.000 pasos una semilla ha aprendido la tarea y dos siguen "
            "aprendiendo, de ahí el intervalo ancho.",
        },
        "lstm_copy_bit_error": {
            "en": "The LSTM baseline, its learning rate chosen on validation: tuned, it copies the "
            "trained lengths as well as the DNC.",
            "es": "El LSTM de referencia, con la tasa de aprendizaje elegida en validación: "
            "ajustado, copia las longitudes entrenadas tan bien como el DNC.",
        },
        "lstm_copy_bit_error_1p5x": {
            "en": "The LSTM baseline at length 9: without an external memory it carries the copy "
            "beyond training less well than the DNC, about twice the error.",
            "es": "El LSTM de referencia con longitud 9: sin memoria externa lleva la copia fuera "
            "del entrenamiento peor que el DNC, con cerca del doble de error.",
        },
        "no_temporal_links": {
            "en": "Without the link matrix the heads read by content only: the DNC still copies "
            "the trained lengths, but at 1.5 times them it fails about three times as often.",
            "es": "Sin la matriz de enlace los cabezales solo leen por contenido: el DNC sigue "
            "copiando las longitudes entrenadas, pero con 1,5 veces esa longitud falla unas tres "
            "veces más a menudo.",
        },
        "no_allocation": {
            "en": "With content-only writes the DNC has no free list to put each vector in a "
            "fresh slot: it fails even on the trained copy lengths and recall drops most, so "
            "allocation does the most work.",
            "es": "Si solo escribe por contenido, el DNC no tiene lista de ranuras libres donde "
            "poner cada vector: falla incluso en las longitudes de copia entrenadas y el recuerdo "
            "es el que más cae, así que la asignación es lo que más trabaja.",
        },
        "no_free_gates": {
            "en": "Holding the free gates at 0 changed nothing on the trained lengths and made "
            "longer copies better, not worse: the claim that they help did not survive here.",
            "es": "Fijar las puertas de liberación en 0 no cambió nada en las longitudes entrenadas "
            "y mejoró las copias más largas: la idea de que ayudan no se sostuvo aquí.",
        },
    },
    "talk": "alex-graves-iclr-2017",
    "points": [5, 6, 7, 8, 9, 10],
    "nodes": ["F", "G", "H", "I", "J", "K"],
    "also_talks": ["dnc-scaling-discussion"],
    "deterministic": True,
    "time_limit_s": 10,
    "params": {
        "task": {
            "type": "choice",
            "choices": ["copy", "repeat_copy", "recall"],
            "default": "copy",
            "label": {"en": "Task", "es": "Tarea"},
            "help": {
                "en": "copy: repeat the sequence once; repeat_copy: repeat it several times; "
                "recall: given one item, answer the item that followed it.",
                "es": "copy: repetir la secuencia una vez; repeat_copy: repetirla varias veces; "
                "recall: dado un elemento, responder el que lo seguía.",
            },
        },
        "length": {
            "type": "int",
            "min": 1,
            "max": 32,
            "default": 8,
            "label": {
                "en": "Sequence length (recall: items)",
                "es": "Longitud de la secuencia (recall: elementos)",
            },
        },
        "repeats": {
            "type": "int",
            "min": 1,
            "max": 5,
            "default": 2,
            "label": {
                "en": "Repeats (repeat_copy)",
                "es": "Repeticiones (repeat_copy)",
            },
        },
        "seed": {
            "type": "int",
            "min": 0,
            "max": 9999,
            "default": 0,
            "label": {"en": "Random seed", "es": "Semilla aleatoria"},
        },
        "bits": {
            "type": "str",
            "max_length": 64,
            "pattern": "^[01]*$",
            "default": "",
            "label": {
                "en": "Your own bits (optional)",
                "es": "Tus propios bits (opcional)",
            },
            "help": {
                "en": "6 bits per step, e.g. 101100011010; overrides the random pattern for copy and "
                "repeat_copy (up to the chosen length).",
                "es": "6 bits por paso, p. ej. 101100011010; sustituye al patrón aleatorio en copy y "
                "repeat_copy (hasta la longitud elegida).",
            },
        },
        "memory_slots": {
            "type": "int",
            "min": 2,
            "max": 64,
            "default": 16,
            "label": {"en": "Memory slots N", "es": "Ranuras de memoria N"},
            "help": {
                "en": "The network was trained with 16 slots; any N works because the memory has no "
                "parameters. Try fewer slots than the sequence needs.",
                "es": "La red se entrenó con 16 ranuras; cualquier N funciona porque la memoria no tiene "
                "parámetros. Prueba con menos ranuras de las que necesita la secuencia.",
            },
        },
    },
}
