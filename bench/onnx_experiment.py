"""Experiment (issue 14, not shipped): all-MiniLM-L6-v2 through onnxruntime, float32 and dynamic int8, against the
service's numpy forward pass, on the ~1,070-word seed text (bench/encoder.py seed_text), one core.

onnx and onnxruntime are not dependencies of the project; to rerun, install them beside the venv, not into it:

    .venv/bin/python -m pip install --target /tmp/ortpkgs onnx==1.23.2 onnxruntime==1.31.1 protobuf flatbuffers ml_dtypes
    rm -rf /tmp/ortpkgs/numpy*   # keep the venv's numpy
    OMP_NUM_THREADS=1 PYTHONPATH=/tmp/ortpkgs .venv/bin/python bench/onnx_experiment.py

The graph is built by hand from the pinned model.safetensors with standard ONNX ops (opset 17: Gather, MatMul,
LayerNormalization, Softmax, Erf), then quantised with onnxruntime.quantization.quantize_dynamic (MatMul weights:
per-tensor QInt8; per-channel QInt8 with reduce_range, the setting advised for AVX2 without VNNI; per-channel
QUInt8). Prints CPU seconds (median of 3) and the cosine of each variant's token states to the numpy pass's.
Result 2026-11-30 (AMD EPYC, AVX2, no VNNI): numpy 0.80 s; onnx float32 1.04 s (cosine 1.0000); int8 per-tensor
0.70 s (mean token cosine 0.908); int8 per-channel 0.69 s (0.978); uint8 per-channel 0.80 s (0.981). Not worth it:
docs/sentiment.md "Why not int8 or ONNX".
"""
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import onnxruntime as ort  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402
from onnxruntime.quantization import QuantType, quantize_dynamic  # noqa: E402

from bench.encoder import seed_text  # noqa: E402
from service.analysis import load_resources  # noqa: E402
from service.analysis.encoder import MiniLM, find_minilm_files, read_safetensors  # noqa: E402

TMP = Path(tempfile.mkdtemp())


