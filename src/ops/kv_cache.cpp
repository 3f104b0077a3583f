// tensim::ops::update_cache / fill_cache: planners (users, or tile rows, over the grid) and the
// programs of kernels/update_cache/.
#include "tensim/ops/kv_cache.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "ops/matmul_internal.hpp"
#include "tensim/host/device.hpp"
#include "tensim/host/program.hpp"
#include "tensim/host/tensim.hpp"

namespace tensim::ops {

using namespace tt::tt_metal;

namespace {

const std::string kDir = "kernels/update_cache/";

[[noreturn]] void fail(const std::string& op, const std::string& what) {
    throw std::invalid_argument(op + ": " + what);
}

struct CacheGeometry {
    uint32_t n_kv = 0, St = 0, block_tiles = 0, blocks_per_user = 0, rows = 0;  // rows: per user
};

CacheGeometry geometry(const std::string& op, const Tensor& cache, uint32_t users,
                       const KvCacheConfig& cfg) {
    CacheGeometry g;
    const Shape& s = cache.shape();
    if (s.rows % 32) fail(op, "cache rows per head must be a multiple of 32");
    if (cache.memory_config().is_sharded() || !cache.memory_config().is_dram())
        fail(op, "the cache must be DRAM interleaved");
    if (!cfg.page_table.empty()) {
        if (cfg.n_kv_heads == 0 || s.batch % cfg.n_kv_heads)
            fail(op, "a paged cache needs n_kv_heads dividing its batch (blocks x heads)");
        g.n_kv = cfg.n_kv_heads;
        g.block_tiles = s.rows / 32;
        g.blocks_per_user = uint32_t(cfg.page_table[0].size());
        g.rows = g.blocks_per_user * s.rows;
        for (const auto& row : cfg.page_table) {
            if (row.size() != g.blocks_per_user) fail(op, "page table rows differ in length");
            for (uint32_t b : row)
                if (b >= s.batch / g.n_kv) fail(op, fmt::format("page table names block {}", b));
        }
    } else {
        g.n_kv = cfg.n_kv_heads ? cfg.n_kv_heads : s.batch / std::max(1u, users);
        if (g.n_kv == 0 || s.batch % g.n_kv) fail(op, "cache batch is not users x KV heads");
        g.St = s.rows / 32;
        g.rows = s.rows;
    }
    return g;
}

}  // namespace

std::string KvCachePlan::describe() const {
    return fmt::format("{} cores, {} each{}", num_cores, work_per_core, paged ? ", paged" : "");
}

void update_cache(const Tensor& cache, const Tensor& input, const std::vector<uint32_t>& cur_pos,
                  const KvCacheConfig& cfg, KvCachePlan* plan_out) {
    const std::string op = "update_cache";
    IDevice* dev = cache.device();
    const uint32_t users = input.shape().batch;
    const CacheGeometry g = geometry(op, cache, users, cfg);
    if (!cfg.page_table.empty() && cfg.page_table.size() != users)
        fail(op, "one page-table row per user");
    if (cfg.page_table.empty() && cache.shape().batch != users * g.n_kv)
        fail(op, fmt::format("cache batch {} is not {} users x {} heads", cache.shape().batch,
                             users, g.n_kv));
    if (input.shape().rows != g.n_kv || input.shape().cols != cache.shape().cols)
        fail(op, fmt::format("input must be [users, {} heads, {}]", g.n_kv, cache.shape().cols));
    if (input.dtype() != DType::bfloat16 || input.memory_config().is_sharded() ||
        !input.memory_config().is_dram())
        fail(op, "input must be bfloat16, DRAM interleaved");
    if (cur_pos.size() != users) fail(op, "one cur_pos per user");
    for (uint32_t p : cur_pos)
        if (p >= g.rows)
            fail(op, fmt::format("cur_pos {} is beyond the cache ({} rows)", p, g.rows));
    const auto f = detail::device_facts(dev);
    const uint32_t gx = cfg.grid_x ? cfg.grid_x : f.grid_x, gy = cfg.grid_y ? cfg.grid_y : f.grid_y;
    KvCachePlan p;
    p.paged = !cfg.page_table.empty();
    p.work_per_core = detail::div_up(users, gx * gy);
    p.num_cores = detail::div_up(users, p.work_per_core);
    p.why = fmt::format("{} users over {} cores: {} per core (TT-NN: one user per core)", users,
                        gx * gy, p.work_per_core);
    const uint32_t Wt = cache.shape().cols_tiles();
    std::vector<CoreRange> ranges;
    for (uint32_t i = 0; i < p.num_cores; ++i) ranges.emplace_back(CoreCoord{i % gx, i / gx});
    const CoreRangeSet all(ranges);
    Program program = CreateProgram();
    const uint32_t ct = tile_bytes(cache.dtype()), bt = tile_bytes(DType::bfloat16);
    const auto cf = data_format(cache.dtype()), bf = data_format(DType::bfloat16);
    CreateCircularBuffer(program, all,
                         CircularBufferConfig(2 * Wt * ct, {{0, cf}}).set_page_size(0, ct));
    CreateCircularBuffer(program, all,
                         CircularBufferConfig(Wt * bt, {{1, bf}}).set_page_size(1, bt));
    CreateCircularBuffer(program, all,
                         CircularBufferConfig(2 * Wt * ct, {{16, cf}}).set_page_size(16, ct));
    CreateCircularBuffer(program, all,
                         CircularBufferConfig(Wt * bt, {{25, bf}}).set_page_size(25, bt));
    // The untilized cache block (c_24, from compute) and the same L1 handed back after the row
    // overwrite (c_26, to compute), as TT-NN's two CB ids on one buffer.
    CreateCircularBuffer(program, all,
                         CircularBufferConfig(Wt * bt, {{24, bf}, {26, bf}})
                             .set_page_size(24, bt)
                             .set_page_size(26, bt));
    const KernelHandle reader =
        CreateKernel(program, kDir + "reader_update_cache_interleaved_start_id.cpp", all,
                     ReaderDataMovementConfig{});
    const KernelHandle writer =
        CreateKernel(program, kDir + "writer_update_cache_interleaved_start_id.cpp", all,
                     WriterDataMovementConfig{});
    const KernelHandle compute =
        CreateKernel(program, kDir + "update_cache.cpp", all, ComputeConfig{});
    for (uint32_t i = 0; i < p.num_cores; ++i) {
        const CoreCoord core{i % gx, i / gx};
        const uint32_t u0 = i * p.work_per_core, n = std::min(p.work_per_core, users - u0);
        std::vector<uint32_t> tail(cur_pos.begin() + u0, cur_pos.begin() + u0 + n);
        if (p.paged)
            for (uint32_t u = u0; u < u0 + n; ++u)
                tail.insert(tail.end(), cfg.page_table[u].begin(), cfg.page_table[u].end());
        std::vector<uint32_t> r = {cache.buffer().address(),
                                   input.buffer().address(),
                                   u0,
                                   n,
                                   g.n_kv,
                                   Wt,
                                   g.St,
                                   g.block_tiles,
                                   g.blocks_per_user};
        r.insert(r.end(), tail.begin(), tail.end());
        SetRuntimeArgs(program, reader, core, r);
        std::vector<uint32_t> w = {cache.buffer().address(), n, g.n_kv, Wt, g.St, g.block_tiles,
                                   g.blocks_per_user,        u0};
        w.insert(w.end(), tail.begin(), tail.end());
        SetRuntimeArgs(program, writer, core, w);
        SetRuntimeArgs(program, compute, core, {n, g.n_kv, Wt});
    }
    tensim::set_program_name(program, p.paged ? "paged_update_cache" : "update_cache");
    EnqueueProgram(dev->command_queue(), program, true);
    if (plan_out) *plan_out = p;
}

void fill_cache(const Tensor& cache, const Tensor& input, uint32_t user, const KvCacheConfig& cfg,
                KvCachePlan* plan_out) {
    const std::string op = "fill_cache";
    IDevice* dev = cache.device();
    const bool paged = !cfg.page_table.empty();
    const uint32_t users = paged ? uint32_t(cfg.page_table.size())
                                 : cache.shape().batch / std::max(1u, input.shape().batch);
    KvCacheConfig c = cfg;
    if (!paged && !c.n_kv_heads) c.n_kv_heads = input.shape().batch;
    const CacheGeometry g = geometry(op, cache, users, c);
    if (input.shape().batch != g.n_kv || input.shape().cols != cache.shape().cols)
        fail(op, fmt::format("input must be [{} heads, S, {}]", g.n_kv, cache.shape().cols));
    if (input.dtype() != cache.dtype()) fail(op, "input and cache dtypes differ (typecast first)");
    if (input.shape().rows % 32) fail(op, "input rows must be a multiple of 32");
    if (input.shape().rows > g.rows)
        fail(op, fmt::format("{} rows do not fit the cache's {}", input.shape().rows, g.rows));
    if (user >= users) fail(op, fmt::format("user {} of {}", user, users));
    const auto f = detail::device_facts(dev);
    const uint32_t gx = cfg.grid_x ? cfg.grid_x : f.grid_x, gy = cfg.grid_y ? cfg.grid_y : f.grid_y;
    const uint32_t in_rows = input.shape().rows_tiles(), rows = g.n_kv * in_rows;
    KvCachePlan p;
    p.paged = paged;
    p.work_per_core = detail::div_up(rows, gx * gy);
    p.num_cores = detail::div_up(rows, p.work_per_core);
    p.why = fmt::format("{} tile rows over {} cores: {} per core", rows, gx * gy, p.work_per_core);
    const uint32_t Wt = cache.shape().cols_tiles(), tb = tile_bytes(cache.dtype());
    std::vector<CoreRange> ranges;
    for (uint32_t i = 0; i < p.num_cores; ++i) ranges.emplace_back(CoreCoord{i % gx, i / gx});
    const CoreRangeSet all(ranges);
    Program program = CreateProgram();
    CreateCircularBuffer(
        program, all,
        CircularBufferConfig(2 * Wt * tb, {{0, data_format(cache.dtype())}}).set_page_size(0, tb));
    const KernelHandle reader = CreateKernel(program, kDir + "reader_fill_cache_interleaved.cpp",
                                             all, ReaderDataMovementConfig{});
    const KernelHandle writer = CreateKernel(program, kDir + "writer_fill_cache_interleaved.cpp",
                                             all, WriterDataMovementConfig{});
    for (uint32_t i = 0; i < p.num_cores; ++i) {
        const CoreCoord core{i % gx, i / gx};
        const uint32_t r0 = i * p.work_per_core, n = std::min(p.work_per_core, rows - r0);
        SetRuntimeArgs(program, reader, core, {input.buffer().address(), r0, n, Wt});
        std::vector<uint32_t> w = {
            cache.buffer().address(), r0, n, Wt, in_rows, user, g.n_kv, g.St, g.block_tiles};
        if (paged) w.insert(w.end(), cfg.page_table[user].begin(), cfg.page_table[user].end());
        SetRuntimeArgs(program, writer, core, w);
    }
    tensim::set_program_name(program, paged ? "paged_fill_cache" : "fill_cache");
    EnqueueProgram(dev->command_queue(), program, true);
    if (plan_out) *plan_out = p;
}

}  // namespace tensim::ops
