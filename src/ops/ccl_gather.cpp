// all_gather (docs/ccl.md), structured as TT-NN's all_gather_async (minimal_default reader and
// writer, ttnn/cpp/ttnn/operations/experimental/ccl/all_gather_async/device/kernels/): per chip,
// direction and link one worker core. On a line each worker multicasts this chip's slice to every
// chip ahead in its direction and the routers forward it (TT-Metal's CCL report,
// tech_reports/CCLs/CCL_bandwidth.md: "On a line it multicasts, and the routers forward"). On a
// ring each worker sends this chip's slice one hop on, then forwards, hop by hop, the slices that
// reach it from behind: its reader waits until the previous chip's pages have landed in this
// chip's output (a semaphore the sender raises every chunks_per_sync packets) and reads them back
// for its writer to send on; a ring sends half the ring each way, and on an even ring the slice
// of the opposite chip is split, its first half arriving forward and the second backward
// (TT-NN's split forwarding). The backward worker also writes the chip's own slice into its
// output. Kernels: kernels/ccl/ag_{reader,writer}.cpp.
#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "../../kernels/ccl/ag_args.h"
#include "ccl_internal.hpp"
#include "common/error.hpp"

namespace tensim::ops {

using fabric::Direction;
using fabric::Topology;
using tt::tt_metal::IDevice;
using tt::tt_metal::Program;

namespace {

struct AgStep {
    uint32_t src, owner, q0, q1, send, local, arrive;
};
struct AgWork {
    std::vector<AgStep> steps;
    uint32_t expect = 0;  // pages that land at this worker
};

// The work of worker (pos, d) on the pages [a0, a1) of each slice its link carries.
AgWork ag_work(bool ring, uint32_t n, uint32_t pos, Direction d, uint32_t a0, uint32_t a1) {
    const bool fwd = d == Direction::forward;
    const uint32_t mid = a0 + (a1 - a0) / 2;
    // Hops a slice travels in this direction, whether its last hop carries half of it, and
    // whether this chip has a next chip that way.
    uint32_t hops;
    bool split = false, has_next;
    if (ring) {
        hops = fwd ? n / 2 : n - 1 - n / 2;
        if (n % 2 == 0) {
            hops = n / 2;
            split = true;
        }
        has_next = true;
    } else {
        hops = fwd ? pos : n - 1 - pos;  // a line: the slices that arrive from behind
        has_next = fwd ? pos + 1 < n : pos > 0;
    }
    // The pages of a slice that cross hop h (1-based) in this direction.
    auto span = [&](uint32_t h) {
        if (split && h == hops) return fwd ? std::pair{a0, mid} : std::pair{mid, a1};
        return std::pair{a0, a1};
    };
    AgWork w;
    // A line: this chip's slice is multicast to every chip ahead in this direction; the slices
    // of every chip behind land here, forwarded by the routers.
    if (!ring) {
        const uint32_t ahead = fwd ? n - 1 - pos : pos;
        if (fwd && ahead) w.steps.push_back({0, pos, a0, a1, ahead, 0, 0});
        if (!fwd) w.steps.push_back({0, pos, a0, a1, ahead, 1, 0});
        w.expect = hops * (a1 - a0);
        return w;
    }
    // This chip's slice: the forward worker sends it on; the backward worker writes it into the
    // output (TT-NN's writer does the local copy on the backward worker) and sends it on.
    if (fwd && has_next) w.steps.push_back({0, pos, a0, a1, 1, 0, 0});
    if (!fwd) w.steps.push_back({0, pos, a0, a1, has_next ? 1u : 0u, 1, 0});
    // Slices from behind: the one from k chips back arrived over hop k.
    for (uint32_t k = 1; k <= hops; ++k) {
        const uint32_t owner = fwd ? (pos + n - k) % n : (pos + k) % n;
        const auto [r0, r1] = span(k);
        const bool onward = k < hops;
        if (onward) {
            const auto [f0, f1] = span(k + 1);
            w.steps.push_back({1, owner, f0, f1, 1, 0, w.expect - r0});
        }
        w.expect += r1 - r0;
    }
    return w;
}

}  // namespace

std::vector<Tensor> all_gather(const std::vector<Tensor>& in, const CclConfig& cfg,
                               CclPlan* plan_out) {
    const auto fc = detail::check_ccl_inputs(in, cfg, "all_gather");
    detail::CclRun run(in, fc);
    const uint32_t n = static_cast<uint32_t>(in.size());
    const Shape s = in[0].shape();
    if (s.cols % 32) throw std::invalid_argument("all_gather: columns must be whole tiles");
    const uint32_t Ct = s.cols_tiles(), R = s.batch * s.rows_tiles(), P = R * Ct;
    const MemoryConfig mem = cfg.out_mem.value_or(in[0].memory_config());
    if (mem.is_sharded()) throw std::invalid_argument("CCL outputs must be interleaved");
    std::vector<Tensor> out;
    for (const Tensor& t : in)
        out.push_back(Tensor::allocate(t.device(), {s.batch, s.rows, s.cols * n}, t.dtype(), mem));
    const DType dt = in[0].dtype();
    const uint32_t page = tile_bytes(dt);
    const tt::DataFormat df = data_format(dt);
    const uint32_t k = detail::pages_per_packet(run.fab->max_payload_bytes(), page);
    const bool ring = run.fab->config().topology == Topology::ring;
    const uint32_t L = fc.num_links;
    // Packets per arrival signal: TT-NN's default for all_gather_async, the worker's whole share
    // of a slice in packets, at most 160 (HEURISTIC_MAX_CHUNKS_PER_SYNC).
    const uint32_t kSyncEvery = std::clamp<uint32_t>((P / L + k - 1) / k, 1, 160);
    CoreRangeSet workers(CoreRange({0, 0}, {L - 1, 1}));
    for (uint32_t pos = 0; pos < n; ++pos) {
        Program& p = run.programs[pos];
        IDevice* dev = run.chain[pos];
        // Same id on every chip: a sender addresses the next chip's semaphore by its own.
        const uint32_t sem = tt::tt_metal::CreateSemaphore(p, workers, 0);
        for (int di = 0; di < 2; ++di) {
            const auto d = static_cast<Direction>(di);
            for (uint32_t l = 0; l < L; ++l) {
                const uint32_t a0 = P * l / L, a1 = P * (l + 1) / L;
                const AgWork w = ag_work(ring, n, pos, d, a0, a1);
                if (w.steps.empty() && w.expect == 0) continue;
                const CoreCoord core{l, static_cast<uint32_t>(di)};
                const CoreCoord self = dev->worker_core_from_logical_core(core);
                CoreRange cr(core, core);
                using namespace tt::tt_metal;
                CreateCircularBuffer(p, cr,
                                     CircularBufferConfig(3 * k * page, {{tt::CBIndex::c_0, df}})
                                         .set_page_size(tt::CBIndex::c_0, page));
                CreateCircularBuffer(p, cr,
                                     CircularBufferConfig(64, {{tt::CBIndex::c_1, df}})
                                         .set_page_size(tt::CBIndex::c_1, 64));
                std::vector<uint32_t> a{in[pos].buffer().address(),
                                        in[pos].memory_config().is_dram() ? 1u : 0u,
                                        out[pos].buffer().address(),
                                        out[pos].memory_config().is_dram() ? 1u : 0u,
                                        page,
                                        k,
                                        Ct,
                                        n * Ct,
                                        sem,
                                        static_cast<uint32_t>(self.x),
                                        static_cast<uint32_t>(self.y),
                                        kSyncEvery,
                                        w.expect,
                                        static_cast<uint32_t>(w.steps.size())};
                bool sends = false;
                for (const AgStep& st : w.steps) {
                    a.insert(a.end(),
                             {st.src, st.owner, st.q0, st.q1, st.send, st.local, st.arrive});
                    sends |= st.send != 0;
                }
                if (sends && !run.fab->has_router(pos, d))
                    throw InternalError("an all_gather worker sends past a chain end");
                std::vector<uint32_t> wa = a;
                wa.push_back(sends ? 1 : 0);
                if (sends) run.fab->append_connection_rt_args(pos, d, l, 0, p, core, wa);
                auto kr =
                    CreateKernel(p, "kernels/ccl/ag_reader.cpp", core,
                                 DataMovementConfig{.processor = DataMovementProcessor::RISCV_1,
                                                    .noc = NOC::RISCV_1_default});
                SetRuntimeArgs(p, kr, core, a);
                auto kw =
                    CreateKernel(p, "kernels/ccl/ag_writer.cpp", core,
                                 DataMovementConfig{.processor = DataMovementProcessor::RISCV_0,
                                                    .noc = NOC::RISCV_0_default});
                SetRuntimeArgs(p, kw, core, wa);
            }
        }
    }
    CclPlan plan;
    detail::fill_plan(plan, CclOp::all_gather, in, run, k, 2 * L);
    plan.why = ring ? "each chip sends its slice one hop each way; workers forward half the ring"
                    : "each chip multicasts its slice both ways; routers forward along the line";
    run.run("all_gather_async", plan);
    if (plan_out) *plan_out = plan;
    return out;
}

}  // namespace tensim::ops
