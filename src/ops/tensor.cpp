// Device tensors: host data to tiles in a device buffer and back.
#include "tensim/ops/tensor.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <cstring>
#include <stdexcept>

#include "numerics/bf16_round.hpp"
#include "tensim/host/bfp.hpp"
#include "tensim/host/device.hpp"

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

// The tilized index of face row r % 32's first value in tile (b, r / 32, 0).
inline size_t face_row_base(const Shape& s, uint32_t b, uint32_t r) {
    return (size_t(b) * s.rows_tiles() + r / 32) * s.cols_tiles() * 1024 + ((r % 32) / 16) * 512 +
           (r % 16) * 16;
}

// The tile-padded matrix in tilized (face) order, as runs of 16 values: fn(run, pos) gets 16
// row-major values of one face row (zeros in the padding) and the tilized index of the first.
// Batches stack vertically, which is exactly the (batch, tile row, tile column) page order.
// One pass over the data, with no padded or tilized copy of it.
template <typename Fn>
void for_each_face_row(const float* data, const Shape& s, Fn&& fn) {
    const uint32_t rt = s.rows_tiles(), ct = s.cols_tiles(), cp = ct * 32;
    std::vector<float> scratch;  // a padded row: short rows and the rows past the end
    for (uint32_t b = 0; b < s.batch; ++b)
        for (uint32_t r = 0; r < rt * 32; ++r) {
            // Rows past the end are padding: no pointer into the data is formed for them.
            const float* row = r < s.rows ? data + (size_t(b) * s.rows + r) * s.cols : nullptr;
            if (!row || s.cols != cp) {
                scratch.assign(cp, 0.0f);
                if (row) std::copy_n(row, s.cols, scratch.data());
                row = scratch.data();
            }
            const size_t base = face_row_base(s, b, r);
            for (uint32_t tc = 0; tc < ct; ++tc) {
                fn(row + tc * 32, base + size_t(tc) * 1024);
                fn(row + tc * 32 + 16, base + size_t(tc) * 1024 + 256);
            }
        }
}

// The inverse: fn(pos, out, n) writes the n <= 16 values from tilized index pos to `out`, for
// every face row of `out` ([batch][rows][cols], the padding dropped).
template <typename Fn>
void for_each_output_run(const Shape& s, float* out, Fn&& fn) {
    for (uint32_t b = 0; b < s.batch; ++b)
        for (uint32_t r = 0; r < s.rows; ++r) {
            float* row = out + (size_t(b) * s.rows + r) * s.cols;
            const size_t base = face_row_base(s, b, r);
            for (uint32_t c = 0; c < s.cols; c += 16) {
                const size_t pos = base + size_t(c / 32) * 1024 + ((c / 16) % 2) * 256;
                fn(pos, row + c, std::min(16u, s.cols - c));
            }
        }
}

// Round-to-nearest-even to bf16 (bfloat16::round_from_float) without a branch, so it vectorises.
inline uint32_t bf16_bits(float x) { return numerics::bf16_rne_bits(std::bit_cast<uint32_t>(x)); }

std::vector<uint32_t> encode(const std::vector<float>& data, const Shape& s, DType d) {
    const size_t values = size_t(s.batch) * s.rows_tiles() * s.cols_tiles() * 1024;
    if (d == DType::bfloat16) {
        std::vector<uint32_t> out(values / 2);  // little-endian: element 2i in the low half
        for_each_face_row(data.data(), s, [&](const float* run, size_t pos) {
            uint32_t* w = out.data() + pos / 2;
            for (int i = 0; i < 8; ++i)
                w[i] = bf16_bits(run[2 * i]) | (bf16_bits(run[2 * i + 1]) << 16);
        });
        return out;
    }
    if (d == DType::float32) {
        std::vector<uint32_t> out(values);
        for_each_face_row(data.data(), s, [&](const float* run, size_t pos) {
            std::memcpy(out.data() + pos, run, 16 * sizeof(float));
        });
        return out;
    }
    std::vector<float> tiled(values);
    for_each_face_row(data.data(), s, [&](const float* run, size_t pos) {
        std::copy_n(run, 16, tiled.data() + pos);
    });
    return d == DType::bfloat8_b ? pack_fp32_vec_as_bfp8_tiles(tiled, false, false)
                                 : pack_fp32_vec_as_bfp4_tiles(tiled, false, false);
}

std::vector<float> decode(const std::vector<uint32_t>& words, const Shape& s, DType d) {
    std::vector<float> out(size_t(s.batch) * s.rows * s.cols);
    if (d == DType::bfloat16) {
        for_each_output_run(s, out.data(), [&](size_t pos, float* o, uint32_t n) {
            const uint32_t* w = words.data() + pos / 2;
            float run[16];
            for (int i = 0; i < 8; ++i) {
                run[2 * i] = std::bit_cast<float>(w[i] << 16);
                run[2 * i + 1] = std::bit_cast<float>(w[i] & 0xffff0000u);
            }
            std::copy_n(run, n, o);
        });
        return out;
    }
    if (d == DType::float32) {
        for_each_output_run(s, out.data(), [&](size_t pos, float* o, uint32_t n) {
            std::memcpy(o, words.data() + pos, n * sizeof(float));
        });
        return out;
    }
    const std::vector<float> tiled = d == DType::bfloat8_b
                                         ? unpack_bfp8_tiles_into_float_vec(words, false, false)
                                         : unpack_bfp4_tiles_into_float_vec(words, false, false);
    for_each_output_run(s, out.data(), [&](size_t pos, float* o, uint32_t n) {
        std::copy_n(tiled.data() + pos, n, o);
    });
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
    const std::vector<uint32_t> words = encode(data, shape, dtype);
    tt::tt_metal::EnqueueWriteBuffer(device->command_queue(), t.m_buffer, words, true);
    return t;
}

std::vector<float> Tensor::to_host() const {
    if (!m_buffer) throw std::invalid_argument("Tensor::to_host: the tensor holds no buffer");
    std::vector<uint32_t> words;
    tt::tt_metal::EnqueueReadBuffer(m_device->command_queue(), m_buffer, words, true);
    return decode(words, m_shape, m_dtype);
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
