"""Ops with TT-NN-like calls on numpy arrays (or torch tensors): each stores its inputs as device
tensors in `dtype` (TILE layout, DRAM interleaved, padded to tiles), runs the op's real program
(tensim::ops, docs/ops.md) and returns a RunRecord: .output (float32 numpy, the inputs' rank),
.cycles, .stats, .plan (the program that ran) and .why (the planner's reasons)."""
import numpy as np

from . import _tensim as _t
from .record import RunRecord


def _array(x):
    """numpy float32 from a numpy array, a nested list or a torch tensor."""
    if hasattr(x, "detach"):  # torch, without importing it
        x = x.detach().cpu().float().numpy()
    return np.ascontiguousarray(x, dtype=np.float32)


def _device(device):
    if device is not None:
        return device._check()
    from . import current_device
    return current_device()._check()


def _record(r):
    return RunRecord(r["output"], r["stats"], r["plan"], r["why"])


def _default_fidelity(in1_dtype):
    # The rule of thumb for TT-NN's weights (tt-metal tech_reports/LLMs/llms.md 1.2), as
    # `tensim matmul` applies it: LoFi for bfloat4_b, HiFi2 for bfloat8_b, else HiFi4.
    return {"bfloat4_b": "LoFi", "bfp4_b": "LoFi", "bfloat8_b": "HiFi2",
            "bfp8_b": "HiFi2"}.get(in1_dtype, "HiFi4")


def matmul(a, b, program="auto", dtype="bfloat16", fidelity=None, in0_dtype=None,
           in1_dtype=None, out_dtype=None, fp32_dest_acc=False, device=None):
    """C = A x B for A [M, K] (or [batch, M, K]) and B [K, N]. `program`: auto, 2d_mcast,
    1d_mcast or dram_sharded; `dtype` stores both inputs (in0_dtype / in1_dtype override each);
    `fidelity`: LoFi, HiFi2, HiFi3, HiFi4 (default by B's dtype); the output is in A's dtype
    unless out_dtype says otherwise."""
    d0, d1 = in0_dtype or dtype, in1_dtype or dtype
    return _record(_t.matmul(_device(device), _array(a), _array(b), program, d0, d1,
                             out_dtype or "", fidelity or _default_fidelity(d1), fp32_dest_acc))


def _binary(op, a, b, dtype, activation, device):
    return _record(_t.binary(_device(device), _array(a), _array(b), op, dtype, activation or ""))


def add(a, b, dtype="bfloat16", activation=None, device=None):
    """a + b (same shapes); `activation` (silu, relu, gelu, ...) is applied to a first."""
    return _binary("add", a, b, dtype, activation, device)


def sub(a, b, dtype="bfloat16", activation=None, device=None):
    return _binary("sub", a, b, dtype, activation, device)


def mul(a, b, dtype="bfloat16", activation=None, device=None):
    return _binary("mul", a, b, dtype, activation, device)


def rms_norm(x, gamma=None, epsilon=1e-5, dtype="bfloat16", device=None):
    """x / sqrt(mean(x^2) + eps) * gamma, per row; gamma is [cols] or [1, cols]."""
    g = None if gamma is None else _array(gamma).reshape(1, -1)
    return _record(_t.norm(_device(device), _array(x), g, "rms_norm", dtype, epsilon))


def layer_norm(x, gamma=None, epsilon=1e-5, dtype="bfloat16", device=None):
    """(x - mean) / sqrt(var + eps) * gamma, per row."""
    g = None if gamma is None else _array(gamma).reshape(1, -1)
    return _record(_t.norm(_device(device), _array(x), g, "layer_norm", dtype, epsilon))
