// The SFPU (vector unit) of a Tensix core: per-lane math on Dst tiles, in place. Modelled: the op
// the last *_tile_init call programmed (its constants and LUT), per-tile SFPU time, the numerics
// of the run's mode. An op whose init programs constants (exp, log, recip, ...) run without its
// own init computes with another op's constants on silicon; tensim cannot know those values and
// gives NaN for the whole tile, so the mistake shows. Abstracted: the SFPU instruction stream,
// LRegs and programmable constant registers. Numbers: sim/arch/*.json "sfpu" and
// numerics/sfpu.hpp (per-op costs with their sources).
#pragma once
#include <cstdint>

#include "numerics/sfpu.hpp"
#include "tensim/kernel_api/tensim_abi.h"
#include "tensim/kernel_api/tensim_sfpi.h"
#include "tensix/init_state.hpp"

namespace tensim {

class ComputeEngine;
class RiscThread;

class Sfpu {
public:
    explicit Sfpu(ComputeEngine& engine) : m_engine(engine) {}
    void reset();  // nothing programmed

    // ---- init calls (TRISC1) ----
    // `init_param`: what the init programs beyond the op (exp: the fp32 bits of the scale that
    // exp_tile_init<approx, scale> folds into the fast path's constants).
    void init(abi::SfpuOp op, const InitSite& site, uint32_t init_param = 0x3F800000);
    void init_binary(abi::SfpuBinaryOp op, const InitSite& site);
    // binop_with_scalar_tile_init: one init for the *_unary_tile scalar ops.
    void init_scalar_ops(const InitSite& site);

    // ---- ops (TRISC1) ----
    // `scalar` is the float operand of the *_scalar ops and fill; `param` the uint32 TT-Metalium
    // passes (an exponent, or the fp32 bits of a threshold or slope).
    void unary(RiscThread& t, abi::SfpuOp op, uint32_t idst, float scalar, uint32_t param,
               bool approx, const SrcLoc& loc);
    // The same with every operand (softplus's three); exp with args.param == kExpInitScale takes
    // its scale from the init (the fast approximate path) instead of the call.
    void unary(RiscThread& t, abi::SfpuOp op, uint32_t idst, numerics::SfpuArgs args, bool approx,
               const SrcLoc& loc);
    static constexpr uint32_t kExpInitScale = 2;
    // `vector_mode` (TT-Metalium's VectorMode: R = faces 0-1, C = faces 0 and 2, RC = all) picks
    // the faces written; the others keep odst's values. Two faces take half the time.
    void binary(RiscThread& t, abi::SfpuBinaryOp op, uint32_t idst0, uint32_t idst1, uint32_t odst,
                const SrcLoc& loc, int vector_mode = 4);
    // A kernel's own SFPI code (sfpi.h): the instructions it issued, priced per class.
    void sfpi(RiscThread& t, const abi::SfpiCounts& counts);

    // Whether the op's init programs constants that its kernel depends on (TT-Metal's
    // *_init functions beyond the common SFPU config).
    static bool needs_own_init(abi::SfpuOp op);
    static bool needs_own_init(abi::SfpuBinaryOp op);

private:
    enum class Kind : uint8_t { none, unary, binary, scalar_ops };
    std::string describe() const;
    ComputeEngine& m_engine;
    Kind m_kind = Kind::none;
    abi::SfpuOp m_unary = abi::SfpuOp::exp;
    abi::SfpuBinaryOp m_binary = abi::SfpuBinaryOp::add;
    InitSite m_site;
    uint32_t m_init_param = 0x3F800000;
};

}  // namespace tensim
