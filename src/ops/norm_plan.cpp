// The norm planner: sharded or interleaved program, cores, blocks, all-gather workers (docs/ops.md
// "Normalisation" has the rules). Every choice is recorded in NormPlan::why.
#include <fmt/format.h>

#include <stdexcept>

#include "ops/op_common.hpp"
#include "tensim/ops/norm.hpp"

namespace tensim::ops {

using detail::div_up;

std::string program_name(NormProgram p) {
    switch (p) {
        case NormProgram::sharded:
            return "sharded";
        case NormProgram::interleaved:
            return "interleaved";
        case NormProgram::automatic:
            break;
    }
    return "auto";
}

std::string NormPlan::describe() const {
    std::string s = fmt::format("{} {} {}: {} cores, {}x{} tiles per core, block {}",
                                rms ? "rms_norm" : "layer_norm", program_name(program),
                                gamma ? (beta ? "gamma+beta" : "gamma") : "plain", num_cores,
                                rows_per_core, cols_per_core, block_w);
    if (program == NormProgram::sharded)
        s += fmt::format(", {} combining worker(s) x {} row(s){}", num_workers, rows_per_worker,
                         reshard_out ? ", output resharded" : "");
    else
        s += row_in_l1 ? ", row held in L1" : ", row re-read per pass";
    return s + fmt::format(", {} -> {}", dtype_name(in_dtype), dtype_name(out_dtype));
}

namespace {

uint64_t tb(DType d) { return tile_bytes(d); }

// Largest divisor of n not above cap.
uint32_t largest_divisor(uint32_t n, uint32_t cap) {
    uint32_t best = 1;
    for (uint32_t d : detail::divisors(n))
        if (d <= cap) best = d;
    return best;
}

void plan_sharded(const NormOperands& o, const NormConfig& cfg, NormPlan& p) {
    const MemoryConfig& m = o.x_mem;
    if (m.layout != MemLayout::width_sharded || !m.is_l1())
        throw std::invalid_argument(
            "norm: the sharded program needs an L1 width-sharded input (whole rows per shard)");
    if (m.shard_grid->size() != 1)
        throw std::invalid_argument("norm: the shard grid must be one rectangle of cores");
    p.rows_per_core = m.shard_tiles[0];
    p.cols_per_core = m.shard_tiles[1];
    if (p.rows_per_core != p.Mt || p.Wt % p.cols_per_core != 0)
        throw std::invalid_argument(fmt::format(
            "norm: a {}x{}-tile shard does not cut {}x{} tiles into whole-row column slices",
            p.rows_per_core, p.cols_per_core, p.Mt, p.Wt));
    p.num_cores = p.Wt / p.cols_per_core;
    if (p.num_cores != m.shard_grid->num_cores())
        throw std::invalid_argument(fmt::format("norm: {} shards on a grid of {} cores",
                                                p.num_cores, m.shard_grid->num_cores()));
    const CoreCoord g = m.shard_grid->bounding_box().grid_size();
    p.grid_x = uint32_t(g.x), p.grid_y = uint32_t(g.y);
    p.block_w = cfg.block_w ? cfg.block_w : largest_divisor(p.cols_per_core, 4);
    if (p.cols_per_core % p.block_w || p.block_w > (cfg.fp32_dest_acc ? 4u : 8u))
        throw std::invalid_argument(
            fmt::format("norm: block_w {} must divide the shard width {} and fit Dst", p.block_w,
                        p.cols_per_core));
    // Combining workers: as many as rows allow (at most one per core), each the same number of
    // rows so that their result CBs sit at the same address on every worker.
    p.num_workers = largest_divisor(p.Mt, p.num_cores);
    p.rows_per_worker = p.Mt / p.num_workers;
    p.why += fmt::format(
        "sharded: input width-sharded on {} cores ({}x{} tiles each); {} worker(s) combine {} "
        "row(s) of partials each (rows split evenly, at most one worker per core); ",
        p.num_cores, p.rows_per_core, p.cols_per_core, p.num_workers, p.rows_per_worker);
    p.out_mem = cfg.out_mem ? *cfg.out_mem : m;
    if (p.out_mem.layout == MemLayout::sharded) p.out_mem = m;  // "sharded as the program wants"
    if (!(p.out_mem.layout == m.layout && p.out_mem.shard_grid == m.shard_grid &&
          p.out_mem.shard_tiles == m.shard_tiles && p.out_mem.buffer_type == m.buffer_type)) {
        const MemoryConfig& q = p.out_mem;
        if (q.layout != MemLayout::width_sharded || !q.is_l1() || !q.complete() ||
            q.shard_tiles[0] != p.Mt || div_up(p.Wt, q.shard_tiles[1]) > q.shard_grid->num_cores())
            throw std::invalid_argument(
                "norm: a resharded output must be L1 width-sharded with whole rows, its shards "
                "covering the tensor");
        p.reshard_out = true;
        p.why += fmt::format("output resharded to {}; ", describe(q));
    }
    // CBs per core.
    const DType f =
        p.out_dtype == DType::float32 || cfg.fp32_dest_acc ? DType::float32 : DType::bfloat16;
    const uint64_t shard = uint64_t(p.Mt) * p.cols_per_core;
    uint64_t b = 3 * tb(DType::bfloat16) + tb(DType::bfloat16);  // scalers, eps
    b += (p.Mt + p.num_cores + 2 * p.rows_per_worker + p.Mt) * tb(f);
    b += p.cols_per_core * tb(f);    // squares of a row
    if (!p.rms) b += shard * tb(f);  // x - mean
    if (p.gamma) b += p.cols_per_core * (tb(DType::bfloat16) + tb(f));
    if (p.beta) b += p.cols_per_core * (tb(DType::bfloat16) + tb(f));
    if (p.reshard_out) b += shard * tb(p.out_dtype);
    p.l1_bytes_per_core = b;
}

void plan_interleaved(tt::tt_metal::IDevice* dev, const NormOperands& o, const NormConfig& cfg,
                      NormPlan& p, uint32_t passes) {
    if (o.x_mem.is_sharded())
        throw std::invalid_argument("norm: the interleaved program needs an interleaved input");
    const detail::DeviceFacts facts = detail::device_facts(dev);
    p.grid_x = cfg.grid_x ? std::min(cfg.grid_x, facts.grid_x) : facts.grid_x;
    p.grid_y = cfg.grid_y ? std::min(cfg.grid_y, facts.grid_y) : facts.grid_y;
    const auto split = detail::split_rows(p.Mt, p.grid_x * p.grid_y);
    p.rows_per_core = split.per_core;
    p.num_cores = split.cores;
    p.cols_per_core = p.Wt;
    const uint32_t cap = cfg.fp32_dest_acc ? 4 : 8;
    if (cfg.block_w && (p.Wt % cfg.block_w || cfg.block_w > cap))
        throw std::invalid_argument(fmt::format(
            "norm: block_w {} must divide the row's {} tiles and fit Dst", cfg.block_w, p.Wt));
    p.out_mem = cfg.out_mem ? *cfg.out_mem : o.x_mem;
    if (p.out_mem.is_sharded())
        throw std::invalid_argument("norm: the interleaved program writes an interleaved output");
    const DType f = cfg.fp32_dest_acc ? DType::float32 : DType::bfloat16;
    // CBs of a block size: scalers, statistics, out (2 blocks), squares/intermediates, gamma/beta.
    auto fixed = [&](uint64_t blk) {
        uint64_t b = 2 * tb(DType::bfloat16) + 4 * tb(f) + 2 * blk * tb(p.out_dtype) +
                     blk * tb(f) * (p.rms ? 2 : 4);
        if (p.gamma) b += 2 * blk * tb(DType::bfloat16);
        if (p.beta) b += 2 * blk * tb(DType::bfloat16);
        return b;
    };
    const uint64_t budget = detail::l1_budget(dev, 0);
    p.l1_budget = budget;
    // Largest block first; the row held in L1 beats any block size (it is read once, not once per
    // pass); else the largest block whose streaming CBs fit.
    std::vector<uint32_t> blocks;
    for (uint32_t d : detail::divisors(p.Wt))
        if (d <= cap && (!cfg.block_w || d == cfg.block_w)) blocks.insert(blocks.begin(), d);
    p.block_w = blocks.front();
    p.row_in_l1 = false;
    for (uint32_t b : blocks)
        if (passes > 1 && fixed(b) + uint64_t(p.Wt) * tb(p.in_dtype) <= budget) {
            p.block_w = b, p.row_in_l1 = true;
            break;
        }
    if (!p.row_in_l1)
        for (uint32_t b : blocks)
            if (fixed(b) + 2 * b * tb(p.in_dtype) <= budget) {
                p.block_w = b;
                break;
            }
    const uint64_t whole = fixed(p.block_w) + uint64_t(p.Wt) * tb(p.in_dtype);
    p.l1_bytes_per_core =
        p.row_in_l1 ? whole : fixed(p.block_w) + 2 * uint64_t(p.block_w) * tb(p.in_dtype);
    p.why += fmt::format(
        "interleaved: {} tile rows over {} of {} cores ({} each); block of {} tiles (largest "
        "divisor of the row within Dst whose CBs fit); {} ({} KiB of {} KiB free); ",
        p.Mt, p.num_cores, p.grid_x * p.grid_y, p.rows_per_core, p.block_w,
        p.row_in_l1 ? "the row stays in L1 for every pass" : "the row is re-read for each pass",
        whole / 1024, budget / 1024);
}

}  // namespace

NormPlan plan_norm(tt::tt_metal::IDevice* dev, const NormOperands& o, const NormConfig& cfg) {
    if (!dev) throw std::invalid_argument("norm: device is null");
    NormPlan p;
    p.rms = o.rms;
    p.gamma = o.gamma, p.beta = o.beta;
    p.Mt = o.x.batch * o.x.rows_tiles();
    p.Wt = o.x.cols_tiles();
    p.in_dtype = o.x_dtype;
    p.out_dtype = cfg.out_dtype.value_or(o.x_dtype);
    p.in_mem = o.x_mem;
    if (!o.x_mem.complete())
        throw std::invalid_argument("norm: the input's memory config is incomplete");
    if (o.x.cols % 32 != 0)
        throw std::invalid_argument(fmt::format(
            "norm: the row width {} must be a multiple of 32 (padding would join the statistics)",
            o.x.cols));
    p.program = cfg.program;
    if (p.program == NormProgram::automatic) {
        p.program = o.x_mem.is_sharded() ? NormProgram::sharded : NormProgram::interleaved;
        p.why += fmt::format("{} program: the input is {}; ", program_name(p.program),
                             o.x_mem.is_sharded() ? "sharded" : "interleaved");
    }
    if (p.program == NormProgram::sharded)
        plan_sharded(o, cfg, p);
    else
        plan_interleaved(dev, o, cfg, p, p.rms ? 2 : 3);
    if (p.program == NormProgram::sharded)  // the output shard is allocated before the CBs
        p.l1_budget = detail::l1_budget(
            dev, uint64_t(p.out_mem.shard_tiles[0]) * p.out_mem.shard_tiles[1] * tb(p.out_dtype));
    if (p.l1_bytes_per_core > p.l1_budget)
        throw std::invalid_argument(
            fmt::format("norm: the program's CBs need {} KiB per core, {} KiB of L1 are free",
                        p.l1_bytes_per_core / 1024, p.l1_budget / 1024));
    return p;
}

}  // namespace tensim::ops
