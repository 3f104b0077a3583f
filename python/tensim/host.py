"""The host API for people who script kernels: a device, buffers to and from numpy arrays,
programs with kernel source files (TT-Metalium style, see kernels/ and examples/), circular
buffers, semaphores, runtime args and a blocking run. Cores are (x, y), ((x0, y0), (x1, y1)) for
an inclusive range, or a list of those. Kernel paths are tried as given, then in tensim's source
tree (e.g. "examples/loopback/kernels/loopback_dram_copy.cpp")."""
import numpy as np

from . import _tensim as _t
from .record import RunRecord


class Device:
    """Device 0 of the open system (tensim.open). A context manager: leaving it closes it."""

    def __init__(self, dev, on_close):
        self._dev, self._on_close = dev, on_close

    @property
    def grid(self):
        """The compute grid (x, y), e.g. (8, 8) on n150."""
        return self._check().grid

    @property
    def l1_size(self):
        return self._check().l1_size

    @property
    def num_dram_channels(self):
        return self._check().num_dram_channels

    def buffer(self, size, page_size=None, type="dram"):  # noqa: A002
        """An interleaved buffer of `size` bytes in "dram" or "l1", `page_size` bytes a page
        (default: one page)."""
        return Buffer(_t.create_buffer(self._check(), int(size), int(page_size or 0), type), self)

    def program(self, name=None):
        return Program(name)

    def run(self, program):
        """Run a program to its end; the RunRecord has no output (read your buffers)."""
        return RunRecord(None, _t.run_program(self._check(), program._p))

    def last_stats(self):
        return _t.last_program_stats(self._check())

    def write_stats_json(self, path):
        """The last program's full stats (per block counters, the resolved architecture)."""
        _t.write_stats_json(self._check(), str(path))

    def close(self):
        if self._dev is not None:
            dev, self._dev = self._dev, None
            _t.close_device(dev)
            self._on_close(self)

    def _check(self):
        if self._dev is None:
            raise _t.HostError("the device is closed")
        return self._dev

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Buffer:
    """A device buffer; usable while its device is open (afterwards a HostError)."""

    def __init__(self, b, device):
        self._b, self._device = b, device

    address = property(lambda self: self._b.address)
    size = property(lambda self: self._b.size)
    page_size = property(lambda self: self._b.page_size)

    def write(self, array):
        """Write an array's bytes (its dtype as is, C order) to the front of the buffer: a numpy
        array, or a torch tensor (any dtype, torch.bfloat16 included: its 2-byte patterns)."""
        self._device._check()
        self._b.write(_bytes_of(array))

    def read(self, dtype=np.uint8, count=None):
        """The buffer's contents as `count` elements of `dtype` (default: all of it): a numpy
        dtype gives a numpy array, a torch dtype (e.g. torch.bfloat16) a torch tensor."""
        self._device._check()
        raw = self._b.read_bytes()
        if _is_torch_dtype(dtype):
            import torch
            t = torch.from_numpy(raw.copy()).view(dtype)
            return t if count is None else t[:count]
        data = raw.view(np.dtype(dtype))
        return data if count is None else data[:count]


def _is_torch_dtype(dtype):
    return type(dtype).__module__.startswith("torch")


def _bytes_of(array):
    """A C-ordered numpy array holding `array`'s bytes. torch tensors go through a uint8 view:
    numpy has no bfloat16, and the bytes are what the device stores."""
    if type(array).__module__.startswith("torch") and hasattr(array, "detach"):
        import torch
        t = array.detach().cpu().contiguous()
        return t.reshape(-1).view(torch.uint8).numpy()
    return np.ascontiguousarray(array)


class Program:
    """A program being built; `Device.run` launches it."""

    def __init__(self, name=None):
        self._p = _t.Program()
        if name:
            self._p.set_name(name)

    def data_movement(self, file, cores, processor=0, noc=0, compile_args=(), defines=None):
        """A data-movement kernel on RISCV_<processor> (0 BRISC, 1 NCRISC) using NoC `noc`."""
        return self._p.data_movement_kernel(str(file), cores, processor, noc,
                                            list(compile_args), dict(defines or {}))

    def reader(self, file, cores, compile_args=(), defines=None):
        """TT-Metalium's ReaderDataMovementConfig: RISCV_1 on NoC 0."""
        return self.data_movement(file, cores, 1, 0, compile_args, defines)

    def writer(self, file, cores, compile_args=(), defines=None):
        """TT-Metalium's WriterDataMovementConfig: RISCV_0 on NoC 1."""
        return self.data_movement(file, cores, 0, 1, compile_args, defines)

    def compute(self, file, cores, fidelity="HiFi4", fp32_dest_acc=False, approx=False,
                compile_args=(), defines=None):
        return self._p.compute_kernel(str(file), cores, fidelity, fp32_dest_acc, approx,
                                      list(compile_args), dict(defines or {}))

    def cb(self, cores, index, pages, page_size, format="bfloat16"):  # noqa: A002
        """Circular buffer `index` of `pages` pages of `page_size` bytes in data format `format`
        (bfloat16, float32, bfloat8_b, uint32, ... or Float16_b-style names)."""
        return self._p.circular_buffer(cores, index, int(pages * page_size), int(page_size),
                                       format)

    def semaphore(self, cores, initial_value=0):
        return self._p.semaphore(cores, initial_value)

    def runtime_args(self, kernel, cores, args):
        self._p.runtime_args(kernel, cores, [int(a) for a in args])

    def common_runtime_args(self, kernel, args):
        self._p.common_runtime_args(kernel, [int(a) for a in args])


def to_bfloat16(x):
    """float values -> bfloat16 bit patterns (uint16), rounded to nearest even as the host
    tilizer does; NaN stays NaN."""
    f = np.ascontiguousarray(x, dtype=np.float32)
    u = f.view(np.uint32).astype(np.uint64)
    r = ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)
    return np.where(np.isnan(f), np.uint16(0x7FC0), r)


def from_bfloat16(bits):
    """bfloat16 bit patterns (uint16) -> float32."""
    return (np.asarray(bits, dtype=np.uint16).astype(np.uint32) << 16).view(np.float32)


def tilize(x):
    """A [rows, cols] array (multiples of 32) in tile order with 16x16 faces, flattened: the
    layout compute kernels read (TT-Metalium's tilize_nfaces)."""
    m, n = x.shape
    if m % 32 or n % 32:
        raise ValueError(f"tilize: {m}x{n} is not a multiple of 32x32")
    t = np.asarray(x).reshape(m // 32, 2, 16, n // 32, 2, 16)
    return np.ascontiguousarray(t.transpose(0, 3, 1, 4, 2, 5)).reshape(-1)


def untilize(flat, rows, cols):
    """The inverse of tilize: tiles with faces back to a [rows, cols] array."""
    t = np.asarray(flat).reshape(rows // 32, cols // 32, 2, 2, 16, 16)
    return np.ascontiguousarray(t.transpose(0, 2, 4, 1, 3, 5)).reshape(rows, cols)
