// Mesh coordinates and mesh devices: mapping a mesh shape onto the system's chips, opening them,
// submeshes, and the stats of a workload over several chips. Buffers, workloads and transfers are
// in mesh_buffer.cpp.
#include "tensim/host/mesh.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <limits>
#include <set>

#include "common/error.hpp"
#include "host/device_impl.hpp"

namespace tt::tt_metal::distributed {

using tensim::HostError;

// ---- coordinates ----

std::string to_string(const MeshCoordinate& c) { return fmt::format("({}, {})", c[0], c[1]); }
std::string to_string(const MeshShape& s) { return fmt::format("{}x{}", s[0], s[1]); }
std::string to_string(const MeshCoordinateRange& r) {
    return to_string(r.start_coord()) + "-" + to_string(r.end_coord());
}
std::ostream& operator<<(std::ostream& os, const MeshCoordinate& c) { return os << to_string(c); }
std::ostream& operator<<(std::ostream& os, const MeshShape& s) { return os << to_string(s); }

size_t to_linear_index(const MeshShape& shape, const MeshCoordinate& coord) {
    if (coord[0] >= shape[0] || coord[1] >= shape[1])
        throw HostError(fmt::format("mesh coordinate {} lies outside the {} mesh", to_string(coord),
                                    to_string(shape)));
    return size_t{coord[0]} * shape[1] + coord[1];
}

namespace {
MeshCoordinate last_coord(const MeshShape& shape) {
    if (shape.mesh_size() == 0)
        throw HostError(fmt::format("MeshCoordinateRange: empty {} shape",
                                    tt::tt_metal::distributed::to_string(shape)));
    return {shape[0] - 1, shape[1] - 1};
}
}  // namespace

MeshCoordinateRange::MeshCoordinateRange(const MeshCoordinate& start, const MeshCoordinate& end)
    : m_start(start), m_end(end) {
    if (start[0] > end[0] || start[1] > end[1])
        throw HostError(fmt::format("MeshCoordinateRange: start {} lies past end {}",
                                    to_string(start), to_string(end)));
}

MeshCoordinateRange::MeshCoordinateRange(const MeshShape& shape)
    : MeshCoordinateRange({0, 0}, last_coord(shape)) {}

MeshShape MeshCoordinateRange::shape() const {
    return {m_end[0] - m_start[0] + 1, m_end[1] - m_start[1] + 1};
}

bool MeshCoordinateRange::contains(const MeshCoordinate& c) const {
    return c[0] >= m_start[0] && c[0] <= m_end[0] && c[1] >= m_start[1] && c[1] <= m_end[1];
}

bool MeshCoordinateRange::contains(const MeshCoordinateRange& r) const {
    return contains(r.start_coord()) && contains(r.end_coord());
}

bool MeshCoordinateRange::intersects(const MeshCoordinateRange& o) const {
    return m_start[0] <= o.m_end[0] && o.m_start[0] <= m_end[0] && m_start[1] <= o.m_end[1] &&
           o.m_start[1] <= m_end[1];
}

MeshCoordinateRange::Iterator::Iterator(const MeshCoordinateRange* range, size_t index)
    : m_range(range), m_index(index), m_coord(range->start_coord()) {
    const size_t cols = range->shape()[1];
    if (index < range->shape().mesh_size())
        m_coord = {static_cast<uint32_t>(range->start_coord()[0] + index / cols),
                   static_cast<uint32_t>(range->start_coord()[1] + index % cols)};
}

MeshCoordinateRange::Iterator& MeshCoordinateRange::Iterator::operator++() {
    *this = Iterator(m_range, m_index + 1);
    return *this;
}

// ---- the system's mesh ----

namespace {

// The system's chips as a mesh: its shape and the chip at each coordinate, row-major.
struct SystemMesh {
    std::string name;
    MeshShape shape{1, 1};
    std::vector<int> chips;
    int chip(uint32_t row, uint32_t col) const { return chips.at(size_t{row} * shape[1] + col); }
};

SystemMesh system_mesh() {
    const tensim::SystemConfig& cfg = tensim::host::system_config();
    const uint32_t rows = static_cast<uint32_t>(cfg.mesh_shape[0]),
                   cols = static_cast<uint32_t>(cfg.mesh_shape[1]);
    SystemMesh m{cfg.name, MeshShape(rows, cols), {}};
    for (uint32_t r = 0; r < rows; ++r)
        for (uint32_t c = 0; c < cols; ++c)
            m.chips.push_back(cfg.chip_at(static_cast<int>(r), static_cast<int>(c)));
    return m;
}

// The chips of a mesh of the configured shape, row-major (tt-metal's SystemMesh rules).
std::vector<int> map_chips(const MeshDeviceConfig& config) {
    const MeshShape& want = config.mesh_shape();
    if (!config.physical_device_ids().empty()) {
        if (config.physical_device_ids().size() != want.mesh_size())
            throw HostError(fmt::format("MeshDevice::create: {} chip ids given for a {} mesh",
                                        config.physical_device_ids().size(), to_string(want)));
        return config.physical_device_ids();
    }
    const SystemMesh sys = system_mesh();
    const uint32_t R = sys.shape[0], C = sys.shape[1], r = want[0], c = want[1];
    const MeshCoordinate off = config.offset().value_or(MeshCoordinate(0, 0));
    auto refuse = [&](const std::string& why) {
        return HostError(fmt::format(
            "MeshDevice::create: a {} mesh{} does not fit system {}, a {} mesh of {} chip(s){}",
            to_string(want), config.offset() ? " at " + to_string(off) : "", sys.name,
            to_string(sys.shape), sys.chips.size(), why));
    };
    if (want.mesh_size() == 0 || want.mesh_size() > sys.shape.mesh_size()) throw refuse("");
    std::vector<int> chips;
    if (r == 1 || c == 1) {
        // A line snakes through the system's rows, so that neighbours stay neighbours.
        if (off != MeshCoordinate(0, 0)) throw refuse(" (a line takes no offset)");
        for (uint32_t i = 0; i < want.mesh_size(); ++i) {
            uint32_t row = i / C, col = (row % 2 == 0) ? i % C : C - 1 - i % C;
            chips.push_back(sys.chip(row, col));
        }
        return chips;
    }
    const bool turned = r > R || c > C;
    const uint32_t rows = turned ? c : r, cols = turned ? r : c;  // as laid in the system
    if (off[0] + rows > R || off[1] + cols > C) throw refuse("");
    for (uint32_t i = 0; i < r; ++i)
        for (uint32_t j = 0; j < c; ++j)
            chips.push_back(turned ? sys.chip(off[0] + j, off[1] + i)
                                   : sys.chip(off[0] + i, off[1] + j));
    return chips;
}

}  // namespace

MeshShape system_mesh_shape() { return system_mesh().shape; }

// ---- devices ----

MeshDevice::MeshDevice(Token, const MeshShape& shape, std::vector<IDevice*> devices,
                       std::shared_ptr<MeshDevice> parent)
    : m_shape(shape), m_devices(std::move(devices)), m_parent(std::move(parent)) {
    m_cqs.push_back(std::make_unique<MeshCommandQueue>(*this, 0));
}

MeshDevice::~MeshDevice() {
    try {
        close();
    } catch (...) {  // a queued program failed while closing; nothing is left to report it to
    }
}

std::shared_ptr<MeshDevice> MeshDevice::create_unit_mesh(
    int device_id, size_t l1_small_size, size_t trace_region_size, size_t num_command_queues,
    const DispatchCoreConfig& dispatch_core_config, std::span<const uint32_t> l1_bank_remap,
    size_t worker_l1_size) {
    return create(MeshDeviceConfig(MeshShape(1, 1), std::nullopt, {device_id}), l1_small_size,
                  trace_region_size, num_command_queues, dispatch_core_config, l1_bank_remap,
                  worker_l1_size);
}

std::map<int, std::shared_ptr<MeshDevice>> MeshDevice::create_unit_meshes(
    const std::vector<int>& device_ids, size_t l1_small_size, size_t trace_region_size,
    size_t num_command_queues, const DispatchCoreConfig& dispatch_core_config,
    std::span<const uint32_t> l1_bank_remap, size_t worker_l1_size) {
    // If one device fails to open, the meshes made so far close as the map unwinds.
    std::map<int, std::shared_ptr<MeshDevice>> meshes;
    for (int id : device_ids)
        meshes[id] = create_unit_mesh(id, l1_small_size, trace_region_size, num_command_queues,
                                      dispatch_core_config, l1_bank_remap, worker_l1_size);
    return meshes;
}

std::shared_ptr<MeshDevice> MeshDevice::create(const MeshDeviceConfig& config, size_t l1_small_size,
                                               size_t trace_region_size, size_t num_command_queues,
                                               const DispatchCoreConfig& dispatch_core_config,
                                               std::span<const uint32_t> l1_bank_remap,
                                               size_t worker_l1_size) {
    // TT-Metal opens one or two hardware command queues. Each chip keeps one queue: tensim runs
    // the mesh queues' commands in issue order (MeshCommandQueue).
    if (num_command_queues < 1 || num_command_queues > 2)
        throw HostError(fmt::format("MeshDevice: {} command queues requested; a device has 1 or 2",
                                    num_command_queues));
    const std::vector<int> chips = map_chips(config);
    std::vector<IDevice*> devices;
    try {
        for (int id : chips)
            devices.push_back(CreateDevice(
                id, 1, l1_small_size, trace_region_size, dispatch_core_config,
                std::vector<uint32_t>(l1_bank_remap.begin(), l1_bank_remap.end()), worker_l1_size));
    } catch (...) {
        for (IDevice* d : devices) CloseDevice(d);  // a refused mesh leaves nothing open
        throw;
    }
    auto mesh =
        std::make_shared<MeshDevice>(Token{}, config.mesh_shape(), std::move(devices), nullptr);
    for (size_t q = 1; q < num_command_queues; ++q)
        mesh->m_cqs.push_back(std::make_unique<MeshCommandQueue>(*mesh, static_cast<uint32_t>(q)));
    mesh->m_trace_region_size = trace_region_size;
    return mesh;
}

bool MeshDevice::close() {
    if (!m_open) return true;
    m_open = false;
    if (m_parent) return true;  // the parent owns the chips
    // Every chip closes even when a queued program fails; the first failure is reported.
    std::exception_ptr failed;
    for (IDevice* d : m_devices) try {
            CloseDevice(d);
        } catch (...) {
            if (!failed) failed = std::current_exception();
        }
    if (failed) std::rethrow_exception(failed);
    return true;
}

bool MeshDevice::is_initialized() const {
    return m_open && (!m_parent || m_parent->is_initialized());
}

void MeshDevice::check_open() const {
    if (!m_open)
        throw HostError(
            fmt::format("MeshDevice: the {} mesh was closed", distributed::to_string(m_shape)));
    if (m_parent && !m_parent->is_initialized())
        throw HostError(fmt::format("MeshDevice: the parent of this {} submesh was closed",
                                    distributed::to_string(m_shape)));
}

IDevice& MeshDevice::reference() const { return *get_device(MeshCoordinate(0, 0)); }

MeshCommandQueue& MeshDevice::mesh_command_queue(std::optional<uint8_t> cq_id) const {
    if (cq_id && *cq_id >= m_cqs.size())
        throw HostError(
            fmt::format("mesh_command_queue({}): the mesh was opened with {} "
                        "command queue(s)",
                        *cq_id, m_cqs.size()));
    return *m_cqs[cq_id.value_or(0)];
}

IDevice* MeshDevice::get_device(const MeshCoordinate& coord) const {
    const size_t i = to_linear_index(m_shape, coord);
    check_open();
    return m_devices[i];
}

IDevice* MeshDevice::get_device(chip_id_t physical_device_id) const {
    check_open();
    for (IDevice* d : m_devices)
        if (d->id() == physical_device_id) return d;
    throw HostError(fmt::format("MeshDevice: chip {} is not in the {} mesh ({})",
                                physical_device_id, distributed::to_string(m_shape), to_string()));
}

std::vector<IDevice*> MeshDevice::get_devices() const {
    check_open();
    return m_devices;
}

std::vector<int> MeshDevice::get_device_ids() const {
    std::vector<int> ids;
    for (IDevice* d : get_devices()) ids.push_back(d->id());
    return ids;
}

bool MeshDevice::is_local(const MeshCoordinate& coord) const {
    to_linear_index(m_shape, coord);  // checks the coordinate
    return true;
}

std::string MeshDevice::to_string() const {
    std::string ids;
    for (IDevice* d : m_devices) ids += fmt::format("{}{}", ids.empty() ? "" : " ", d->id());
    return fmt::format("MeshDevice {} of chips [{}]", distributed::to_string(m_shape), ids);
}

std::shared_ptr<MeshDevice> MeshDevice::create_submesh(
    const MeshShape& submesh_shape, const std::optional<MeshCoordinate>& offset) {
    check_open();
    const MeshCoordinate o = offset.value_or(MeshCoordinate(0, 0));
    if (submesh_shape.mesh_size() == 0 || o[0] + submesh_shape[0] > m_shape[0] ||
        o[1] + submesh_shape[1] > m_shape[1])
        throw HostError(fmt::format("create_submesh: a {} submesh at {} does not fit the {} mesh",
                                    distributed::to_string(submesh_shape),
                                    distributed::to_string(o), distributed::to_string(m_shape)));
    std::vector<IDevice*> devices;
    for (uint32_t r = 0; r < submesh_shape[0]; ++r)
        for (uint32_t c = 0; c < submesh_shape[1]; ++c)
            devices.push_back(get_device(MeshCoordinate(o[0] + r, o[1] + c)));
    auto sub = std::make_shared<MeshDevice>(Token{}, submesh_shape, std::move(devices),
                                            shared_from_this());
    m_submeshes.push_back(sub);
    return sub;
}

std::vector<std::shared_ptr<MeshDevice>> MeshDevice::create_submeshes(const MeshShape& shape) {
    if (shape.mesh_size() == 0 || m_shape[0] % shape[0] || m_shape[1] % shape[1])
        throw HostError(fmt::format("create_submeshes: {} submeshes do not tile the {} mesh",
                                    distributed::to_string(shape),
                                    distributed::to_string(m_shape)));
    std::vector<std::shared_ptr<MeshDevice>> out;
    for (uint32_t r = 0; r < m_shape[0]; r += shape[0])
        for (uint32_t c = 0; c < m_shape[1]; c += shape[1])
            out.push_back(create_submesh(shape, MeshCoordinate(r, c)));
    return out;
}

std::vector<std::shared_ptr<MeshDevice>> MeshDevice::get_submeshes() const {
    std::vector<std::shared_ptr<MeshDevice>> out;
    for (const auto& w : m_submeshes)
        if (auto s = w.lock()) out.push_back(s);
    return out;
}

CommandQueue& MeshDevice::command_queue(size_t cq_id) {
    if (num_devices() != 1)
        throw HostError(fmt::format(
            "MeshDevice::command_queue: a {} mesh has one queue per chip; use mesh_command_queue() "
            "or get_device(coord)->command_queue()",
            distributed::to_string(m_shape)));
    return reference().command_queue(cq_id);
}
CoreCoord MeshDevice::compute_with_storage_grid_size() const {
    return reference().compute_with_storage_grid_size();
}
CoreCoord MeshDevice::logical_grid_size() const { return reference().logical_grid_size(); }
CoreCoord MeshDevice::worker_core_from_logical_core(const CoreCoord& logical_core) const {
    return reference().worker_core_from_logical_core(logical_core);
}
std::vector<CoreCoord> MeshDevice::worker_cores_from_logical_cores(
    const std::vector<CoreCoord>& cores) const {
    return reference().worker_cores_from_logical_cores(cores);
}
tt::ARCH MeshDevice::arch() const { return reference().arch(); }
chip_id_t MeshDevice::id() const { return reference().id(); }
uint32_t MeshDevice::num_dram_channels() const { return reference().num_dram_channels(); }
uint32_t MeshDevice::l1_size_per_core() const { return reference().l1_size_per_core(); }
DeviceAddr MeshDevice::dram_size_per_channel() const { return reference().dram_size_per_channel(); }
int MeshDevice::num_hw_cqs() const { return static_cast<int>(m_cqs.size()); }
// So that library code given a MeshDevice as an IDevice reaches chip (0, 0).
tensim::host::DeviceImpl& MeshDevice::impl() { return tensim::host::impl_of(reference()); }

}  // namespace tt::tt_metal::distributed