def build_graph(path: Path) -> None:
    """Write all-MiniLM-L6-v2 as an ONNX graph: inputs ids, positions (int64) and mask (float, 1 = token)."""
    weights, _tok = find_minilm_files()
    t = read_safetensors(weights)
    D, H, DH = 384, 12, 32
    inits = []
    nodes = []

    def init(name, arr):
        inits.append(numpy_helper.from_array(np.ascontiguousarray(arr), name))
        return name

    def node(op, ins, outs, **kw):
        nodes.append(helper.make_node(op, ins, outs, **kw))
        return outs[0]

    def dense(inp, key, name, scale=1.0):
        """inp @ W.T + b for the safetensors linear layer ``key`` (weights times ``scale``): its output's name."""
        init(name + "w", (t[key + ".weight"] * scale).T.astype(np.float32))
        init(name + "b", (t[key + ".bias"] * scale).astype(np.float32))
        node("MatMul", [inp, name + "w"], [name + "m"])
        return node("Add", [name + "m", name + "b"], [name + "a"])


    init("word", t["embeddings.word_embeddings.weight"])
    init("pos", t["embeddings.position_embeddings.weight"])
    init("typ", t["embeddings.token_type_embeddings.weight"][0])
    init("ln0w", t["embeddings.LayerNorm.weight"]); init("ln0b", t["embeddings.LayerNorm.bias"])
    init("shape_bl_h_dh", np.array([0, 0, H, DH], dtype=np.int64))
    init("shape_bl_d", np.array([0, 0, D], dtype=np.int64))
    init("one", np.array(1.0, dtype=np.float32))
    init("neg", np.array(-1e9, dtype=np.float32))
    init("half", np.array(0.5, dtype=np.float32))
    init("rsqrt2", np.array(1 / np.sqrt(2), dtype=np.float32))
    init("ax1", np.array([1], dtype=np.int64))
    init("ax12", np.array([1, 2], dtype=np.int64))
    # inputs: ids (B, L) int64, positions (B, L) int64, mask (B, L) float32 (1 valid, 0 pad)
    node("Gather", ["word", "ids"], ["we"])
    node("Gather", ["pos", "positions"], ["pe"])
    node("Add", ["we", "pe"], ["e1"])
    node("Add", ["e1", "typ"], ["e2"])
    x = node("LayerNormalization", ["e2", "ln0w", "ln0b"], ["x0"], axis=-1, epsilon=1e-12)
    # key mask (B,1,1,L): (1-mask)*-1e9
    node("Sub", ["one", "mask"], ["inv"])
    node("Mul", ["inv", "neg"], ["km0"])
    node("Unsqueeze", ["km0", "ax12"], ["kmask"])
    scale = np.float32(1 / np.sqrt(DH))
    for i in range(6):
        p = f"encoder.layer.{i}."
        g = lambda k: t[p + k]
        pre = f"l{i}_"
        for nm, w, s in (("q", "query", scale), ("k", "key", 1), ("v", "value", 1)):
            a = dense(x, p + "attention.self." + w, pre + nm, s)
            node("Reshape", [a, "shape_bl_h_dh"], [pre + nm + "r"])
        node("Transpose", [pre + "qr"], [pre + "qt"], perm=[0, 2, 1, 3])
        node("Transpose", [pre + "kr"], [pre + "kt"], perm=[0, 2, 3, 1])
        node("Transpose", [pre + "vr"], [pre + "vt"], perm=[0, 2, 1, 3])
        node("MatMul", [pre + "qt", pre + "kt"], [pre + "s"])
        node("Add", [pre + "s", "kmask"], [pre + "sm"])
        node("Softmax", [pre + "sm"], [pre + "p"], axis=-1)
        node("MatMul", [pre + "p", pre + "vt"], [pre + "c"])
        node("Transpose", [pre + "c"], [pre + "ct"], perm=[0, 2, 1, 3])
        node("Reshape", [pre + "ct", "shape_bl_d"], [pre + "cr"])
        ao = dense(pre + "cr", p + "attention.output.dense", pre + "ao")
        node("Add", [ao, x], [pre + "res1"])
        init(pre + "ln1w", g("attention.output.LayerNorm.weight")); init(pre + "ln1b", g("attention.output.LayerNorm.bias"))
        x1 = node("LayerNormalization", [pre + "res1", pre + "ln1w", pre + "ln1b"], [pre + "x1"], axis=-1, epsilon=1e-12)
        ia = dense(x1, p + "intermediate.dense", pre + "i")
        # exact GELU: 0.5 x (1 + erf(x / sqrt 2))
        node("Mul", [ia, "rsqrt2"], [pre + "g1"])
        node("Erf", [pre + "g1"], [pre + "g2"])
        node("Add", [pre + "g2", "one"], [pre + "g3"])
        node("Mul", [ia, pre + "g3"], [pre + "g4"])
        node("Mul", [pre + "g4", "half"], [pre + "g5"])
        oa = dense(pre + "g5", p + "output.dense", pre + "o")
        node("Add", [oa, x1], [pre + "res2"])
        init(pre + "ln2w", g("output.LayerNorm.weight")); init(pre + "ln2b", g("output.LayerNorm.bias"))
        x = node("LayerNormalization", [pre + "res2", pre + "ln2w", pre + "ln2b"],
                 ["states" if i == 5 else pre + "x2"], axis=-1, epsilon=1e-12)

    graph = helper.make_graph(nodes, "minilm", [
        helper.make_tensor_value_info("ids", TensorProto.INT64, ["B", "L"]),
        helper.make_tensor_value_info("positions", TensorProto.INT64, ["B", "L"]),
        helper.make_tensor_value_info("mask", TensorProto.FLOAT, ["B", "L"])],
        [helper.make_tensor_value_info("states", TensorProto.FLOAT, ["B", "L", D])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="framing-tools")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


def main() -> int:
    build_graph(TMP / "minilm_f32.onnx")
    for name, kw in (("int8", dict(weight_type=QuantType.QInt8)),
                     ("int8pc", dict(weight_type=QuantType.QInt8, per_channel=True, reduce_range=True)),
                     ("uint8", dict(weight_type=QuantType.QUInt8, per_channel=True))):
        quantize_dynamic(str(TMP / "minilm_f32.onnx"), str(TMP / f"minilm_{name}.onnx"),
                         op_types_to_quantize=["MatMul"], **kw)
    nlp = load_resources().nlp
    text = seed_text()
    sents = [s.text for s in nlp(text).sents if s.text.strip()]
    w, tk = find_minilm_files()

    m = MiniLM(w, tk)
    rows = [m.tok.encode(s) for s in sents]
    print(len(sents), "sentences", sum(map(len, rows)), "wordpieces")

    def np_states():
        order = sorted(range(len(rows)), key=lambda i: len(rows[i]))
        x, starts, lens = m._states_chunk([rows[i] for i in order])
        out = [None] * len(rows)
        for r, i in enumerate(order):
            out[i] = x[starts[r]:starts[r] + lens[r]]
        return out

    def make_sess(path):
        so = ort.SessionOptions()
        so.intra_op_num_threads = 1
        so.inter_op_num_threads = 1
        so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        return ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])

    def ort_states(sess, bucket_cells=16384):
        order = sorted(range(len(rows)), key=lambda i: len(rows[i]))
        out = [None] * len(rows)
        b0 = 0
        while b0 < len(order):
            b1 = b0 + 1
            while b1 < len(order) and (b1 - b0 + 1) * len(rows[order[b1]]) <= 2048:
                b1 += 1
            idx = order[b0:b1]
            L = len(rows[idx[-1]])
            ids = np.zeros((len(idx), L), np.int64)
            mask = np.zeros((len(idx), L), np.float32)
            for r, i in enumerate(idx):
                ids[r, :len(rows[i])] = rows[i]
                mask[r, :len(rows[i])] = 1
            pos = np.broadcast_to(np.arange(L, dtype=np.int64), (len(idx), L)).copy()
            (st,) = sess.run(None, {"ids": ids, "positions": pos, "mask": mask})
            for r, i in enumerate(idx):
                out[i] = st[r, :len(rows[i])]
            b0 = b1
        return out

    def cpu(f, n=3):
        ts = []
        for _ in range(n):
            t = time.process_time(); f(); ts.append(time.process_time() - t)
        return sorted(ts)[n // 2]


    ref = np_states()
    print("numpy", cpu(np_states))
    for name in ("f32", "int8", "int8pc", "uint8"):
        s = make_sess(str(TMP / f"minilm_{name}.onnx"))
        got = ort_states(s)
        cos = [float((a * b).sum(1).min() / 1) for a, b in [(x / np.linalg.norm(x, axis=1, keepdims=True),
                                                              y / np.linalg.norm(y, axis=1, keepdims=True)) for x, y in zip(ref, got)]]
        pooled_cos = [float(np.dot(x.mean(0), y.mean(0)) / np.linalg.norm(x.mean(0)) / np.linalg.norm(y.mean(0))) for x, y in zip(ref, got)]
        print(name, cpu(lambda: ort_states(s)), "min token cos", min(cos), "min pooled cos", min(pooled_cos),
              "mean token cos", np.mean(cos))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
