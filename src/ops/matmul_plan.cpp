// The matmul planner: which program family, on which cores, with which blocks (docs/ops.md has the
// rules and why). Every choice is also recorded in MatmulPlan::why.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "host/device_impl.hpp"
#include "ops/matmul_internal.hpp"
#include "tensim/host/device.hpp"

namespace tensim::ops {

using detail::div_up;
using detail::divisors;
using tt::tt_metal::BufferType;

namespace detail {

std::vector<uint32_t> divisors(uint32_t n) {
    std::vector<uint32_t> out;
    for (uint32_t d = 1; d <= n; ++d)
        if (n % d == 0) out.push_back(d);
    return out;
}

CoreRangeSet row_major_cores(uint32_t count, uint32_t rect_w) {
    std::vector<CoreRange> ranges;
    if (count >= rect_w)
        ranges.emplace_back(CoreCoord{0, 0}, CoreCoord{rect_w - 1, count / rect_w - 1});
    if (count % rect_w)
        ranges.emplace_back(CoreCoord{0, count / rect_w},
                            CoreCoord{count % rect_w - 1, count / rect_w});
    return CoreRangeSet(ranges);
}

DeviceFacts device_facts(tt::tt_metal::IDevice* device) {
    if (!device) throw std::invalid_argument("matmul: device is null");
    DeviceFacts f;
    const CoreCoord g = device->compute_with_storage_grid_size();
    f.grid_x = uint32_t(g.x);
    f.grid_y = uint32_t(g.y);
    auto& impl = tensim::host::impl_of(*device);
    const SystemConfig& sys = impl.system().config();
    f.l1_alignment = sys.chip.noc.l1_alignment_bytes;
    f.l1_cb_base = (sys.chip.tensix.l1_unreserved_base_bytes + f.l1_alignment - 1) /
                   f.l1_alignment * f.l1_alignment;
    const uint64_t lowest = impl.allocator(BufferType::L1).lowest_allocated();
    f.l1_free = lowest > f.l1_cb_base ? lowest - f.l1_cb_base : 0;
    f.num_dram_banks = uint32_t(sys.chip.dram_banks().size());
    f.bank_workers = dram_bank_workers(sys, f.grid_x, f.grid_y);
    const auto& c = sys.chip.compute;
    f.unpack_bytes_per_cycle = c.unpack_bytes_per_cycle;
    f.unpack_combined_bytes_per_cycle = c.unpack_combined_bytes_per_cycle;
    f.unpack_setup_cycles_per_face = double(c.unpack_setup_cycles_per_face);
    f.unpack_call_cycles = double(c.unpack_call_cycles);
    f.fpu_matmul_cycles_per_phase = double(c.fpu_matmul_cycles_per_phase);
    f.fpu_matmul_call_cycles = double(c.fpu_matmul_call_cycles);
    f.niu_absorb_bytes_per_cycle = sys.chip.noc.niu_absorb_bytes_per_cycle;
    return f;
}

CoreRange dram_sharded_rect(const DeviceFacts& facts, const std::vector<CoreCoord>& extra) {
    std::vector<CoreCoord> all = facts.bank_workers;
    all.insert(all.end(), extra.begin(), extra.end());
    CoreCoord lo = all.front(), hi = all.front();
    for (const auto& c : all) {
        lo = {std::min(lo.x, c.x), std::min(lo.y, c.y)};
        hi = {std::max(hi.x, c.x), std::max(hi.y, c.y)};
    }
    return CoreRange(lo, hi);
}

}  // namespace detail

namespace {

struct Planner {
    const detail::DeviceFacts& f;
    const MatmulOperands& ops;
    const MatmulConfig& cfg;
    MatmulPlan& p;
    uint32_t gx = 0, gy = 0;
    std::vector<std::string> why;

    [[noreturn]] void fail(const std::string& what) const {
        throw std::invalid_argument(fmt::format("matmul {}x{}x{} tiles ({}): {}", p.Mt, p.Kt, p.Nt,
                                                program_name(p.program), what));
    }
    uint32_t dst_tiles() const { return p.fp32_dest_acc ? 4 : 8; }
    uint64_t tb(DType d) const { return tile_bytes(d); }

