// The TT-Metalium [N] mesh (distributed) host API: MeshDevice, MeshBuffer, MeshWorkload and the
// mesh command queue (tt-metalium/{distributed,mesh_device,mesh_buffer,mesh_workload,
// mesh_command_queue}.hpp). A mesh is a rectangle of the simulated system's chips, each an IDevice
// from CreateDevice with its own command queue; a mesh shape maps onto the system's chip mesh as
// tt-metal's SystemMesh maps it (below). Mesh buffers are allocated in lock-step: the same address
// on every chip. A workload queues its programs on their chips and launches them together, at one
// cycle (launch.cpp): programs of different chips run concurrently. Transfers complete inside
// their Enqueue call, so `blocking` only decides whether queued programs launch first.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "tensim/host/buffer.hpp"
#include "tensim/host/device.hpp"
#include "tensim/host/mesh_coord.hpp"
#include "tensim/host/program.hpp"
#include "tensim/host/tensim.hpp"
#include "tensim/host/tensor_accessor_args.hpp"
#include "tensim/host/types.hpp"
#include "tt-metalium/sub_device.hpp"

namespace tt::tt_metal::distributed {
class MeshDevice;
class MeshWorkload;
class MeshCommandQueue;
class MeshEvent;
void EnqueueMeshWorkload(MeshCommandQueue& cq, MeshWorkload& workload, bool blocking);

// A captured trace (TT-Metalium mesh_trace_id.hpp, a strong type there: *id reads the value).
struct MeshTraceId {
    uint32_t id = 0;
    uint32_t operator*() const { return id; }
    bool operator==(const MeshTraceId&) const = default;
    auto operator<=>(const MeshTraceId&) const = default;
};
}  // namespace tt::tt_metal::distributed

namespace tensim {
// The last workload the mesh ran, as one program spanning its chips: launch_cycle is the earliest
// chip launch, device_cycles run from there to the last kernel's end on any chip, kernels and
// compute cores are every chip's (KernelRunStats::chip tells them apart; their cycles are relative
// to that launch), bound is the bound of the chip that ended last, name joins the programs'
// names. Before any workload, the same span over the chips' last programs. Per-chip stats:
// last_program_stats(mesh->get_device(coord)). Also reached through last_program_stats(IDevice*).
const ProgramStats& last_program_stats(tt::tt_metal::distributed::MeshDevice* mesh);
}  // namespace tensim

namespace tt::tt_metal::distributed {

// ---- devices (mesh_config.hpp, mesh_device.hpp, mesh_command_queue.hpp) ----

// A mesh command queue. tensim runs every queue's commands in the one order they are issued
// (docs/compat.md), so a command waits for everything issued before it on any queue: events order
// nothing that is not already ordered, and a trace replays on its queue like the commands it holds.
class MeshCommandQueue {
public:
    MeshCommandQueue(MeshDevice& device, uint32_t id) : m_device(device), m_id(id) {}
    MeshDevice* device() const { return &m_device; }
    uint32_t id() const { return m_id; }
    // An event after the commands issued so far, on the chips of device_range (default: all).
    MeshEvent enqueue_record_event(std::span<const SubDeviceId> sub_device_ids = {},
                                   const std::optional<MeshCoordinateRange>& device_range = {});
    MeshEvent enqueue_record_event_to_host(
        std::span<const SubDeviceId> sub_device_ids = {},
        const std::optional<MeshCoordinateRange>& device_range = {});
    // Later commands on this queue wait for the event (a HostError for another mesh's event).
    void enqueue_wait_for_event(const MeshEvent& sync_event);
    void finish(std::span<const SubDeviceId> sub_device_ids = {});

private:
    MeshDevice& m_device;
    uint32_t m_id;
};

// A mesh shape, where it starts in the system's mesh, or the chips to use (row-major).
class MeshDeviceConfig {
public:
    explicit MeshDeviceConfig(const MeshShape& mesh_shape,
                              std::optional<MeshCoordinate> offset = std::nullopt,
                              std::vector<chip_id_t> physical_device_ids = {})
        : m_shape(mesh_shape), m_offset(offset), m_ids(std::move(physical_device_ids)) {}
    const MeshShape& mesh_shape() const { return m_shape; }
    const std::optional<MeshCoordinate>& offset() const { return m_offset; }
    const std::vector<chip_id_t>& physical_device_ids() const { return m_ids; }

private:
    MeshShape m_shape;
    std::optional<MeshCoordinate> m_offset;
    std::vector<chip_id_t> m_ids;
};

// The system's chip mesh (SystemConfig). Which shapes it holds, as tt-metal's SystemMesh decides
// (system_mesh.cpp): a line (1xN or Nx1) of up to every chip, snaking row by row through the
// system's mesh; any other shape must fit in the system's mesh as it is or turned by 90 degrees
// (then mesh (r, c) is system (c, r)), at the config's offset.
MeshShape system_mesh_shape();

class MeshDevice : public IDevice, public std::enable_shared_from_this<MeshDevice> {
public:
    // Opens device `device_id` as a 1x1 mesh. The sizes are accepted for compatibility, except
    // that trace capture needs a trace region; one or two command queues (as TT-Metal).
    static std::shared_ptr<MeshDevice> create_unit_mesh(
        int device_id, size_t l1_small_size = 0, size_t trace_region_size = 0,
        size_t num_command_queues = 1, const DispatchCoreConfig& dispatch_core_config = {},
        std::span<const uint32_t> l1_bank_remap = {}, size_t worker_l1_size = 0);
    static std::map<int, std::shared_ptr<MeshDevice>> create_unit_meshes(
        const std::vector<int>& device_ids, size_t l1_small_size = 0, size_t trace_region_size = 0,
        size_t num_command_queues = 1, const DispatchCoreConfig& dispatch_core_config = {},
        std::span<const uint32_t> l1_bank_remap = {}, size_t worker_l1_size = 0);
    // Opens the chips of a mesh of the configured shape. A shape the system cannot hold, or a chip
    // already open, is a HostError and leaves nothing open.
    static std::shared_ptr<MeshDevice> create(
        const MeshDeviceConfig& config, size_t l1_small_size = 0, size_t trace_region_size = 0,
        size_t num_command_queues = 1, const DispatchCoreConfig& dispatch_core_config = {},
        std::span<const uint32_t> l1_bank_remap = {}, size_t worker_l1_size = 0);

