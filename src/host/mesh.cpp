// Unit meshes: the [N] mesh API over one device opened with CreateDevice.
#include "tensim/host/mesh.hpp"

#include <fmt/format.h>

#include <functional>

#include "common/error.hpp"
#include "host/device_impl.hpp"

namespace tt::tt_metal::distributed {

using tensim::HostError;

namespace {

MeshCoordinate last_coord(const MeshShape& shape) {
    if (shape.mesh_size() == 0)
        throw HostError(fmt::format("MeshCoordinateRange: empty {}x{} shape", shape[0], shape[1]));
    return {shape[0] - 1, shape[1] - 1};
}

std::string str(const MeshCoordinate& c) { return fmt::format("({}, {})", c[0], c[1]); }

}  // namespace

// ---- coordinates ----

MeshCoordinateRange::MeshCoordinateRange(const MeshCoordinate& start, const MeshCoordinate& end)
    : m_start(start), m_end(end) {
    if (start[0] > end[0] || start[1] > end[1])
        throw HostError(
            fmt::format("MeshCoordinateRange: start {} lies past end {}", str(start), str(end)));
}

MeshCoordinateRange::MeshCoordinateRange(const MeshShape& shape)
    : MeshCoordinateRange({0, 0}, last_coord(shape)) {}

MeshShape MeshCoordinateRange::shape() const {
    return {m_end[0] - m_start[0] + 1, m_end[1] - m_start[1] + 1};
}

bool MeshCoordinateRange::contains(const MeshCoordinate& c) const {
    return c[0] >= m_start[0] && c[0] <= m_end[0] && c[1] >= m_start[1] && c[1] <= m_end[1];
}

bool MeshCoordinateRange::intersects(const MeshCoordinateRange& o) const {
    return m_start[0] <= o.m_end[0] && o.m_start[0] <= m_end[0] && m_start[1] <= o.m_end[1] &&
           o.m_start[1] <= m_end[1];
}

// ---- devices ----

MeshDevice::MeshDevice(Token, IDevice* device)
    : m_device(device), m_cq(std::make_unique<MeshCommandQueue>(*this, 0)) {}

MeshDevice::~MeshDevice() { close(); }

std::shared_ptr<MeshDevice> MeshDevice::create_unit_mesh(
    int device_id, size_t l1_small_size, size_t trace_region_size, size_t num_command_queues,
    const DispatchCoreConfig& dispatch_core_config, std::span<const uint32_t> l1_bank_remap,
    size_t worker_l1_size) {
    // Checked here because CreateDevice takes the count as uint8_t.
    if (num_command_queues != 1)
        throw HostError(
            fmt::format("create_unit_mesh({}): {} command queues requested; tensim has one",
                        device_id, num_command_queues));
    IDevice* device = CreateDevice(
        device_id, 1, l1_small_size, trace_region_size, dispatch_core_config,
        std::vector<uint32_t>(l1_bank_remap.begin(), l1_bank_remap.end()), worker_l1_size);
    return std::make_shared<MeshDevice>(Token{}, device);
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
    const MeshShape& s = config.mesh_shape();
    if (s != MeshShape(1, 1))
        throw HostError(fmt::format(
            "MeshDevice::create: a {}x{} mesh was requested; tensim models only 1x1 (unit) "
            "meshes",
            s[0], s[1]));
    return create_unit_mesh(0, l1_small_size, trace_region_size, num_command_queues,
                            dispatch_core_config, l1_bank_remap, worker_l1_size);
}

bool MeshDevice::close() {
    if (m_device) CloseDevice(m_device);
    m_device = nullptr;
    return true;
}

IDevice& MeshDevice::device() const {
    if (!m_device) throw HostError("MeshDevice: the mesh was closed");
    return *m_device;
}

MeshCommandQueue& MeshDevice::mesh_command_queue(std::optional<uint8_t> cq_id) const {
    if (cq_id && *cq_id != 0)
        throw HostError(
            fmt::format("mesh_command_queue({}): tensim has one command queue", *cq_id));
    return *m_cq;
}

IDevice* MeshDevice::get_device(const MeshCoordinate& coord) const {
    if (!MeshCoordinateRange(m_shape).contains(coord))
        throw HostError(fmt::format("MeshDevice: coordinate {} lies outside the {}x{} mesh",
                                    str(coord), m_shape[0], m_shape[1]));
    return &device();
}

std::vector<IDevice*> MeshDevice::get_devices() const { return {&device()}; }

CommandQueue& MeshDevice::command_queue(size_t cq_id) { return device().command_queue(cq_id); }
CoreCoord MeshDevice::compute_with_storage_grid_size() const {
    return device().compute_with_storage_grid_size();
}
CoreCoord MeshDevice::logical_grid_size() const { return device().logical_grid_size(); }
CoreCoord MeshDevice::worker_core_from_logical_core(const CoreCoord& logical_core) const {
    return device().worker_core_from_logical_core(logical_core);
}
std::vector<CoreCoord> MeshDevice::worker_cores_from_logical_cores(
    const std::vector<CoreCoord>& cores) const {
    return device().worker_cores_from_logical_cores(cores);
}
tt::ARCH MeshDevice::arch() const { return device().arch(); }
chip_id_t MeshDevice::id() const { return device().id(); }
uint32_t MeshDevice::num_dram_channels() const { return device().num_dram_channels(); }
uint32_t MeshDevice::l1_size_per_core() const { return device().l1_size_per_core(); }
DeviceAddr MeshDevice::dram_size_per_channel() const { return device().dram_size_per_channel(); }
int MeshDevice::num_hw_cqs() const { return device().num_hw_cqs(); }
// So tensim::last_program_stats and write_stats_json accept a MeshDevice*.
tensim::host::DeviceImpl& MeshDevice::impl() { return tensim::host::impl_of(device()); }

// ---- buffers ----

MeshBuffer::MeshBuffer(Token, const ReplicatedBufferConfig& global_config,
                       const DeviceLocalBufferConfig& device_local_config, MeshDevice* mesh_device,
                       std::optional<DeviceAddr> address)
    : m_device(mesh_device), m_global(global_config), m_local(device_local_config) {
    if (!mesh_device) throw HostError("MeshBuffer::create: null mesh device");
    // Owned by the chip's device, not the mesh, so it is freed from that device's allocator.
    BufferConfig cfg{.device = mesh_device->get_device({0, 0}),
                     .size = global_config.size,
                     .page_size = device_local_config.page_size,
                     .buffer_type = device_local_config.buffer_type};
    m_buffer = address ? CreateBuffer(cfg, *address) : CreateBuffer(cfg);
}

std::shared_ptr<MeshBuffer> MeshBuffer::create(const ReplicatedBufferConfig& global_config,
                                               const DeviceLocalBufferConfig& device_local_config,
                                               MeshDevice* mesh_device,
                                               std::optional<DeviceAddr> address) {
    return std::make_shared<MeshBuffer>(Token{}, global_config, device_local_config, mesh_device,
                                        address);
}

Buffer* MeshBuffer::get_device_buffer(const MeshCoordinate& coord) const {
    m_device->get_device(coord);  // checks the coordinate
    return m_buffer.get();
}

// ---- workloads ----

void MeshWorkload::add_program(const MeshCoordinateRange& device_range, Program&& program) {
    for (const auto& [range, p] : m_programs)
        if (range.intersects(device_range))
            throw HostError(fmt::format(
                "MeshWorkload::add_program: range {}-{} overlaps a program already added",
                str(device_range.start_coord()), str(device_range.end_coord())));
    m_programs.emplace_back(device_range, std::move(program));
}

// ---- commands ----

namespace detail_mesh {

namespace {
MeshBuffer& checked(MeshCommandQueue& cq, const std::shared_ptr<MeshBuffer>& buffer,
                    const char* call) {
    if (!buffer) throw HostError(fmt::format("{}: null mesh buffer", call));
    if (buffer->device() != cq.device())
        throw HostError(fmt::format("{}: the buffer belongs to another mesh", call));
    return *buffer;
}
}  // namespace

void write_shard(MeshCommandQueue& cq, const std::shared_ptr<MeshBuffer>& buffer, const void* src,
                 size_t bytes, const MeshCoordinate& coord, const char* call) {
    MeshBuffer& b = checked(cq, buffer, call);
    if (bytes < b.size())
        throw HostError(
            fmt::format("{}: host data holds {} B but the buffer is {} B", call, bytes, b.size()));
    IDevice* device = cq.device()->get_device(coord);
    EnqueueWriteBuffer(device->command_queue(), std::ref(*b.get_device_buffer(coord)), src, true);
}

void read_shard(MeshCommandQueue& cq, void* dst, const std::shared_ptr<MeshBuffer>& buffer,
                const MeshCoordinate& coord, const char* call) {
    MeshBuffer& b = checked(cq, buffer, call);
    IDevice* device = cq.device()->get_device(coord);
    EnqueueReadBuffer(device->command_queue(), std::ref(*b.get_device_buffer(coord)), dst, true);
}

DeviceAddr size_of(const std::shared_ptr<MeshBuffer>& buffer, const char* call) {
    if (!buffer) throw HostError(fmt::format("{}: null mesh buffer", call));
    return buffer->size();
}

}  // namespace detail_mesh

void EnqueueMeshWorkload(MeshCommandQueue& cq, MeshWorkload& workload, bool blocking) {
    MeshDevice& mesh = *cq.device();
    const MeshCoordinateRange whole(mesh.shape());
    for (auto& [range, program] : workload.get_programs()) {
        if (!whole.contains(range.start_coord()) || !whole.contains(range.end_coord()))
            throw HostError(
                fmt::format("EnqueueMeshWorkload: program range {}-{} lies outside the {}x{} mesh",
                            str(range.start_coord()), str(range.end_coord()), mesh.num_rows(),
                            mesh.num_cols()));
        // Queued on every device first, so that the devices' programs launch together.
        for (uint32_t r = range.start_coord()[0]; r <= range.end_coord()[0]; ++r)
            for (uint32_t c = range.start_coord()[1]; c <= range.end_coord()[1]; ++c)
                EnqueueProgram(mesh.get_device({r, c})->command_queue(), program, false);
    }
    if (blocking) tensim::host::flush_programs();
}

void Finish(MeshCommandQueue&) { tensim::host::flush_programs(); }

}  // namespace tt::tt_metal::distributed
