#!/usr/bin/env python3
"""Distil static token embeddings ("model2vec" style) from a BERT sentence encoder.

Only Python 3 and numpy are needed. The script

  1. reads the model's ``model.safetensors`` directly (no safetensors/torch),
  2. runs the BERT forward pass in numpy, with masked mean pooling and L2
     normalisation (the sentence-transformers all-MiniLM-L6-v2 recipe),
  3. self-checks it on a few sentence pairs (cosine similarities printed),
  4. embeds every vocabulary token t as the sentence ``[CLS] t [SEP]``,
  5. reduces the 384-d vectors to ``--dims`` with PCA,
  6. writes ``vocab.txt``, ``vectors.bin`` (per row: f32 scale + int8 values)
     and ``README.md`` into ``--out``,
  7. reads ``vectors.bin`` back and prints nearest neighbours for a few words.

Usage:
    python3 tools/distill/distill.py --model DIR --out data/embeddings --dims 128
"""

import argparse
import json
import os
import shutil
import struct
import sys
import time
import unicodedata

import numpy as np


# --------------------------------------------------------------------------
# safetensors reader
# --------------------------------------------------------------------------

_DTYPES = {
    "F64": np.float64, "F32": np.float32, "F16": np.float16,
    "I64": np.int64, "I32": np.int32, "I16": np.int16, "I8": np.int8,
    "U8": np.uint8, "BOOL": np.bool_,
}


def load_safetensors(path):
    """Return {name: np.ndarray} from a .safetensors file."""
    with open(path, "rb") as f:
        data = f.read()
    (header_len,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + header_len].decode("utf-8"))
    base = 8 + header_len
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype = np.dtype(_DTYPES[info["dtype"]]).newbyteorder("<")
        start, end = info["data_offsets"]
        arr = np.frombuffer(data, dtype=dtype, count=(end - start) // dtype.itemsize,
                            offset=base + start)
        tensors[name] = arr.reshape(info["shape"]).astype(dtype.newbyteorder("="))
    return tensors


# --------------------------------------------------------------------------
# BERT forward pass
# --------------------------------------------------------------------------

def erf(x):
    """Vectorised erf (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7)."""
    x = np.asarray(x, dtype=np.float64)
    s = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t
                - 0.284496736) * t + 0.254829592) * t * np.exp(-a * a)
    return s * y


def gelu(x):
    return (0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))).astype(np.float32)


def layer_norm(x, w, b, eps):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


class Bert:
    def __init__(self, model_dir):
        with open(os.path.join(model_dir, "config.json")) as f:
            self.cfg = json.load(f)
        if self.cfg.get("hidden_act", "gelu") != "gelu":
            raise SystemExit("unsupported hidden_act %r" % self.cfg["hidden_act"])
        w = load_safetensors(os.path.join(model_dir, "model.safetensors"))
        # Some checkpoints prefix every name with "bert.".
        if "embeddings.word_embeddings.weight" not in w:
            w = {k[5:] if k.startswith("bert.") else k: v for k, v in w.items()}
        self.w = w
        self.hidden = self.cfg["hidden_size"]
        self.heads = self.cfg["num_attention_heads"]
        self.layers = self.cfg["num_hidden_layers"]
        self.eps = self.cfg.get("layer_norm_eps", 1e-12)

    def _lin(self, x, name):
        # torch Linear: weight is [out, in], y = x W^T + b. Flatten to 2-D so
        # numpy does one BLAS call rather than a batch of tiny matmuls.
        w = self.w[name + ".weight"]
        y = x.reshape(-1, x.shape[-1]) @ w.T + self.w[name + ".bias"]
        return y.reshape(x.shape[:-1] + (w.shape[0],))

    def forward(self, ids, mask):
        """ids, mask: int arrays [B, L]. Returns last hidden state [B, L, H]."""
        w = self.w
        B, L = ids.shape
        H, nh = self.hidden, self.heads
        hd = H // nh
        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][:L][None, :, :]
             + w["embeddings.token_type_embeddings.weight"][0][None, None, :])
        x = layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"],
                       self.eps).astype(np.float32)
        bias = np.where(mask[:, None, None, :] > 0, 0.0,
                        np.finfo(np.float32).min).astype(np.float32)  # [B,1,1,L]
        scale = np.float32(1.0 / np.sqrt(hd))
        for i in range(self.layers):
            p = "encoder.layer.%d." % i
            q = self._lin(x, p + "attention.self.query").reshape(B, L, nh, hd).transpose(0, 2, 1, 3)
            k = self._lin(x, p + "attention.self.key").reshape(B, L, nh, hd).transpose(0, 2, 1, 3)
            v = self._lin(x, p + "attention.self.value").reshape(B, L, nh, hd).transpose(0, 2, 1, 3)
            s = (q @ k.transpose(0, 1, 3, 2)) * scale + bias  # [B,nh,L,L]
            s = s - s.max(-1, keepdims=True)
            e = np.exp(s)
            a = e / e.sum(-1, keepdims=True)
            ctx = (a @ v).transpose(0, 2, 1, 3).reshape(B, L, H)
            att = self._lin(ctx, p + "attention.output.dense")
            x = layer_norm(att + x, w[p + "attention.output.LayerNorm.weight"],
                           w[p + "attention.output.LayerNorm.bias"], self.eps).astype(np.float32)
            h = gelu(self._lin(x, p + "intermediate.dense"))
            o = self._lin(h, p + "output.dense")
            x = layer_norm(o + x, w[p + "output.LayerNorm.weight"],
                           w[p + "output.LayerNorm.bias"], self.eps).astype(np.float32)
        return x

    def embed(self, ids, mask):
        """Masked mean pooling + L2 normalisation -> [B, H] float32."""
        hs = self.forward(ids, mask)
        m = mask[:, :, None].astype(np.float32)
        pooled = (hs * m).sum(1) / np.maximum(m.sum(1), 1e-9)
        n = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(n, 1e-12)).astype(np.float32)


