// The `tensim._tensim` extension module (pybind11): what its binding files share. The Python
// package (python/tensim/) wraps these thin bindings into the user-facing API; the bindings only
// translate types (numpy arrays, dicts, tuples of cores) and never hold policy.
#pragma once
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <nlohmann/json.hpp>

#include "tensim/host/tensim.hpp"

namespace tensim::python {

namespace py = pybind11;

// tensim's typed errors as Python classes (tensim.Error and its subclasses), registered first.
void bind_errors(py::module_& m);
// System choice, devices, buffers, programs, run stats.
void bind_host(py::module_& m);
// Ops on numpy arrays, LLM steps, calibration.
void bind_ops(py::module_& m);

// A program's stats as a dict (name, device_cycles, device_time_us, clock_mhz, launch_cycle,
// bound, kernels: [..], compute: [..]).
py::dict stats_dict(const ProgramStats& s);
// A JSON value as the Python object json.loads would give.
py::object from_json(const nlohmann::ordered_json& j);

}  // namespace tensim::python
