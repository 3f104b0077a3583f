// Mesh buffers (lock-step allocation over the chips, replicated and sharded layouts), mesh
// workloads, and the mesh queue's transfers. The shard walk follows tt-metal's
// MeshCommandQueueBase::write_sharded_buffer / read_sharded_buffer (mesh_command_queue_base.cpp).
#include <fmt/format.h>

#include <cstring>
#include <functional>

#include "common/error.hpp"
#include "host/device_impl.hpp"
#include "tensim/host/mesh.hpp"

namespace tt::tt_metal::distributed {

using tensim::HostError;

// ---- sharded layout ----

uint32_t ShardedBufferConfig::compute_datum_size_bytes() const {
    const uint64_t elems = uint64_t(global_buffer_shape.height()) * global_buffer_shape.width();
    return elems ? static_cast<uint32_t>(global_size / elems) : 0;
}

std::pair<bool, bool> ShardedBufferConfig::replicated_dims() const {
    return {shard_shape.height() == 0, shard_shape.width() == 0};
}

Shape2D ShardedBufferConfig::physical_shard_shape() const {
    return {shard_shape.height() ? shard_shape.height() : global_buffer_shape.height(),
            shard_shape.width() ? shard_shape.width() : global_buffer_shape.width()};
}

namespace {

std::string str(const Shape2D& s) { return fmt::format("{}x{}", s.height(), s.width()); }

// Checks a sharded config against the mesh (as tt-metal's validate_mesh_buffer_config) and returns
// one chip's bytes.
DeviceAddr sharded_local_size(const ShardedBufferConfig& c, const MeshDevice& mesh) {
    auto [gh, gw] = c.global_buffer_shape;
    auto [sh, sw] = c.physical_shard_shape();
    const uint64_t elems = uint64_t(gh) * gw;
    if (elems == 0 || c.global_size == 0 || c.global_size % elems)
        throw HostError(fmt::format(
            "MeshBuffer::create: global_size {} B is not a whole number of bytes per element of "
            "the {} global buffer",
            c.global_size, str(c.global_buffer_shape)));
    if (gh % sh || gw % sw)
        throw HostError(fmt::format(
            "MeshBuffer::create: shard shape {} does not divide the global buffer shape {}",
            str(c.physical_shard_shape()), str(c.global_buffer_shape)));
    uint64_t shards = (gh / sh) * (gw / sw);
    auto [hrep, wrep] = c.replicated_dims();
    if (hrep && wrep)
        shards *= mesh.num_devices();
    else if (hrep || wrep)  // each shard fills a mesh column (ROW_MAJOR) or a mesh row (COL_MAJOR)
        shards *=
            c.shard_orientation == ShardOrientation::ROW_MAJOR ? mesh.num_rows() : mesh.num_cols();
    if (shards > mesh.num_devices())
        throw HostError(fmt::format(
            "MeshBuffer::create: {} shards of {} (with replication) do not fit the {} chips of "
            "the {} mesh",
            shards, str(c.physical_shard_shape()), mesh.num_devices(), to_string(mesh.shape())));
    return DeviceAddr(c.compute_datum_size_bytes()) * sh * sw;
}

// Calls fn(shard_row, shard_col, chips) for each shard of a sharded buffer, in row-major shard
// order, with the chips it goes to: shards fill the mesh row by row (ROW_MAJOR) or column by
// column (COL_MAJOR); a shard replicated along an axis goes to a whole mesh column (ROW_MAJOR) or
// row (COL_MAJOR); one replicated along both goes everywhere.
void walk_shards(
    const MeshBuffer& b,
    const std::function<void(size_t, size_t, const std::vector<MeshCoordinate>&)>& fn) {
    const ShardedBufferConfig& c = b.global_shard_spec();
    const MeshShape& mesh = b.device()->shape();
    auto [gh, gw] = c.global_buffer_shape;
    auto [sh, sw] = c.physical_shard_shape();
    auto [hrep, wrep] = c.replicated_dims();
    const bool row_major = c.shard_orientation == ShardOrientation::ROW_MAJOR;
    uint32_t dr = 0, dc = 0;  // the next chip
    for (size_t y = 0; y < gh / sh; ++y)
        for (size_t x = 0; x < gw / sw; ++x) {
            std::vector<MeshCoordinate> to;
            if (hrep && wrep) {
                for (const auto& coord : MeshCoordinateRange(mesh)) to.push_back(coord);
            } else if (hrep || wrep) {
                if (row_major)
                    for (uint32_t r = 0; r < mesh[0]; ++r) to.emplace_back(r, dc);
                else
                    for (uint32_t col = 0; col < mesh[1]; ++col) to.emplace_back(dr, col);
                ++(row_major ? dc : dr);
            } else {
                to.emplace_back(dr, dc);
                if (row_major && ++dc == mesh[1]) dc = 0, ++dr;
                if (!row_major && ++dr == mesh[0]) dr = 0, ++dc;
            }
            fn(y, x, to);
        }
}

// Copies shard (y, x) between a row-major global buffer and a packed shard.
void copy_shard(const MeshBuffer& b, size_t y, size_t x, uint8_t* global, uint8_t* shard,
                bool to_shard) {
    const ShardedBufferConfig& c = b.global_shard_spec();
    const size_t d = c.compute_datum_size_bytes();
    auto [sh, sw] = c.physical_shard_shape();
    const size_t row_bytes = sw * d, stride = c.global_buffer_shape.width() * d;
    for (size_t i = 0; i < sh; ++i) {
        uint8_t* g = global + (y * sh + i) * stride + x * row_bytes;
        uint8_t* s = shard + i * row_bytes;
        std::memcpy(to_shard ? s : g, to_shard ? g : s, row_bytes);
    }
}

}  // namespace

// ---- buffers ----

MeshBuffer::MeshBuffer(Token, const MeshBufferConfig& config, const DeviceLocalBufferConfig& local,
                       MeshDevice* mesh_device, std::optional<DeviceAddr> address)
    : m_device(mesh_device), m_config(config), m_local(local) {
    if (!mesh_device) throw HostError("MeshBuffer::create: null mesh device");
    m_local_size = std::holds_alternative<ReplicatedBufferConfig>(config)
                       ? std::get<ReplicatedBufferConfig>(config).size
                       : sharded_local_size(std::get<ShardedBufferConfig>(config), *mesh_device);
    BufferConfig cfg{.device = nullptr,
                     .size = m_local_size,
                     .page_size = local.page_size,
                     .buffer_type = local.buffer_type};
    if (const auto& spec = local.sharding_args.shard_spec()) {
        // Sharded over each chip's cores. Every chip allocates the same way, so the addresses
        // agree; a chip whose allocator differs is refused rather than given another address.
        if (address)
            throw HostError("MeshBuffer::create: an address with sharding_args is not supported");
        for (IDevice* d : mesh_device->get_devices()) {
            m_buffers.push_back(CreateBuffer(tt::tt_metal::ShardedBufferConfig{
                d, m_local_size, local.page_size, local.buffer_type,
                local.sharding_args.buffer_layout(), *spec}));
            if (m_buffers.back()->address() != m_buffers.front()->address())
                throw HostError(fmt::format(
                    "MeshBuffer::create: the sharded buffer lands at 0x{:x} on chip {} but 0x{:x} "
                    "on chip {}: the chips' allocators differ",
                    m_buffers.back()->address(), d->id(), m_buffers.front()->address(),
                    mesh_device->get_devices().front()->id()));
        }
        m_address = m_buffers.front()->address();
        m_backing = m_buffers.front();  // owns chip (0, 0)'s shards, as for the lock-step case
    } else if (address) {
        for (IDevice* d : mesh_device->get_devices()) {
            cfg.device = d;
            m_buffers.push_back(CreateBuffer(cfg, *address));
        }
        m_address = static_cast<uint32_t>(*address);
    } else {
        allocate_lockstep(cfg);
    }
    m_allocated = true;
}

// TT-Metal's mesh allocator hands out one address for all chips. Here each chip has its own
// allocator: take chip (0, 0)'s address and reserve it on the others; when one of them has it in
// use, hold that address on chip (0, 0) and ask again, until an address is free everywhere.
void MeshBuffer::allocate_lockstep(const BufferConfig& base) {
    const std::vector<IDevice*> chips = m_device->get_devices();
    std::vector<std::shared_ptr<Buffer>> refused;  // held so chip (0, 0) offers the next address
    for (;;) {
        BufferConfig c0 = base;
        c0.device = chips[0];
        std::shared_ptr<Buffer> b;
        try {
            b = CreateBuffer(c0);
        } catch (const HostError& e) {
            if (refused.empty()) throw;
            throw HostError(fmt::format(
                "MeshBuffer::create: no address is free on every chip of the {} mesh for {} B "
                "per bank ({} addresses of chip {} are in use on another chip): {}",
                to_string(m_device->shape()), refused.front()->size_per_bank(), refused.size(),
                chips[0]->id(), e.what()));
        }
        std::vector<uint64_t> held;
        for (size_t i = 1; i < chips.size(); ++i) {
            auto& impl = tensim::host::impl_of(*chips[i]);
            if (!impl.allocator(base.buffer_type).allocate_at(b->address(), b->size_per_bank()))
                break;
            held.push_back(impl.serial());
        }
        if (held.size() + 1 == chips.size()) {
            m_address = b->address();
            m_backing = b;
            m_buffers.push_back(b);
            for (size_t i = 1; i < chips.size(); ++i) {
                BufferConfig ci = base;
                ci.device = chips[i];
                m_buffers.push_back(CreateBuffer(ci, m_address));
            }
            m_reserved = std::move(held);
            return;
        }
        for (uint64_t serial : held)
            tensim::host::find_device(serial)->allocator(base.buffer_type).free(b->address());
        refused.push_back(std::move(b));
    }
}

std::shared_ptr<MeshBuffer> MeshBuffer::create(const MeshBufferConfig& config,
                                               const DeviceLocalBufferConfig& device_local_config,
                                               MeshDevice* mesh_device,
                                               std::optional<DeviceAddr> address) {
    return std::make_shared<MeshBuffer>(Token{}, config, device_local_config, mesh_device, address);
}

MeshBuffer::~MeshBuffer() { deallocate(); }

void MeshBuffer::deallocate() {
    if (!m_allocated) return;
    // A chip that closed took its allocator with it.
    for (uint64_t serial : m_reserved)
        if (auto* d = tensim::host::find_device(serial))
            d->allocator(m_local.buffer_type).free(m_address);
    m_reserved.clear();
    for (auto& b : m_buffers) b->deallocate();
    m_allocated = false;
}

DeviceAddr MeshBuffer::size() const {
    return global_layout() == MeshBufferLayout::REPLICATED
               ? std::get<ReplicatedBufferConfig>(m_config).size
               : std::get<ShardedBufferConfig>(m_config).global_size;
}

MeshBufferLayout MeshBuffer::global_layout() const {
    return std::holds_alternative<ReplicatedBufferConfig>(m_config) ? MeshBufferLayout::REPLICATED
                                                                    : MeshBufferLayout::SHARDED;
}

const ShardedBufferConfig& MeshBuffer::global_shard_spec() const {
    if (global_layout() != MeshBufferLayout::SHARDED)
        throw HostError("MeshBuffer: a replicated buffer has no shard spec");
    return std::get<ShardedBufferConfig>(m_config);
}

Buffer* MeshBuffer::get_device_buffer(const MeshCoordinate& coord) const {
    return m_buffers[to_linear_index(m_device->shape(), coord)].get();
}

// ---- workloads ----

void MeshWorkload::add_program(const MeshCoordinateRange& device_range, Program&& program) {
    for (const auto& [range, p] : m_programs)
        if (range.intersects(device_range))
            throw HostError(fmt::format(
                "MeshWorkload::add_program: range {} overlaps the program already added on {}",
                to_string(device_range), to_string(range)));
    m_programs.emplace_back(device_range, std::move(program));
}

MeshWorkload CreateMeshWorkload() { return {}; }

void AddProgramToMeshWorkload(MeshWorkload& workload, Program&& program,
                              const MeshCoordinateRange& device_range) {
    workload.add_program(device_range, std::move(program));
}

void EnqueueMeshWorkload(MeshCommandQueue& cq, MeshWorkload& workload, bool blocking) {
    MeshDevice& mesh = *cq.device();
    mesh.check_open();
    if (auto trace = mesh.capturing_trace(cq.id())) {  // recorded, run at replay
        mesh.record_in_trace(*trace, workload);
        return;
    }
    const MeshCoordinateRange whole(mesh.shape());
    std::vector<MeshCoordinate> coords;
    for (const auto& [range, program] : workload.get_programs()) {
        if (!whole.contains(range))
            throw HostError(
                fmt::format("EnqueueMeshWorkload: program range {} lies outside the {} mesh",
                            to_string(range), to_string(mesh.shape())));
        for (const auto& c : range) coords.push_back(c);
    }
    // A program still queued on one of these chips runs first, so this workload starts together.
    for (const auto& c : coords)
        if (tensim::host::program_queued(tensim::host::impl_of(*mesh.get_device(c)))) {
            tensim::host::flush_programs();
            break;
        }
    try {
        for (auto& [range, program] : workload.get_programs())
            for (const auto& c : range)
                EnqueueProgram(mesh.get_device(c)->command_queue(), program, false);
    } catch (...) {
        // The programs queued before the failing one run now, so that nothing is left behind.
        try {
            tensim::host::flush_programs();
        } catch (...) {
        }
        throw;
    }
    mesh.m_last_workload = std::move(coords);
    if (blocking) tensim::host::flush_programs();
}

// ---- transfers ----

namespace detail_mesh {

namespace {

MeshBuffer& checked(MeshCommandQueue& cq, const std::shared_ptr<MeshBuffer>& buffer,
                    const char* call) {
    if (!buffer) throw HostError(fmt::format("{}: null mesh buffer", call));
    if (buffer->device() != cq.device())
        throw HostError(fmt::format(
            "{}: the buffer belongs to another mesh ({}), not to this queue's {} mesh", call,
            to_string(buffer->device()->shape()), to_string(cq.device()->shape())));
    if (!buffer->is_allocated())
        throw HostError(fmt::format("{}: the mesh buffer was deallocated", call));
    if (auto trace = cq.device()->capturing_trace(cq.id()))
        throw HostError(
            fmt::format("{}: command queue {} is capturing trace {}; only workloads "
                        "can be traced (as TT-Metal)",
                        call, cq.id(), **trace));
    return *buffer;
}

void write_chip(MeshCommandQueue& cq, MeshBuffer& b, const MeshCoordinate& c, const void* src) {
    IDevice* chip = cq.device()->get_device(c);
    EnqueueWriteBuffer(chip->command_queue(), std::ref(*b.get_device_buffer(c)), src, true);
}

void read_chip(MeshCommandQueue& cq, MeshBuffer& b, const MeshCoordinate& c, void* dst) {
    IDevice* chip = cq.device()->get_device(c);
    EnqueueReadBuffer(chip->command_queue(), std::ref(*b.get_device_buffer(c)), dst, true);
}

}  // namespace

void write_mesh_buffer(MeshCommandQueue& cq, const std::shared_ptr<MeshBuffer>& buffer,
                       const void* src, size_t bytes) {
    MeshBuffer& b = checked(cq, buffer, "EnqueueWriteMeshBuffer");
    // TT-Metal (at 9231910) copies the buffer's size from the host pointer whatever the vector
    // holds, reading past a short vector; tensim copies the vector and zeros the rest.
    std::vector<uint8_t> padded;
    if (bytes < b.size()) {
        padded.assign(b.size(), 0);
        std::memcpy(padded.data(), src, bytes);
        src = padded.data();
    }
    if (b.global_layout() == MeshBufferLayout::REPLICATED) {
        for (const auto& c : MeshCoordinateRange(cq.device()->shape())) write_chip(cq, b, c, src);
        return;
    }
    std::vector<uint8_t> shard(b.device_local_size());
    auto* global = const_cast<uint8_t*>(static_cast<const uint8_t*>(src));  // only read from
    walk_shards(b, [&](size_t y, size_t x, const std::vector<MeshCoordinate>& to) {
        copy_shard(b, y, x, global, shard.data(), true);
        for (const auto& c : to) write_chip(cq, b, c, shard.data());
    });
}

void read_mesh_buffer(MeshCommandQueue& cq, void* dst, const std::shared_ptr<MeshBuffer>& buffer) {
    MeshBuffer& b = checked(cq, buffer, "EnqueueReadMeshBuffer");
    const MeshDevice& mesh = *cq.device();
    if (b.global_layout() == MeshBufferLayout::REPLICATED) {
        if (mesh.num_devices() != 1)
            throw HostError(fmt::format(
                "EnqueueReadMeshBuffer: a replicated buffer on a {} mesh has a copy per chip; "
                "read one with ReadShard(cq, dst, buffer, coord)",
                to_string(mesh.shape())));
        read_chip(cq, b, MeshCoordinate(0, 0), dst);
        return;
    }
    auto [hrep, wrep] = b.replicated_dims();
    if (hrep || wrep)
        throw HostError(
            "EnqueueReadMeshBuffer: the buffer is replicated along a mesh axis; read its shards "
            "with ReadShard");
    std::vector<uint8_t> shard(b.device_local_size());
    walk_shards(b, [&](size_t y, size_t x, const std::vector<MeshCoordinate>& from) {
        read_chip(cq, b, from.at(0), shard.data());
        copy_shard(b, y, x, static_cast<uint8_t*>(dst), shard.data(), false);
    });
}

void write_shard(MeshCommandQueue& cq, const std::shared_ptr<MeshBuffer>& buffer, const void* src,
                 size_t bytes, const MeshCoordinate& coord) {
    MeshBuffer& b = checked(cq, buffer, "WriteShard");
    if (bytes < b.device_local_size())
        throw HostError(fmt::format("WriteShard: host data holds {} B but the shard is {} B", bytes,
                                    b.device_local_size()));
    write_chip(cq, b, coord, src);
}

void read_shard(MeshCommandQueue& cq, void* dst, const std::shared_ptr<MeshBuffer>& buffer,
                const MeshCoordinate& coord) {
    read_chip(cq, checked(cq, buffer, "ReadShard"), coord, dst);
}

DeviceAddr size_of(const std::shared_ptr<MeshBuffer>& buffer, bool local, const char* call) {
    if (!buffer) throw HostError(fmt::format("{}: null mesh buffer", call));
    return local ? buffer->device_local_size() : buffer->size();
}

}  // namespace detail_mesh

void Finish(MeshCommandQueue& cq, std::span<const SubDeviceId> /*sub_device_ids*/) {
    if (!cq.device()->is_initialized()) throw HostError("Finish: the mesh was closed");
    tensim::host::flush_programs();
}

}  // namespace tt::tt_metal::distributed
