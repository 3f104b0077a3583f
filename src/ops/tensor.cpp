// Device tensors: host data to tiles in a device buffer and back.
#include "tensim/ops/tensor.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <cstring>
#include <stdexcept>

#include "tensim/host/bfloat16.hpp"
#include "tensim/host/bfp.hpp"
#include "tensim/host/device.hpp"
#include "tensim/host/tilize.hpp"

namespace tensim::ops {

using tt::tt_metal::BufferType;
using tt::tt_metal::TensorMemoryLayout;

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

TensorMemoryLayout buffer_layout(MemLayout l) {
    switch (l) {
        case MemLayout::height_sharded:
            return TensorMemoryLayout::HEIGHT_SHARDED;
        case MemLayout::width_sharded:
            return TensorMemoryLayout::WIDTH_SHARDED;
        case MemLayout::block_sharded:
            return TensorMemoryLayout::BLOCK_SHARDED;
        default:
            return TensorMemoryLayout::INTERLEAVED;
    }
}

// Tile-padded, tilized (face order) copy of row-major [batch][rows][cols] data. Batches stack
// vertically, which is exactly the (batch, tile row, tile column) page order.
std::vector<float> tilize_padded(const std::vector<float>& data, const Shape& s) {
    const uint32_t rp = s.rows_tiles() * 32, cp = s.cols_tiles() * 32;
    std::vector<float> padded(size_t(s.batch) * rp * cp, 0.0f);
    for (uint32_t b = 0; b < s.batch; ++b)
        for (uint32_t r = 0; r < s.rows; ++r)
            std::copy_n(&data[(size_t(b) * s.rows + r) * s.cols], s.cols,
                        &padded[(size_t(b) * rp + r) * cp]);
    return tilize_nfaces(padded, s.batch * rp, cp);
}

std::vector<uint32_t> encode(const std::vector<float>& tiled, DType d) {
    switch (d) {
        case DType::bfloat8_b:
            return pack_fp32_vec_as_bfp8_tiles(tiled, false, false);
        case DType::bfloat4_b:
            return pack_fp32_vec_as_bfp4_tiles(tiled, false, false);
        case DType::float32: {
            std::vector<uint32_t> out(tiled.size());
            for (size_t i = 0; i < tiled.size(); ++i) out[i] = std::bit_cast<uint32_t>(tiled[i]);
            return out;
        }
        case DType::bfloat16:
            break;
    }
    std::vector<uint32_t> out(tiled.size() / 2);
    for (size_t i = 0; i < out.size(); ++i)  // little-endian: element 2i in the low half
        out[i] = uint32_t(bfloat16(tiled[2 * i]).to_uint16()) |
                 (uint32_t(bfloat16(tiled[2 * i + 1]).to_uint16()) << 16);
    return out;
}

std::vector<float> decode(const std::vector<uint32_t>& words, DType d) {
    switch (d) {
        case DType::bfloat8_b:
            return unpack_bfp8_tiles_into_float_vec(words, false, false);
        case DType::bfloat4_b:
            return unpack_bfp4_tiles_into_float_vec(words, false, false);
        case DType::float32: {
            std::vector<float> out(words.size());
            for (size_t i = 0; i < words.size(); ++i) out[i] = std::bit_cast<float>(words[i]);
            return out;
        }
        case DType::bfloat16:
            break;
    }
    std::vector<float> out(words.size() * 2);
    for (size_t i = 0; i < words.size(); ++i) {
        out[2 * i] = std::bit_cast<float>(words[i] << 16);
        out[2 * i + 1] = std::bit_cast<float>(words[i] & 0xffff0000u);
    }
    return out;
}

}  // namespace

tt::DataFormat data_format(DType d) {
    switch (d) {
        case DType::bfloat8_b:
            return tt::DataFormat::Bfp8_b;
        case DType::bfloat4_b:
            return tt::DataFormat::Bfp4_b;
        case DType::float32:
            return tt::DataFormat::Float32;
        case DType::bfloat16:
            break;
    }
    return tt::DataFormat::Float16_b;
}

uint32_t tile_bytes(DType d) { return tt::tile_size(data_format(d)); }

std::string dtype_name(DType d) {
    switch (d) {
        case DType::bfloat8_b:
            return "bfloat8_b";
        case DType::bfloat4_b:
            return "bfloat4_b";
        case DType::float32:
            return "float32";
        case DType::bfloat16:
            break;
    }
    return "bfloat16";
}

