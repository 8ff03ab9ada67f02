"""Checks a studio int8 (QDQ) export against numpy's version of the same quantization math.

Usage: /usr/bin/python3 qdq_reference.py MODEL.int8.onnx MODEL.fp32-folded.onnx
For every Conv/Gemm: the int8 weight must equal numpy's per-output-channel symmetric quantization
of the float weight (scale = max|w| / 127, q = clip(round_half_even(w / scale), -127, 127)), and
the int32 bias round(b / (input_scale * weight_scale)); a layer left float must be a conv with
dot products shorter than 32. Every activation QuantizeLinear must have a
positive scale and a uint8 zero point. Prints one JSON line with what it checked.
"""
import json
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def inits(model):
    return {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}


def producer_of(model):
    return {o: n for n in model.graph.node for o in n.output}


def expected_weight(w, axis):
    moved = np.moveaxis(w.astype(np.float32), axis, 0)
    absmax = np.abs(moved.reshape(moved.shape[0], -1)).max(axis=1)
    scale = np.where(absmax > 0, (absmax / np.float32(127)).astype(np.float32), np.float32(1))
    q = np.clip(np.round(moved / scale.reshape((-1,) + (1,) * (moved.ndim - 1))), -127, 127).astype(np.int8)
    return np.moveaxis(q, 0, axis), scale


def main(q_path, f_path):
    qm, fm = onnx.load(q_path), onnx.load(f_path)
    qi, fi = inits(qm), inits(fm)
    prod = producer_of(qm)
    checked = {'weights': 0, 'biases': 0, 'activations': 0, 'float': 0}
    for node in qm.graph.node:
        if node.op_type == 'QuantizeLinear':
            scale, zp = qi[node.input[1]], qi[node.input[2]]
            assert scale.dtype == np.float32 and float(scale) > 0, node.name
            assert zp.dtype == np.uint8, node.name
            checked['activations'] += 1
        if node.op_type not in ('Conv', 'Gemm'):
            continue
        if node.input[1] in qi:
            # Kept float by design: a conv with dot products shorter than 32 (input channels x kernel area).
            w = qi[node.input[1]]
            assert node.op_type == 'Conv' and w.dtype == np.float32 and np.prod(w.shape[1:]) < 32, f'{node.name}: weight is not int8'
            checked['float'] += 1
            continue
        w_dq = prod[node.input[1]]
        assert w_dq.op_type == 'DequantizeLinear', f'{node.name}: weight is not dequantized int8'
        axis = next((a.i for a in w_dq.attribute if a.name == 'axis'), 1)
        name = w_dq.input[0][: -len('_quantized')]
        want_q, want_s = expected_weight(fi[name], axis)
        got_q, got_s = qi[w_dq.input[0]], qi[w_dq.input[1]]
        assert got_q.dtype == np.int8, name
        np.testing.assert_allclose(got_s, want_s, rtol=1e-6, err_msg=name)
        # A value exactly between two steps may round either way after float32 scale rounding.
        assert np.abs(got_q.astype(np.int32) - want_q.astype(np.int32)).max() <= 1, name
        assert np.mean(got_q == want_q) > 0.999, name
        checked['weights'] += 1
        if len(node.input) > 2 and node.input[2]:
            b_dq = prod[node.input[2]]
            x_dq = prod[node.input[0]]
            x_scale = qi[x_dq.input[1]]
            bias = fi[b_dq.input[0][: -len('_quantized')]]
            want_b = np.round(bias / (x_scale * got_s).astype(np.float32)).astype(np.int64)
            got_b = qi[b_dq.input[0]]
            assert got_b.dtype == np.int32, node.name
            assert np.abs(got_b.astype(np.int64) - want_b).max() <= 1, node.name
            checked['biases'] += 1
    print(json.dumps(checked))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