    ~MeshDevice() override;
    MeshDevice(const MeshDevice&) = delete;
    MeshDevice& operator=(const MeshDevice&) = delete;

    // Closes the chips (a submesh only lets go of its parent's); later calls that need them are
    // HostErrors. Closing twice is harmless.
    bool close();
    const MeshShape& shape() const { return m_shape; }
    size_t num_rows() const { return m_shape[0]; }
    size_t num_cols() const { return m_shape[1]; }
    size_t num_devices() const { return m_shape.mesh_size(); }
    MeshCommandQueue& mesh_command_queue(std::optional<uint8_t> cq_id = std::nullopt) const;

    // The chips, each an IDevice with its own command queue and allocators.
    IDevice* get_device(const MeshCoordinate& coord) const;
    IDevice* get_device(size_t row, size_t col) const {
        return get_device(MeshCoordinate(static_cast<uint32_t>(row), static_cast<uint32_t>(col)));
    }
    IDevice* get_device(chip_id_t physical_device_id) const;
    std::vector<IDevice*> get_devices() const;  // row-major
    std::vector<int> get_device_ids() const;
    bool is_local(const MeshCoordinate& coord) const;  // true inside the mesh (one host)
    std::string to_string() const;

    // A mesh over a rectangle of this one's chips (at `offset`, default (0, 0)); it keeps this
    // mesh alive and closes no chips. create_submeshes tiles the whole mesh.
    std::shared_ptr<MeshDevice> create_submesh(const MeshShape& submesh_shape,
                                               const std::optional<MeshCoordinate>& offset = {});
    std::vector<std::shared_ptr<MeshDevice>> create_submeshes(const MeshShape& submesh_shape);
    std::vector<std::shared_ptr<MeshDevice>> get_submeshes() const;
    bool is_parent_mesh() const { return m_parent == nullptr; }

    // ---- sub-devices (sub_device.hpp): disjoint core sets of every chip of the mesh ----
    // A manager of sub-devices (cores inside the worker grid, no core in two) and the L1 size
    // TT-Metal reserves for their local allocations (accepted; tensim reserves none).
    SubDeviceManagerId create_sub_device_manager(std::initializer_list<SubDevice> sub_devices,
                                                 DeviceAddr local_l1_size);
    SubDeviceManagerId create_sub_device_manager(std::span<const SubDevice> sub_devices,
                                                 DeviceAddr local_l1_size);
    void load_sub_device_manager(SubDeviceManagerId id);
    void remove_sub_device_manager(SubDeviceManagerId id);  // not the loaded one
    void clear_loaded_sub_device_manager();                 // back to the default (all cores)
    SubDeviceManagerId get_active_sub_device_manager_id() const { return m_active_manager; }
    SubDeviceManagerId get_default_sub_device_manager_id() const { return {0}; }
    const std::vector<SubDeviceId>& get_sub_device_ids() const;
    uint32_t num_sub_devices() const;
    CoreRangeSet worker_cores(HalProgrammableCoreType core_type, SubDeviceId sub_device_id) const;
    uint32_t num_worker_cores(HalProgrammableCoreType core_type, SubDeviceId sub_device_id) const;
    const std::vector<SubDeviceId>& get_sub_device_stall_group() const;
    void set_sub_device_stall_group(std::span<const SubDeviceId> sub_device_ids);
    void reset_sub_device_stall_group();