// ---- stats ----

namespace tensim {

const ProgramStats& last_program_stats(tt::tt_metal::distributed::MeshDevice* mesh) {
    using namespace tt::tt_metal::distributed;
    if (!mesh) throw HostError("last_program_stats: null mesh device");
    mesh->check_open();
    std::vector<MeshCoordinate> coords = mesh->m_last_workload;
    if (coords.empty())
        for (const auto& c : MeshCoordinateRange(mesh->shape())) coords.push_back(c);
    std::vector<const ProgramStats*> ran;
    for (const auto& c : coords) {
        const ProgramStats& s = last_program_stats(mesh->get_device(c));
        if (!s.kernels.empty()) ran.push_back(&s);
    }
    ProgramStats out;
    if (ran.empty()) return mesh->m_stats = out;
    uint64_t launch = std::numeric_limits<uint64_t>::max(), end = 0;
    for (const ProgramStats* s : ran) launch = std::min(launch, s->launch_cycle);
    std::set<std::string> names;
    for (const ProgramStats* s : ran) {
        if (s->launch_cycle + s->device_cycles >= end) {  // the chip that ends last bounds it
            end = s->launch_cycle + s->device_cycles;
            out.bound = s->bound;
            out.clock_mhz = s->clock_mhz;
        }
        const uint64_t shift = s->launch_cycle - launch;
        for (KernelRunStats k : s->kernels) {
            k.start_cycle += shift;
            k.end_cycle += shift;
            out.kernels.push_back(std::move(k));
        }
        out.compute.insert(out.compute.end(), s->compute.begin(), s->compute.end());
        if (names.insert(s->name).second) out.name += (out.name.empty() ? "" : "+") + s->name;
    }
    out.launch_cycle = launch;
    out.device_cycles = end - launch;
    out.device_time_us = out.clock_mhz > 0 ? double(out.device_cycles) / out.clock_mhz : 0;
    return mesh->m_stats = std::move(out);
}

}  // namespace tensim
