// The TT-Metalium [N] mesh (distributed) host API: MeshDevice, MeshBuffer, MeshWorkload and the
// mesh command queue (tt-metalium/{distributed,mesh_device,mesh_buffer,mesh_workload,mesh_coord,
// mesh_command_queue}.hpp). Only unit (1x1) meshes are modelled: a mesh is one device from
// CreateDevice plus one queue, and every mesh call forwards to the single-device API. Commands
// complete inside their Enqueue call, so `blocking` makes no difference and Finish has nothing to
// do.
#pragma once
#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "tensim/host/buffer.hpp"
#include "tensim/host/device.hpp"
#include "tensim/host/program.hpp"
#include "tensim/host/tensor_accessor_args.hpp"
#include "tensim/host/types.hpp"

namespace tt::tt_metal::distributed {

// ---- coordinates (mesh_coord.hpp) ----

class MeshShape {
public:
    MeshShape(uint32_t num_rows, uint32_t num_cols) : m_dims{num_rows, num_cols} {}
    size_t dims() const { return 2; }
    uint32_t operator[](size_t dim) const { return m_dims.at(dim); }
    size_t mesh_size() const { return size_t{m_dims[0]} * m_dims[1]; }
    friend bool operator==(const MeshShape&, const MeshShape&) = default;

private:
    std::array<uint32_t, 2> m_dims;
};

class MeshCoordinate {
public:
    MeshCoordinate(uint32_t row, uint32_t col) : m_coords{row, col} {}
    size_t dims() const { return 2; }
    uint32_t operator[](size_t dim) const { return m_coords.at(dim); }
    std::span<const uint32_t> coords() const { return m_coords; }
    friend bool operator==(const MeshCoordinate&, const MeshCoordinate&) = default;
    friend auto operator<=>(const MeshCoordinate&, const MeshCoordinate&) = default;

private:
    std::array<uint32_t, 2> m_coords;
};

// An inclusive rectangle of mesh coordinates.
class MeshCoordinateRange {
public:
    MeshCoordinateRange(const MeshCoordinate& start, const MeshCoordinate& end);
    explicit MeshCoordinateRange(const MeshShape& shape);  // the whole mesh
    const MeshCoordinate& start_coord() const { return m_start; }
    const MeshCoordinate& end_coord() const { return m_end; }
    MeshShape shape() const;
    bool contains(const MeshCoordinate& coord) const;
    bool intersects(const MeshCoordinateRange& other) const;
    friend bool operator==(const MeshCoordinateRange&, const MeshCoordinateRange&) = default;

private:
    MeshCoordinate m_start, m_end;
};

// ---- devices (mesh_device.hpp, mesh_command_queue.hpp) ----

class MeshDevice;

class MeshCommandQueue {
public:
    MeshCommandQueue(MeshDevice& device, uint32_t id) : m_device(device), m_id(id) {}
    MeshDevice* device() const { return &m_device; }
    uint32_t id() const { return m_id; }

private:
    MeshDevice& m_device;
    uint32_t m_id;
};

class MeshDeviceConfig {
public:
    explicit MeshDeviceConfig(const MeshShape& mesh_shape) : m_shape(mesh_shape) {}
    const MeshShape& mesh_shape() const { return m_shape; }

private:
    MeshShape m_shape;
};

class MeshDevice : public IDevice {
public:
    // Opens device `device_id` as a 1x1 mesh. The sizes are accepted for compatibility; as with
    // CreateDevice, only one command queue exists.
    static std::shared_ptr<MeshDevice> create_unit_mesh(
        int device_id, size_t l1_small_size = 0, size_t trace_region_size = 0,
        size_t num_command_queues = 1, const DispatchCoreConfig& dispatch_core_config = {},
        std::span<const uint32_t> l1_bank_remap = {}, size_t worker_l1_size = 0);
    static std::map<int, std::shared_ptr<MeshDevice>> create_unit_meshes(
        const std::vector<int>& device_ids, size_t l1_small_size = 0, size_t trace_region_size = 0,
        size_t num_command_queues = 1, const DispatchCoreConfig& dispatch_core_config = {},
        std::span<const uint32_t> l1_bank_remap = {}, size_t worker_l1_size = 0);
    // A mesh of the configured shape over devices 0.. ; only 1x1 is modelled.
    static std::shared_ptr<MeshDevice> create(
        const MeshDeviceConfig& config, size_t l1_small_size = 0, size_t trace_region_size = 0,
        size_t num_command_queues = 1, const DispatchCoreConfig& dispatch_core_config = {},
        std::span<const uint32_t> l1_bank_remap = {}, size_t worker_l1_size = 0);