    // ---- traces (BeginTraceCapture, distributed.hpp) ----
    // Between begin and end, EnqueueMeshWorkload on that queue records the workload instead of
    // running it, and buffer transfers on it are errors (as TT-Metal). Replay runs the recorded
    // workloads in order, with the runtime args they hold then; each must outlive the trace.
    MeshTraceId begin_mesh_trace(uint8_t cq_id);
    void begin_mesh_trace(uint8_t cq_id, const MeshTraceId& trace_id);
    void end_mesh_trace(uint8_t cq_id, const MeshTraceId& trace_id);
    void replay_mesh_trace(uint8_t cq_id, const MeshTraceId& trace_id, bool blocking);
    void release_mesh_trace(const MeshTraceId& trace_id);
    // The trace queue_id is capturing, if any (transfers and workloads ask).
    std::optional<MeshTraceId> capturing_trace(uint32_t cq_id) const;
    void record_in_trace(const MeshTraceId& trace_id, MeshWorkload& workload);

    // IDevice, answered by the chip at (0, 0): every chip of a mesh is the same architecture.
    // command_queue() exists on unit meshes only (use mesh_command_queue, or a chip's queue).
    CommandQueue& command_queue(size_t cq_id = 0) override;
    CoreCoord compute_with_storage_grid_size() const override;
    CoreCoord logical_grid_size() const override;
    CoreCoord worker_core_from_logical_core(const CoreCoord& logical_core) const override;
    std::vector<CoreCoord> worker_cores_from_logical_cores(
        const std::vector<CoreCoord>& cores) const override;
    tt::ARCH arch() const override;
    chip_id_t id() const override;  // the id of the chip at (0, 0)
    uint32_t num_dram_channels() const override;
    uint32_t l1_size_per_core() const override;
    DeviceAddr dram_size_per_channel() const override;
    int num_hw_cqs() const override;
    bool is_initialized() const override;

    struct Token {};  // made by the create functions only
    MeshDevice(Token, const MeshShape& shape, std::vector<IDevice*> devices,
               std::shared_ptr<MeshDevice> parent);

private:
    friend void EnqueueMeshWorkload(MeshCommandQueue&, MeshWorkload&, bool);
    friend const tensim::ProgramStats& tensim::last_program_stats(MeshDevice*);
    tensim::host::DeviceImpl& impl() override;
    IDevice& reference() const;  // the open chip at (0, 0), or a HostError
    void check_open() const;

    MeshShape m_shape;
    std::vector<IDevice*> m_devices;  // row-major; owned (closed by close()) unless a submesh
    std::shared_ptr<MeshDevice> m_parent;
    std::vector<std::weak_ptr<MeshDevice>> m_submeshes;
    bool m_open = true;
    std::vector<std::unique_ptr<MeshCommandQueue>> m_cqs;
    size_t m_trace_region_size = 0;
    struct Trace {
        uint8_t cq_id = 0;
        bool complete = false;
        std::vector<MeshWorkload*> workloads;
    };
    std::map<uint32_t, Trace> m_traces;
    std::map<uint32_t, uint32_t> m_capturing;  // cq id -> trace id
    uint32_t m_next_trace = 0;
    std::map<uint64_t, std::vector<std::vector<CoreRangeSet>>> m_managers;  // per sub-device
    SubDeviceManagerId m_active_manager{0};
    uint64_t m_next_manager = 1;
    std::vector<SubDeviceId> m_sub_device_ids{SubDeviceId{0}};
    std::vector<SubDeviceId> m_stall_group{SubDeviceId{0}};
    friend class MeshCommandQueue;
    uint32_t m_next_event = 0;
    std::vector<MeshCoordinate> m_last_workload;  // chips of the last workload, for its stats
    tensim::ProgramStats m_stats;
};

// ---- buffers (mesh_buffer.hpp) ----

struct DeviceLocalBufferConfig {
    DeviceAddr page_size = 0;
    BufferType buffer_type = BufferType::DRAM;
    BufferShardingArgs sharding_args;
    std::optional<bool> bottom_up;  // allocation direction; tensim's allocator chooses its own
    std::optional<SubDeviceId> sub_device_id;  // accepted; tensim has one sub-device
};

// The same buffer of `size` bytes on every device of the mesh.
struct ReplicatedBufferConfig {
    DeviceAddr size = 0;
};

// A global 2-D buffer (global_buffer_shape elements of global_size / (height x width) bytes each)
// cut into shards of shard_shape; shards go to the chips in row-major shard order, filling mesh
// rows (ROW_MAJOR) or columns (COL_MAJOR). A shard dimension of 0 spans the global one and
// replicates each shard along the other mesh axis (both 0: every chip holds the whole buffer).
struct ShardedBufferConfig {
    DeviceAddr global_size = 0;
    Shape2D global_buffer_shape = {0, 0};
    Shape2D shard_shape = {0, 0};
    ShardOrientation shard_orientation = ShardOrientation::ROW_MAJOR;

