// The FPU (matrix unit) of a Tensix core: it takes the Src bank the unpackers filled and writes
// Dst, one method per operation class (matmul, eltwise binary, dest reuse, datacopy, reduce).
// Modelled: the operation the math init call programmed (eltwise type, broadcast, accumulate to
// Dst, dest reuse, reduce pool and dimension), which a stale op runs under; per-call FPU time;
// the numerics of the run's mode. Abstracted: the math MOPs and address modifiers holding this
// state on silicon. Numbers: sim/arch/*.json "compute.fpu_*" (TTM GEMM_FLOPS.md, MatrixUnit.md).
#pragma once
#include <cstdint>

#include "tensim/kernel_api/tensim_abi.h"
#include "tensix/init_state.hpp"

namespace tensim {

class ComputeEngine;
class RiscThread;

// The operation class a math init call programmed (TT-Metal's llk_math_*_init).
enum class MathMode : uint8_t { none, datacopy, eltwise, matmul, reduce };
const char* math_mode_name(MathMode m);

class Fpu {
public:
    explicit Fpu(ComputeEngine& engine) : m_engine(engine) {}
    void reset();  // nothing configured

    // ---- init calls (TRISC1) ----
    void init_datacopy(abi::BroadcastType bcast, const InitSite& site);
    void init_eltwise(abi::EltwiseBinaryType op, abi::BroadcastType bcast, bool acc_to_dest,
                      abi::EltwiseBinaryReuseDestType reuse, const InitSite& site);
    void init_matmul(const InitSite& site);
    void init_reduce(abi::PoolType pool, abi::ReduceDim dim, const InitSite& site);

    // ---- ops (TRISC1): each drains the next full Src bank ----
    // Dst[idst + r*ct + c] += in0[r] x in1[c] for an rt x ct block (in0 in SrcB, in1 in SrcA).
    void matmul(RiscThread& t, uint32_t idst, uint32_t rt, uint32_t ct, const char* op,
                const SrcLoc& loc);
    // Dst[idst] = SrcA op SrcB (broadcast done by the unpacker).
    void eltwise(RiscThread& t, abi::EltwiseBinaryType op, abi::BroadcastType bcast, uint32_t idst,
                 const char* name, const SrcLoc& loc);
    // Dst[idst] = Dst op Src (DEST_TO_SRCA: Dst is SrcA) or Src op Dst (DEST_TO_SRCB).
    void dest_reuse(RiscThread& t, abi::EltwiseBinaryType op, abi::EltwiseBinaryReuseDestType reuse,
                    uint32_t idst, const SrcLoc& loc);
    // Dst[idst] = SrcA (copy_tile, transpose_wh_tile, unary_bcast, tilize, untilize).
    void datacopy(RiscThread& t, abi::BroadcastType bcast, uint32_t idst, const char* op,
                  const SrcLoc& loc);
    // SrcA reduced along `dim`, times the scaler's first element (SrcB), accumulated into Dst.
    void reduce(RiscThread& t, abi::PoolType pool, abi::ReduceDim dim, uint32_t idst,
                const SrcLoc& loc);

private:
    struct Config {
        MathMode mode = MathMode::none;
        abi::EltwiseBinaryType eltwise = abi::ELWADD;
        abi::BroadcastType bcast = abi::BroadcastType::NONE;
        bool acc_to_dest = false;
        abi::EltwiseBinaryReuseDestType reuse = abi::EltwiseBinaryReuseDestType::NONE;
        abi::PoolType pool = abi::SUM;
        abi::ReduceDim dim = abi::REDUCE_ROW;
        bool operator==(const Config&) const = default;
    };
    static std::string describe(const Config& c);
    // Check mode: the op's configuration must be the one the last init call set.
    void check(const RiscThread& t, const char* op, const SrcLoc& loc, const Config& need) const;
    void eltwise_math(RiscThread& t, abi::EltwiseBinaryType op, int dst_operand, uint32_t idst,
                      const SrcLoc& loc);

    ComputeEngine& m_engine;
    Config m_cfg;
    InitSite m_site;
};

}  // namespace tensim