    // L1 the CBs of one core take (output CB counted only when it is not the output's shard).
    // m_in1_w: the in1 block's width when the compute width is padded past it (DRAM-sharded),
    // whose output CB is then its own CB, not the shard.
    uint64_t cb_bytes(uint32_t oh, uint32_t ow, uint32_t bw, uint32_t in1_buffers) const {
        const bool out_on_shard = p.out_mem.is_sharded() && p.out_mem.is_l1() && !m_in1_w;
        const uint32_t in1_w = m_in1_w ? m_in1_w : ow;
        uint64_t b =
            2ull * oh * bw * tb(p.in0_dtype) + uint64_t(in1_buffers) * bw * in1_w * tb(p.in1_dtype);
        if (!out_on_shard) b += uint64_t(oh) * ow * tb(p.out_dtype);
        if (p.interm_dtype != p.out_dtype) b += uint64_t(oh) * ow * tb(p.interm_dtype);
        if (p.fuse_bias) b += uint64_t(ow) * tb(p.bias_dtype);
        return b + 4 * f.l1_alignment;  // each CB starts aligned
    }
    // L1 the tensors take on a core: the output always (it is made after planning), the inputs
    // unless they already exist (then the allocator's free space already excludes them).
    uint64_t tensor_bytes(tt::tt_metal::IDevice* dev) const {
        Shape out{p.batch, p.Mt * 32, p.Nt * 32};
        uint64_t b = l1_bytes_per_core(dev, out, p.out_dtype, p.out_mem);
        if (!ops.allocated)
            b += l1_bytes_per_core(dev, ops.a, p.in0_dtype, p.a_mem) +
                 l1_bytes_per_core(dev, ops.b, p.in1_dtype, p.b_mem);
        return b;
    }

    // A sharded request the plan completes, or a complete config that must be what the plan needs.
    MemoryConfig settle(const MemoryConfig& given, const MemoryConfig& wanted,
                        const char* which) const {
        if (!given.is_sharded()) return given;
        if (!given.complete()) {
            if (given.layout != MemLayout::sharded && given.layout != wanted.layout)
                fail(fmt::format("{} cannot be {} here; this program shards it as: {}", which,
                                 describe(given), describe(wanted)));
            return wanted;
        }
        if (given.layout != wanted.layout || given.shard_grid != wanted.shard_grid ||
            given.shard_tiles != wanted.shard_tiles || given.orientation != wanted.orientation ||
            given.buffer_type != wanted.buffer_type)
            fail(fmt::format("{} is {}; this program needs {}", which, describe(given),
                             describe(wanted)));
        return given;
    }

    // The largest h x w subblock dividing the block within Dst, ties to the wider.
    std::pair<uint32_t, uint32_t> subblock_rule(uint32_t oh, uint32_t ow,
                                                bool out_row_major) const {
        uint32_t bh = 1, bwid = 1;
        for (uint32_t h : divisors(oh))
            for (uint32_t w : divisors(ow)) {
                if (h * w > dst_tiles() || (out_row_major && h > 1 && w != ow)) continue;
                if (h * w > bh * bwid || (h * w == bh * bwid && w > bwid)) bh = h, bwid = w;
            }
        return {bh, bwid};
    }

    // Estimated cycles one core spends per K tile on a pcM x pcN share (2D program, the share as
    // one block): each matmul_block call of an h x w subblock costs the slower of its unpack (h
    // in0 and w in1 tiles through the two unpackers, their shared L1 port and per-face setup) and
    // its FPU work (h*w tiles x 16 cycles per fidelity phase), each plus its per-call setup; the
    // same model and constants as sim/tensix (compute_engine.cpp unpack_cycles, fpu.cpp matmul).
    // Bounded below by the bytes of in0 and in1 the core must receive per K tile at its NIU's
    // rate. Packing and the senders' DRAM reads are left out: they do not depend on the split.
    double share_cost(uint32_t pcM, uint32_t pcN, uint32_t sh, uint32_t sw) const {
        const double b0 = double(tb(p.in0_dtype)), b1 = double(tb(p.in1_dtype));
        const double setup = 4 * f.unpack_setup_cycles_per_face;
        const double ua = sh * (setup + b0 / f.unpack_bytes_per_cycle),
                     ub = sw * (setup + b1 / f.unpack_bytes_per_cycle),
                     shared = (sh * b0 + sw * b1) / f.unpack_combined_bytes_per_cycle +
                              setup * std::max(sh, sw);
        const double unpack = f.unpack_call_cycles + std::ceil(std::max({ua, ub, shared}));
        const double phases = std::max(1, int(p.math_fidelity));
        const double fpu =
            f.fpu_matmul_call_cycles + double(sh) * sw * f.fpu_matmul_cycles_per_phase * phases;
        const double calls = double(pcM / sh) * (pcN / sw);
        const double noc = (pcM * b0 + pcN * b1) / f.niu_absorb_bytes_per_cycle;
        return std::max(calls * std::max(unpack, fpu), noc);
    }

