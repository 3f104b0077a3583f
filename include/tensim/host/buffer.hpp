// Device buffers (TT-Metalium buffer.hpp): DRAM or L1, interleaved page by page over the banks
// (DRAM channels, or the worker cores' L1), or sharded: whole shards of a 2D page grid on the cores
// (or DRAM banks) of a shard grid. Same address in every bank either way.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "tensim/host/core_coord.hpp"
#include "tensim/host/types.hpp"

namespace tt::tt_metal {

class IDevice;

struct BufferConfig {
    IDevice* device = nullptr;
    DeviceAddr size = 0;
    DeviceAddr page_size = 0;
    BufferType buffer_type = BufferType::DRAM;
    TensorMemoryLayout buffer_layout = TensorMemoryLayout::INTERLEAVED;
};
using InterleavedBufferConfig = BufferConfig;

// How a sharded buffer's pages are cut (TT-Metalium ShardSpecBuffer). Shapes are in elements; the
// tensor is tensor2d_shape_in_pages pages, each page page_shape elements.
struct ShardSpec {
    CoreRangeSet grid;
    std::array<uint32_t, 2> shape = {0, 0};
    ShardOrientation orientation = ShardOrientation::ROW_MAJOR;
    ShardSpec(const CoreRangeSet& g, const std::array<uint32_t, 2>& s,
              ShardOrientation o = ShardOrientation::ROW_MAJOR)
        : grid(g), shape(s), orientation(o) {}
    uint32_t num_cores() const { return static_cast<uint32_t>(grid.num_cores()); }
};

struct ShardSpecBuffer {
    ShardSpec tensor_shard_spec;
    std::array<uint32_t, 2> page_shape = {32, 32};
    std::array<uint32_t, 2> tensor2d_shape_in_pages = {0, 0};
    ShardSpecBuffer(const CoreRangeSet& core_sets, const std::array<uint32_t, 2>& shard_shape,
                    ShardOrientation shard_orientation, const std::array<uint32_t, 2>& page_shape_,
                    const std::array<uint32_t, 2>& tensor2d_shape_in_pages_)
        : tensor_shard_spec(core_sets, shard_shape, shard_orientation),
          page_shape(page_shape_),
          tensor2d_shape_in_pages(tensor2d_shape_in_pages_) {}
    ShardSpecBuffer(const ShardSpec& spec, const std::array<uint32_t, 2>& page_shape_,
                    const std::array<uint32_t, 2>& tensor2d_shape_in_pages_)
        : tensor_shard_spec(spec),
          page_shape(page_shape_),
          tensor2d_shape_in_pages(tensor2d_shape_in_pages_) {}
    const CoreRangeSet& grid() const { return tensor_shard_spec.grid; }
    const std::array<uint32_t, 2>& shape() const { return tensor_shard_spec.shape; }
    ShardOrientation orientation() const { return tensor_shard_spec.orientation; }
    // Pages per shard, rows x columns.
    std::array<uint32_t, 2> shape_in_pages() const {
        return {shape()[0] / page_shape[0], shape()[1] / page_shape[1]};
    }
    uint32_t num_pages() const { return shape_in_pages()[0] * shape_in_pages()[1]; }
};

struct ShardedBufferConfig {
    IDevice* device = nullptr;
    DeviceAddr size = 0;
    DeviceAddr page_size = 0;
    BufferType buffer_type = BufferType::L1;
    TensorMemoryLayout buffer_layout = TensorMemoryLayout::HEIGHT_SHARDED;
    ShardSpecBuffer shard_parameters;
};

class Buffer {
public:
    ~Buffer();
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;

    IDevice* device() const { return m_device; }
    uint32_t address() const { return static_cast<uint32_t>(m_address); }
    DeviceAddr size() const { return m_size; }
    DeviceAddr page_size() const { return m_page_size; }
    uint32_t num_pages() const {
        return static_cast<uint32_t>(m_page_size ? (m_size + m_page_size - 1) / m_page_size : 0);
    }
    DeviceAddr aligned_page_size() const { return m_aligned_page_size; }
    BufferType buffer_type() const { return m_type; }
    TensorMemoryLayout buffer_layout() const { return m_layout; }
    bool is_dram() const { return m_type == BufferType::DRAM; }
    bool is_l1() const { return m_type == BufferType::L1 || m_type == BufferType::L1_SMALL; }
    bool is_allocated() const { return m_allocated; }
    uint32_t num_banks() const { return m_num_banks; }
    bool is_sharded() const { return m_shard.has_value(); }
    const std::optional<ShardSpecBuffer>& shard_spec() const { return m_shard; }
    // tensim: where page `page` lives: {bank, bank-local address}. A bank is a DRAM bank, or a
    // worker core's index in the logical grid (row-major). Interleaved and sharded alike.
    std::pair<uint32_t, DeviceAddr> page_location(uint32_t page) const;
    DeviceAddr size_per_bank() const { return m_size_per_bank; }
    // tensim: the cores (or DRAM banks, as x) that hold the shards, in shard order.
    const std::vector<CoreCoord>& shard_cores() const { return m_shard_cores; }
    void deallocate();
    // tensim: which opening of a device this buffer belongs to (devices can be reopened).
    uint64_t device_serial() const { return m_device_serial; }

    // tensim: made by CreateBuffer only.
    struct Token {};
    Buffer(Token, const BufferConfig& cfg, std::optional<DeviceAddr> address);
    Buffer(Token, const ShardedBufferConfig& cfg);

private:
    IDevice* m_device;
    DeviceAddr m_size, m_page_size, m_aligned_page_size = 0;
    BufferType m_type;
    TensorMemoryLayout m_layout;
    DeviceAddr m_address = 0;
    uint32_t m_num_banks = 0;
    bool m_allocated = false;
    bool m_owns_allocation = false;
    uint64_t m_device_serial = 0;  // which opening of the device allocated this
    std::optional<ShardSpecBuffer> m_shard;
    std::vector<CoreCoord> m_shard_cores;
    uint32_t m_grid_x = 0;  // worker grid width, to number L1 banks
    DeviceAddr m_size_per_bank = 0;

    void allocate(std::optional<DeviceAddr> address);
};

std::shared_ptr<Buffer> CreateBuffer(const InterleavedBufferConfig& config);
std::shared_ptr<Buffer> CreateBuffer(const InterleavedBufferConfig& config, DeviceAddr address);
std::shared_ptr<Buffer> CreateBuffer(const ShardedBufferConfig& config);
void DeallocateBuffer(Buffer& buffer);

// How a device-local buffer is sharded over cores (TT-Metalium BufferShardingArgs); none means
// interleaved.
class BufferShardingArgs {
public:
    BufferShardingArgs() = default;
    BufferShardingArgs(std::nullopt_t) {}
    BufferShardingArgs(const ShardSpecBuffer& spec, TensorMemoryLayout layout)
        : m_spec(spec), m_layout(layout) {}
    BufferShardingArgs(const std::optional<ShardSpecBuffer>& spec, TensorMemoryLayout layout)
        : m_spec(spec), m_layout(layout) {}
    const std::optional<ShardSpecBuffer>& shard_spec() const { return m_spec; }
    TensorMemoryLayout buffer_layout() const { return m_layout; }

private:
    std::optional<ShardSpecBuffer> m_spec;
    TensorMemoryLayout m_layout = TensorMemoryLayout::INTERLEAVED;
};

}  // namespace tt::tt_metal
