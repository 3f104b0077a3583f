#include "tensix/compute_engine.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <utility>

#include "common/error.hpp"
#include "numerics/formats.hpp"
#include "numerics/sfpu.hpp"
#include "tensix/math_worker.hpp"
#include "tensix/risc_thread.hpp"
#include "tensix/tensix_core.hpp"

namespace tensim {

const char* numerics_mode_name(NumericsMode m) {
    switch (m) {
        case NumericsMode::faithful:
            return "faithful";
        case NumericsMode::fast:
            return "fast";
        default:
            return "timing";
    }
}

NumericsMode parse_numerics_mode(const std::string& s) {
    if (s == "faithful") return NumericsMode::faithful;
    if (s == "fast") return NumericsMode::fast;
    if (s == "timing") return NumericsMode::timing;
    throw ConfigError(fmt::format("numerics mode '{}' is not one of faithful, fast, timing", s));
}

ComputeEngine::ComputeEngine(const ComputeEngineConfig& cfg, TensixCore& core)
    : m_cfg(cfg), m_core(core) {}

// A job's error surfaces at the core's next Dst access; one left when the core is torn down
// belongs to a run that has already ended or failed.
ComputeEngine::~ComputeEngine() {
    try {
        math_sync();
    } catch (...) {
    }
}

void ComputeEngine::math_sync() {
    if (m_math.pending.load(std::memory_order_acquire) != 0)
        m_math.owner->wait(m_math);  // rethrows a job's error
    else if (m_math.error)
        std::rethrow_exception(std::exchange(m_math.error, nullptr));
}

void ComputeEngine::matmul_tiles(SrcBank& bank, const std::array<numerics::Tile*, 16>& dst,
                                 uint32_t rt, uint32_t ct) {
    // The call goes to the MathWorker when there is one (math_worker()). A core with jobs
    // outstanding queues behind them, so its Dst sees the calls in order. When the worker is
    // behind (max_backlog), the simulation thread computes: this call inline if it can, else the
    // oldest job it may take.
    MathWorker* worker = math_worker();
    const bool behind = worker && worker->backlog() >= MathWorker::max_backlog();
    if (behind && m_math.pending.load(std::memory_order_relaxed) == 0) worker = nullptr;
    // The job takes the bank's tiles by swapping storage: the unpacker overwrites every tile it
    // holds next, so the storage it gets back needs no contents.
    auto fill = [&](MathWorker::Job& job) {
        std::swap(job.a, bank.a);
        std::swap(job.b, bank.b);
        std::swap(job.raw_a_tiles, bank.raw_a_tiles);
        std::swap(job.raw_b_tiles, bank.raw_b_tiles);
        job.raw_a = bank.raw_a, job.raw_b = bank.raw_b;
        job.dst = dst;
        job.rt = rt, job.ct = ct;
        job.phases = phases(), job.faithful = faithful(), job.fp32_dst = fp32_dst();
    };
    if (worker) {
        MathWorker::Job* job = worker->take();
        fill(*job);
        job->lane = &m_math;
        worker->submit(job);
        if (behind) worker->help();
        return;
    }
    math_sync();  // jobs queued before the worker was turned off come first
    MathWorker::Job job;
    fill(job);
    MathWorker::compute(job);
    std::swap(job.a, bank.a);
    std::swap(job.b, bank.b);
    std::swap(job.raw_a_tiles, bank.raw_a_tiles);
    std::swap(job.raw_b_tiles, bank.raw_b_tiles);
}

void ComputeEngine::reset(const ComputeSettings& s) {
    math_sync();
    m_set = s;
    for (auto& b : m_banks) {
        b = SrcBank{};
        b.keeps_tiles = computes();
    }
    m_unpack_bank = m_math_bank = 0;
    m_half = {Half::free, Half::free};
    m_math_half = m_pack_half = 0;
    refresh_init_check_from_env();
    m_unpacker.reset();
    m_fpu.reset();
    m_sfpu.reset();
    m_packer.reset();
    for (int h = 0; h < 2; ++h) {
        // Timing numerics never reads or writes Dst's values (timing_dst below): no storage.
        if (computes())
            m_dst[h].assign(dst_capacity(), numerics::Tile{});
        else
            m_dst[h] = {};
        m_written[h].assign(dst_capacity(), false);
    }
}

// ---- Src banks ----------------------------------------------------------------------------------

ComputeEngine::SrcBank& ComputeEngine::unpack_begin(RiscThread& t) {
    SrcBank& b = m_banks[m_unpack_bank];
    t.wait_until([bank = &b] { return !bank->full; }, WaitInfo{WaitInfo::src_free},
                 WaitsOn::engine);
    b.hold(0, 0);
    return b;
}

void ComputeEngine::run(RiscThread& t, Unit unit, Cycle cost) {
    static constexpr trace::Lane lanes[] = {trace::Lane::unpack, trace::Lane::fpu,
                                            trace::Lane::sfpu, trace::Lane::pack};
    static constexpr const char* names[] = {"unpack", "math", "sfpu", "pack"};
    Cycle Stats::*const counters[] = {&Stats::unpack, &Stats::fpu, &Stats::sfpu, &Stats::pack};
    const int u = static_cast<int>(unit);
    m_stats.*counters[u] += cost;
    if (trace::Sink* sink = trace::sink()) {
        trace::Track track{m_core.chip_id(), m_core.logical_x(), m_core.logical_y(), lanes[u]};
        if (cost && sink->wants(track)) sink->zone(track, names[u], t.now(), t.now() + cost, {});
    }
    t.advance_engine(cost);
}

void ComputeEngine::unpack_end(RiscThread& t, Cycle cost) {
    run(t, Unit::unpack, cost);
    t.sync();
    m_banks[m_unpack_bank].full = true;
    m_unpack_bank ^= 1;
    m_core.notify_engine_changed();
}

ComputeEngine::SrcBank& ComputeEngine::math_begin(RiscThread& t, bool raw_ok) {
    SrcBank& b = m_banks[m_math_bank];
    t.wait_until([bank = &b] { return bank->full; }, WaitInfo{WaitInfo::src_full}, WaitsOn::engine);
    if (!raw_ok) b.decode_raw();
    return b;
}

void ComputeEngine::SrcBank::decode_raw() {
    if (raw_a) MathWorker::decode_raw(raw_a_tiles, a, na);
    if (raw_b) MathWorker::decode_raw(raw_b_tiles, b, nb);
    raw_a = raw_b = false;
}

void ComputeEngine::math_end(RiscThread& t, Cycle cost) {
    run(t, Unit::fpu, cost);
    t.sync();
    m_banks[m_math_bank].full = false;
    m_math_bank ^= 1;
    m_core.notify_engine_changed();
}

// ---- Dst ----------------------------------------------------------------------------------------

uint32_t ComputeEngine::dst_capacity() const {
    // 16-bit Dst holds 16 tiles, fp32 Dst 8 (ISA Dst.md); half-sync gives each owner half of it.
    uint32_t whole = m_set.fp32_dest_acc ? 8 : 16;
    return m_set.dst_full_sync ? whole : whole / 2;
}

void ComputeEngine::dst_acquire(RiscThread& t) {
    if (m_half[m_math_half] == Half::math)
        throw KernelError(t.where() + ": tile_regs_acquire twice without tile_regs_commit");
    t.wait_until([this] { return m_half[m_math_half] == Half::free; }, WaitInfo{WaitInfo::dst_free},
                 WaitsOn::engine);
    m_half[m_math_half] = Half::math;
}

void ComputeEngine::dst_commit(RiscThread& t) {
    if (m_half[m_math_half] != Half::math)
        throw KernelError(t.where() + ": tile_regs_commit without tile_regs_acquire");
    t.sync();
    m_half[m_math_half] = Half::committed;
    if (!m_set.dst_full_sync) m_math_half ^= 1;
    m_core.notify_engine_changed();
}

void ComputeEngine::dst_wait(RiscThread& t) {
    if (m_half[m_pack_half] == Half::pack)
        throw KernelError(t.where() + ": tile_regs_wait twice without tile_regs_release");
    t.wait_until([this] { return m_half[m_pack_half] == Half::committed; },
                 WaitInfo{WaitInfo::dst_committed}, WaitsOn::engine);
    m_half[m_pack_half] = Half::pack;
}

void ComputeEngine::dst_release(RiscThread& t) {
    if (m_half[m_pack_half] != Half::pack)
        throw KernelError(t.where() + ": tile_regs_release without tile_regs_wait");
    t.sync();
    // The packer clears the half it releases, so math starts from zeros.
    math_sync();
    if (computes())
        for (auto& tile : m_dst[m_pack_half]) tile.fill(0.0f);
    std::fill(m_written[m_pack_half].begin(), m_written[m_pack_half].end(), false);
    m_half[m_pack_half] = Half::free;
    if (!m_set.dst_full_sync) m_pack_half ^= 1;
    m_core.notify_engine_changed();
}

numerics::Tile& ComputeEngine::dst(RiscThread& t, uint32_t idst, bool& written) {
    math_sync();
    const bool math = t.risc() == Risc::TRISC1;
    const int h = math ? m_math_half : m_pack_half;
    if (m_half[h] != (math ? Half::math : Half::pack) || idst >= dst_capacity())
        dst_misuse(t, idst, math);
    auto ref = m_written[h][idst];
    written = ref;
    ref = true;
    // Every engine leaves Dst's values alone in timing numerics, so all its tiles can be one
    // scratch tile.
    if (!computes()) return m_timing_dst;
    return m_dst[h][idst];
}

void ComputeEngine::dst_tiles_for_math_job(RiscThread& t, uint32_t idst, uint32_t n,
                                           std::array<numerics::Tile*, 16>& out) {
    const bool math = t.risc() == Risc::TRISC1;
    const int h = math ? m_math_half : m_pack_half;
    if (m_half[h] != (math ? Half::math : Half::pack)) dst_misuse(t, idst, math);
    const uint32_t capacity = dst_capacity();
    std::vector<bool>& written = m_written[h];
    for (uint32_t i = 0; i < n; ++i) {
        if (idst + i >= capacity) dst_misuse(t, idst + i, math);
        written[idst + i] = true;
        out[i] = computes() ? &m_dst[h][idst + i] : &m_timing_dst;  // i < capacity <= 16
    }
}

// Out of line, so that the checks' messages cost dst() and dst_tiles_for_math_job no stack frame.
void ComputeEngine::dst_misuse(RiscThread& t, uint32_t idst, bool math) const {
    if (m_half[math ? m_math_half : m_pack_half] != (math ? Half::math : Half::pack))
        throw KernelError(
            fmt::format("{}: Dst used without {}", t.where(),
                        math ? "tile_regs_acquire (or acquire_dst)" : "tile_regs_wait"));
    throw KernelError(
        fmt::format("{}: Dst index {} beyond capacity: {} tiles with {} Dst in {} mode", t.where(),
                    idst, dst_capacity(), m_set.fp32_dest_acc ? "fp32" : "16-bit",
                    m_set.dst_full_sync ? "full-sync" : "half-sync"));
}

// ---- costs --------------------------------------------------------------------------------------

namespace {
// numerics::tile_bytes without a call per tile; formats without L1 storage still throw there.
uint32_t bytes_of(abi::DataFormat f) {
    if (uint32_t n = abi::tile_bytes(f)) return n;
    return numerics::tile_bytes(f);
}
}  // namespace

Cycle ComputeEngine::unpack_cycles(std::span<const abi::DataFormat> a_formats,
                                   std::span<const abi::DataFormat> b_formats) const {
    // An unpack almost always has the formats of the one before (a kernel's loop over tiles of
    // the same CBs): its cost is that call's.
    UnpackMemo& m = m_unpack_memo;
    const size_t na = a_formats.size(), nb = b_formats.size();
    const bool fits = na + nb <= m.formats.size();
    // Formats are bytes: memcmp (a byte loop per format otherwise).
    static_assert(sizeof(abi::DataFormat) == 1);
    auto same = [](std::span<const abi::DataFormat> x, const abi::DataFormat* y) {
        return x.empty() || std::memcmp(x.data(), y, x.size()) == 0;
    };
    if (fits && m.na == na && m.nb == nb && same(a_formats, m.formats.data()) &&
        same(b_formats, m.formats.data() + na))
        return m.cost;
    // Each unpacker: per tile, an address setup per face, then its L1 fetch at x4 (x1 for BFP2).
    double bytes = 0;
    auto one = [&](std::span<const abi::DataFormat> formats) {
        double cycles = 0;
        for (abi::DataFormat f : formats) {
            bool slow = f == tt::DataFormat::Bfp2_b || f == tt::DataFormat::Bfp2;
            cycles += 4.0 * m_cfg.unpack_setup_cycles_per_face +
                      bytes_of(f) /
                          (slow ? m_cfg.unpack_slow_bytes_per_cycle : m_cfg.unpack_bytes_per_cycle);
            bytes += bytes_of(f);
        }
        return cycles;
    };
    double a = one(a_formats), b = one(b_formats);
    size_t tiles = std::max(na, nb);
    double shared = bytes / m_cfg.unpack_combined_bytes_per_cycle +
                    4.0 * m_cfg.unpack_setup_cycles_per_face * tiles;
    const Cycle cost =
        m_cfg.unpack_call_cycles + static_cast<Cycle>(std::ceil(std::max({a, b, shared})));
    if (fits) {
        std::copy(a_formats.begin(), a_formats.end(), m.formats.begin());
        std::copy(b_formats.begin(), b_formats.end(), m.formats.begin() + na);
        m.na = na, m.nb = nb, m.cost = cost;
    }
    return cost;
}

Cycle ComputeEngine::pack_cycles(abi::DataFormat f, bool l1_acc) const {
    PackMemo& m = m_pack_memo;  // a kernel packs tiles of one format
    if (m.set && m.format == f && m.l1_acc == l1_acc) return m.cost;
    // Accumulating into L1 makes each packer's 16 B write take pack_l1_acc_cycles_per_write cycles.
    double rate = l1_acc ? m_cfg.pack_bytes_per_cycle / m_cfg.pack_l1_acc_cycles_per_write
                         : m_cfg.pack_bytes_per_cycle;
    const Cycle cost =
        4 * m_cfg.pack_setup_cycles_per_face + static_cast<Cycle>(std::ceil(bytes_of(f) / rate));
    m = {f, l1_acc, true, cost};
    return cost;
}

Cycle ComputeEngine::sfpu_binary_cycles(numerics::SfpuBinaryOp op) const {
    // Built from the unary kernels they resemble: a two-operand op costs one simple op (an extra
    // load), division a reciprocal and a multiply, power a log, an exp and a multiply.
    using B = numerics::SfpuBinaryOp;
    using U = numerics::SfpuOp;
    Cycle simple = sfpu_cycles(U::add_scalar, false);
    if (op == B::div) return sfpu_cycles(U::recip, false) + simple;
    if (op == B::pow) return sfpu_cycles(U::log, false) + sfpu_cycles(U::exp, false) + simple;
    return simple;
}

Cycle ComputeEngine::sfpu_cycles(numerics::SfpuOp op, bool approx) const {
    auto it = m_cfg.sfpu_cycles.find(op);
    if (it != m_cfg.sfpu_cycles.end()) return it->second[approx ? 0 : 1];
    numerics::SfpuCost c = numerics::sfpu_default_cost(op);
    return approx ? c.approx_cycles : c.precise_cycles;
}

}  // namespace tensim
