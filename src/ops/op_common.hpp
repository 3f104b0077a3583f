// What the norm, eltwise and data-movement ops share when they build programs: CB creation, the
// bf16 encodings their kernels take as runtime arguments, the split of tile rows over cores.
#pragma once
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "ops/matmul_internal.hpp"
#include "tensim/host/bfloat16.hpp"
#include "tensim/host/device.hpp"
#include "tensim/host/program.hpp"
#include "tensim/ops/tensor.hpp"

namespace tensim::ops::detail {

// A float's bf16 encoding in the low half (round to nearest even, as the host tilizer).
inline uint32_t bf16_bits(float v) { return uint32_t(bfloat16(v).to_uint16()); }
// Two copies, the form of TT-NN's packed reduce scaler.
inline uint32_t bf16_pair(float v) { return bf16_bits(v) | (bf16_bits(v) << 16); }

inline void add_cb(tt::tt_metal::Program& p, const CoreRangeSet& cores, uint32_t index,
                   uint32_t tiles, DType d, const tt::tt_metal::Buffer* global = nullptr) {
    const uint32_t tb = tile_bytes(d);
    tt::tt_metal::CircularBufferConfig c(tiles * tb, {{index, data_format(d)}});
    c.set_page_size(index, tb);
    if (global) c.set_globally_allocated_address(*global);
    tt::tt_metal::CreateCircularBuffer(p, cores, c);
}

// `count` tile rows over at most `max_cores` cores: rows per core, cores used.
struct RowSplit {
    uint32_t per_core = 0, cores = 0;
};
inline RowSplit split_rows(uint32_t count, uint32_t max_cores) {
    RowSplit s;
    s.per_core = div_up(count, std::max(1u, max_cores));
    s.cores = div_up(count, s.per_core);
    return s;
}

// The logical core of index i in a w-wide grid, row by row.
inline CoreCoord core_at(uint32_t i, uint32_t w) { return {i % w, i / w}; }

// The cores of a shard grid in shard order (row-major, or column-major for COL_MAJOR).
inline std::vector<CoreCoord> shard_cores(const MemoryConfig& m) {
    std::vector<CoreCoord> out;
    for (const CoreRange& r : m.shard_grid->ranges()) {
        if (m.orientation == tt::tt_metal::ShardOrientation::ROW_MAJOR) {
            for (size_t y = r.start_coord.y; y <= r.end_coord.y; ++y)
                for (size_t x = r.start_coord.x; x <= r.end_coord.x; ++x) out.push_back({x, y});
        } else {
            for (size_t x = r.start_coord.x; x <= r.end_coord.x; ++x)
                for (size_t y = r.start_coord.y; y <= r.end_coord.y; ++y) out.push_back({x, y});
        }
    }
    return out;
}

// Free L1 for an op's CBs, less `tensor_bytes` of L1 tensors it will create.
inline uint64_t l1_budget(tt::tt_metal::IDevice* dev, uint64_t tensor_bytes) {
    const DeviceFacts f = device_facts(dev);
    return f.l1_free > tensor_bytes ? f.l1_free - tensor_bytes : 0;
}

}  // namespace tensim::ops::detail
