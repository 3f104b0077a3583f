#include "tensix/sfpu.hpp"

#include <fmt/format.h>

#include <bit>
#include <cmath>
#include <limits>

#include "numerics/fidelity.hpp"
#include "numerics/sfpu.hpp"
#include "tensix/compute_engine.hpp"
#include "tensix/risc_thread.hpp"

namespace tensim {

namespace {
const char* binary_name(abi::SfpuBinaryOp op) {
    static const char* names[] = {"add", "sub", "mul", "div", "rsub", "pow", "eq",
                                  "ne",  "lt",  "gt",  "le",  "ge",   "max", "min"};
    return names[static_cast<int>(op)];
}
}  // namespace

bool Sfpu::needs_own_init(abi::SfpuOp op) {
    using O = abi::SfpuOp;
    switch (op) {
        case O::exp:
        case O::log:
        case O::recip:
        case O::sqrt:
        case O::rsqrt:
        case O::gelu:
        case O::silu:
        case O::sigmoid:
        case O::tanh:
        case O::power:
        case O::exp2:
        case O::expm1:
        case O::sin:
        case O::cos:
        case O::tan:
        case O::log1p:
        case O::erf:
        case O::erfc:
        case O::asin:
        case O::acos:
        case O::atan:
        case O::elu:
        case O::softplus:
            return true;
        default:
            return false;
    }
}

bool Sfpu::needs_own_init(abi::SfpuBinaryOp op) {
    return op == abi::SfpuBinaryOp::div || op == abi::SfpuBinaryOp::pow;
}

void Sfpu::reset() {
    m_kind = Kind::none;
    m_site = {};
}

void Sfpu::init(abi::SfpuOp op, const InitSite& site, uint32_t init_param) {
    m_kind = Kind::unary;
    m_unary = op;
    m_site = site;
    m_init_param = init_param;
}

void Sfpu::init_scalar_ops(const InitSite& site) {
    m_kind = Kind::scalar_ops;
    m_site = site;
}

void Sfpu::init_binary(abi::SfpuBinaryOp op, const InitSite& site) {
    m_kind = Kind::binary;
    m_binary = op;
    m_site = site;
}

std::string Sfpu::describe() const {
    switch (m_kind) {
        case Kind::none:
            return "no SFPU op";
        case Kind::unary:
            return fmt::format("the SFPU set up for {}", numerics::sfpu_op_name(m_unary));
        case Kind::binary:
            return fmt::format("the SFPU set up for binary {}", binary_name(m_binary));
        case Kind::scalar_ops:
            return "the SFPU set up for scalar ops";
    }
    return "?";
}

void Sfpu::unary(RiscThread& t, abi::SfpuOp op, uint32_t idst, float scalar, uint32_t param,
                 bool approx, const SrcLoc& loc) {
    numerics::SfpuArgs args;
    args.scalar = scalar;
    args.param = param;
    unary(t, op, idst, args, approx, loc);
}

void Sfpu::unary(RiscThread& t, abi::SfpuOp op, uint32_t idst, numerics::SfpuArgs args, bool approx,
                 const SrcLoc& loc) {
    ComputeEngine& e = m_engine;
    using O = abi::SfpuOp;
    const bool scalar_op = op == O::add_scalar || op == O::sub_scalar || op == O::mul_scalar ||
                           op == O::div_scalar || op == O::rsub_scalar;
    const bool own =
        (m_kind == Kind::unary && m_unary == op) || (m_kind == Kind::scalar_ops && scalar_op);
    const char* name = numerics::sfpu_op_name(op);
    if (!own && init_check_enabled())
        init_mismatch(
            t, name, loc,
            scalar_op ? std::string("the SFPU set up for scalar ops (binop_with_scalar_tile_init)")
                      : fmt::format("the SFPU set up for {}", name),
            describe(), m_site);
    bool written = false;
    numerics::Tile& d = e.dst(t, idst, written);
    if (e.computes()) {
        if (!own && needs_own_init(op)) {
            d.fill(std::numeric_limits<float>::quiet_NaN());
        } else {
            if (op == O::exp && args.param == kExpInitScale) {
                args.scalar = std::bit_cast<float>(m_init_param);
                args.param = 1;
            }
            numerics::sfpu_unary_tile(op, d.data(), args, e.faithful() && approx);
            if (e.faithful())
                for (float& v : d) v = numerics::round_to_dst(v, e.fp32_dst());
        }
    }
    e.run(t, ComputeEngine::Unit::sfpu, e.sfpu_cycles(op, approx));
}

void Sfpu::binary(RiscThread& t, abi::SfpuBinaryOp op, uint32_t idst0, uint32_t idst1,
                  uint32_t odst, const SrcLoc& loc, int vector_mode) {
    // VectorMode (tt-metal's llk params helpers): R = faces 0 and 1, C = faces 0 and 2, RC = all.
    const bool rows_only = vector_mode == 1, cols_only = vector_mode == 2;
    ComputeEngine& e = m_engine;
    const bool own = m_kind == Kind::binary && m_binary == op;
    if (!own && init_check_enabled())
        init_mismatch(t, binary_name(op), loc,
                      fmt::format("the SFPU set up for binary {} ({}_binary_tile_init)",
                                  binary_name(op), binary_name(op)),
                      describe(), m_site);
    bool w0, w1, wo;
    numerics::Tile& x = e.dst(t, idst0, w0);
    numerics::Tile& y = e.dst(t, idst1, w1);
    numerics::Tile& o = e.dst(t, odst, wo);
    if (e.computes()) {
        const bool poison = !own && needs_own_init(op);
        for (uint32_t i = 0; i < 1024; ++i) {
            const uint32_t face = i / 256;  // Tile storage is face-major (numerics::tile_index)
            if ((rows_only && face >= 2) || (cols_only && (face & 1))) continue;
            o[i] = poison ? std::numeric_limits<float>::quiet_NaN()
                          : numerics::round_to_dst(numerics::sfpu_binary(op, x[i], y[i]),
                                                   e.fp32_dst());
        }
    }
    const Cycle cycles = e.sfpu_binary_cycles(op);
    e.run(t, ComputeEngine::Unit::sfpu, rows_only || cols_only ? cycles / 2 : cycles);
}

void Sfpu::sfpi(RiscThread& t, const abi::SfpiCounts& counts) {
    m_engine.run(t, ComputeEngine::Unit::sfpu, m_engine.config().sfpi.cycles(counts));
}

}  // namespace tensim
