"""The host API from Python: buffers from and to numpy, programs with the examples' kernel files,
circular buffers, runtime args, a run and its stats; kernel errors as typed exceptions."""
import numpy as np
import pytest

import tensim
from conftest import quantize_bf16

TILE_BYTES = 32 * 32 * 2  # one bfloat16 tile


def test_loopback_copies_dram_through_l1():
    n_tiles = 4
    data = tensim.to_bfloat16(np.random.default_rng(4).uniform(-100, 100, n_tiles * 1024))
    with tensim.open("n150") as dev:
        l1 = dev.buffer(TILE_BYTES, type="l1")
        src = dev.buffer(n_tiles * TILE_BYTES, TILE_BYTES)
        dst = dev.buffer(n_tiles * TILE_BYTES, TILE_BYTES)
        src.write(data)
        prog = dev.program("py_loopback")
        k = prog.data_movement("examples/loopback/kernels/loopback_dram_copy.cpp", (0, 0))
        prog.runtime_args(k, (0, 0), [l1.address, src.address, dst.address, n_tiles])
        r = dev.run(prog)
        assert np.array_equal(dst.read(np.uint16), data)
    assert r.output is None and r.cycles > 0 and r.stats["name"] == "py_loopback"
    (kernel,) = r.stats["kernels"]
    assert kernel["kernel"].endswith("loopback_dram_copy.cpp") and kernel["core"] == (0, 0)
    # Busy and stalled cycles account for the thread's whole run (docs/architecture.md, Time).
    assert kernel["busy_cycles"] + sum(kernel["stall_cycles"].values()) == \
        kernel["end_cycle"] - kernel["start_cycle"]


def test_eltwise_binary_program_with_cbs_and_a_compute_kernel():
    n_tiles = 2
    rng = np.random.default_rng(5)
    a, b = (quantize_bf16(rng.uniform(-4, 4, (32, 32 * n_tiles))) for _ in range(2))
    kdir = "examples/eltwise_binary/kernels/"
    with tensim.open("n150") as dev:
        bufs = [dev.buffer(n_tiles * TILE_BYTES, TILE_BYTES) for _ in range(3)]
        bufs[0].write(tensim.to_bfloat16(tensim.tilize(a)))
        bufs[1].write(tensim.to_bfloat16(tensim.tilize(b)))
        prog = dev.program()
        for cb in (0, 1, 16):
            prog.cb((0, 0), cb, pages=2, page_size=TILE_BYTES, format="bfloat16")
        rd = prog.reader(kdir + "reader_binary.cpp", (0, 0))
        wr = prog.writer(kdir + "writer_unary.cpp", (0, 0))
        cp = prog.compute(kdir + "eltwise_binary.cpp", (0, 0),
                          defines={"ELTWISE_OP": "add_tiles",
                                   "ELTWISE_OP_TYPE": "EltwiseBinaryType::ELWADD"})
        prog.runtime_args(rd, (0, 0), [bufs[0].address, bufs[1].address, n_tiles])
        prog.runtime_args(wr, (0, 0), [bufs[2].address, n_tiles])
        prog.runtime_args(cp, (0, 0), [n_tiles])
        r = dev.run(prog)
        out = tensim.untilize(tensim.from_bfloat16(bufs[2].read(np.uint16)), 32, 32 * n_tiles)
    # bf16 inputs: the sum rounds once to bf16.
    assert np.array_equal(out, quantize_bf16(a + b))
    assert len(r.stats["compute"]) == 1 and r.stats["compute"][0]["fpu_cycles"] > 0


def test_kernel_errors_arrive_typed(tmp_path):
    bad = tmp_path / "bad_kernel.cpp"
    bad.write_text('#include "api/dataflow/dataflow_api.h"\nvoid kernel_main() { nope(); }\n')
    with tensim.open("n150") as dev:
        prog = dev.program()
        prog.data_movement(bad, (0, 0))
        with pytest.raises(tensim.KernelCompileError, match="nope"):
            dev.run(prog)
        with pytest.raises(tensim.HostError, match="doesn't exist"):
            dev.program().data_movement(tmp_path / "missing.cpp", (0, 0))
        with pytest.raises(tensim.HostError, match="do not fit"):
            dev.buffer(64).write(np.zeros(65, np.uint8))
        kept = dev.buffer(64)
    with pytest.raises(tensim.HostError, match="closed"):
        kept.read()


def test_tilize_is_tiles_of_faces_and_untilize_inverts_it():
    x = np.arange(64 * 32, dtype=np.float32).reshape(64, 32)
    t = tensim.tilize(x)
    assert np.array_equal(t[:16], x[0, :16])          # face 0, row 0
    assert np.array_equal(t[256:272], x[0, 16:32])    # face 1, row 0
    assert np.array_equal(t[1024:1040], x[32, :16])   # tile 1 starts at row 32
    assert np.array_equal(tensim.untilize(t, 64, 32), x)


def test_bfloat16_rounds_to_nearest_even():
    # 1 + 2^-8 is halfway between two bf16 values: ties go to the even mantissa (1.0).
    x = np.array([1.0, 1 + 2 ** -8, 1 + 3 * 2 ** -8, np.nan], np.float32)
    back = tensim.from_bfloat16(tensim.to_bfloat16(x))
    assert back[0] == 1.0 and back[1] == 1.0 and back[2] == 1 + 2 ** -6 and np.isnan(back[3])


def test_python_example_draws_its_plot(tmp_path):
    import os
    import subprocess
    import sys
    from conftest import REPO
    out = tmp_path / "grid.png"
    subprocess.run([sys.executable, os.path.join(REPO, "examples/python/grid_scaling.py"),
                    "--quick", "--out", str(out)], check=True, capture_output=True, cwd=tmp_path)
    assert out.stat().st_size > 0


def _one_kernel_program(dev, path, source, cb=True):
    path.write_text('#include "api/dataflow/dataflow_api.h"\n' + source)
    prog = dev.program()
    if cb:
        prog.cb((0, 0), 0, pages=1, page_size=TILE_BYTES)
    prog.data_movement(path, (0, 0))
    return prog


def test_kernel_faults_and_deadlocks_arrive_typed(tmp_path):
    with tensim.open("n150", numerics="timing") as dev:
        # Pushing more pages than were reserved is a kernel error naming the kernel.
        prog = _one_kernel_program(dev, tmp_path / "overpush.cpp", """
void kernel_main() { cb_reserve_back(0, 1); cb_push_back(0, 2); }
""")
        with pytest.raises(tensim.KernelError, match="overpush"):
            dev.run(prog)
        # Waiting for a page nobody produces: the deadlock report.
        prog = _one_kernel_program(dev, tmp_path / "starve.cpp", """
void kernel_main() { cb_wait_front(0, 1); }
""")
        with pytest.raises(tensim.DeadlockError, match="starve"):
            dev.run(prog)
        # The device still runs programs afterwards.
        prog = _one_kernel_program(dev, tmp_path / "fine.cpp", "void kernel_main() {}\n", False)
        assert dev.run(prog).cycles > 0
