"""Shared by the pytest suite of the Python package (run by ctest as python_tests, with
PYTHONPATH naming build/python so the build tree's package is tested)."""
import os

import numpy as np
import pytest

import tensim

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(autouse=True)
def _no_device_left_open():
    """Each test starts and ends with no device open and default (faithful) numerics."""
    tensim.close()
    tensim.set_numerics("faithful")
    yield
    tensim.close()


def pcc(ref, got):
    return float(np.corrcoef(np.asarray(ref, np.float64).ravel(),
                             np.asarray(got, np.float64).ravel())[0, 1])


def quantize_bf16(x):
    """The values a bfloat16 tensor holds (round to nearest even), as float32."""
    return tensim.from_bfloat16(tensim.to_bfloat16(x))