    ~MeshDevice() override;
    MeshDevice(const MeshDevice&) = delete;
    MeshDevice& operator=(const MeshDevice&) = delete;

    // Closes the device; later calls that need it are HostErrors. Closing twice is harmless.
    bool close();
    const MeshShape& shape() const { return m_shape; }
    size_t num_rows() const { return m_shape[0]; }
    size_t num_cols() const { return m_shape[1]; }
    size_t num_devices() const { return m_shape.mesh_size(); }
    MeshCommandQueue& mesh_command_queue(std::optional<uint8_t> cq_id = std::nullopt) const;
    IDevice* get_device(const MeshCoordinate& coord) const;
    std::vector<IDevice*> get_devices() const;

    // IDevice, forwarded to the device at (0, 0).
    CommandQueue& command_queue(size_t cq_id = 0) override;
    CoreCoord compute_with_storage_grid_size() const override;
    CoreCoord logical_grid_size() const override;
    CoreCoord worker_core_from_logical_core(const CoreCoord& logical_core) const override;
    std::vector<CoreCoord> worker_cores_from_logical_cores(
        const std::vector<CoreCoord>& cores) const override;
    tt::ARCH arch() const override;
    chip_id_t id() const override;
    uint32_t num_dram_channels() const override;
    uint32_t l1_size_per_core() const override;
    DeviceAddr dram_size_per_channel() const override;
    int num_hw_cqs() const override;
    bool is_initialized() const override { return m_device != nullptr; }

    struct Token {};  // made by the create functions only
    MeshDevice(Token, IDevice* device);

private:
    tensim::host::DeviceImpl& impl() override;
    IDevice& device() const;  // the open device, or a HostError

    IDevice* m_device;
    MeshShape m_shape{1, 1};
    std::unique_ptr<MeshCommandQueue> m_cq;
};

// ---- buffers (mesh_buffer.hpp) ----

struct DeviceLocalBufferConfig {
    DeviceAddr page_size = 0;
    BufferType buffer_type = BufferType::DRAM;
    std::optional<bool> bottom_up;  // allocation direction; tensim's allocator chooses its own
};

// The same buffer of `size` bytes on every device of the mesh.
struct ReplicatedBufferConfig {
    DeviceAddr size = 0;
};

class MeshBuffer {
public:
    static std::shared_ptr<MeshBuffer> create(const ReplicatedBufferConfig& global_config,
                                              const DeviceLocalBufferConfig& device_local_config,
                                              MeshDevice* mesh_device,
                                              std::optional<DeviceAddr> address = std::nullopt);

    // 32-bit like Buffer::address(), so it goes into runtime args without a cast.
    uint32_t address() const { return m_buffer->address(); }
    DeviceAddr size() const { return m_global.size; }
    DeviceAddr page_size() const { return m_local.page_size; }
    MeshDevice* device() const { return m_device; }
    const DeviceLocalBufferConfig& device_local_config() const { return m_local; }
    const ReplicatedBufferConfig& global_config() const { return m_global; }
    bool is_allocated() const { return m_buffer->is_allocated(); }
    void deallocate() { m_buffer->deallocate(); }

    // The per-device buffers; on a unit mesh all three are the same buffer.
    Buffer* get_backing_buffer() const { return m_buffer.get(); }
    Buffer* get_reference_buffer() const { return m_buffer.get(); }
    Buffer* get_device_buffer(const MeshCoordinate& coord) const;

