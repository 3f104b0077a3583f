"""tensim: a cycle-approximate simulator of Tenstorrent Wormhole chips, from Python.

    import numpy as np, tensim
    a = np.random.rand(256, 512).astype(np.float32)
    b = np.random.rand(512, 128).astype(np.float32)
    r = tensim.ops.matmul(a, b)            # bf16, HiFi4, on the default system (n150)
    r.output, r.cycles, r.stats["bound"]

    with tensim.open("n150", set={"tensix.l1_size_kib": 512}) as dev:
        ...                                # the host API: dev.buffer, dev.program, dev.run

One device is open at a time (a simulated system is one per process while open). Ops, llm and
calibrate use the device `open` returned, else a default device opened on first use and closed
when another system is asked for or at exit. Errors are tensim.Error subclasses carrying the
C++ message: ConfigError, HostError, KernelCompileError, KernelError, DeadlockError,
InternalError; a bad argument is a ValueError.
"""
import atexit
import os

import numpy as np

from . import _tensim as _t
from ._tensim import (ConfigError, DeadlockError, Error, HostError, InternalError,
                      KernelCompileError, KernelError)
from .record import RunRecord
from .host import Device, Program, from_bfloat16, tilize, to_bfloat16, untilize

__all__ = ["open", "close", "Device", "Program", "RunRecord", "ops", "llm", "calibrate",
           "set_numerics", "numerics", "system_name", "to_bfloat16", "from_bfloat16", "tilize",
           "untilize", "Error", "ConfigError", "HostError", "KernelCompileError", "KernelError",
           "DeadlockError", "InternalError"]


class _State:
    device = None       # the open Device, if any
    implicit = False    # opened by an op call, not by the user
    key = None          # the implicit device's (system, overrides)


def _overrides(settings):
    """{"tensix.l1_size_kib": 512} or ["tensix.l1_size_kib=512"] -> ["tensix.l1_size_kib=512"]."""
    if settings is None:
        return []
    if isinstance(settings, dict):
        return [f"{k}={str(v).lower() if isinstance(v, bool) else v}"
                for k, v in settings.items()]
    return [str(s) for s in settings]


def open(system=None, set=None, numerics=None):  # noqa: A001 (the name users expect)
    """Open device 0 of `system` (a board name such as n150/n300, a chip name or an architecture
    JSON file; default $TENSIM_SYSTEM, else n150) with architecture overrides `set` (a dict or
    key=value strings). `numerics`: faithful (default), fast or timing (no tile math; the same
    cycles). Returns a Device, usable as a context manager."""
    if _State.device is not None:
        if not _State.implicit:
            raise HostError("tensim.open: a device is open; close it first")
        close()
    _t.set_system(system or os.environ.get("TENSIM_SYSTEM", "n150"), _overrides(set))
    if numerics is not None:
        _t.set_numerics(numerics)
    _State.device = Device(_t.create_device(0), _on_close)
    _State.implicit = False
    return _State.device


def _on_close(dev):
    if _State.device is dev:
        _State.device, _State.implicit = None, False


def close():
    """Close the open device (if any)."""
    if _State.device is not None:
        _State.device.close()


def current_device(system=None, set=None):  # noqa: A002
    """The device tensim.open gave, else a default device: device 0 of `system` with overrides
    `set` (default: $TENSIM_SYSTEM or n150, no overrides), reopened when another is asked for."""
    want = (system or os.environ.get("TENSIM_SYSTEM", "n150"), tuple(_overrides(set)))
    if _State.device is not None and _State.implicit and _State.key != want:
        close()
    if _State.device is None:
        _t.set_system(want[0], list(want[1]))
        _State.device = Device(_t.create_device(0), _on_close)
        _State.implicit, _State.key = True, want
    return _State.device


def _device_for_call(system, settings, what):
    """The device a call that may name its own system (llm) runs on."""
    if (system is not None or settings is not None) and not _State.implicit:
        _release_default(f"{what} with system= or set=")
    return current_device(system, settings)


def _release_default(what):
    """Calls that open devices themselves need none open: close the default, refuse the user's."""
    if _State.device is not None and not _State.implicit:
        raise HostError(f"{what} opens its own devices; close the device tensim.open gave first")
    close()


def set_numerics(mode):
    """faithful (as silicon), fast (fp32 everywhere) or timing (no tile math); cycles are equal."""
    _t.set_numerics(mode)


def numerics():
    return _t.numerics()


def system_name():
    return _t.system_name()


class _Numerics:
    """Runs a block under a numerics mode, then restores the previous one."""

    def __init__(self, mode):
        self.mode, self.saved = mode, None

    def __enter__(self):
        if self.mode is not None:
            self.saved = _t.numerics()
            _t.set_numerics(self.mode)

    def __exit__(self, *exc):
        if self.saved is not None:
            _t.set_numerics(self.saved)


def llm(model, mode="decode", batch=32, seq_len=128, kv_len=0, layers=0, tp=1, gap_us=3.0,
        numerics="timing", system=None, set=None, skip_missing=False, seed=0):
    """One decode step or prefill of `model` (a preset such as llama-3.1-8b, an alias or a
    config.json), as `tensim llm --json`: a dict with tokens_per_s_per_user (decode) or ttft_ms
    (prefill), device_us, and per-op records in "ops" (one layer) and "head_ops"."""
    with _Numerics(numerics):
        if tp > 1:  # opens the chips of the system itself
            _release_default("a tensor-parallel llm run")
            _t.set_system(system or os.environ.get("TENSIM_SYSTEM", "n150"), _overrides(set))
            return _t.llm(None, model, mode, batch, seq_len, kv_len, layers, tp, gap_us,
                          skip_missing, seed)
        dev = _device_for_call(system, set, "llm")
        return _t.llm(dev._dev, model, mode, batch, seq_len, kv_len, layers, tp, gap_us,
                      skip_missing, seed)


def calibrate(files, numerics="timing", include_large=False, system=None, set=None):
    """Simulate the measured cases of calibration files (a path, a glob or a list of them) and put
    each prediction beside silicon's number: {"cases": [...], "summary": {...}}, as
    `tensim calibrate --json`."""
    import glob
    paths = []
    for f in [files] if isinstance(files, (str, os.PathLike)) else files:
        paths += sorted(glob.glob(os.fspath(f))) or [os.fspath(f)]
    _release_default("calibrate")
    _t.set_system(system or os.environ.get("TENSIM_SYSTEM", "n150"), _overrides(set))
    return _t.calibrate(paths, numerics, include_large)


def model_presets():
    return list(_t.model_presets())


atexit.register(close)

from . import ops  # noqa: E402  (ops needs the names above)