# --------------------------------------------------------------------------
# Minimal BERT (uncased) WordPiece tokenizer
# --------------------------------------------------------------------------

def _is_punct(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF
            or 0x2A700 <= cp <= 0x2B73F or 0x2B740 <= cp <= 0x2B81F
            or 0x2B820 <= cp <= 0x2CEAF or 0xF900 <= cp <= 0xFAFF
            or 0x2F800 <= cp <= 0x2FA1F)


class WordPiece:
    def __init__(self, vocab_path):
        with open(vocab_path, encoding="utf-8") as f:
            self.tokens = [line.rstrip("\n") for line in f]
        self.vocab = {t: i for i, t in enumerate(self.tokens)}
        self.unk = self.vocab["[UNK]"]
        self.cls = self.vocab["[CLS]"]
        self.sep = self.vocab["[SEP]"]
        self.pad = self.vocab["[PAD]"]

    def basic(self, text):
        out = []
        for ch in text:
            cp = ord(ch)
            if cp == 0 or cp == 0xFFFD:
                continue
            cat = unicodedata.category(ch)
            if ch in " \t\n\r" or cat == "Zs":
                out.append(" ")
            elif cat.startswith("C"):
                continue
            elif _is_cjk(cp):
                out.append(" %s " % ch)
            else:
                out.append(ch)
        words = []
        for word in "".join(out).split():
            word = unicodedata.normalize("NFD", word.lower())
            word = "".join(c for c in word if unicodedata.category(c) != "Mn")
            cur = ""
            for c in word:
                if _is_punct(c):
                    if cur:
                        words.append(cur)
                        cur = ""
                    words.append(c)
                else:
                    cur += c
            if cur:
                words.append(cur)
        return words

    def wordpiece(self, word, max_chars=100):
        if len(word) > max_chars:
            return [self.unk]
        ids, start = [], 0
        while start < len(word):
            end, found = len(word), None
            while start < end:
                piece = word[start:end]
                if start > 0:
                    piece = "##" + piece
                if piece in self.vocab:
                    found = self.vocab[piece]
                    break
                end -= 1
            if found is None:
                return [self.unk]
            ids.append(found)
            start = end
        return ids

    def encode(self, text, max_len=256):
        ids = []
        for w in self.basic(text):
            ids.extend(self.wordpiece(w))
        return [self.cls] + ids[:max_len - 2] + [self.sep]

    def batch(self, texts):
        enc = [self.encode(t) for t in texts]
        L = max(len(e) for e in enc)
        ids = np.full((len(enc), L), self.pad, dtype=np.int64)
        mask = np.zeros((len(enc), L), dtype=np.int64)
        for i, e in enumerate(enc):
            ids[i, :len(e)] = e
            mask[i, :len(e)] = 1
        return ids, mask


