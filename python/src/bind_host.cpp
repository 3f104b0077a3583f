// Bindings of the host API for people who script kernels: the system (board and --set
// overrides), a device, buffers filled from and read into numpy arrays, programs with kernel
// source files, circular buffers, semaphores and runtime args, a blocking run and its stats.
// Names follow TT-Metalium's host_api.hpp in snake case; the Python package adds defaults.
#include <fmt/format.h>

#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "bind.hpp"
#include "tensim/error.hpp"
#include "tensim/host/device.hpp"
#include "tensim/host/program.hpp"

namespace tensim::python {

namespace {

using namespace tt::tt_metal;

// Cores as Python gives them: (x, y); ((x0, y0), (x1, y1)) an inclusive range; or a list of
// either. Anything else is a ValueError naming the accepted forms.
CoreCoord to_coord(const py::handle& h) {
    auto t = h.cast<std::vector<size_t>>();
    if (t.size() != 2) throw std::invalid_argument("a core is (x, y)");
    return {t[0], t[1]};
}

bool is_coord(const py::handle& h) {
    if (!py::isinstance<py::sequence>(h) || py::isinstance<py::str>(h)) return false;
    auto s = h.cast<py::sequence>();
    return s.size() == 2 && py::isinstance<py::int_>(s[0]) && py::isinstance<py::int_>(s[1]);
}

CoreRange to_range(const py::handle& h) {
    if (is_coord(h)) return CoreRange(to_coord(h));
    auto s = h.cast<py::sequence>();
    if (s.size() != 2 || !is_coord(s[0]) || !is_coord(s[1]))
        throw std::invalid_argument(
            "cores: expected (x, y), ((x0, y0), (x1, y1)) or a list of those");
    return CoreRange(to_coord(s[0]), to_coord(s[1]));
}

CoreSpec to_spec(const py::object& cores) {
    if (is_coord(cores)) return to_coord(cores);
    if (py::isinstance<py::list>(cores)) {
        std::vector<CoreRange> ranges;
        for (const auto& h : cores.cast<py::list>()) ranges.push_back(to_range(h));
        return CoreRangeSet(ranges);
    }
    return to_range(cores);
}

// The bytes of a C-contiguous array (any dtype) as one span.
py::buffer_info contiguous_bytes(const py::array& a) {
    if (!(a.flags() & py::array::c_style))
        throw std::invalid_argument("the array must be C-contiguous (numpy.ascontiguousarray)");
    return a.request();
}

void write_buffer(const std::shared_ptr<Buffer>& b, const py::array& data) {
    const py::buffer_info info = contiguous_bytes(data);
    const size_t bytes = size_t(info.size) * size_t(info.itemsize);
    if (bytes > b->size())
        throw HostError(
            fmt::format("write: {} bytes do not fit the buffer's {} bytes", bytes, b->size()));
    // A shorter array fills the front of the buffer; the rest is written as zeros.
    std::vector<uint8_t> host(b->size(), 0);
    std::memcpy(host.data(), info.ptr, bytes);
    EnqueueWriteBuffer(b->device()->command_queue(), b, host.data(), true);
}

py::array_t<uint8_t> read_buffer(const std::shared_ptr<Buffer>& b) {
    py::array_t<uint8_t> out(static_cast<py::ssize_t>(b->size()));
    EnqueueReadBuffer(b->device()->command_queue(), b, out.mutable_data(), true);
    return out;
}

std::shared_ptr<Buffer> create_buffer(IDevice* d, uint64_t size, uint64_t page_size,
                                      const std::string& where) {
    BufferType t = where == "dram" ? BufferType::DRAM
                   : where == "l1" ? BufferType::L1
                                   : throw std::invalid_argument(fmt::format(
                                         "buffer type '{}': expected 'dram' or 'l1'", where));
    return CreateBuffer(InterleavedBufferConfig{
        .device = d, .size = size, .page_size = page_size ? page_size : size, .buffer_type = t});
}

KernelHandle data_movement_kernel(Program& p, const std::string& file, const py::object& cores,
                                  int processor, int noc, const std::vector<uint32_t>& args,
                                  const std::map<std::string, std::string>& defines) {
    if ((processor != 0 && processor != 1) || (noc != 0 && noc != 1))
        throw std::invalid_argument("processor and noc are 0 or 1");
    DataMovementConfig c;
    c.processor = processor ? DataMovementProcessor::RISCV_1 : DataMovementProcessor::RISCV_0;
    c.noc = noc ? NOC::RISCV_1_default : NOC::RISCV_0_default;
    c.compile_args = args, c.defines = defines;
    return CreateKernel(p, file, to_spec(cores), c);
}

KernelHandle compute_kernel(Program& p, const std::string& file, const py::object& cores,
                            const std::string& fidelity, bool fp32_dest_acc, bool approx,
                            const std::vector<uint32_t>& args,
                            const std::map<std::string, std::string>& defines) {
    ComputeConfig c;
    const std::vector<std::pair<std::string, MathFidelity>> names = {
        {"LoFi", MathFidelity::LoFi},
        {"HiFi2", MathFidelity::HiFi2},
        {"HiFi3", MathFidelity::HiFi3},
        {"HiFi4", MathFidelity::HiFi4}};
    bool found = false;
    for (const auto& [n, f] : names)
        if (n == fidelity) c.math_fidelity = f, found = true;
    if (!found)
        throw std::invalid_argument(
            fmt::format("fidelity '{}': expected LoFi, HiFi2, HiFi3 or HiFi4", fidelity));
    c.fp32_dest_acc_en = fp32_dest_acc, c.math_approx_mode = approx;
    c.compile_args = args, c.defines = defines;
    return CreateKernel(p, file, to_spec(cores), c);
}

CBHandle circular_buffer(Program& p, const py::object& cores, uint8_t index, uint32_t total_size,
                         uint32_t page_size, const std::string& format) {
    CircularBufferConfig c(total_size, {{index, tensim::parse_data_format(format)}});
    c.set_page_size(index, page_size);
    return CreateCircularBuffer(p, to_spec(cores), c);
}

}  // namespace

py::dict stats_dict(const ProgramStats& s) {
    py::list kernels, compute;
    for (const auto& k : s.kernels) {
        py::dict d;
        d["chip"] = k.chip, d["core"] = py::make_tuple(k.core_x, k.core_y), d["risc"] = k.risc;
        d["kernel"] = k.kernel, d["start_cycle"] = k.start_cycle, d["end_cycle"] = k.end_cycle;
        d["busy_cycles"] = k.busy_cycles, d["stall_cycles"] = k.stall_cycles;
        kernels.append(d);
    }
    for (const auto& c : s.compute) {
        py::dict d;
        d["chip"] = c.chip, d["core"] = py::make_tuple(c.core_x, c.core_y);
        d["unpack_cycles"] = c.unpack_cycles, d["fpu_cycles"] = c.fpu_cycles;
        d["sfpu_cycles"] = c.sfpu_cycles, d["pack_cycles"] = c.pack_cycles;
        d["fpu_utilization"] = c.fpu_utilization;
        compute.append(d);
    }
    py::dict d;
    d["name"] = s.name, d["device_cycles"] = s.device_cycles;
    d["device_time_us"] = s.device_time_us, d["clock_mhz"] = s.clock_mhz;
    d["launch_cycle"] = s.launch_cycle, d["bound"] = s.bound;
    d["kernels"] = kernels, d["compute"] = compute;
    return d;
}

py::object from_json(const nlohmann::ordered_json& j) {
    return py::module_::import("json").attr("loads")(j.dump());
}

void bind_host(py::module_& m) {
    m.def("set_system", &tensim::set_system, py::arg("name"), py::arg("overrides"),
          "Choose the board (n150, n300, ...) or architecture file and its key=value overrides; "
          "takes effect at the next open");
    m.def("system_name", &tensim::system_name);
    m.def("set_numerics", &tensim::set_numerics, py::arg("mode"));
    m.def("numerics", &tensim::numerics_mode_name);
    m.def("set_cycle_limit", &tensim::set_cycle_limit, py::arg("cycles"));

    py::class_<IDevice, std::unique_ptr<IDevice, py::nodelete>>(m, "Device")
        .def_property_readonly("id", &IDevice::id)
        .def_property_readonly("grid",
                               [](const IDevice& d) {
                                   const CoreCoord g = d.compute_with_storage_grid_size();
                                   return py::make_tuple(g.x, g.y);
                               })
        .def_property_readonly("l1_size", &IDevice::l1_size_per_core)
        .def_property_readonly("num_dram_channels", &IDevice::num_dram_channels);
    m.def(
        "create_device", [](int id) { return CreateDevice(id); }, py::arg("id") = 0,
        py::return_value_policy::reference);
    m.def("close_device", [](IDevice* d) { return CloseDevice(d); });
    m.def("last_program_stats",
          [](IDevice* d) { return stats_dict(tensim::last_program_stats(d)); });
    m.def("write_stats_json", &tensim::write_stats_json);

    py::class_<Buffer, std::shared_ptr<Buffer>>(m, "Buffer")
        .def_property_readonly("address", &Buffer::address)
        .def_property_readonly("size", &Buffer::size)
        .def_property_readonly("page_size", &Buffer::page_size)
        .def_property_readonly("is_dram", &Buffer::is_dram)
        .def("write", &write_buffer, py::arg("data"),
             "Write an array's bytes (any dtype, C order) to the buffer's front")
        .def("read_bytes", &read_buffer, "The buffer's bytes as a uint8 array");
    m.def("create_buffer", &create_buffer, py::arg("device"), py::arg("size"),
          py::arg("page_size") = 0, py::arg("type") = "dram", py::keep_alive<0, 1>());

    py::class_<Program>(m, "Program")
        .def(py::init([] { return CreateProgram(); }))
        .def("set_name", [](Program& p, const std::string& n) { tensim::set_program_name(p, n); })
        .def("data_movement_kernel", &data_movement_kernel, py::arg("file"), py::arg("cores"),
             py::arg("processor"), py::arg("noc"), py::arg("compile_args"), py::arg("defines"))
        .def("compute_kernel", &compute_kernel, py::arg("file"), py::arg("cores"),
             py::arg("fidelity"), py::arg("fp32_dest_acc"), py::arg("approx"),
             py::arg("compile_args"), py::arg("defines"))
        .def("circular_buffer", &circular_buffer, py::arg("cores"), py::arg("index"),
             py::arg("total_size"), py::arg("page_size"), py::arg("format"))
        .def(
            "semaphore",
            [](Program& p, const py::object& cores, uint32_t initial) {
                const CoreSpec s = to_spec(cores);
                if (const auto* c = std::get_if<CoreCoord>(&s))
                    return CreateSemaphore(p, CoreRange(*c), initial);
                if (const auto* r = std::get_if<CoreRange>(&s))
                    return CreateSemaphore(p, *r, initial);
                return CreateSemaphore(p, std::get<CoreRangeSet>(s), initial);
            },
            py::arg("cores"), py::arg("initial_value") = 0)
        .def(
            "runtime_args",
            [](Program& p, KernelHandle k, const py::object& cores,
               const std::vector<uint32_t>& args) {
                SetRuntimeArgs(p, k, to_spec(cores), std::span<const uint32_t>(args));
            },
            py::arg("kernel"), py::arg("cores"), py::arg("args"))
        .def(
            "common_runtime_args",
            [](Program& p, KernelHandle k, const std::vector<uint32_t>& args) {
                SetCommonRuntimeArgs(p, k, std::span<const uint32_t>(args));
            },
            py::arg("kernel"), py::arg("args"));
    m.def(
        "run_program",
        [](IDevice* d, Program& p) {
            {
                py::gil_scoped_release nogil;
                EnqueueProgram(d->command_queue(), p, true);
                Finish(d->command_queue());
            }
            return stats_dict(tensim::last_program_stats(d));
        },
        py::arg("device"), py::arg("program"));
}

}  // namespace tensim::python
