// The simulator side of the compute kernel API (include/tensim/kernel_api/tensim_compute.h): each
// call finds the running TRISC and forwards to its core's engine (sim/tensix unpacker, fpu, sfpu,
// packer). No state, arithmetic or costs live here.
#include "common/error.hpp"
#include "tensim/kernel_api/tensim_compute.h"
#include "tensix/compute_engine.hpp"
#include "tensix/tensix_core.hpp"

namespace tensim::kapi {

namespace {

RiscThread& self() {
    RiscThread* t = RiscThread::current();
    if (!t) throw InternalError("compute API called outside a kernel thread");
    return *t;
}

ComputeEngine& engine(RiscThread& t) { return t.core().compute(); }

}  // namespace

void compute_api_call() {
    RiscThread& t = self();
    t.advance(engine(t).config().trisc_api_cycles);
}

// ---- init calls ---------------------------------------------------------------------------------

void unpack_configure(int operand, uint32_t cb, const char* call, const Loc& loc) {
    RiscThread& t = self();
    engine(t).unpacker().configure_format(t, operand, cb, init_site(call, loc));
}

void unpack_init(abi::UnpackMode mode, bool transpose, abi::BroadcastType bcast, const char* call,
                 const Loc& loc) {
    RiscThread& t = self();
    engine(t).unpacker().init(mode, transpose, bcast, init_site(call, loc));
}

void math_init_datacopy(abi::BroadcastType bcast, const char* call, const Loc& loc) {
    RiscThread& t = self();
    engine(t).fpu().init_datacopy(bcast, init_site(call, loc));
}

void math_init_eltwise(abi::EltwiseBinaryType op, abi::BroadcastType bcast, bool acc_to_dest,
                       abi::EltwiseBinaryReuseDestType reuse, const char* call, const Loc& loc) {
    RiscThread& t = self();
    engine(t).fpu().init_eltwise(op, bcast, acc_to_dest, reuse, init_site(call, loc));
}

void math_init_matmul(const char* call, const Loc& loc) {
    RiscThread& t = self();
    engine(t).fpu().init_matmul(init_site(call, loc));
}

void math_init_reduce(abi::PoolType pool, abi::ReduceDim dim, const char* call, const Loc& loc) {
    RiscThread& t = self();
    engine(t).fpu().init_reduce(pool, dim, init_site(call, loc));
}

void sfpu_init(abi::SfpuOp op, const char* call, const Loc& loc) {
    RiscThread& t = self();
    engine(t).sfpu().init(op, init_site(call, loc));
}

void sfpu_init_param(abi::SfpuOp op, uint32_t param, const char* call, const Loc& loc) {
    RiscThread& t = self();
    engine(t).sfpu().init(op, init_site(call, loc), param);
}

void sfpu_init_scalar_ops(const char* call, const Loc& loc) {
    RiscThread& t = self();
    engine(t).sfpu().init_scalar_ops(init_site(call, loc));
}

void sfpu_init_binary(abi::SfpuBinaryOp op, const char* call, const Loc& loc) {
    RiscThread& t = self();
    engine(t).sfpu().init_binary(op, init_site(call, loc));
}

void pack_configure(uint32_t cb, const char* call, const Loc& loc) {
    RiscThread& t = self();
    engine(t).packer().configure_format(t, cb, init_site(call, loc));
}

void pack_l1_acc(bool enable) {
    RiscThread& t = self();
    engine(t).packer().set_l1_acc(enable);
}

// ---- unpack (TRISC0) ----------------------------------------------------------------------------

void unpack_unary(abi::CbTile a, bool transpose_op, abi::BroadcastType bcast, const char* op,
                  const Loc& loc) {
    RiscThread& t = self();
    engine(t).unpacker().unary(t, a, op, transpose_op, bcast, loc);
}

void unpack_binary(abi::CbTile a, abi::CbTile b, abi::BroadcastType bcast, const char* op,
                   const Loc& loc) {
    RiscThread& t = self();
    engine(t).unpacker().binary(t, a, b, bcast, op, loc);
}

void unpack_dest_reuse(abi::CbTile x, bool into_srca, const Loc& loc) {
    RiscThread& t = self();
    engine(t).unpacker().dest_reuse(t, x, into_srca, loc);
}

void unpack_matmul(const abi::CbTile* in1, uint32_t ct, const abi::CbTile* in0, uint32_t rt,
                   bool transpose, const char* op, const Loc& loc) {
    RiscThread& t = self();
    engine(t).unpacker().matmul(t, {in1, ct}, {in0, rt}, transpose, op, loc);
}

void unpack_reduce(abi::CbTile a, abi::CbTile scaler, const Loc& loc) {
    RiscThread& t = self();
    engine(t).unpacker().reduce(t, a, scaler, loc);
}

void unpack_tilize(uint32_t cb, uint32_t block_tiles, uint32_t tile, const Loc& loc) {
    RiscThread& t = self();
    engine(t).unpacker().tilize(t, cb, block_tiles, tile, loc);
}

// ---- math (TRISC1) ------------------------------------------------------------------------------

void fpu_matmul(uint32_t idst, uint32_t rt, uint32_t ct, const char* op, const Loc& loc) {
    RiscThread& t = self();
    engine(t).fpu().matmul(t, idst, rt, ct, op, loc);
}

void fpu_eltwise(abi::EltwiseBinaryType op, abi::BroadcastType bcast, uint32_t idst,
                 const char* name, const Loc& loc) {
    RiscThread& t = self();
    engine(t).fpu().eltwise(t, op, bcast, idst, name, loc);
}

void fpu_dest_reuse(abi::EltwiseBinaryType op, abi::EltwiseBinaryReuseDestType reuse, uint32_t idst,
                    const Loc& loc) {
    RiscThread& t = self();
    engine(t).fpu().dest_reuse(t, op, reuse, idst, loc);
}

void fpu_datacopy(abi::BroadcastType bcast, uint32_t idst, const char* op, const Loc& loc) {
    RiscThread& t = self();
    engine(t).fpu().datacopy(t, bcast, idst, op, loc);
}

void fpu_reduce(abi::PoolType pool, abi::ReduceDim dim, uint32_t idst, const Loc& loc) {
    RiscThread& t = self();
    engine(t).fpu().reduce(t, pool, dim, idst, loc);
}

void sfpu_unary(abi::SfpuOp op, uint32_t idst, float scalar, uint32_t param, bool approx,
                const Loc& loc) {
    RiscThread& t = self();
    engine(t).sfpu().unary(t, op, idst, scalar, param, approx, loc);
}

void sfpu_unary3(abi::SfpuOp op, uint32_t idst, uint32_t p0, uint32_t p1, uint32_t p2, bool approx,
                 const Loc& loc) {
    RiscThread& t = self();
    numerics::SfpuArgs args;
    args.param = p0;
    args.param1 = p1;
    args.param2 = p2;
    engine(t).sfpu().unary(t, op, idst, args, approx, loc);
}

void sfpu_binary(abi::SfpuBinaryOp op, uint32_t idst0, uint32_t idst1, uint32_t odst,
                 const Loc& loc, int vector_mode) {
    RiscThread& t = self();
    engine(t).sfpu().binary(t, op, idst0, idst1, odst, loc, vector_mode);
}

// The Dst handshake calls are API calls the TRISC issues and then waits on.
void dst_acquire(const Loc&) {
    RiscThread& t = self();
    compute_api_call();
    engine(t).dst_acquire(t);
}

void dst_commit(const Loc&) {
    RiscThread& t = self();
    compute_api_call();
    engine(t).dst_commit(t);
}

void dst_wait(const Loc&) {
    RiscThread& t = self();
    compute_api_call();
    engine(t).dst_wait(t);
}

void dst_release(const Loc&) {
    RiscThread& t = self();
    compute_api_call();
    engine(t).dst_release(t);
}

void dst_section_done(const Loc&) {
    RiscThread& t = self();
    compute_api_call();
    ComputeEngine& e = engine(t);
    if (t.risc() == Risc::TRISC1 ? e.math_holds_dst() : e.pack_holds_dst()) {
        if (t.risc() == Risc::TRISC1)
            e.dst_commit(t);
        else
            e.dst_release(t);
    }
}

// ---- pack (TRISC2) ------------------------------------------------------------------------------

void pack_tile(uint32_t idst, uint32_t cb, uint32_t index, bool out_of_order, const Loc& loc) {
    RiscThread& t = self();
    engine(t).packer().pack_tile(t, idst, cb, index, out_of_order, loc);
}

void pack_untilize(uint32_t idst, uint32_t cb, uint32_t row_tiles, uint32_t row, uint32_t col,
                   const Loc& loc) {
    RiscThread& t = self();
    engine(t).packer().pack_untilize(t, idst, cb, row_tiles, row, col, loc);
}

}  // namespace tensim::kapi
