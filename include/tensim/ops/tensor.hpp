// Device tensors for the op layer (a small TT-NN Tensor): a [batch, rows, cols] matrix in TILE
// layout, stored in one device buffer in one data type, DRAM or L1, interleaved or sharded.
// Pages are 32x32 tiles in row-major tile order (batch, tile row, tile column); sharding cuts the
// [batch * tile rows, tile columns] page grid, as TT-NN does for a tiled tensor.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tensim/host/buffer.hpp"
#include "tensim/host/core_coord.hpp"
#include "tensim/host/data_format.hpp"

namespace tt::tt_metal {
class IDevice;
}

namespace tensim::ops {

enum class DType { bfloat16, bfloat8_b, bfloat4_b, float32 };

tt::DataFormat data_format(DType d);
uint32_t tile_bytes(DType d);  // 2048, 1088, 576, 4096
std::string dtype_name(DType d);
// "bfloat16"/"bf16", "bfloat8_b"/"bfp8_b"/"bfp8", "bfloat4_b"/"bfp4_b"/"bfp4", "float32"/"fp32".
// Throws std::invalid_argument naming the bad string.
DType parse_dtype(std::string_view name);

enum class Layout { TILE };

// How a tensor's pages are spread. `sharded` (any layout) is only a request: an op chooses the
// layout, grid and shard shape that suit its program (see plan_matmul); a tensor always holds a
// complete config.
enum class MemLayout { interleaved, height_sharded, width_sharded, block_sharded, sharded };

struct MemoryConfig {
    tt::tt_metal::BufferType buffer_type = tt::tt_metal::BufferType::DRAM;
    MemLayout layout = MemLayout::interleaved;
    // Sharded: the cores holding the shards (for DRAM, the banks as x with y = 0) and the shard
    // shape in tiles (rows, columns). Shards are dealt to the grid's cores in row-major shard
    // order.
    std::optional<CoreRangeSet> shard_grid;
    std::array<uint32_t, 2> shard_tiles = {0, 0};
    tt::tt_metal::ShardOrientation orientation = tt::tt_metal::ShardOrientation::ROW_MAJOR;

    bool is_sharded() const { return layout != MemLayout::interleaved; }
    bool is_l1() const { return buffer_type != tt::tt_metal::BufferType::DRAM; }
    bool is_dram() const { return buffer_type == tt::tt_metal::BufferType::DRAM; }
    // A sharded config with its grid and shard shape given.
    bool complete() const;

    static MemoryConfig dram_interleaved();
    static MemoryConfig l1_interleaved();
    static MemoryConfig l1_sharded(
        MemLayout layout, const CoreRangeSet& grid, std::array<uint32_t, 2> shard_tiles,
        tt::tt_metal::ShardOrientation o = tt::tt_metal::ShardOrientation::ROW_MAJOR);
    // Width-sharded over DRAM banks 0..num_banks-1, shard_w_tiles columns each.
    static MemoryConfig dram_width_sharded(uint32_t num_banks, uint32_t rows_tiles,
                                           uint32_t shard_w_tiles);
};

// Calibration-file names: "dram_interleaved", "l1_interleaved", "l1_sharded" (the op's choice of
// layout), "l1_height_sharded", "l1_width_sharded", "l1_block_sharded", "dram_sharded"
// (width-sharded over the DRAM banks). Throws std::invalid_argument.
MemoryConfig parse_memory_config(std::string_view name);
std::string describe(const MemoryConfig& m);  // e.g. "L1 block-sharded 8x8 cores, shard 4x4 tiles"

struct Shape {
    uint32_t batch = 1, rows = 0,
             cols = 0;  // elements; rows and cols are padded to tiles on device
    uint32_t rows_tiles() const { return (rows + 31) / 32; }
    uint32_t cols_tiles() const { return (cols + 31) / 32; }
    friend bool operator==(const Shape&, const Shape&) = default;
};

class Tensor {
public:
    Tensor() = default;

    // Pads rows and columns to tiles with zeros, tilizes, encodes (bf16 rounds to nearest even,
    // bfp8_b/bfp4_b share an exponent per 16 values, as the host tilizer does) and writes the
    // buffer. `data` is row-major [batch][rows][cols]. Throws std::invalid_argument on a size
    // mismatch or an incomplete memory config, tensim::HostError when the buffer does not fit.
    static Tensor from_host(tt::tt_metal::IDevice* device, const std::vector<float>& data,
                            Shape shape, DType dtype,
                            const MemoryConfig& mem = MemoryConfig::dram_interleaved());
    // A device tensor whose contents are whatever the buffer holds (an op's output).
    static Tensor allocate(tt::tt_metal::IDevice* device, Shape shape, DType dtype,
                           const MemoryConfig& mem);

    // Reads the buffer back, decodes, untilizes and drops the padding: row-major
    // [batch][rows][cols].
    std::vector<float> to_host() const;

    const Shape& shape() const { return m_shape; }
    DType dtype() const { return m_dtype; }
    Layout layout() const { return Layout::TILE; }
    const MemoryConfig& memory_config() const { return m_mem; }
    tt::tt_metal::IDevice* device() const { return m_device; }
    tt::tt_metal::Buffer& buffer() const { return *m_buffer; }
    bool is_allocated() const { return m_buffer != nullptr; }
    uint32_t num_tiles() const {
        return m_shape.batch * m_shape.rows_tiles() * m_shape.cols_tiles();
    }
    // Frees the device buffer now (otherwise when the last copy of the tensor goes).
    void deallocate();

private:
    tt::tt_metal::IDevice* m_device = nullptr;
    Shape m_shape;
    DType m_dtype = DType::bfloat16;
    MemoryConfig m_mem;
    std::shared_ptr<tt::tt_metal::Buffer> m_buffer;
};

// The bytes a tensor of this shape, type and (complete) memory config takes in each L1 bank it
// uses: a shard, or its share of an interleaved buffer; 0 for DRAM.
uint64_t l1_bytes_per_core(tt::tt_metal::IDevice* device, const Shape& shape, DType dtype,
                           const MemoryConfig& mem);

}  // namespace tensim::ops