    uint32_t compute_datum_size_bytes() const;
    std::pair<bool, bool> replicated_dims() const;  // {height, width} replicated
    Shape2D physical_shard_shape() const;           // zeros replaced by the global dims
};

enum class MeshBufferLayout : uint8_t { REPLICATED, SHARDED };
using MeshBufferConfig = std::variant<ReplicatedBufferConfig, ShardedBufferConfig>;

class MeshBuffer {
public:
    // One device buffer per chip, at the same address on every chip: the address chip (0, 0)'s
    // allocator gives, if free on every other chip, else the next one that is (a HostError when
    // none is). With `address`, views at that address on every chip (nothing is allocated).
    static std::shared_ptr<MeshBuffer> create(const MeshBufferConfig& config,
                                              const DeviceLocalBufferConfig& device_local_config,
                                              MeshDevice* mesh_device,
                                              std::optional<DeviceAddr> address = std::nullopt);
    ~MeshBuffer();
    MeshBuffer(const MeshBuffer&) = delete;
    MeshBuffer& operator=(const MeshBuffer&) = delete;

    // 32-bit like Buffer::address(), so it goes into runtime args without a cast.
    uint32_t address() const { return m_address; }
    DeviceAddr size() const;  // the global size
    DeviceAddr device_local_size() const { return m_local_size; }
    DeviceAddr page_size() const { return m_local.page_size; }
    uint32_t num_pages() const { return static_cast<uint32_t>(m_local_size / m_local.page_size); }
    MeshDevice* device() const { return m_device; }
    const DeviceLocalBufferConfig& device_local_config() const { return m_local; }
    const MeshBufferConfig& global_config() const { return m_config; }
    MeshBufferLayout global_layout() const;
    const ShardedBufferConfig& global_shard_spec() const;  // sharded buffers only
    uint32_t datum_size_bytes() const { return global_shard_spec().compute_datum_size_bytes(); }
    Shape2D physical_shard_shape() const { return global_shard_spec().physical_shard_shape(); }
    std::pair<bool, bool> replicated_dims() const { return global_shard_spec().replicated_dims(); }
    bool is_allocated() const { return m_allocated; }
    void deallocate();

    // The chip's buffer at `coord` (same address everywhere). The backing buffer owns chip
    // (0, 0)'s allocation (null when created at an address); the reference buffer is chip (0, 0)'s.
    Buffer* get_device_buffer(const MeshCoordinate& coord) const;
    Buffer* get_backing_buffer() const { return m_backing.get(); }
    Buffer* get_reference_buffer() const { return m_buffers.at(0).get(); }

    struct Token {};  // made by create only
    MeshBuffer(Token, const MeshBufferConfig& config, const DeviceLocalBufferConfig& local,
               MeshDevice* mesh_device, std::optional<DeviceAddr> address);

private:
    void allocate_lockstep(const BufferConfig& cfg);