DType parse_dtype(std::string_view name) {
    const std::string n = lower(name);
    if (n == "bfloat16" || n == "bf16" || n == "float16_b") return DType::bfloat16;
    if (n == "bfloat8_b" || n == "bfp8_b" || n == "bfp8") return DType::bfloat8_b;
    if (n == "bfloat4_b" || n == "bfp4_b" || n == "bfp4") return DType::bfloat4_b;
    if (n == "float32" || n == "fp32") return DType::float32;
    throw std::invalid_argument(
        fmt::format("unknown dtype '{}' (bfloat16, bfloat8_b, bfloat4_b, float32)", name));
}

bool MemoryConfig::complete() const {
    return !is_sharded() || (layout != MemLayout::sharded && shard_grid && !shard_grid->empty() &&
                             shard_tiles[0] > 0 && shard_tiles[1] > 0);
}

MemoryConfig MemoryConfig::dram_interleaved() { return {}; }

MemoryConfig MemoryConfig::l1_interleaved() {
    MemoryConfig m;
    m.buffer_type = BufferType::L1;
    return m;
}

MemoryConfig MemoryConfig::l1_sharded(MemLayout layout, const CoreRangeSet& grid,
                                      std::array<uint32_t, 2> shard_tiles,
                                      tt::tt_metal::ShardOrientation o) {
    MemoryConfig m;
    m.buffer_type = BufferType::L1;
    m.layout = layout;
    m.shard_grid = grid;
    m.shard_tiles = shard_tiles;
    m.orientation = o;
    return m;
}

MemoryConfig MemoryConfig::dram_width_sharded(uint32_t num_banks, uint32_t rows_tiles,
                                              uint32_t shard_w_tiles) {
    MemoryConfig m;
    m.layout = MemLayout::width_sharded;
    m.shard_grid = CoreRangeSet(CoreRange({0, 0}, {num_banks - 1, 0}));
    m.shard_tiles = {rows_tiles, shard_w_tiles};
    return m;
}

MemoryConfig parse_memory_config(std::string_view name) {
    const std::string n = lower(name);
    MemoryConfig m;
    if (n == "dram_interleaved") return m;
    if (n == "dram_sharded") {
        m.layout = MemLayout::width_sharded;
        return m;
    }
    m.buffer_type = BufferType::L1;
    if (n == "l1_interleaved") return m;
    if (n == "l1_sharded")
        m.layout = MemLayout::sharded;
    else if (n == "l1_height_sharded")
        m.layout = MemLayout::height_sharded;
    else if (n == "l1_width_sharded")
        m.layout = MemLayout::width_sharded;
    else if (n == "l1_block_sharded")
        m.layout = MemLayout::block_sharded;
    else
        throw std::invalid_argument(
            fmt::format("unknown memory config '{}' (dram_interleaved, l1_interleaved, l1_sharded, "
                        "l1_height_sharded, "
                        "l1_width_sharded, l1_block_sharded, dram_sharded)",
                        name));
    return m;
}

std::string describe(const MemoryConfig& m) {
    const char* where = m.is_dram() ? "DRAM" : "L1";
    const char* how = m.layout == MemLayout::interleaved      ? "interleaved"
                      : m.layout == MemLayout::height_sharded ? "height-sharded"
                      : m.layout == MemLayout::width_sharded  ? "width-sharded"
                      : m.layout == MemLayout::block_sharded  ? "block-sharded"
                                                              : "sharded";
    if (!m.is_sharded() || !m.shard_grid) return fmt::format("{} {}", where, how);
    const CoreRange box = m.shard_grid->bounding_box();
    if (m.is_dram())
        return fmt::format("DRAM {} over {} banks, shard {}x{} tiles", how,
                           m.shard_grid->num_cores(), m.shard_tiles[0], m.shard_tiles[1]);
    return fmt::format("L1 {} on {}x{} cores, shard {}x{} tiles", how, box.grid_size().x,
                       box.grid_size().y, m.shard_tiles[0], m.shard_tiles[1]);
}

