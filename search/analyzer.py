"""Text helpers for lexical matching, language guessing and highlighting. No Django import.

Lexical terms are accent-folded, lower-cased words truncated to a fixed prefix. Truncation is a
crude but language-neutral stemmer that works well for retrieval in Romance languages (Savoy 1999,
"A stemming procedure and stopword list for general French corpora"; Mayfield & McNamee 2003,
"Single n-gram stemming"), and it lets English/Spanish cognates meet ("memory" / "memoria" ->
"memor", "gradients" / "gradientes" -> "gradi"), which helps a query in one language find a point
written in the other.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Iterable

#: Prefix length of a lexical term (measured: 5 beat 4, 6 and whole words on search/eval/queries.tsv).
TERM_PREFIX = 5
#: Words shorter than this carry little meaning once stopwords are gone ("ml" and "rl" are kept
#: because they are in KEEP_SHORT).
MIN_WORD = 3
KEEP_SHORT = frozenset({"ml", "rl", "ai", "ia", "3d"})

STOPWORDS_EN = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yet",
        "one",
        "way",
        "ways",
        "get",
        "gets",
        "make",
        "makes",
        "made",
        "instead",
        "like",
    ]
)
STOPWORDS_ES = frozenset(
    [
        "a",
        "al",
        "algo",
        "algunas",
        "algunos",
        "ante",
        "antes",
        "como",
        "con",
        "contra",
        "cual",
        "cuales",
        "cuando",
        "de",
        "del",
        "desde",
        "donde",
        "dos",
        "el",
        "ella",
        "ellas",
        "ellos",
        "en",
        "entre",
        "era",
        "eran",
        "es",
        "esa",
        "esas",
        "ese",
        "eso",
        "esos",
        "esta",
        "estaba",
        "estan",
        "estas",
        "este",
        "esto",
        "estos",
        "fue",
        "fueron",
        "ha",
        "han",
        "hasta",
        "hay",
        "la",
        "las",
        "le",
        "les",
        "lo",
        "los",
        "mas",
        "me",
        "mi",
        "mientras",
        "muy",
        "nada",
        "ni",
        "no",
        "nos",
        "o",
        "otra",
        "otras",
        "otro",
        "otros",
        "para",
        "pero",
        "poco",
        "por",
        "porque",
        "que",
        "quien",
        "se",
        "sea",
        "segun",
        "ser",
        "si",
        "sin",
        "sobre",
        "solo",
        "son",
        "su",
        "sus",
        "tambien",
        "tan",
        "tanto",
        "te",
        "tiene",
        "tienen",
        "todo",
        "todos",
        "tu",
        "un",
        "una",
        "unas",
        "uno",
        "unos",
        "y",
        "ya",
        "cómo",
        "qué",
        "cuál",
        "cuánto",
        "puede",
        "pueden",
        "hace",
        "hacer",
        "manera",
        "forma",
    ]
)
_STOP_FOLDED = frozenset(
    "".join(c for c in unicodedata.normalize("NFKD", w) if not unicodedata.combining(c))
    for w in STOPWORDS_EN | STOPWORDS_ES
)
_SPANISH_CHARS = re.compile(r"[ñ¿¡áéíóú]", re.IGNORECASE)
#: "long form (SF)": a 2-6 letter upper-case short form in parentheses, plural "s" allowed.
_DEFINITION = re.compile(r"\(([A-Z][A-Z0-9]{1,5})s?\)")
#: Words looked back from a definition: at most the short form's length plus this many.
_LONG_FORM_SLACK = 3
_WORD = re.compile(r"\w+", re.UNICODE)


def fold(text: str) -> str:
    """Lower-case and strip diacritics: 'Computación' -> 'computacion'."""
    lowered = text.lower()
    if lowered.isascii():  # nothing to decompose: most words of either language
        return lowered
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


#: Per-word folding for the snippet and matched-word scans (a search folds every word of every
#: hit's point and its twin; the words of a vault repeat).
_fold_word = functools.lru_cache(maxsize=1 << 16)(fold)


def words(text: str) -> list[str]:
    """Folded words of ``text``, stopwords and very short words removed."""
    out = []
    for w in _WORD.findall(fold(text)):
        if w in _STOP_FOLDED:
            continue
        if len(w) < MIN_WORD and w not in KEEP_SHORT:
            continue
        out.append(w)
    return out


def term(word: str) -> str:
    """A folded word -> its lexical term (prefix)."""
    return word[:TERM_PREFIX]


def terms(text: str) -> list[str]:
    """Lexical terms of ``text`` in order, with repeats (a document body for FTS / BM25)."""
    return [term(w) for w in words(text)]


def query_terms(text: str) -> list[str]:
    """Distinct lexical terms of a query, in first-seen order."""
    return list(dict.fromkeys(terms(text)))


def acronyms(texts: Iterable[str]) -> dict[str, str]:
    """Short forms defined in ``texts`` -> their long forms, e.g. {"BPTT": "Back-propagation through time"}.

    Schwartz & Hearst (2003, "A simple algorithm for identifying abbreviation definitions in
    biomedical text"), simplified: the long form is the run of words just before "(SF)" in the same
    sentence, at most len(SF) + 3 words, starting at the last word whose initial is the short form's
    first letter and that leaves at least len(SF) - 1 words. A translated text often keeps the
    English short form ("La retropropagación a través del tiempo (BPTT)", "Las Computadoras
    Neuronales Diferenciables (DNCs)"); then no start fits and the whole run is kept, less its
    leading stopwords. The first definition of a short form wins.
    """
    out: dict[str, str] = {}
    for body in texts:
        for m in _DEFINITION.finditer(body):
            sf = m.group(1)
            if sf in out:
                continue
            before = re.split(r"[.;:!?()\n]", body[: m.start()])[-1].split()
            window = before[-(len(sf) + _LONG_FORM_SLACK) :]
            # Too few words to spell the short form: a false start ("Diferenciables" for DNC).
            starts = [
                i
                for i, w in enumerate(window)
                if fold(w)[:1] == sf[0].lower() and len(window) - i >= len(sf) - 1
            ]
            if starts:
                window = window[starts[-1] :]
            while window and fold(window[0]) in _STOP_FOLDED:
                window = window[1:]
            if window:
                out[sf] = " ".join(window)
    return out


def expand_acronyms(body: str, known: dict[str, str]) -> str:
    """``body`` with "(long form)" after the first use of each known short form it does not define.

    A point that says "Truncated BPTT" is then found by "backpropagation through time", lexically
    and by meaning (document expansion: the text indexed, never the text shown).
    """
    for sf, long_form in known.items():
        if f"({sf})" in body or f"({sf}s)" in body:
            continue
        m = re.search(rf"\b{re.escape(sf)}s?\b", body)
        if m:
            body = f"{body[: m.end()]} ({long_form}){body[m.end() :]}"
    return body


#: The languages :func:`guess_language` chooses between.
GUESSABLE = frozenset({"en", "es"})
#: Least gap between lingua's English and Spanish confidences for its verdict to stand; below it the
#: function words decide, then the page's language. Chosen on the development queries
#: (search/eval/queries.tsv, `python -m search.eval.language_cv`), never on the blind set.
LINGUA_MIN_GAP = 0.3
#: Names and acronyms (WaveNet, LSTM, VeLO, DMLab-30) say nothing about the query's language.
_NAME_LIKE = re.compile(r"\w*(?:[A-Z]\w*[A-Z]|\d)\w*|[A-Z]{2,}\w*")


@functools.cache
def _detector():
    """lingua restricted to English and Spanish, built once per process (its models load lazily)."""
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.SPANISH).build()


def lingua_confidence(text: str) -> dict[str, float]:
    """lingua's confidence per language for ``text`` (names and acronyms removed); {} if none is left."""
    words = [w for w in _WORD.findall(text) if not _NAME_LIKE.fullmatch(w)]
    if not words:
        return {}
    values = _detector().compute_language_confidence_values(" ".join(words))
    return {v.language.iso_code_639_1.name.lower(): float(v.value) for v in values}


def guess_language(text: str, hint: str = "en", min_gap: float = LINGUA_MIN_GAP) -> str:
    """'en' or 'es' for a query: lingua (the maintained detector, restricted to en/es) when it is
    sure, else function words and Spanish-only characters, else ``hint`` (the page's language).

    A query of names only ("WaveNet") carries no evidence, so the page's language decides.
    """
    conf = lingua_confidence(text)
    if conf:
        en, es = conf.get("en", 0.0), conf.get("es", 0.0)
        if abs(en - es) >= min_gap:
            return "en" if en > es else "es"
    toks = _WORD.findall(text.lower())
    es_votes = sum(t in STOPWORDS_ES for t in toks) + 2 * len(_SPANISH_CHARS.findall(text))
    en_votes = sum(t in STOPWORDS_EN for t in toks)
    # Words in both lists ("a", "no", "me") count for both and cancel out.
    if es_votes > en_votes:
        return "es"
    if en_votes > es_votes:
        return "en"
    return hint if hint in GUESSABLE else "en"


def matched_words(query: str, text: str) -> list[str]:
    """Words of ``text`` (as written there) whose term matches a query term, in text order."""
    wanted = set(query_terms(query))
    seen: dict[str, str] = {}  # folded word -> first spelling in the text
    for m in _WORD.finditer(text):
        w = _fold_word(m.group())
        if w in _STOP_FOLDED or (len(w) < MIN_WORD and w not in KEEP_SHORT):
            continue
        if term(w) in wanted and w not in seen:
            seen[w] = m.group()
    return list(seen.values())


def highlight(text: str, query: str, max_chars: int = 320) -> str:
    """HTML-escaped ``text`` with query-matching words wrapped in ``<mark>``, trimmed to ~max_chars.

    The trim keeps the first match in view: a point is a sentence or two, so usually nothing is cut.
    """
    wanted = set(query_terms(query))
    spans = []
    for m in _WORD.finditer(text):
        w = _fold_word(m.group())
        if w in _STOP_FOLDED or (len(w) < MIN_WORD and w not in KEEP_SHORT):
            continue
        if term(w) in wanted:
            spans.append((m.start(), m.end()))
    start, end = 0, len(text)
    if len(text) > max_chars:
        first = spans[0][0] if spans else 0
        start = max(0, min(first - max_chars // 4, len(text) - max_chars))
        end = start + max_chars
    out, pos = [], start
    for s, e in spans:
        if s < start or e > end:
            continue
        out.append(html.escape(text[pos:s]))
        out.append(f"<mark>{html.escape(text[s:e])}</mark>")
        pos = e
    out.append(html.escape(text[pos:end]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return prefix + "".join(out) + suffix