    MeshDevice* m_device;
    MeshBufferConfig m_config;
    DeviceLocalBufferConfig m_local;
    DeviceAddr m_local_size = 0;
    uint32_t m_address = 0;
    bool m_allocated = false;
    std::shared_ptr<Buffer> m_backing;               // owns chip (0, 0)'s allocation
    std::vector<std::shared_ptr<Buffer>> m_buffers;  // row-major over the mesh
    std::vector<uint64_t> m_reserved;  // serials of the other chips whose allocators hold it
};

// ---- workloads (mesh_workload.hpp) ----

// Programs, each bound to the range of mesh coordinates it runs on (ranges may not overlap).
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

MeshWorkload CreateMeshWorkload();
void AddProgramToMeshWorkload(MeshWorkload& workload, Program&& program,
                              const MeshCoordinateRange& device_range);

// ---- commands (distributed.hpp) ----

namespace detail_mesh {
// Untyped cores of the templates below; they check the queue, buffer, coordinate and sizes.
void write_mesh_buffer(MeshCommandQueue& cq, const std::shared_ptr<MeshBuffer>& buffer,
                       const void* src, size_t bytes);
void read_mesh_buffer(MeshCommandQueue& cq, void* dst, const std::shared_ptr<MeshBuffer>& buffer);
void write_shard(MeshCommandQueue& cq, const std::shared_ptr<MeshBuffer>& buffer, const void* src,
                 size_t bytes, const MeshCoordinate& coord);
void read_shard(MeshCommandQueue& cq, void* dst, const std::shared_ptr<MeshBuffer>& buffer,
                const MeshCoordinate& coord);
// The buffer's global size, or with `local` one chip's size; a HostError for a null buffer.
DeviceAddr size_of(const std::shared_ptr<MeshBuffer>& buffer, bool local, const char* call);
}  // namespace detail_mesh

// Launches each program on every chip of its range, all at the same cycle (programs already
// queued on those chips run first); `blocking` waits for them.
void EnqueueMeshWorkload(MeshCommandQueue& cq, MeshWorkload& workload, bool blocking);

// Replicated: the first size() bytes of src to every chip. Sharded: the global buffer in src
// (row-major, global_buffer_shape) cut into shards, each sent to its chip(s). src must hold at
// least size() bytes.
template <typename T>
void EnqueueWriteMeshBuffer(MeshCommandQueue& cq, const std::shared_ptr<MeshBuffer>& buffer,
                            const std::vector<T>& src, bool /*blocking*/ = false) {
    detail_mesh::write_mesh_buffer(cq, buffer, src.data(), src.size() * sizeof(T));
}

// Sharded: assembles the global buffer from the chips' shards (not for buffers replicated along
// an axis). Replicated: reads the copy of a unit mesh; on larger meshes use ReadShard, as
// tt-metal requires. dst is resized to size() bytes.
template <typename T>
void EnqueueReadMeshBuffer(MeshCommandQueue& cq, std::vector<T>& dst,
                           const std::shared_ptr<MeshBuffer>& buffer, bool /*blocking*/ = true) {
    dst.resize((detail_mesh::size_of(buffer, false, "EnqueueReadMeshBuffer") + sizeof(T) - 1) /
               sizeof(T));
    detail_mesh::read_mesh_buffer(cq, dst.data(), buffer);
}

// One chip's buffer (device_local_size() bytes) from / into a host vector.
template <typename T>
void WriteShard(MeshCommandQueue& cq, const std::shared_ptr<MeshBuffer>& buffer,
                const std::vector<T>& src, const MeshCoordinate& coord, bool /*blocking*/ = false) {
    detail_mesh::write_shard(cq, buffer, src.data(), src.size() * sizeof(T), coord);
}

template <typename T>
void ReadShard(MeshCommandQueue& cq, std::vector<T>& dst, const std::shared_ptr<MeshBuffer>& buffer,
               const MeshCoordinate& coord, bool /*blocking*/ = true) {
    dst.resize((detail_mesh::size_of(buffer, true, "ReadShard") + sizeof(T) - 1) / sizeof(T));
    detail_mesh::read_shard(cq, dst.data(), buffer, coord);
}

// Runs every queued program (of every chip) to its end.
void Finish(MeshCommandQueue& cq, std::span<const SubDeviceId> sub_device_ids = {});

// ---- events (mesh_event.hpp) and traces ----

class MeshEvent {
public:
    MeshEvent(uint32_t id, MeshDevice* device, uint32_t mesh_cq_id,
              const MeshCoordinateRange& device_range)
        : m_id(id), m_device(device), m_cq_id(mesh_cq_id), m_range(device_range) {}
    uint32_t id() const { return m_id; }
    MeshDevice* device() const { return m_device; }
    uint32_t mesh_cq_id() const { return m_cq_id; }
    const MeshCoordinateRange& device_range() const { return m_range; }

private:
    uint32_t m_id;
    MeshDevice* m_device;
    uint32_t m_cq_id;
    MeshCoordinateRange m_range;
};

// The host waits until the event's queue has run everything before it (tensim: the queued
// programs run to their end). EventQuery is then always true.
void EventSynchronize(const MeshEvent& event);
bool EventQuery(const MeshEvent& event);
MeshTraceId BeginTraceCapture(MeshDevice* device, uint8_t cq_id);
void Synchronize(MeshDevice* device, std::optional<uint8_t> cq_id,
                 std::span<const SubDeviceId> sub_device_ids = {});

}  // namespace tt::tt_metal::distributed