    struct Token {};  // made by create only
    MeshBuffer(Token, const ReplicatedBufferConfig& global_config,
               const DeviceLocalBufferConfig& device_local_config, MeshDevice* mesh_device,
               std::optional<DeviceAddr> address);

private:
    MeshDevice* m_device;
    ReplicatedBufferConfig m_global;
    DeviceLocalBufferConfig m_local;
    std::shared_ptr<Buffer> m_buffer;
};

// ---- workloads (mesh_workload.hpp) ----

// Programs, each bound to the range of mesh coordinates it runs on.
class MeshWorkload {
public:
    void add_program(const MeshCoordinateRange& device_range, Program&& program);
    std::vector<std::pair<MeshCoordinateRange, Program>>& get_programs() { return m_programs; }
    const std::vector<std::pair<MeshCoordinateRange, Program>>& get_programs() const {
        return m_programs;
    }

private:
    std::vector<std::pair<MeshCoordinateRange, Program>> m_programs;
};

// ---- commands (distributed.hpp) ----

namespace detail_mesh {
// Untyped cores of the templates below; they check the queue, buffer, coordinate and sizes.
void write_shard(MeshCommandQueue& cq, const std::shared_ptr<MeshBuffer>& buffer, const void* src,
                 size_t bytes, const MeshCoordinate& coord, const char* call);
void read_shard(MeshCommandQueue& cq, void* dst, const std::shared_ptr<MeshBuffer>& buffer,
                const MeshCoordinate& coord, const char* call);
DeviceAddr size_of(const std::shared_ptr<MeshBuffer>& buffer, const char* call);
}  // namespace detail_mesh

// Runs each program on every device of its range, in the order they were added.
void EnqueueMeshWorkload(MeshCommandQueue& cq, MeshWorkload& workload, bool blocking);

// Writes the whole host vector (at least the buffer's size) to the buffer on every device.
template <typename T>
void EnqueueWriteMeshBuffer(MeshCommandQueue& cq, const std::shared_ptr<MeshBuffer>& buffer,
                            const std::vector<T>& src, bool /*blocking*/ = false) {
    auto* mesh = cq.device();
    for (uint32_t r = 0; r < mesh->num_rows(); ++r)
        for (uint32_t c = 0; c < mesh->num_cols(); ++c)
            detail_mesh::write_shard(cq, buffer, src.data(), src.size() * sizeof(T),
                                     MeshCoordinate(r, c), "EnqueueWriteMeshBuffer");
}

// Reads a replicated buffer (from device (0, 0); the copies are equal) into dst, resized to fit.
template <typename T>
void EnqueueReadMeshBuffer(MeshCommandQueue& cq, std::vector<T>& dst,
                           const std::shared_ptr<MeshBuffer>& buffer, bool /*blocking*/ = true) {
    dst.resize((detail_mesh::size_of(buffer, "EnqueueReadMeshBuffer") + sizeof(T) - 1) / sizeof(T));
    detail_mesh::read_shard(cq, dst.data(), buffer, MeshCoordinate(0, 0), "EnqueueReadMeshBuffer");
}

template <typename T>
void WriteShard(MeshCommandQueue& cq, const std::shared_ptr<MeshBuffer>& buffer,
                const std::vector<T>& src, const MeshCoordinate& coord, bool /*blocking*/ = false) {
    detail_mesh::write_shard(cq, buffer, src.data(), src.size() * sizeof(T), coord, "WriteShard");
}

template <typename T>
void ReadShard(MeshCommandQueue& cq, std::vector<T>& dst, const std::shared_ptr<MeshBuffer>& buffer,
               const MeshCoordinate& coord, bool /*blocking*/ = true) {
    dst.resize((detail_mesh::size_of(buffer, "ReadShard") + sizeof(T) - 1) / sizeof(T));
    detail_mesh::read_shard(cq, dst.data(), buffer, coord, "ReadShard");
}

void Finish(MeshCommandQueue& cq);

}  // namespace tt::tt_metal::distributed