# --------------------------------------------------------------------------
# Steps
# --------------------------------------------------------------------------

CHECK_PAIRS = [
    ("A man is eating food.", "A man is eating a piece of bread."),
    ("A man is eating food.", "A man is riding a horse."),
    ("How did you get into nursing?", "What made you become a nurse?"),
    ("How did you get into nursing?", "Lovely weather today, isn't it?"),
    ("What are your salary expectations?", "How much do you want to be paid?"),
    ("What are your salary expectations?", "I had pizza for lunch."),
]

NEIGHBOUR_WORDS = ["weather", "salary", "difficult", "hiring", "enjoy", "pizza",
                   "founded", "career"]


def self_check(model, tok):
    print("== forward-pass self-check (cosine similarity) ==")
    texts = sorted({t for p in CHECK_PAIRS for t in p})
    ids, mask = tok.batch(texts)
    emb = dict(zip(texts, model.embed(ids, mask)))
    for a, b in CHECK_PAIRS:
        print("  %.4f  %r vs %r" % (float(emb[a] @ emb[b]), a, b))
    print("  tokens of %r: %s" % (texts[0], [tok.tokens[i] for i in tok.encode(texts[0])]))


def distil(model, tok, batch_size):
    n = len(tok.tokens)
    H = model.hidden
    out = np.empty((n, H), dtype=np.float32)
    t0 = time.time()
    for s in range(0, n, batch_size):
        e = min(n, s + batch_size)
        ids = np.empty((e - s, 3), dtype=np.int64)
        ids[:, 0] = tok.cls
        ids[:, 1] = np.arange(s, e)
        ids[:, 2] = tok.sep
        out[s:e] = model.embed(ids, np.ones_like(ids))
        if (s // batch_size) % 5 == 0 or e == n:
            print("  %6d / %d tokens  (%.1fs)" % (e, n, time.time() - t0), flush=True)
    return out


def pca(x, dims):
    x = x.astype(np.float64)
    xc = x - x.mean(0, keepdims=True)
    _, sv, vt = np.linalg.svd(xc, full_matrices=False)
    comps = vt[:dims]
    # Deterministic sign: largest-magnitude loading of each component positive.
    signs = np.sign(comps[np.arange(dims), np.abs(comps).argmax(1)])
    comps *= signs[:, None]
    var = sv ** 2
    kept = 100.0 * var[:dims].sum() / var.sum()
    print("  PCA: %d dims keep %.1f%% of variance" % (dims, kept))
    return (xc @ comps.T).astype(np.float32), kept


def quantise(x):
    amax = np.abs(x).max(1)
    scale = (amax / 127.0).astype(np.float32)
    safe = np.where(scale > 0, scale, 1.0).astype(np.float32)
    q = np.clip(np.rint(x / safe[:, None]), -127, 127).astype(np.int8)
    q[scale == 0] = 0
    return scale, q


def write_vectors(path, scale, q):
    n, d = q.shape
    rec = np.dtype([("scale", "<f4"), ("q", "i1", (d,))])
    arr = np.empty(n, dtype=rec)
    arr["scale"] = scale
    arr["q"] = q
    arr.tofile(path)


def read_vectors(path, dims):
    rec = np.dtype([("scale", "<f4"), ("q", "i1", (dims,))])
    arr = np.fromfile(path, dtype=rec)
    return arr["q"].astype(np.float32) * arr["scale"][:, None].astype(np.float32)


README_TEMPLATE = """# Static token embeddings (distilled from all-MiniLM-L6-v2)

Static, context-free WordPiece token vectors in the spirit of
[model2vec](https://github.com/MinishLab/model2vec): a sentence vector can be
approximated by tokenising (BERT uncased WordPiece), looking up each token's
row, averaging and L2-normalising.

## Files

| file | size (bytes) | content |
|------|-------------:|---------|
| `vocab.txt` | {vocab_bytes} | the model's WordPiece vocabulary, unchanged, one token a line; line *i* (0-based) is token id *i* |
| `vectors.bin` | {vec_bytes} | {n} rows x {dims} dims, int8-quantised, no header |

## `vectors.bin` format

For each token, in `vocab.txt` order, one record of {rec} bytes:

* `scale`: little-endian IEEE-754 float32 (4 bytes)
* `q[0..{dims})`: {dims} signed 8-bit integers

The vector is `q[i] * scale`. `scale = max_i |x_i| / 127` per row (a zero row
has scale 0). Total size = {n} x (4 + {dims}) = {vec_bytes} bytes.
The vectors are *not* unit length; normalise them (or the averaged sentence
vector) before taking cosines.

## Source model

[`sentence-transformers/all-MiniLM-L6-v2`](https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2),
licensed Apache-2.0, by the sentence-transformers team (Nils Reimers and
contributors), developed in the Hugging Face community project "Train the Best
Sentence Embedding Model Ever with 1B Training Pairs", fine-tuned from
`nreimers/MiniLM-L6-H384-uncased` (Microsoft MiniLM). These vectors are a
derived work of that model and are distributed under the same Apache-2.0
licence.

## How they were made

```
{command}
```

`tools/distill/distill.py` (numpy only) reads `model.safetensors`, runs the
6-layer BERT forward pass, and for each vocabulary token `t` embeds the
3-token input `[CLS] t [SEP]` with the model's own pooling (attention-masked
mean over the last hidden state, then L2 normalisation), giving a
{n} x {hidden} matrix. That matrix is centred and reduced to {dims} dims by PCA
(SVD; {var:.1f}% of the variance kept; component signs fixed so the largest
loading is positive), then each row is quantised to int8 with its own scale.
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", required=True, help="sentence-transformers model directory")
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--dims", type=int, default=128)
    ap.add_argument("--batch", type=int, default=1024)
    args = ap.parse_args()

    t0 = time.time()
    model = Bert(args.model)
    tok = WordPiece(os.path.join(args.model, "vocab.txt"))
    n = len(tok.tokens)
    if n != model.cfg["vocab_size"]:
        print("warning: vocab.txt has %d tokens, config says %d" % (n, model.cfg["vocab_size"]))
    print("loaded model: %d layers, hidden %d, vocab %d (%.1fs)"
          % (model.layers, model.hidden, n, time.time() - t0))

    self_check(model, tok)

    print("== distilling [CLS] t [SEP] for every token ==")
    full = distil(model, tok, args.batch)

    print("== PCA %d -> %d ==" % (model.hidden, args.dims))
    x, var = pca(full, args.dims)

    os.makedirs(args.out, exist_ok=True)
    scale, q = quantise(x)
    vec_path = os.path.join(args.out, "vectors.bin")
    voc_path = os.path.join(args.out, "vocab.txt")
    write_vectors(vec_path, scale, q)
    shutil.copyfile(os.path.join(args.model, "vocab.txt"), voc_path)
    vec_bytes = os.path.getsize(vec_path)
    assert vec_bytes == n * (4 + args.dims), vec_bytes
    command = ("python3 tools/distill/distill.py --model <all-MiniLM-L6-v2 dir> "
               "--out data/embeddings --dims %d" % args.dims)
    with open(os.path.join(args.out, "README.md"), "w") as f:
        f.write(README_TEMPLATE.format(
            vocab_bytes=os.path.getsize(voc_path), vec_bytes=vec_bytes, n=n, dims=args.dims,
            rec=4 + args.dims, hidden=model.hidden, var=var, command=command))
    print("wrote %s (%d bytes), %s (%d bytes)" % (vec_path, vec_bytes, voc_path,
                                                 os.path.getsize(voc_path)))

    print("== check exported vectors: 8 nearest tokens by cosine ==")
    v = read_vectors(vec_path, args.dims)
    err = np.abs(v - x).max()
    print("  max dequantisation error: %.5f" % err)
    vn = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
    for word in NEIGHBOUR_WORDS:
        if word not in tok.vocab:
            print("  %-10s (not a single token)" % word)
            continue
        i = tok.vocab[word]
        sims = vn @ vn[i]
        sims[i] = -np.inf
        top = np.argsort(-sims)[:8]
        print("  %-10s -> %s" % (word, ", ".join("%s (%.2f)" % (tok.tokens[j], sims[j])
                                                for j in top)))
    print("done in %.1fs" % (time.time() - t0))


if __name__ == "__main__":
    sys.exit(main())
