// The compute kernel's calls into the simulator, one TRISC's part each: compute_kernel_api.h wraps
// them in TT-Metalium's names, src/kernel_api/compute.cpp forwards them to the engines of
// sim/tensix (Unpacker, Fpu, Sfpu, Packer). Init calls set an engine's state and charge nothing
// (the header charges compute_api_call where the TRISC pays for the call); ops run under the
// state. `call`/`op` name the API call in init-check messages.
#pragma once
#include <cstdint>

#include "tensim_abi.h"
#include "tensim_kernel.h"

namespace tensim::kapi {

void compute_api_call();  // the TRISC's cost of issuing one API call

// ---- init calls ---------------------------------------------------------------------------------
// Unpacker (TRISC0): operand 0 (SrcA) or 1 (SrcB) reads `cb`'s format; the op class it unpacks for.
void unpack_configure(int operand, uint32_t cb, const char* call, const Loc& loc);
void unpack_init(abi::UnpackMode mode, bool transpose, abi::BroadcastType bcast, const char* call,
                 const Loc& loc);
// FPU and SFPU (TRISC1).
void math_init_datacopy(abi::BroadcastType bcast, const char* call, const Loc& loc);
void math_init_eltwise(abi::EltwiseBinaryType op, abi::BroadcastType bcast, bool acc_to_dest,
                       abi::EltwiseBinaryReuseDestType reuse, const char* call, const Loc& loc);
void math_init_matmul(const char* call, const Loc& loc);
void math_init_reduce(abi::PoolType pool, abi::ReduceDim dim, const char* call, const Loc& loc);
void sfpu_init(abi::SfpuOp op, const char* call, const Loc& loc);
// An init that programs a constant with the op (exp_tile_init<approx, scale>: the scale's fp32
// bits).
void sfpu_init_param(abi::SfpuOp op, uint32_t param, const char* call, const Loc& loc);
void sfpu_init_scalar_ops(const char* call, const Loc& loc);
void sfpu_init_binary(abi::SfpuBinaryOp op, const char* call, const Loc& loc);
// Packer (TRISC2).
void pack_configure(uint32_t cb, const char* call, const Loc& loc);
void pack_l1_acc(bool enable);

// ---- unpack (TRISC0): tiles of CBs into the next SrcA/SrcB bank ---------------------------------
void unpack_unary(abi::CbTile a, bool transpose_op, abi::BroadcastType bcast, const char* op,
                  const Loc& loc);
void unpack_binary(abi::CbTile a, abi::CbTile b, abi::BroadcastType bcast, const char* op,
                   const Loc& loc);
void unpack_dest_reuse(abi::CbTile x, bool into_srca, const Loc& loc);
// in1 tiles to SrcA, in0 tiles to SrcB (MVMUL: Dst += SrcB x SrcA).
void unpack_matmul(const abi::CbTile* in1, uint32_t ct, const abi::CbTile* in0, uint32_t rt,
                   bool transpose, const char* op, const Loc& loc);
void unpack_reduce(abi::CbTile a, abi::CbTile scaler, const Loc& loc);
void unpack_tilize(uint32_t cb, uint32_t block_tiles, uint32_t tile, const Loc& loc);

// ---- math (TRISC1): the FPU on the bank the unpacker filled, the SFPU on Dst --------------------
void fpu_matmul(uint32_t idst, uint32_t rt, uint32_t ct, const char* op, const Loc& loc);
void fpu_eltwise(abi::EltwiseBinaryType op, abi::BroadcastType bcast, uint32_t idst,
                 const char* name, const Loc& loc);
void fpu_dest_reuse(abi::EltwiseBinaryType op, abi::EltwiseBinaryReuseDestType reuse, uint32_t idst,
                    const Loc& loc);
void fpu_datacopy(abi::BroadcastType bcast, uint32_t idst, const char* op, const Loc& loc);
void fpu_reduce(abi::PoolType pool, abi::ReduceDim dim, uint32_t idst, const Loc& loc);
void sfpu_unary(abi::SfpuOp op, uint32_t idst, float scalar, uint32_t param, bool approx,
                const Loc& loc);
// Three uint32 operands (softplus: fp32 bits of beta, 1/beta, threshold).
void sfpu_unary3(abi::SfpuOp op, uint32_t idst, uint32_t p0, uint32_t p1, uint32_t p2, bool approx,
                 const Loc& loc);
// vector_mode: TT-Metalium's VectorMode value (R 1, C 2, RC 4).
void sfpu_binary(abi::SfpuBinaryOp op, uint32_t idst0, uint32_t idst1, uint32_t odst,
                 const Loc& loc, int vector_mode = 4);
void dst_acquire(const Loc& loc);
void dst_commit(const Loc& loc);
void dst_wait(const Loc& loc);
void dst_release(const Loc& loc);
// release_dst (deprecated on silicon): each thread ends the section it holds; a thread holding
// none (the kernel already ran tile_regs_commit / tile_regs_release) does nothing.
void dst_section_done(const Loc& loc);

// ---- pack (TRISC2): Dst tiles into a CB ---------------------------------------------------------
void pack_tile(uint32_t idst, uint32_t cb, uint32_t index, bool out_of_order, const Loc& loc);
// Dst tile -> columns [32*col, 32*col+32) of rows [32*row, 32*row+32) of a row-major block
// `row_tiles` tiles wide at the CB's back.
void pack_untilize(uint32_t idst, uint32_t cb, uint32_t row_tiles, uint32_t row, uint32_t col,
                   const Loc& loc);

}  // namespace tensim::kapi