Tensor Tensor::allocate(tt::tt_metal::IDevice* device, Shape shape, DType dtype,
                        const MemoryConfig& mem) {
    if (!device) throw std::invalid_argument("Tensor: device is null");
    if (shape.batch == 0 || shape.rows == 0 || shape.cols == 0)
        throw std::invalid_argument(
            fmt::format("Tensor: empty shape [{}, {}, {}]", shape.batch, shape.rows, shape.cols));
    if (!mem.complete())
        throw std::invalid_argument(
            "Tensor: a sharded memory config needs its layout, shard grid and shard shape ("
            "let plan_matmul complete it)");
    Tensor t;
    t.m_device = device;
    t.m_shape = shape;
    t.m_dtype = dtype;
    t.m_mem = mem;
    const uint32_t page = tile_bytes(dtype);
    const uint64_t size = uint64_t(t.num_tiles()) * page;
    if (!mem.is_sharded()) {
        t.m_buffer = tt::tt_metal::CreateBuffer(tt::tt_metal::InterleavedBufferConfig{
            device, size, page, mem.buffer_type, TensorMemoryLayout::INTERLEAVED});
        return t;
    }
    const std::array<uint32_t, 2> pages = {shape.batch * shape.rows_tiles(), shape.cols_tiles()};
    tt::tt_metal::ShardSpecBuffer spec(*mem.shard_grid,
                                       {mem.shard_tiles[0] * 32, mem.shard_tiles[1] * 32},
                                       mem.orientation, {32, 32}, pages);
    t.m_buffer = tt::tt_metal::CreateBuffer(tt::tt_metal::ShardedBufferConfig{
        device, size, page, mem.buffer_type, buffer_layout(mem.layout), spec});
    return t;
}

Tensor Tensor::from_host(tt::tt_metal::IDevice* device, const std::vector<float>& data, Shape shape,
                         DType dtype, const MemoryConfig& mem) {
    if (data.size() != size_t(shape.batch) * shape.rows * shape.cols)
        throw std::invalid_argument(
            fmt::format("Tensor::from_host: {} values given for shape [{}, {}, {}]", data.size(),
                        shape.batch, shape.rows, shape.cols));
    Tensor t = allocate(device, shape, dtype, mem);
    std::vector<uint32_t> words = encode(tilize_padded(data, shape), dtype);
    tt::tt_metal::EnqueueWriteBuffer(device->command_queue(), t.m_buffer, words, true);
    return t;
}

std::vector<float> Tensor::to_host() const {
    if (!m_buffer) throw std::invalid_argument("Tensor::to_host: the tensor holds no buffer");
    std::vector<uint32_t> words;
    tt::tt_metal::EnqueueReadBuffer(m_device->command_queue(), m_buffer, words, true);
    const uint32_t rp = m_shape.rows_tiles() * 32, cp = m_shape.cols_tiles() * 32;
    std::vector<float> tiled = decode(words, m_dtype);
    tiled.resize(size_t(m_shape.batch) * rp * cp);
    std::vector<float> padded = untilize_nfaces(tiled, m_shape.batch * rp, cp);
    if (rp == m_shape.rows && cp == m_shape.cols) return padded;  // no padding to crop
    std::vector<float> out(size_t(m_shape.batch) * m_shape.rows * m_shape.cols);
    for (uint32_t b = 0; b < m_shape.batch; ++b)
        for (uint32_t r = 0; r < m_shape.rows; ++r)
            std::copy_n(&padded[(size_t(b) * rp + r) * cp], m_shape.cols,
                        &out[(size_t(b) * m_shape.rows + r) * m_shape.cols]);
    return out;
}

void Tensor::deallocate() {
    if (m_buffer) tt::tt_metal::DeallocateBuffer(*m_buffer);
    m_buffer.reset();
}

uint64_t l1_bytes_per_core(tt::tt_metal::IDevice* device, const Shape& shape, DType dtype,
                           const MemoryConfig& mem) {
    if (mem.is_dram()) return 0;
    const uint64_t page = tile_bytes(dtype);
    if (mem.is_sharded()) return uint64_t(mem.shard_tiles[0]) * mem.shard_tiles[1] * page;
    const CoreCoord g = device->compute_with_storage_grid_size();
    const uint64_t banks = g.x * g.y;
    const uint64_t tiles = uint64_t(shape.batch) * shape.rows_tiles() * shape.cols_tiles();
    return (tiles + banks - 1) / banks * page;
}

}  // namespace tensim::ops
