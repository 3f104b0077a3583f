"""Ops with TT-NN-like calls on numpy arrays (or torch tensors): each stores its inputs as device
tensors in `dtype` (TILE layout, DRAM interleaved, padded to tiles), runs the op's real program
(tensim::ops, docs/ops.md) and returns a RunRecord: .output (the inputs' rank), .cycles, .stats,
.plan (the program that ran) and .why (the planner's reasons). The output is float32 numpy for
numpy (or list) inputs; when the first tensor input is a torch tensor it is a CPU torch tensor of
that input's dtype (a torch.bfloat16 input gives torch.bfloat16, as ttnn.to_torch of a bfloat16
TT-NN tensor does), so the result compares directly with a torch reference.

Every op runs on `device` if given, else on the device tensim.open gave, else on a default device
of `system` with overrides `set` (e.g. set={"worker_grid": "4x4"}): a sweep is a loop."""
# `set` is the name tensim.open uses for overrides; it shadows the builtin only in signatures.
# ruff: noqa: A002
import numpy as np

from . import _tensim as _t
from .record import RunRecord


def _is_torch(x):
    # torch is optional: recognise its tensors without importing it.
    return type(x).__module__.startswith("torch") and hasattr(x, "detach")


def _array(x):
    """numpy float32 from a numpy array, a nested list or a torch tensor (any float dtype,
    bfloat16 included, on any device)."""
    if _is_torch(x):
        x = x.detach().cpu().float().numpy()
    return np.ascontiguousarray(x, dtype=np.float32)


def _device(device, system, settings):
    if device is not None:
        return device._check()
    from . import _device_for_call
    return _device_for_call(system, settings, "an op")._check()


def _record(r, like=None):
    """The RunRecord of a run; `like` is the op's first tensor input, whose kind (numpy or
    torch) and torch dtype the output takes."""
    out = r["output"]
    if like is not None and _is_torch(like):
        import torch
        out = torch.from_numpy(out).to(like.dtype if like.dtype.is_floating_point else
                                       torch.float32)
    return RunRecord(out, r["stats"], r["plan"], r["why"])


def _default_fidelity(in1_dtype):
    # The rule of thumb for TT-NN's weights (tt-metal tech_reports/LLMs/llms.md 1.2), as
    # `tensim matmul` applies it: LoFi for bfloat4_b, HiFi2 for bfloat8_b, else HiFi4.
    return {"bfloat4_b": "LoFi", "bfp4_b": "LoFi", "bfloat8_b": "HiFi2",
            "bfp8_b": "HiFi2"}.get(in1_dtype, "HiFi4")


def matmul(a, b, program="auto", dtype="bfloat16", fidelity=None, in0_dtype=None,
           in1_dtype=None, out_dtype=None, fp32_dest_acc=False, device=None, system=None,
           set=None):
    """C = A x B for A [M, K] (or [batch, M, K]) and B [K, N]. `program`: auto, 2d_mcast,
    1d_mcast or dram_sharded; `dtype` stores both inputs (in0_dtype / in1_dtype override each);
    `fidelity`: LoFi, HiFi2, HiFi3, HiFi4 (default by B's dtype); the output is in A's dtype
    unless out_dtype says otherwise."""
    d0, d1 = in0_dtype or dtype, in1_dtype or dtype
    dev = _device(device, system, set)
    return _record(_t.matmul(dev, _array(a), _array(b), program, d0, d1, out_dtype or "",
                             fidelity or _default_fidelity(d1), fp32_dest_acc), a)


def _binary(op, a, b, dtype, activation, device, system, settings):
    dev = _device(device, system, settings)
    return _record(_t.binary(dev, _array(a), _array(b), op, dtype, activation or ""), a)


def add(a, b, dtype="bfloat16", activation=None, device=None, system=None, set=None):
    """a + b (same shapes); `activation` (silu, relu, gelu, ...) is applied to a first."""
    return _binary("add", a, b, dtype, activation, device, system, set)


def sub(a, b, dtype="bfloat16", activation=None, device=None, system=None, set=None):
    return _binary("sub", a, b, dtype, activation, device, system, set)


def mul(a, b, dtype="bfloat16", activation=None, device=None, system=None, set=None):
    return _binary("mul", a, b, dtype, activation, device, system, set)


def _norm(kind, x, gamma, epsilon, dtype, device, system, settings):
    g = None if gamma is None else _array(gamma).reshape(1, -1)
    return _record(_t.norm(_device(device, system, settings), _array(x), g, kind, dtype,
                           epsilon), x)


def rms_norm(x, gamma=None, epsilon=1e-5, dtype="bfloat16", device=None, system=None, set=None):
    """x / sqrt(mean(x^2) + eps) * gamma, per row; gamma is [cols] or [1, cols]."""
    return _norm("rms_norm", x, gamma, epsilon, dtype, device, system, set)


def layer_norm(x, gamma=None, epsilon=1e-5, dtype="bfloat16", device=None, system=None,
               set=None):
    """(x - mean) / sqrt(var + eps) * gamma, per row."""
    return _norm("layer_norm", x, gamma, epsilon, dtype, device, system, set)
