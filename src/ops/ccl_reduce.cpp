// reduce_scatter and all_reduce (docs/ccl.md). Reduce-scatter moves partial sums along the chain
// in both directions: on a ring every slice's partial starts at the chip after its owner and
// travels round to it (the first half of each slice's pages forward, the second backward,
// TT-NN's bidirectional ring), each chip's compute kernel adding its own pages on the way; on a
// line a slice's partials flow in from both ends and meet at its owner, where the forward sum is
// handed to the backward worker for the last add. Kernels: kernels/ccl/rs_{reader,reduce,writer}.
#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "../../kernels/ccl/rs_args.h"
#include "ccl_internal.hpp"
#include "common/error.hpp"

namespace tensim::ops {

using fabric::Direction;
using fabric::Topology;
using tt::tt_metal::IDevice;
using tt::tt_metal::Program;

namespace {

struct Step {
    uint32_t slice, own_src, recv, arrival, dst;
};

// The steps of the worker of direction `d` on chip i of n (see the file comment).
std::vector<Step> rs_steps(bool ring, uint32_t n, uint32_t i, Direction d) {
    using namespace ccl_rs;
    std::vector<Step> s;
    const bool fwd = d == Direction::forward;
    if (ring) {
        for (uint32_t t = 0; t < n; ++t) {
            const uint32_t j = fwd ? (i + 2 * n - 1 - t) % n : (i + 1 + t) % n;
            s.push_back({j, 0, t > 0 ? 1u : 0u, t > 0 ? t - 1 : 0u, t + 1 == n ? to_out : to_next});
        }
        return s;
    }
    // Line. Forward: slices i+1..n-1 travel on (arrivals 1.. after slice i), then slice i.
    if (fwd) {
        const bool recv = i > 0;
        for (uint32_t j = i + 1; j < n; ++j) s.push_back({j, 0, recv, j - i, to_next});
        if (i > 0) s.push_back({i, 0, 1, 0, i + 1 == n ? to_out : to_tmp});
    } else {
        const bool recv = i + 1 < n;
        for (uint32_t j = i; j-- > 0;) s.push_back({j, 0, recv, i - j, to_next});
        if (i + 1 < n) s.push_back({i, i > 0 ? 1u : 0u, 1, 0, to_out});
    }
    return s;
}

}  // namespace

std::vector<Tensor> reduce_scatter(const std::vector<Tensor>& in, const CclConfig& cfg,
                                   CclPlan* plan_out) {
    const auto fc = detail::check_ccl_inputs(in, cfg, "reduce_scatter");
    detail::CclRun run(in, fc);
    const uint32_t n = static_cast<uint32_t>(in.size());
    const Shape s = in[0].shape();
    const uint32_t Ct = s.cols_tiles(), R = s.batch * s.rows_tiles();
    if (s.cols % 32 || Ct % n)
        throw std::invalid_argument(
            fmt::format("reduce_scatter: columns must be a multiple of {} tiles", n));
    const uint32_t Cs = Ct / n, P = R * Cs, W = 2 * n * Cs;
    const DType dt = in[0].dtype();
    const uint32_t page = tile_bytes(dt);
    const tt::DataFormat df = data_format(dt);
    const MemoryConfig mem = cfg.out_mem.value_or(in[0].memory_config());
    const Shape out_shape{s.batch, s.rows, Cs * 32};
    const Shape inter_shape{1, R * 32, W * 32};
    const bool ring = run.fab->config().topology == Topology::ring;
    const uint32_t L = fc.num_links;
    const uint32_t k = detail::pages_per_packet(run.fab->max_payload_bytes(), page);
    // The reader's batch (TT-NN's tile_granularity: four packets, or 8 pages for 4-page packets,
    // reduce_scatter_minimal_async program factory); the CBs hold three batches.
    const uint32_t g = k < 4 ? 4 * k : 8;
    // Packets per arrival signal: TT-NN's default_chunks_per_sync (reduce_scatter_minimal_async
    // program factory): 20 chunks on a line, 80 on a ring, at most half the chunks a worker's
    // slice holds and at least one; a chunk is one batch (g pages, g / k packets).
    auto sync_every = [&](uint32_t worker_pages) {
        const uint32_t chunks = std::clamp<uint32_t>(worker_pages / g / 2, 1, ring ? 80 : 20);
        return chunks * (g / k);
    };
    std::vector<Tensor> out, tmp, inter;
    for (const Tensor& t : in) {
        out.push_back(Tensor::allocate(t.device(), out_shape, dt, mem));
        tmp.push_back(
            Tensor::allocate(t.device(), out_shape, dt, MemoryConfig::dram_interleaved()));
        inter.push_back(
            Tensor::allocate(t.device(), inter_shape, dt, MemoryConfig::dram_interleaved()));
    }
    CoreRangeSet workers(CoreRange({0, 0}, {L - 1, 1}));
    for (uint32_t i = 0; i < n; ++i) {
        Program& p = run.programs[i];
        IDevice* dev = run.chain[i];
        // Same ids on every chip: the sender addresses the receiver's semaphore by its own.
        const uint32_t recv_sem = tt::tt_metal::CreateSemaphore(p, workers, 0);
        const uint32_t tmp_sem = tt::tt_metal::CreateSemaphore(p, workers, 0);
        for (int di = 0; di < 2; ++di) {
            const auto d = static_cast<Direction>(di);
            const auto steps = rs_steps(ring, n, i, d);
            if (steps.empty()) continue;
            // A ring's directions split each slice's pages; a line's both carry all of them.
            const uint32_t lo = ring ? (di == 0 ? 0 : P / 2) : 0,
                           hi = ring ? (di == 0 ? P / 2 : P) : P;
            for (uint32_t l = 0; l < L; ++l) {
                const CoreCoord core{l, static_cast<uint32_t>(di)};
                const CoreCoord self = dev->worker_core_from_logical_core(core);
                const CoreCoord other = dev->worker_core_from_logical_core({l, 1});
                CoreRange cr(core, core);
                for (auto [cb, pages] :
                     {std::pair{tt::CBIndex::c_0, 3 * g}, std::pair{tt::CBIndex::c_1, 3 * g},
                      std::pair{tt::CBIndex::c_2, 3 * g}, std::pair{tt::CBIndex::c_4, 3 * g}})
                    tt::tt_metal::CreateCircularBuffer(
                        p, cr,
                        tt::tt_metal::CircularBufferConfig(pages * page, {{cb, df}})
                            .set_page_size(cb, page));
                tt::tt_metal::CreateCircularBuffer(
                    p, cr,
                    tt::tt_metal::CircularBufferConfig(64, {{tt::CBIndex::c_3, df}})
                        .set_page_size(tt::CBIndex::c_3, 64));
                const uint32_t q0 = lo + (hi - lo) * l / L, q1 = lo + (hi - lo) * (l + 1) / L;
                std::vector<uint32_t> a{in[i].buffer().address(),
                                        in[i].memory_config().is_dram() ? 1u : 0u,
                                        out[i].buffer().address(),
                                        out[i].memory_config().is_dram() ? 1u : 0u,
                                        tmp[i].buffer().address(),
                                        inter[i].buffer().address(),
                                        page,
                                        k,
                                        Ct,
                                        Cs,
                                        W,
                                        static_cast<uint32_t>(di),
                                        n,
                                        q0,
                                        q1,
                                        recv_sem,
                                        tmp_sem,
                                        static_cast<uint32_t>(self.x),
                                        static_cast<uint32_t>(self.y),
                                        static_cast<uint32_t>(other.x),
                                        static_cast<uint32_t>(other.y),
                                        sync_every(q1 - q0),
                                        static_cast<uint32_t>(steps.size())};
                bool sends = false;
                for (const Step& st : steps) {
                    a.insert(a.end(), {st.slice, st.own_src, st.recv, st.arrival, st.dst});
                    sends |= st.dst == ccl_rs::to_next;
                }
                std::vector<uint32_t> wa = a;
                wa.push_back(sends ? 1 : 0);
                if (sends) run.fab->append_connection_rt_args(i, d, l, 0, p, core, wa);
                using namespace tt::tt_metal;
                auto kr =
                    CreateKernel(p, "kernels/ccl/rs_reader.cpp", core,
                                 DataMovementConfig{.processor = DataMovementProcessor::RISCV_1,
                                                    .noc = NOC::RISCV_1_default});
                SetRuntimeArgs(p, kr, core, a);
                auto kc = CreateKernel(p, "kernels/ccl/rs_reduce.cpp", core, ComputeConfig{});
                SetRuntimeArgs(p, kc, core, a);
                auto kw =
                    CreateKernel(p, "kernels/ccl/rs_writer.cpp", core,
                                 DataMovementConfig{.processor = DataMovementProcessor::RISCV_0,
                                                    .noc = NOC::RISCV_0_default});
                SetRuntimeArgs(p, kw, core, wa);
            }
        }
    }
    CclPlan plan;
    detail::fill_plan(plan, CclOp::reduce_scatter, in, run, k, 2 * L);
    plan.why = ring ? "bidirectional ring: half of each slice's pages each way, n-1 reduce steps"
                    : "line: partials flow in from both ends and meet at each slice's owner";
    run.run("reduce_scatter_minimal_async", plan);
    if (plan_out) *plan_out = plan;
    return out;
}

std::vector<Tensor> all_reduce(const std::vector<Tensor>& in, const CclConfig& cfg,
                               CclPlan* plan_out) {
    CclPlan rs, ag;
    std::vector<Tensor> part = reduce_scatter(in, cfg, &rs);
    std::vector<Tensor> out = all_gather(part, cfg, &ag);
    if (plan_out) {
        *plan_out = ag;
        plan_out->op = CclOp::all_reduce;
        plan_out->device_cycles = rs.device_cycles + ag.device_cycles;
        plan_out->device_time_us = rs.device_time_us + ag.device_time_us;
        plan_out->why = "reduce_scatter then all_gather (TT-NN's composite all_reduce)";
    }
    return out;
}

}  // namespace tensim::ops