    void choose_subblock(uint32_t oh, uint32_t ow, bool out_row_major) {
        if (cfg.out_subblock_h || cfg.out_subblock_w) {
            const uint32_t h = cfg.out_subblock_h ? cfg.out_subblock_h : 1,
                           w = cfg.out_subblock_w ? cfg.out_subblock_w : 1;
            if (oh % h || ow % w)
                fail(fmt::format("subblock {}x{} does not divide the {}x{} output block", h, w, oh,
                                 ow));
            if (h * w > dst_tiles())
                fail(fmt::format("subblock {}x{} exceeds Dst ({} tiles)", h, w, dst_tiles()));
            if (out_row_major && h > 1 && w != ow)
                fail("a sharded output needs out_subblock_h 1 or out_subblock_w = per_core_N");
            p.out_subblock_h = h, p.out_subblock_w = w;
            return;
        }
        const auto [bh, bwid] = subblock_rule(oh, ow, out_row_major);
        p.out_subblock_h = bh, p.out_subblock_w = bwid;
        why.push_back(fmt::format(
            "subblock {}x{}: the largest that divides the block and fits Dst ({} tiles){}", bh,
            bwid, dst_tiles(), out_row_major ? ", one row or full width (sharded output)" : ""));
    }

    // Output block and K step. k_limit: what in0_block_w must divide (Kt or the in0 shard width);
    // bw_cap: the largest K step wanted. Larger output blocks first (less input traffic), each with
    // the largest K step that fits L1; a block is taken once its K step reaches min(4, cap).
    void choose_blocks(uint32_t pcM, uint32_t pcN, uint32_t k_limit, uint32_t bw_cap,
                       bool allow_split, uint32_t in1_buffers) {
        std::vector<std::pair<uint32_t, uint32_t>> outs;
        if (cfg.out_block_h || cfg.out_block_w) {
            const uint32_t oh = cfg.out_block_h ? cfg.out_block_h : pcM,
                           ow = cfg.out_block_w ? cfg.out_block_w : pcN;
            if (pcM % oh || pcN % ow)
                fail(fmt::format("output block {}x{} does not divide {}x{}", oh, ow, pcM, pcN));
            if (!allow_split && (oh != pcM || ow != pcN))
                fail("this program computes a core's whole output at once");
            outs.push_back({oh, ow});
        } else if (!allow_split) {
            outs.push_back({pcM, pcN});
        } else {
            for (uint32_t h : divisors(pcM))
                for (uint32_t w : divisors(pcN)) outs.push_back({h, w});
            std::sort(outs.begin(), outs.end(), [](auto a, auto b) {
                if (a.first * a.second != b.first * b.second)
                    return a.first * a.second > b.first * b.second;
                return std::min(a.first, a.second) > std::min(b.first, b.second);
            });
        }
        std::vector<uint32_t> bws;
        if (cfg.in0_block_w) {
            if (k_limit % cfg.in0_block_w)
                fail(fmt::format("in0_block_w {} does not divide {}", cfg.in0_block_w, k_limit));
            bws.push_back(cfg.in0_block_w);
        } else {
            for (uint32_t d : divisors(k_limit))
                if (d <= std::max(bw_cap, 1u)) bws.insert(bws.begin(), d);
        }
        const uint32_t want = std::min(4u, bws.front());
        std::optional<std::array<uint32_t, 3>> fallback;
        for (auto [oh, ow] : outs) {
            for (uint32_t bw : bws) {
                if (cb_bytes(oh, ow, bw, in1_buffers) > p.l1_budget) continue;
                if (bw >= want || cfg.in0_block_w) {
                    p.out_block_h = oh, p.out_block_w = ow, p.in0_block_w = bw;
                    p.l1_bytes_per_core = cb_bytes(oh, ow, bw, in1_buffers);
                    return;
                }
                if (!fallback) fallback = std::array<uint32_t, 3>{oh, ow, bw};
                break;
            }
        }
        if (!fallback)
            fail(
                fmt::format("no output block of a {}x{}-tile share fits the {} KiB of L1 left for "
                            "CBs (L1 above "
                            "the reserved {} KiB: {} KiB free, of which this op's L1 tensors take "
                            "{} KiB per core)",
                            pcM, pcN, p.l1_budget / 1024, f.l1_cb_base / 1024, f.l1_free / 1024,
                            m_tensor_bytes / 1024));
        p.out_block_h = (*fallback)[0], p.out_block_w = (*fallback)[1],
        p.in0_block_w = (*fallback)[2];
        p.l1_bytes_per_core = cb_bytes(p.out_block_h, p.out_block_w, p.in0_block_w, in1_buffers);
    }

    void set_budget(tt::tt_metal::IDevice* dev) {
        m_tensor_bytes = tensor_bytes(dev);
        p.l1_budget = f.l1_free > m_tensor_bytes ? f.l1_free - m_tensor_bytes : 0;
    }
    uint64_t m_tensor_bytes = 0;  // per core, of the operands and output this op places in L1
    uint32_t m_in1_w = 0;         // see cb_bytes

