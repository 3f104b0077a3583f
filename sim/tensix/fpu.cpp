#include "tensix/fpu.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "common/error.hpp"
#include "numerics/fidelity.hpp"
#include "numerics/formats.hpp"
#include "tensix/compute_engine.hpp"
#include "tensix/risc_thread.hpp"

namespace tensim {

namespace {

using abi::BroadcastType;
using numerics::Tile;
using Reuse = abi::EltwiseBinaryReuseDestType;

constexpr uint32_t at(uint32_t r, uint32_t c) {
    return static_cast<uint32_t>(numerics::tile_index(int(r), int(c)));
}

const char* eltwise_name(abi::EltwiseBinaryType op) {
    switch (op) {
        case abi::ELWADD:
            return "ELWADD";
        case abi::ELWSUB:
            return "ELWSUB";
        case abi::ELWMUL:
            return "ELWMUL";
        case abi::ELWDIV:
            return "ELWDIV";
        case abi::ELWLESS:
            return "ELWLESS";
    }
    return "?";
}

const char* bcast_name(BroadcastType b) {
    static const char* names[] = {"NONE", "COL", "ROW", "SCALAR"};
    return names[static_cast<int>(b) & 3];
}

// The FPU has add, subtract and multiply; other eltwise types run as multiply (as before).
numerics::EltwiseOp numerics_op(abi::EltwiseBinaryType op) {
    return op == abi::ELWADD   ? numerics::EltwiseOp::add
           : op == abi::ELWSUB ? numerics::EltwiseOp::sub
                               : numerics::EltwiseOp::mul;
}

}  // namespace

const char* math_mode_name(MathMode m) {
    switch (m) {
        case MathMode::none:
            return "none";
        case MathMode::datacopy:
            return "datacopy";
        case MathMode::eltwise:
            return "eltwise binary";
        case MathMode::matmul:
            return "matmul";
        case MathMode::reduce:
            return "reduce";
    }
    return "?";
}

std::string Fpu::describe(const Config& c) {
    std::string s = fmt::format("math mode {}", math_mode_name(c.mode));
    if (c.mode == MathMode::eltwise) {
        s += fmt::format(" {}", eltwise_name(c.eltwise));
        if (c.reuse != Reuse::NONE)
            s += c.reuse == Reuse::DEST_TO_SRCA ? " reusing Dst as SrcA" : " reusing Dst as SrcB";
    }
    if ((c.mode == MathMode::eltwise || c.mode == MathMode::datacopy) &&
        c.bcast != BroadcastType::NONE)
        s += fmt::format(", broadcast {}", bcast_name(c.bcast));
    if (c.mode == MathMode::reduce) {
        static const char* pools[] = {"SUM", "AVG", "MAX", "MIN"};
        static const char* dims[] = {"REDUCE_ROW", "REDUCE_COL", "REDUCE_SCALAR"};
        s += fmt::format(" {} {}", pools[c.pool & 3], dims[std::min<int>(c.dim, 2)]);
    }
    return s;
}

void Fpu::reset() {
    m_cfg = Config{};
    m_site = {};
}

void Fpu::init_datacopy(BroadcastType bcast, const InitSite& site) {
    m_cfg = Config{.mode = MathMode::datacopy, .bcast = bcast};
    m_site = site;
}

void Fpu::init_eltwise(abi::EltwiseBinaryType op, BroadcastType bcast, bool acc_to_dest,
                       Reuse reuse, const InitSite& site) {
    m_cfg = Config{.mode = MathMode::eltwise,
                   .eltwise = op,
                   .bcast = bcast,
                   .acc_to_dest = acc_to_dest,
                   .reuse = reuse};
    m_site = site;
}

void Fpu::init_matmul(const InitSite& site) {
    m_cfg = Config{.mode = MathMode::matmul};
    m_site = site;
}

void Fpu::init_reduce(abi::PoolType pool, abi::ReduceDim dim, const InitSite& site) {
    m_cfg = Config{.mode = MathMode::reduce, .pool = pool, .dim = dim};
    m_site = site;
}

void Fpu::check(const RiscThread& t, const char* op, const SrcLoc& loc, const Config& need) const {
    if (init_check_enabled() && !(need == m_cfg))
        init_mismatch(t, op, loc, describe(need), describe(m_cfg), m_site);
}

namespace {
// Unpack and math run the same call sequence; if they disagree, the kernel's threads diverged.
void check_bank(RiscThread& t, const ComputeEngine::SrcBank& bank, size_t need_a, size_t need_b,
                const SrcLoc& loc) {
    if (bank.na < need_a || bank.nb < need_b)
        throw KernelError(fmt::format(
            "{}: math expects {} SrcA and {} SrcB tiles but the unpacker provided {} and {} "
            "(the TRISCs ran different call sequences)",
            t.where(loc.file_name(), loc.line()), need_a, need_b, bank.na, bank.nb));
}
}  // namespace

void Fpu::matmul(RiscThread& t, uint32_t idst, uint32_t rt, uint32_t ct, const char* op,
                 const SrcLoc& loc) {
    ComputeEngine& e = m_engine;
    check(t, op, loc, Config{.mode = MathMode::matmul});
    auto& bank = e.math_begin(t, /*raw_ok=*/true);  // the tile math decodes raw operands
    check_bank(t, bank, ct, rt, loc);
    std::array<Tile*, 16> d{};  // rt * ct <= Dst's 16 tiles, checked by dst_tiles_for_math_job
    e.dst_tiles_for_math_job(t, idst, rt * ct, d);
    if (e.computes() && rt * ct <= d.size()) e.matmul_tiles(bank, d, rt, ct);
    const auto& cfg = e.config();
    e.math_end(t, cfg.fpu_matmul_call_cycles + static_cast<Cycle>(rt) * ct *
                                                   cfg.fpu_matmul_cycles_per_phase *
                                                   e.settings().fidelity_phases);
}

void Fpu::eltwise_math(RiscThread& t, abi::EltwiseBinaryType op, int dst_operand, uint32_t idst,
                       const SrcLoc& loc) {
    ComputeEngine& e = m_engine;
    auto& bank = e.math_begin(t);
    check_bank(t, bank, dst_operand == 1 ? 0 : 1, dst_operand == 2 ? 0 : 1, loc);
    // Under an eltwise configuration the FPU runs the configured operation (the MOP the init call
    // programmed), whatever the op's name says.
    const bool configured = m_cfg.mode == MathMode::eltwise;
    const abi::EltwiseBinaryType run = configured ? m_cfg.eltwise : op;
    const numerics::EltwiseOp nop = numerics_op(run);
    bool written = false;
    Tile& d = e.dst(t, idst, written);
    if (e.computes()) {
        // Dest reuse: Dst itself is one operand (1: as SrcA, 2: as SrcB), moved into a Src
        // register that holds at most TF32.
        Tile dst_copy;  // only for dest reuse: a plain eltwise reads Dst only to accumulate
        if (dst_operand != 0) {
            dst_copy = d;
            if (e.faithful())
                for (float& v : dst_copy) v = numerics::round_to_tf32(v);
        }
        const Tile& x = dst_operand == 1 ? dst_copy : bank.a[0];
        const Tile& y = dst_operand == 2 ? dst_copy : bank.b[0];
        const bool acc = configured && m_cfg.acc_to_dest && dst_operand == 0;
        if (e.faithful()) {
            numerics::eltwise_tile(nop, x, y, d, nop == numerics::EltwiseOp::mul ? e.phases() : 1,
                                   e.fp32_dst(), acc);
        } else {
            for (uint32_t i = 0; i < 1024; ++i) {
                float r = nop == numerics::EltwiseOp::add   ? x[i] + y[i]
                          : nop == numerics::EltwiseOp::sub ? x[i] - y[i]
                                                            : x[i] * y[i];
                d[i] = acc ? d[i] + r : r;
            }
        }
    }
    e.math_end(t, e.config().fpu_eltwise_cycles *
                      (nop == numerics::EltwiseOp::mul ? e.settings().fidelity_phases : 1));
}

void Fpu::eltwise(RiscThread& t, abi::EltwiseBinaryType op, BroadcastType bcast, uint32_t idst,
                  const char* name, const SrcLoc& loc) {
    Config need = m_cfg;
    if (m_cfg.mode != MathMode::eltwise) need = Config{};
    need.mode = MathMode::eltwise, need.eltwise = op, need.bcast = bcast, need.reuse = Reuse::NONE;
    check(t, name, loc, need);
    eltwise_math(t, op, 0, idst, loc);
}

void Fpu::dest_reuse(RiscThread& t, abi::EltwiseBinaryType op, Reuse reuse, uint32_t idst,
                     const SrcLoc& loc) {
    Config need = m_cfg;
    if (m_cfg.mode != MathMode::eltwise) need = Config{};
    need.mode = MathMode::eltwise, need.eltwise = op, need.bcast = BroadcastType::NONE,
    need.reuse = reuse;
    check(t, "binary_dest_reuse_tiles", loc, need);
    eltwise_math(t, op, reuse == Reuse::DEST_TO_SRCA ? 1 : 2, idst, loc);
}

void Fpu::datacopy(RiscThread& t, BroadcastType bcast, uint32_t idst, const char* op,
                   const SrcLoc& loc) {
    ComputeEngine& e = m_engine;
    check(t, op, loc, Config{.mode = MathMode::datacopy, .bcast = bcast});
    auto& bank = e.math_begin(t);
    check_bank(t, bank, 1, 0, loc);
    bool written = false;
    Tile& d = e.dst(t, idst, written);
    if (e.computes()) {
        // round_to_dst on each value, a tile at a time: an fp32 Dst takes Src's values as they
        // are, a 16-bit one their bf16 rounding (the vectorised encode and decode).
        d = bank.a[0];
        if (!e.fp32_dst())
            numerics::quantize_tile(abi::DataFormat::Float16_b, d, numerics::Rounding::host);
    }
    e.math_end(t, e.config().fpu_datacopy_cycles);
}

void Fpu::reduce(RiscThread& t, abi::PoolType pool, abi::ReduceDim dim, uint32_t idst,
                 const SrcLoc& loc) {
    ComputeEngine& e = m_engine;
    check(t, "reduce_tile", loc, Config{.mode = MathMode::reduce, .pool = pool, .dim = dim});
    // Under a reduce configuration the pool and dimension are the ones the init call programmed.
    if (m_cfg.mode == MathMode::reduce) pool = m_cfg.pool, dim = m_cfg.dim;
    auto& bank = e.math_begin(t);
    check_bank(t, bank, 1, 1, loc);
    const bool sum = pool != abi::MAX && pool != abi::MIN;
    bool written = false;
    Tile& d = e.dst(t, idst, written);
    if (e.computes()) {
        // ROW keeps column 0, COL keeps row 0, SCALAR keeps (0,0). Reductions accumulate into what
        // Dst already holds (several tiles reduce into one).
        const Tile& in = bank.a[0];
        const float s = bank.b[0][0];
        const uint32_t n = dim == abi::REDUCE_SCALAR ? 1 : 32;
        for (uint32_t k = 0; k < n; ++k) {
            // Sum pools multiply each datum by the scaler (with fidelity) and accumulate; max and
            // min pick a datum, then scale it.
            float acc = sum ? 0.0f : (pool == abi::MAX ? -INFINITY : INFINITY);
            for (uint32_t j = 0; j < (dim == abi::REDUCE_SCALAR ? 1024u : 32u); ++j) {
                float v = dim == abi::REDUCE_SCALAR ? in[j]
                          : dim == abi::REDUCE_ROW  ? in[at(k, j)]
                                                    : in[at(j, k)];
                if (sum)
                    acc += e.faithful() ? numerics::fidelity_mul(v, s, e.phases()) : v * s;
                else
                    acc = pool == abi::MAX ? std::max(acc, v) : std::min(acc, v);
            }
            float v = sum ? acc : acc * s;
            float& out = dim == abi::REDUCE_ROW   ? d[at(k, 0)]
                         : dim == abi::REDUCE_COL ? d[at(0, k)]
                                                  : d[0];
            float prev = out;
            out = numerics::round_to_dst(!written           ? v
                                         : sum              ? prev + v
                                         : pool == abi::MAX ? std::max(prev, v)
                                                            : std::min(prev, v),
                                         e.fp32_dst());
        }
    }
    e.math_end(t,
               e.config().fpu_reduce_cycles_per_phase * (sum ? e.settings().fidelity_phases : 1));
}

}  // namespace tensim
