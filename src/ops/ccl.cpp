// all_to_all and what all four collectives share: input checks, the per-chip programs and their
// launch, plans and host references. Kernels: kernels/ccl/ccl_reader.cpp, ccl_writer.cpp;
// routers: kernels/fabric/. all_gather is in ccl_gather.cpp, the reductions in ccl_reduce.cpp
// (docs/ccl.md).
#include "tensim/ops/ccl.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "ccl_internal.hpp"
#include "common/error.hpp"
#include "tensim/host/tensim.hpp"

namespace tensim::ops {

using fabric::Direction;
using fabric::Topology;
using tt::tt_metal::IDevice;
using tt::tt_metal::Program;

std::string ccl_op_name(CclOp op) {
    switch (op) {
        case CclOp::all_gather:
            return "all_gather";
        case CclOp::reduce_scatter:
            return "reduce_scatter";
        case CclOp::all_reduce:
            return "all_reduce";
        case CclOp::all_to_all:
            return "all_to_all";
    }
    return "?";
}
CclOp parse_ccl_op(const std::string& name) {
    for (CclOp op :
         {CclOp::all_gather, CclOp::reduce_scatter, CclOp::all_reduce, CclOp::all_to_all})
        if (ccl_op_name(op) == name) return op;
    throw std::invalid_argument(fmt::format(
        "unknown collective '{}' (all_gather, reduce_scatter, all_reduce, all_to_all)", name));
}

std::string CclPlan::describe() const {
    return fmt::format(
        "{} on {} chips ({}), {} link(s), {} worker core(s) per chip, {} page(s) of {} B per "
        "packet ({} B payload), router slots {} sender / {} receiver",
        ccl_op_name(op), num_devices, fabric::topology_name(topology), num_links, workers_per_chip,
        pages_per_packet, page_bytes, packet_payload_bytes, sender_slots, receiver_slots);
}

namespace detail {

fabric::FabricConfig check_ccl_inputs(const std::vector<Tensor>& in, const CclConfig& cfg,
                                      const char* op) {
    if (in.size() < 2)
        throw std::invalid_argument(fmt::format("{}: needs tensors on at least two chips", op));
    for (const Tensor& t : in) {
        if (!t.is_allocated())
            throw std::invalid_argument(fmt::format("{}: unallocated shard", op));
        if (t.shape() != in[0].shape() || t.dtype() != in[0].dtype())
            throw std::invalid_argument(fmt::format("{}: shards differ in shape or dtype", op));
        if (t.memory_config().is_sharded())
            throw std::invalid_argument(
                fmt::format("{}: shards must be interleaved (DRAM or L1)", op));
    }
    for (size_t i = 0; i < in.size(); ++i)
        for (size_t j = i + 1; j < in.size(); ++j)
            if (in[i].device() == in[j].device())
                throw std::invalid_argument(fmt::format("{}: two shards on one chip", op));
    fabric::FabricConfig fc;
    fc.topology = cfg.topology;
    fc.num_links = cfg.num_links;
    fc.max_payload_bytes = cfg.max_payload_bytes;
    if (cfg.router_packet_cycles) fc.router_packet_cycles = cfg.router_packet_cycles;
    return fc;
}

CclRun::CclRun(const std::vector<Tensor>& in, const fabric::FabricConfig& fc) {
    for (const Tensor& t : in) chain.push_back(t.device());
    fab = std::make_unique<fabric::Fabric>(chain, fc);
    for (size_t i = 0; i < chain.size(); ++i) programs.push_back(tt::tt_metal::CreateProgram());
}

void CclRun::run(const std::string& name, CclPlan& plan) {
    std::vector<Program*> ps;
    for (auto& p : programs) ps.push_back(&p);
    fab->add_routers(ps);
    for (size_t i = 0; i < chain.size(); ++i) {
        tensim::set_program_name(programs[i], name);
        tt::tt_metal::EnqueueProgram(chain[i]->command_queue(), programs[i], false);
    }
    tt::tt_metal::Finish(chain[0]->command_queue());
    uint64_t cycles = 0;
    double us = 0;
    for (IDevice* d : chain) {
        const auto& st = tensim::last_program_stats(d);
        cycles = std::max<uint64_t>(cycles, st.device_cycles);
        us = std::max(us, st.device_time_us);
    }
    plan.device_cycles += cycles;
    plan.device_time_us += us;
}

uint32_t pages_per_packet(uint32_t payload_bytes, uint32_t page_bytes) {
    const uint32_t k = payload_bytes / page_bytes;
    if (k == 0)
        throw std::invalid_argument(
            fmt::format("a {} B page does not fit the fabric's {} B packet payload", page_bytes,
                        payload_bytes));
    return std::min<uint32_t>(k, 4);  // a scatter write carries at most four chunks
}

void fill_plan(CclPlan& plan, CclOp op, const std::vector<Tensor>& in, const CclRun& run,
               uint32_t k, uint32_t workers) {
    plan.op = op;
    plan.topology = run.fab->config().topology;
    plan.num_devices = static_cast<uint32_t>(in.size());
    plan.num_links = run.fab->config().num_links;
    plan.page_bytes = tile_bytes(in[0].dtype());
    plan.pages_per_packet = k;
    plan.packet_payload_bytes = k * plan.page_bytes;
    plan.workers_per_chip = workers;
    plan.sender_slots = run.fab->sender_slots();
    plan.receiver_slots = run.fab->receiver_slots();
}

namespace {
// Splits [0, n) into `parts` nearly equal runs; returns run `i`.
std::pair<uint32_t, uint32_t> share(uint32_t n, uint32_t parts, uint32_t i) {
    return {n * i / parts, n * (i + 1) / parts};
}
}  // namespace

void build_send_op(CclRun& run, const std::vector<Tensor>& in, const std::vector<Tensor>& out,
                   uint32_t k, const std::function<CclWork(size_t, Direction)>& work) {
    const uint32_t n = static_cast<uint32_t>(run.chain.size());
    const uint32_t L = run.fab->config().num_links;
    const uint32_t page = tile_bytes(in[0].dtype());
    const tt::DataFormat fmt = data_format(in[0].dtype());
    const CoreCoord waiter{0, 0};
    for (uint32_t pos = 0; pos < n; ++pos) {
        Program& p = run.programs[pos];
        IDevice* dev = run.chain[pos];
        const uint32_t sem = tt::tt_metal::CreateSemaphore(p, CoreRange(waiter, waiter), 0);
        const CoreCoord wxy = dev->worker_core_from_logical_core(waiter);
        for (int d = 0; d < 2; ++d) {
            const auto dir = static_cast<Direction>(d);
            const CclWork w = work(pos, dir);
            const bool fabric = run.fab->has_router(pos, dir);
            for (uint32_t l = 0; l < L; ++l) {
                const CoreCoord core{l, static_cast<uint32_t>(d)};
                const bool is_waiter = core == waiter;
                if (w.slices.empty() && w.signals.empty() && !is_waiter) continue;
                CoreRange cr(core, core);
                tt::tt_metal::CreateCircularBuffer(
                    p, cr,
                    tt::tt_metal::CircularBufferConfig(3 * k * page, {{tt::CBIndex::c_0, fmt}})
                        .set_page_size(tt::CBIndex::c_0, page));
                tt::tt_metal::CreateCircularBuffer(
                    p, cr,
                    tt::tt_metal::CircularBufferConfig(64, {{tt::CBIndex::c_1, fmt}})
                        .set_page_size(tt::CBIndex::c_1, 64));
                std::vector<uint32_t> ra{in[pos].buffer().address(),
                                         in[pos].memory_config().is_dram() ? 1u : 0u, page, k,
                                         static_cast<uint32_t>(w.slices.size())};
                std::vector<uint32_t> wa{out[pos].buffer().address(),
                                         out[pos].memory_config().is_dram() ? 1u : 0u, page, k,
                                         static_cast<uint32_t>(w.slices.size())};
                for (const CclSlice& s : w.slices) {
                    if (s.range && !fabric) throw InternalError("a CCL slice crosses a chain end");
                    const auto [q0, q1] = share(s.rows * s.cols, L, l);
                    ra.insert(ra.end(), {s.in_off, s.cols, s.in_cols, q0, q1});
                    wa.insert(wa.end(), {s.start, s.range, s.out_off, s.cols, s.out_cols, q0, q1,
                                         s.local_too ? 1u : 0u});
                }
                wa.push_back(static_cast<uint32_t>(w.signals.size()));
                for (auto [st, rg] : w.signals) wa.insert(wa.end(), {st, rg});
                wa.insert(wa.end(), {static_cast<uint32_t>(wxy.x), static_cast<uint32_t>(wxy.y),
                                     sem, is_waiter ? (n - 1) * L : 0u});
                const bool uses_fabric = fabric && (!w.signals.empty() || !w.slices.empty());
                wa.push_back(uses_fabric ? 1 : 0);
                if (uses_fabric) run.fab->append_connection_rt_args(pos, dir, l, 0, p, core, wa);
                if (!w.slices.empty()) {
                    auto kr = tt::tt_metal::CreateKernel(
                        p, "kernels/ccl/ccl_reader.cpp", core,
                        tt::tt_metal::DataMovementConfig{
                            .processor = tt::tt_metal::DataMovementProcessor::RISCV_1,
                            .noc = tt::tt_metal::NOC::RISCV_1_default});
                    tt::tt_metal::SetRuntimeArgs(p, kr, core, ra);
                }
                auto kw = tt::tt_metal::CreateKernel(
                    p, "kernels/ccl/ccl_writer.cpp", core,
                    tt::tt_metal::DataMovementConfig{
                        .processor = tt::tt_metal::DataMovementProcessor::RISCV_0,
                        .noc = tt::tt_metal::NOC::RISCV_0_default});
                tt::tt_metal::SetRuntimeArgs(p, kw, core, wa);
            }
        }
    }
}

}  // namespace detail

namespace {

std::vector<Tensor> allocate_outputs(const std::vector<Tensor>& in, Shape shape,
                                     const CclConfig& cfg) {
    std::vector<Tensor> out;
    const MemoryConfig mem = cfg.out_mem.value_or(in[0].memory_config());
    if (mem.is_sharded()) throw std::invalid_argument("CCL outputs must be interleaved");
    for (const Tensor& t : in) out.push_back(Tensor::allocate(t.device(), shape, t.dtype(), mem));
    return out;
}

// Hops forward a ring sends on (the rest go backward), as TT-NN splits a bidirectional ring.
uint32_t ring_forward_hops(uint32_t n) { return n / 2; }

}  // namespace

std::vector<Tensor> all_to_all(const std::vector<Tensor>& in, const CclConfig& cfg,
                               CclPlan* plan_out) {
    const auto fc = detail::check_ccl_inputs(in, cfg, "all_to_all");
    detail::CclRun run(in, fc);
    const uint32_t n = static_cast<uint32_t>(in.size());
    const Shape s = in[0].shape();
    const uint32_t Ct = s.cols_tiles(), R = s.batch * s.rows_tiles();
    if (s.cols % 32 || Ct % n)
        throw std::invalid_argument(
            fmt::format("all_to_all: columns must be a multiple of {} tiles", n));
    const uint32_t Cs = Ct / n;
    std::vector<Tensor> out = allocate_outputs(in, s, cfg);
    const uint32_t k =
        detail::pages_per_packet(run.fab->max_payload_bytes(), tile_bytes(in[0].dtype()));
    const bool ring = run.fab->config().topology == Topology::ring;
    detail::build_send_op(run, in, out, k, [&](size_t pos, Direction dir) {
        detail::CclWork w;
        const uint32_t i = static_cast<uint32_t>(pos);
        for (uint32_t j = 0; j < n; ++j) {
            detail::CclSlice sl{0, 0, j * Cs, i * Cs, Cs, Ct, Ct, R};
            if (j == i) {
                // The local block goes with the direction that sends fewer blocks.
                const uint32_t ahead = ring ? ring_forward_hops(n) : n - 1 - i;
                const uint32_t behind = ring ? n - 1 - ahead : i;
                if ((dir == Direction::forward) == (ahead < behind)) w.slices.push_back(sl);
                continue;
            }
            // Line: the side j is on; ring: the shorter way (ties forward).
            uint32_t fwd = (j + n - i) % n;
            bool forward = ring ? fwd <= ring_forward_hops(n) : j > i;
            uint32_t hops = forward ? (ring ? fwd : j - i) : (ring ? n - fwd : i - j);
            if (forward != (dir == Direction::forward)) continue;
            sl.start = hops;
            sl.range = 1;
            w.slices.push_back(sl);
            w.signals.push_back({hops, 1});
        }
        return w;
    });
    CclPlan plan;
    detail::fill_plan(plan, CclOp::all_to_all, in, run, k, 2 * fc.num_links);
    plan.why = "each chip unicasts column block j to chip j, the nearer way round";
    run.run("all_to_all_async", plan);
    if (plan_out) *plan_out = plan;
    return out;
}

// ---- host references ---------------------------------------------------------------------------

std::vector<std::vector<float>> all_gather_reference(const std::vector<std::vector<float>>& in,
                                                     const Shape& s) {
    const size_t n = in.size(), rows = size_t(s.batch) * s.rows, c = s.cols;
    std::vector<float> g(rows * c * n);
    for (size_t i = 0; i < n; ++i)
        for (size_t r = 0; r < rows; ++r)
            for (size_t x = 0; x < c; ++x) g[r * c * n + i * c + x] = in[i][r * c + x];
    return std::vector<std::vector<float>>(n, g);
}

std::vector<std::vector<float>> all_reduce_reference(const std::vector<std::vector<float>>& in,
                                                     const Shape& s) {
    (void)s;
    std::vector<double> acc(in[0].size(), 0.0);
    for (const auto& v : in)
        for (size_t e = 0; e < v.size(); ++e) acc[e] += v[e];
    std::vector<float> r(acc.begin(), acc.end());
    return std::vector<std::vector<float>>(in.size(), r);
}

std::vector<std::vector<float>> reduce_scatter_reference(const std::vector<std::vector<float>>& in,
                                                         const Shape& s) {
    const size_t n = in.size(), rows = size_t(s.batch) * s.rows, c = s.cols, cs = c / n;
    const auto sum = all_reduce_reference(in, s)[0];
    std::vector<std::vector<float>> out(n, std::vector<float>(rows * cs));
    for (size_t i = 0; i < n; ++i)
        for (size_t r = 0; r < rows; ++r)
            for (size_t x = 0; x < cs; ++x) out[i][r * cs + x] = sum[r * c + i * cs + x];
    return out;
}

std::vector<std::vector<float>> all_to_all_reference(const std::vector<std::vector<float>>& in,
                                                     const Shape& s) {
    const size_t n = in.size(), rows = size_t(s.batch) * s.rows, c = s.cols, cs = c / n;
    std::vector<std::vector<float>> out(n, std::vector<float>(rows * c));
    for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < n; ++j)
            for (size_t r = 0; r < rows; ++r)
                for (size_t x = 0; x < cs; ++x)
                    out[j][r * c + i * cs + x] = in[i][r * c + j * cs + x];
    return out;
}

}  // namespace tensim::ops