    void plan_2d(tt::tt_metal::IDevice* dev);
    void pick_shares_2d(uint32_t& pcM, uint32_t& pcN);
    void plan_1d(tt::tt_metal::IDevice* dev);
    void plan_dram_sharded(tt::tt_metal::IDevice* dev);
};

void Planner::plan_2d(tt::tt_metal::IDevice* dev) {
    const MemoryConfig& am = ops.a_mem;
    const bool in0_sharded = am.is_sharded();
    if (in0_sharded && am.is_dram()) fail("in0 cannot be DRAM-sharded");
    if (ops.b_mem.is_sharded()) fail("in1 must be interleaved (DRAM or L1)");
    uint32_t pcM = cfg.per_core_M, pcN = cfg.per_core_N, cx = 0, cy = 0;
    if (in0_sharded && am.complete()) {
        // A block-sharded in0 sets the grid: one shard per core, K split over the columns.
        const CoreRange box = am.shard_grid->bounding_box();
        if (box.start_coord != CoreCoord{0, 0}) fail("in0's shard grid must start at core (0,0)");
        cx = uint32_t(box.grid_size().x), cy = uint32_t(box.grid_size().y);
        pcM = am.shard_tiles[0];
        if (!pcN) pcN = div_up(p.Nt, cx);
    } else {
        if (!pcM && !pcN) {
            pick_shares_2d(pcM, pcN);
        } else {
            if (!pcM) pcM = div_up(p.Mt, gy);
            if (!pcN) pcN = div_up(p.Nt, gx);
        }
        cy = div_up(p.Mt, pcM), cx = div_up(p.Nt, pcN);
    }
    if (cx > gx || cy > gy)
        fail(fmt::format("{}x{} output blocks do not fit the {}x{} grid", cx, cy, gx, gy));
    if (uint64_t(cx) * pcN < p.Nt || uint64_t(cy) * pcM < p.Mt)
        fail(fmt::format("{}x{} blocks of {}x{} tiles do not cover the {}x{}-tile output", cx, cy,
                         pcM, pcN, p.Mt, p.Nt));
    p.per_core_M = pcM, p.per_core_N = pcN, p.cores_x = cx, p.cores_y = cy, p.num_cores = cx * cy;
    why.push_back(fmt::format(
        "{}x{} cores: the output's {}x{} tiles in {}x{}-tile blocks over the {}x{} grid", cx, cy,
        p.Mt, p.Nt, pcM, pcN, gx, gy));
    const CoreRangeSet grid(CoreRange({0, 0}, {cx - 1, cy - 1}));
    uint32_t k_limit = p.Kt;
    if (in0_sharded) {
        if (p.Kt % cx)
            fail(fmt::format("in0 block-sharded over {} columns needs Kt ({}) divisible by them",
                             cx, p.Kt));
        if (p.batch > 1) fail("a sharded in0 takes no batch loop (fold the batch into M)");
        k_limit = p.Kt / cx;
        p.a_mem = settle(
            am, MemoryConfig::l1_sharded(MemLayout::block_sharded, grid, {pcM, k_limit}), "in0");
    }
    if (p.out_mem.is_sharded()) {
        if (p.out_mem.is_dram()) fail("the output cannot be DRAM-sharded");
        if (p.batch > 1) fail("a sharded output takes no batch loop");
        p.out_mem =
            settle(p.out_mem, MemoryConfig::l1_sharded(MemLayout::block_sharded, grid, {pcM, pcN}),
                   "output");
    }
    set_budget(dev);
    // K step: up to a core column's share of K (Kt / cores_x), as the tuned GEMM configs use.
    const uint32_t cap = std::max(1u, p.Kt / cx);
    choose_blocks(pcM, pcN, k_limit, cap, !in0_sharded && !p.out_mem.is_sharded(), 2);
    why.push_back(fmt::format(
        "output block {}x{}, in0_block_w {}: the largest that fit {} KiB of L1 (K step up to "
        "Kt/cores_x = {})",
        p.out_block_h, p.out_block_w, p.in0_block_w, p.l1_budget / 1024, cap));
    choose_subblock(p.out_block_h, p.out_block_w, p.out_mem.is_sharded());
}

// The per-core share of the 2D program. The default spreads the output over the whole grid
// (ceil(Mt/gy) x ceil(Nt/gx)); when that leaves padding (the share does not divide the output, so
// the share's sides are whatever the division gave, e.g. 7x13 tiles on 10x10 cores, whose only
// subblocks are 7x1 or 1x1) larger shares are costed (share_cost)
// and the cheapest taken if it beats the default by more than 3% (the estimate's own error on the
// 2048x4096x4096 shapes of docs/ops.md). A share that divides the output is kept: those are the
// tuned TT-NN configs on the full grid.
void Planner::pick_shares_2d(uint32_t& pcM, uint32_t& pcN) {
    pcM = div_up(p.Mt, gy), pcN = div_up(p.Nt, gx);
    if ((p.Mt % pcM == 0 && p.Nt % pcN == 0) || cfg.out_subblock_h || cfg.out_subblock_w ||
        p.out_mem.is_sharded())
        return;
    auto cost = [&](uint32_t m, uint32_t n) {
        const auto [h, w] = subblock_rule(m, n, false);
        return share_cost(m, n, h, w);
    };
    const double base = cost(pcM, pcN);
    double best = base;
    uint32_t bm = pcM, bn = pcN;
    // Every share from the default up to twice its sides, padded ones included (8x14 tiles on
    // 10x8 cores lets a 2048x4096 output use 4x2 subblocks); a share past twice the default
    // would leave over half the grid idle.
    for (uint32_t m = pcM; m <= std::min(p.Mt, 2 * pcM); ++m)
        for (uint32_t n = pcN; n <= std::min(p.Nt, 2 * pcN); ++n) {
            const double c = cost(m, n);
            if (c < best * 0.97 || (c < best && (bm != pcM || bn != pcN))) best = c, bm = m, bn = n;
        }
    if (bm == pcM && bn == pcN) return;
    const auto [h0, w0] = subblock_rule(pcM, pcN, false);
    const auto [h1, w1] = subblock_rule(bm, bn, false);
    why.push_back(fmt::format(
        "share {}x{} tiles on {}x{} cores instead of {}x{} on {}x{}: estimated {:.0f} instead "
        "of {:.0f} cycles per K tile (subblock {}x{} instead of {}x{}; unpack, FPU and NoC "
        "rates of the architecture)",
        bm, bn, div_up(p.Nt, bn), div_up(p.Mt, bm), pcM, pcN, div_up(p.Nt, pcN), div_up(p.Mt, pcM),
        best, base, h1, w1, h0, w0));
    pcM = bm, pcN = bn;
}

void Planner::plan_1d(tt::tt_metal::IDevice* dev) {
    const MemoryConfig& am = ops.a_mem;
    if (ops.b_mem.is_sharded()) fail("in1 must be interleaved (DRAM or L1)");
    if (am.is_sharded() && am.is_dram()) fail("in0 cannot be DRAM-sharded");
    if (cfg.mcast_in0)
        p.mcast_in0 = *cfg.mcast_in0;
    else if (am.layout == MemLayout::height_sharded)
        p.mcast_in0 = false;
    else if (am.layout == MemLayout::width_sharded)
        p.mcast_in0 = true;
    else
        p.mcast_in0 = !(p.Mt >= 2 * p.Nt);
    const uint32_t avail = gx * gy;
    uint32_t pcM = 0, pcN = 0, n = 0;
    const bool given = am.is_sharded() && am.complete();
    if (given) n = am.shard_grid->num_cores();
    if (p.mcast_in0) {
        pcM = p.Mt;
        pcN = cfg.per_core_N ? cfg.per_core_N : div_up(p.Nt, given ? n : avail);
        if (!given) n = div_up(p.Nt, pcN);
    } else {
        pcN = p.Nt;
        pcM = cfg.per_core_M ? cfg.per_core_M : given ? am.shard_tiles[0] : div_up(p.Mt, avail);
        if (!given) n = div_up(p.Mt, pcM);
    }
    if ((cfg.per_core_M && cfg.per_core_M != pcM) || (cfg.per_core_N && cfg.per_core_N != pcN))
        fail(fmt::format("1D {} keeps per_core_{} = {}", p.mcast_in0 ? "mcast_in0" : "mcast_in1",
                         p.mcast_in0 ? "M" : "N", p.mcast_in0 ? p.Mt : p.Nt));
    if (n > avail) fail(fmt::format("{} cores needed, {} available", n, avail));
    // The cores form a rectangle filled row by row (exact when the count allows it).
    uint32_t w = std::min(n, gx);
    for (uint32_t c = w; c >= 1; --c)
        if (n % c == 0 && n / c <= gy) {
            w = c;
            break;
        }
    p.cores_x = w, p.cores_y = div_up(n, w), p.num_cores = p.cores_x * p.cores_y;
    p.per_core_M = pcM, p.per_core_N = pcN;
    why.push_back(fmt::format("1D {}: {} split into {}-tile shares over {} cores ({}x{})",
                              p.mcast_in0 ? "mcast_in0" : "mcast_in1", p.mcast_in0 ? "N" : "M",
                              p.mcast_in0 ? pcN : pcM, n, p.cores_x, p.cores_y));
    const CoreRangeSet used = detail::row_major_cores(n, p.cores_x);
    uint32_t k_limit = p.Kt;
    if (am.is_sharded()) {
        if (p.batch > 1) fail("a sharded in0 takes no batch loop (fold the batch into M)");
        if (p.mcast_in0) {
            if (p.Kt % n)
                fail(fmt::format("in0 width-sharded over {} cores needs Kt ({}) divisible by them",
                                 n, p.Kt));
            k_limit = p.Kt / n;
            p.a_mem = settle(
                am, MemoryConfig::l1_sharded(MemLayout::width_sharded, used, {p.Mt, k_limit}),
                "in0");
        } else {
            p.a_mem = settle(
                am, MemoryConfig::l1_sharded(MemLayout::height_sharded, used, {pcM, p.Kt}), "in0");
        }
    }
    if (p.out_mem.is_sharded()) {
        if (p.out_mem.is_dram()) fail("the output cannot be DRAM-sharded");
        if (p.batch > 1) fail("a sharded output takes no batch loop");
        p.out_mem = settle(
            p.out_mem,
            p.mcast_in0 ? MemoryConfig::l1_sharded(MemLayout::width_sharded, used, {p.Mt, pcN})
                        : MemoryConfig::l1_sharded(MemLayout::height_sharded, used, {pcM, p.Nt}),
            "output");
    }
    set_budget(dev);
    const uint32_t cap = am.is_sharded() ? k_limit : std::min(8u, p.Kt);
    choose_blocks(pcM, pcN, k_limit, cap, false, 2);
    why.push_back(
        fmt::format("in0_block_w {}: the largest that fits L1, up to {}", p.in0_block_w, cap));
    choose_subblock(p.out_block_h, p.out_block_w, p.out_mem.is_sharded());
}

void Planner::plan_dram_sharded(tt::tt_metal::IDevice* dev) {
    const uint32_t banks = f.num_dram_banks;
    if (f.bank_workers.size() < banks) fail("the grid has fewer cores than DRAM banks");
    if (p.batch > 1) fail("in1 cannot be batched (fold the batch into M)");
    const MemoryConfig& bm = ops.b_mem;
    if (!bm.is_sharded() || !bm.is_dram() ||
        (bm.layout != MemLayout::width_sharded && bm.layout != MemLayout::sharded))
        fail("in1 must be width-sharded over the DRAM banks (dram_sharded)");
    const uint32_t pcN = bm.complete()    ? bm.shard_tiles[1]
                         : cfg.per_core_N ? cfg.per_core_N
                                          : div_up(p.Nt, banks);
    if (cfg.per_core_N && cfg.per_core_N != pcN) fail("per_core_N must be in1's shard width");
    if (div_up(p.Nt, pcN) > banks)
        fail(
            fmt::format("{} tiles of N in shards of {} need more than {} banks", p.Nt, pcN, banks));
    p.b_mem = settle(bm, MemoryConfig::dram_width_sharded(banks, p.Kt, pcN), "in1");
    p.per_core_M = p.Mt, p.per_core_N = pcN, p.num_cores = banks, p.cores_x = banks, p.cores_y = 1;
    p.mcast_in0 = true;
    // in0: interleaved, read by the first worker; or width-sharded (K slices) over the first cores
    // of the rectangle around the workers, as many as divide Kt.
    const MemoryConfig& am = ops.a_mem;
    uint32_t k_limit = p.Kt;
    CoreRange rect = detail::dram_sharded_rect(f, {});
    if (am.is_sharded()) {
        if (am.is_dram() ||
            (am.layout != MemLayout::width_sharded && am.layout != MemLayout::sharded))
            fail("in0 must be interleaved or width-sharded in L1");
        uint32_t s = 0;
        CoreRangeSet shard_cores;
        if (am.complete()) {
            s = am.shard_grid->num_cores();
            shard_cores = *am.shard_grid;
            rect =
                detail::dram_sharded_rect(f, corerange_to_cores(shard_cores, std::nullopt, true));
        } else {
            for (uint32_t d : divisors(p.Kt))
                if (d <= rect.size()) s = d;
            std::vector<CoreRange> ranges;
            for (const auto& c : corerange_to_cores(CoreRangeSet(rect), s, true))
                ranges.emplace_back(c);
            shard_cores = CoreRangeSet(ranges);
        }
        if (p.Kt % s)
            fail(fmt::format("in0 width-sharded over {} cores needs Kt ({}) divisible by them", s,
                             p.Kt));
        k_limit = p.Kt / s;
        // A given shard spec must be exactly the K slices the reader expects, in row-major order.
        p.a_mem = settle(
            am, MemoryConfig::l1_sharded(MemLayout::width_sharded, shard_cores, {p.Mt, k_limit}),
            "in0");
        why.push_back(fmt::format("in0 width-sharded: K in {} slices of {} tiles", s, k_limit));
    }
    if (p.out_mem.is_sharded()) {
        if (p.out_mem.is_dram()) fail("the output cannot be DRAM-sharded");
        std::vector<CoreRange> ranges(f.bank_workers.begin(), f.bank_workers.begin() + banks);
        p.out_mem = settle(
            p.out_mem,
            MemoryConfig::l1_sharded(MemLayout::width_sharded, CoreRangeSet(ranges), {p.Mt, pcN}),
            "output");
    }
    why.push_back(fmt::format(
        "{} workers, one next to each DRAM bank, {} tiles of N each; in0 multicast to the {}x{} "
        "cores around them",
        banks, pcN, rect.grid_size().x, rect.grid_size().y));
    set_budget(dev);
    choose_subblock(p.Mt, pcN, p.out_mem.is_sharded());
    // TT-NN's DRAM-sharded factory: a one-row subblock narrower than Dst allows is widened to the
    // width that needs the fewest subblocks, and the compute width padded to a multiple of it (11
    // tiles: 1x6 subblocks over 12); the last subblock's matmul covers only the real columns and
    // the writer copies those into the output. The output block (out_block_w) is the compute width.
    uint32_t n_compute = pcN;
    if (p.out_subblock_h == 1 && p.out_subblock_w < dst_tiles() && !cfg.out_subblock_w) {
        uint32_t w = p.out_subblock_w, count = pcN / w;
        for (uint32_t c = w + 1; c <= dst_tiles(); ++c)
            if (div_up(pcN, c) < count) count = div_up(pcN, c), w = c;
        if (w != p.out_subblock_w) {
            why.push_back(fmt::format(
                "subblock 1x{} over a compute width of {} (padded from {}): fewer subblocks than "
                "1x{}",
                w, w * count, pcN, p.out_subblock_w));
            p.out_subblock_w = w, n_compute = w * count;
        }
    }
    m_in1_w = pcN;
    const uint32_t cap = am.is_sharded() ? k_limit : std::min(8u, p.Kt);
    choose_blocks(p.Mt, n_compute, k_limit, cap, false, 3);
    why.push_back(fmt::format(
        "in0_block_w {}: the largest that fits L1 with three in1 blocks in flight, up to {}",
        p.in0_block_w, cap));
}

}  // namespace

MatmulPlan plan_matmul(tt::tt_metal::IDevice* device, const MatmulOperands& ops,
                       const MatmulConfig& cfg) {
    const detail::DeviceFacts f = detail::device_facts(device);
    MatmulPlan p;
    Planner pl{f, ops, cfg, p};
    if (ops.a.cols != ops.b.rows)
        throw std::invalid_argument(
            fmt::format("matmul: in0 is [{}, {}] but in1 is [{}, {}]: K differs", ops.a.rows,
                        ops.a.cols, ops.b.rows, ops.b.cols));
    if (ops.b.batch > 1) {
        if (ops.a.batch != ops.b.batch)
            throw std::invalid_argument(
                fmt::format("matmul: in0 has batch {}, in1 batch {}", ops.a.batch, ops.b.batch));
        p.batch = ops.b.batch, p.bcast_b = false, p.Mt = ops.a.rows_tiles();
    } else {
        p.Mt = ops.a.batch * ops.a.rows_tiles();  // a shared in1: the batches are more rows
    }
    p.Kt = ops.a.cols_tiles(), p.Nt = ops.b.cols_tiles();
    p.in0_dtype = ops.a_dtype, p.in1_dtype = ops.b_dtype,
    p.out_dtype = cfg.out_dtype.value_or(ops.a_dtype);
    p.math_fidelity = cfg.math_fidelity, p.fp32_dest_acc = cfg.fp32_dest_acc;
    p.packer_l1_acc = cfg.packer_l1_acc.value_or(true);
    // Partials: fp32 with fp32 Dst; bf16 under packer L1 accumulation; else the output format.
    p.interm_dtype = p.fp32_dest_acc   ? DType::float32
                     : p.packer_l1_acc ? DType::bfloat16
                                       : p.out_dtype;
    p.a_mem = ops.a_mem, p.b_mem = ops.b_mem, p.out_mem = cfg.out_mem;
    p.activation = cfg.activation;
    if (cfg.bias) {
        const Shape bs = cfg.bias->shape();
        if (bs.batch != 1 || bs.rows_tiles() != 1 || bs.cols != ops.b.cols)
            throw std::invalid_argument(
                fmt::format("matmul: the bias is [{}, {}, {}]; it must be [1, 1..32, {}] (one row "
                            "per output column)",
                            bs.batch, bs.rows, bs.cols, ops.b.cols));
        p.fuse_bias = true, p.bias_dtype = cfg.bias->dtype();
    }
    pl.gx = cfg.grid_x ? cfg.grid_x : f.grid_x;
    pl.gy = cfg.grid_y ? cfg.grid_y : f.grid_y;
    if (pl.gx > f.grid_x || pl.gy > f.grid_y || pl.gx == 0 || pl.gy == 0)
        throw std::invalid_argument(
            fmt::format("matmul: grid {}x{} is not inside the device's {}x{} compute grid", pl.gx,
                        pl.gy, f.grid_x, f.grid_y));
    p.grid_x = pl.gx, p.grid_y = pl.gy;

    p.program = cfg.program;
    bool by_shape = false;  // the family was picked by the output's shape alone
    if (p.program == MatmulProgram::automatic) {
        const MemLayout al = ops.a_mem.layout;
        if (ops.b_mem.is_sharded() && ops.b_mem.is_dram()) {
            p.program = MatmulProgram::dram_sharded;
            pl.why.push_back("dram_sharded: in1 is width-sharded over the DRAM banks");
        } else if (al == MemLayout::block_sharded) {
            p.program = MatmulProgram::mcast_2d;
            pl.why.push_back("2d_mcast: in0 is block-sharded");
        } else if (al == MemLayout::height_sharded || al == MemLayout::width_sharded) {
            p.program = MatmulProgram::mcast_1d;
            pl.why.push_back("1d_mcast: in0 is height- or width-sharded");
        } else if (p.Mt < pl.gy && p.Nt >= 2 * p.Mt) {
            p.program = MatmulProgram::mcast_1d;
            pl.why.push_back(fmt::format(
                "1d_mcast: {} tile rows cannot fill {} grid rows and N is wide", p.Mt, pl.gy));
            by_shape = true;
        } else if (p.Nt < pl.gx && p.Mt >= 2 * p.Nt) {
            p.program = MatmulProgram::mcast_1d;
            pl.why.push_back(
                fmt::format("1d_mcast: {} tile columns cannot fill {} grid columns and M is tall",
                            p.Nt, pl.gx));
            by_shape = true;
        } else {
            p.program = MatmulProgram::mcast_2d;
            pl.why.push_back("2d_mcast: the output fills the grid both ways");
        }
    }
    switch (p.program) {
        case MatmulProgram::mcast_2d:
            pl.plan_2d(device);
            break;
        case MatmulProgram::mcast_1d:
            if (!by_shape) {
                pl.plan_1d(device);
                break;
            }
            // The 1D program computes a core's whole share at once; when that share does not fit
            // L1 (small grids, small L1), the 2D program, which splits shares into output blocks,
            // still runs.
            {
                const MatmulPlan before = p;
                const size_t reasons = pl.why.size();
                try {
                    pl.plan_1d(device);
                } catch (const std::invalid_argument& e) {
                    p = before;
                    pl.why.resize(reasons);
                    pl.why.push_back(fmt::format("2d_mcast instead: {}", e.what()));
                    p.program = MatmulProgram::mcast_2d;
                    pl.plan_2d(device);
                }
            }
            break;
        case MatmulProgram::dram_sharded:
            pl.plan_dram_sharded(device);
            break;
        case MatmulProgram::automatic:
            break;
    }
    // TT-NN's 2D and 1D factories enable it only with more than two K blocks; the DRAM-sharded one
    // with more than one.
    const uint32_t acc_min = p.program == MatmulProgram::dram_sharded ? 1 : 2;
    if (p.packer_l1_acc && p.num_k_blocks() <= acc_min) {
        p.packer_l1_acc = false;
        p.interm_dtype = p.fp32_dest_acc ? DType::float32 : p.out_dtype;
        p.l1_bytes_per_core = pl.cb_bytes(p.out_block_h, p.out_block_w, p.in0_block_w,
                                          p.program == MatmulProgram::dram_sharded ? 3 : 2);
        pl.why.push_back(fmt::format("packer L1 accumulation off: at most {} K blocks", acc_min));
    }
    for (size_t i = 0; i < pl.why.size(); ++i) p.why += (i ? "; " : "") + pl.why[i];
    return p;
}

std::string MatmulPlan::describe() const {
    return fmt::format(
        "{} on {}x{} cores: per core {}x{} tiles in {}x{} blocks, in0_block_w {} ({} K blocks), "
        "subblock {}x{}; "
        "{} x {} -> {} ({} partials), {}{}{}{}{}",
        program_name(program), cores_x, cores_y, per_core_M, per_core_N, out_block_h, out_block_w,
        in0_block_w, num_k_blocks(), out_subblock_h, out_subblock_w, dtype_name(in0_dtype),
        dtype_name(in1_dtype), dtype_name(out_dtype), dtype_name(interm_dtype),
        fidelity_name(math_fidelity), fp32_dest_acc ? ", fp32 Dst" : "",
        packer_l1_acc ? ", packer L1 acc" : "",
        fuse_bias ? fmt::format(", + {} bias", dtype_name(bias_dtype)) : "",
        activation != MatmulActivation::none ? ", " + activation_name(activation) : "");
}

}  // namespace tensim::ops
