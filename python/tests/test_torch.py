"""torch tensors in, as TT-NN users pass them: the ops take any float dtype and give a torch
tensor of the first input's dtype; buffer writes take a tensor's bytes and reads give one back.
Skipped where torch is not installed (tools/setup.sh installs Debian's python3-torch)."""
import numpy as np
import pytest

import tensim
from conftest import pcc, quantize_bf16

torch = pytest.importorskip("torch")


def test_matmul_on_torch_tensors_gives_a_torch_tensor_of_their_dtype():
    g = torch.Generator().manual_seed(7)
    a = torch.rand(64, 96, generator=g) * 2 - 1
    b = torch.rand(96, 64, generator=g) * 2 - 1
    for dtype in (torch.float32, torch.bfloat16):
        r = tensim.ops.matmul(a.to(dtype), b.to(dtype))
        assert isinstance(r.output, torch.Tensor)
        assert r.output.dtype == dtype and tuple(r.output.shape) == (64, 64)
        # The same values as from numpy inputs (the device stores bf16 either way).
        via_numpy = tensim.ops.matmul(a.numpy(), b.numpy()).output
        assert isinstance(via_numpy, np.ndarray)
        got = r.output.float().numpy()
        if dtype == torch.float32:
            assert np.array_equal(got, via_numpy)
        ref = quantize_bf16(a.numpy()).astype(np.float64) @ quantize_bf16(b.numpy()).astype(
            np.float64)
        assert pcc(ref, got) > 0.999


def test_eltwise_and_norm_take_torch_and_keep_its_dtype():
    g = torch.Generator().manual_seed(8)
    x = torch.rand(32, 64, generator=g, dtype=torch.float32).to(torch.bfloat16)
    y = torch.rand(32, 64, generator=g, dtype=torch.float32).to(torch.bfloat16)
    s = tensim.ops.add(x, y).output
    assert s.dtype == torch.bfloat16
    assert pcc((x.float() + y.float()).numpy(), s.float().numpy()) > 0.999
    n = tensim.ops.rms_norm(x.float(), gamma=torch.ones(64)).output
    assert n.dtype == torch.float32
    xf = x.double()
    ref = xf / torch.sqrt((xf * xf).mean(dim=-1, keepdim=True) + 1e-5)
    assert pcc(ref.numpy(), n.numpy()) > 0.99


def test_buffer_write_takes_torch_bytes_and_read_gives_torch_back():
    n_tiles = 2
    tile_bytes = 32 * 32 * 2
    data = (torch.rand(n_tiles * 1024, generator=torch.Generator().manual_seed(9)) * 200 -
            100).to(torch.bfloat16)
    with tensim.open("n150") as dev:
        l1 = dev.buffer(tile_bytes, type="l1")
        src = dev.buffer(n_tiles * tile_bytes, tile_bytes)
        dst = dev.buffer(n_tiles * tile_bytes, tile_bytes)
        src.write(data)
        # The bytes written are the tensor's bf16 patterns, as numpy's uint16 view sees them.
        assert np.array_equal(src.read(np.uint16), data.view(torch.int16).numpy().view(np.uint16))
        prog = dev.program("py_torch_loopback")
        k = prog.data_movement("examples/loopback/kernels/loopback_dram_copy.cpp", (0, 0))
        prog.runtime_args(k, (0, 0), [l1.address, src.address, dst.address, n_tiles])
        dev.run(prog)
        back = dst.read(torch.bfloat16)
        assert isinstance(back, torch.Tensor) and back.dtype == torch.bfloat16
        assert torch.equal(back, data)
        assert torch.equal(dst.read(torch.bfloat16, count=5), data[:5])
