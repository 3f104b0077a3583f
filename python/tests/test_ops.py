"""tensim.ops on numpy arrays, system overrides, typed errors, llm and calibrate."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import tensim
from conftest import pcc, quantize_bf16


def test_import_works_from_any_directory(tmp_path):
    out = subprocess.run([sys.executable, "-c", "import tensim; print(tensim.system_name())"],
                         cwd=tmp_path, capture_output=True, text=True, check=True)
    assert out.stdout.strip()


def test_matmul_matches_the_host_reference():
    rng = np.random.default_rng(1)
    a = rng.uniform(-1, 1, (64, 96)).astype(np.float32)
    b = rng.uniform(-1, 1, (96, 80)).astype(np.float32)
    r = tensim.ops.matmul(a, b)
    assert r.output.shape == (64, 80) and r.output.dtype == np.float32
    # The device holds bf16 inputs: compare with the fp64 product of the quantized inputs.
    ref = quantize_bf16(a).astype(np.float64) @ quantize_bf16(b).astype(np.float64)
    assert pcc(ref, r.output) > 0.999
    assert r.cycles == r.stats["device_cycles"] > 0
    assert r.stats["name"].startswith("matmul") and r.plan and r.why
    assert r.stats["compute"], "a matmul runs compute kernels"


def test_batched_matmul_keeps_the_batch_and_bfp8_runs():
    rng = np.random.default_rng(2)
    a = rng.uniform(-1, 1, (2, 32, 64)).astype(np.float32)
    b = rng.uniform(-1, 1, (64, 32)).astype(np.float32)
    r = tensim.ops.matmul(a, b, dtype="bfloat8_b")
    assert r.output.shape == (2, 32, 32)
    assert pcc(a @ b, r.output) > 0.99


def test_overrides_reach_the_simulated_system():
    a = np.ones((256, 256), np.float32)
    cycles = {}
    for grid in ("8x8", "2x2"):
        with tensim.open("n150", set={"worker_grid": grid}, numerics="timing") as dev:
            assert dev.grid == tuple(int(v) for v in grid.split("x"))
            cycles[grid] = tensim.ops.matmul(a, a).cycles
    # The same matmul on a sixteenth of the cores cannot be faster.
    assert cycles["2x2"] > cycles["8x8"]


def test_eltwise_and_norm_match_numpy():
    rng = np.random.default_rng(3)
    x = rng.uniform(-2, 2, (64, 128)).astype(np.float32)
    y = rng.uniform(-2, 2, (64, 128)).astype(np.float32)
    assert pcc(x + y, tensim.ops.add(x, y).output) > 0.999
    assert pcc(x * y, tensim.ops.mul(x, y).output) > 0.999
    g = rng.uniform(0.5, 1.5, 128).astype(np.float32)
    ref = x / np.sqrt((x.astype(np.float64) ** 2).mean(axis=1, keepdims=True) + 1e-5) * g
    r = tensim.ops.rms_norm(x, g)
    assert r.output.shape == x.shape and pcc(ref, r.output) > 0.999


def test_errors_are_typed_python_exceptions():
    with pytest.raises(tensim.ConfigError, match="no_such_key"):
        tensim.open("n150", set={"tensix.no_such_key": 1})
    assert issubclass(tensim.KernelCompileError, tensim.HostError)
    assert issubclass(tensim.HostError, tensim.Error)
    with pytest.raises(ValueError, match="dtype|bfloat99"):
        tensim.ops.matmul(np.ones((32, 32)), np.ones((32, 32)), dtype="bfloat99")
    with pytest.raises(ValueError, match="K differs"):
        tensim.ops.matmul(np.ones((32, 64)), np.ones((32, 32)))
    with tensim.open("n150"):
        with pytest.raises(tensim.HostError, match="close it first"):
            tensim.open("n150")


def test_llm_step_gives_the_serving_figures():
    r = tensim.llm("llama-3.2-1b", batch=1, layers=1, seq_len=128)
    assert r["tokens_per_s_per_user"] > 0 and r["device_us"] > 0
    assert r["ops"] and all(op["device_us"] >= 0 for op in r["ops"])
    # Per-step time over the ops: layer plus head, plus the gaps between ops.
    assert r["device_us"] == pytest.approx(r["layers_us"] + r["head_us"])


def test_calibrate_agrees_with_the_cli(tmp_path):
    cases = json.load(open("/work/shared/calibration/noc_latency.json")) \
        if os.path.exists("/work/shared/calibration/noc_latency.json") else None
    if cases is None:
        pytest.skip("no calibration set on this machine")
    f = tmp_path / "cases.json"
    f.write_text(json.dumps(cases[:2]))
    py = tensim.calibrate(str(f))
    exe = os.environ.get("TENSIM_BIN")
    if not exe:
        pytest.skip("TENSIM_BIN not set (ctest sets it)")
    cli = json.loads(subprocess.run([exe, "calibrate", str(f), "--json"], capture_output=True,
                                    text=True, check=True).stdout)
    assert [c["predicted"] for c in py["cases"]] == [c["predicted"] for c in cli["cases"]]
    assert all(c["predicted"] for c in py["cases"])


def test_a_call_naming_its_system_gets_it_and_the_default_comes_back():
    a = np.zeros((512, 512), np.float32)
    tensim.set_numerics("timing")
    default_us = tensim.ops.matmul(a, a).time_us
    fast = tensim.llm("llama-3.2-1b", batch=1, layers=1)
    slow = tensim.llm("llama-3.2-1b", batch=1, layers=1, set={"clock_mhz": 500})
    # Half the clock of n150's 1 GHz: the same cycles take longer (DRAM and links keep their
    # own rates, so not exactly twice as long).
    assert slow["device_us"] > fast["device_us"]
    # The next call that names no system runs on the default system again.
    assert tensim.ops.matmul(a, a).time_us == default_us
    # An op names its system the same way.
    assert tensim.ops.matmul(a, a, set={"worker_grid": "2x2"}).cycles > \
        tensim.ops.matmul(a, a).cycles
