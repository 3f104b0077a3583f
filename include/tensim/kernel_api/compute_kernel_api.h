// TT-Metalium's compute kernel API for tensim. One source is compiled three times, for TRISC0
// (unpack), TRISC1 (math) and TRISC2 (pack); UNPACK(x), MATH(x) and PACK(x) keep x only on their
// thread, so each call below does just its thread's part, as in TT-Metal. The per-thread parts
// forward to the simulator (tensim::kapi, implemented in src/kernel_api/compute.cpp).
#pragma once
#include <cstdint>

#include "compile_time_args.h"
#include "debug/dprint.h"
#include "hostdevcommon/common_values.hpp"
#include "tensim_kernel.h"

#if defined(TRISC_UNPACK)
#define UNPACK(x) x
#else
#define UNPACK(x)
#endif
#if defined(TRISC_MATH)
#define MATH(x) x
#else
#define MATH(x)
#endif
#if defined(TRISC_PACK)
#define PACK(x) x
#else
#define PACK(x)
#endif

#ifndef MATH_FIDELITY
#define MATH_FIDELITY 4
#endif
#ifndef APPROX
#define APPROX false
#endif
#ifndef DST_ACCUM_MODE
#define DST_ACCUM_MODE false
#endif

enum class MathFidelity : uint8_t { LoFi = 0, HiFi2 = 2, HiFi3 = 3, HiFi4 = 4, Invalid = 0xff };
enum class DstSync : uint8_t { SyncHalf = 0, SyncFull = 1 };
enum EltwiseBinaryType { ELWMUL, ELWDIV, ELWADD, ELWSUB, ELWLESS };
enum class EltwiseBinaryReuseDestType { NONE = 0, DEST_TO_SRCA = 1, DEST_TO_SRCB = 2 };
enum class BroadcastType : uint8_t { NONE = 0, COL = 1, ROW = 2, SCALAR = 3 };
enum PoolType { SUM, AVG, MAX, MIN };
enum ReduceDim { REDUCE_ROW, REDUCE_COL, REDUCE_SCALAR };
enum VectorMode { None = 0, R = 1, C = 2, RC = 4, RC_custom = 6, Invalid = 0xFF };

#ifndef REDUCE_OP
#define REDUCE_OP PoolType::SUM
#endif
#ifndef REDUCE_DIM
#define REDUCE_DIM ReduceDim::REDUCE_ROW
#endif

namespace tensim::kapi {
// Unpack: tiles of CBs (index from the CB front) into a SrcA/SrcB bank.
enum UnpackFlags : uint32_t { unpack_transpose = 1, unpack_bcast_row = 2, unpack_bcast_col = 4, unpack_bcast_scalar = 8,
                               unpack_copy = 256 };
void unpack_tiles(const uint32_t* a_cb_idx, uint32_t na, const uint32_t* b_cb_idx, uint32_t nb, uint32_t flags,
                  const Loc& loc);
void unpack_tilize(uint32_t cb, uint32_t block_tiles, uint32_t tile, const Loc& loc);
void unpack_dst_operand(uint32_t cb, uint32_t index, bool into_srca, const Loc& loc);
// Math: the FPU on the bank the unpacker filled, the SFPU on Dst.
enum MathOp : uint32_t { op_add, op_sub, op_mul, op_copy, op_matmul, op_reduce_sum, op_reduce_max, op_reduce_min };
void math_fpu(uint32_t op, uint32_t idst, uint32_t a, uint32_t b, uint32_t c, uint32_t flags, const Loc& loc);
void math_sfpu(const char* op, uint32_t idst, float scalar, uint32_t param, bool approx, const Loc& loc);
void math_sfpu_binary(const char* op, uint32_t idst0, uint32_t idst1, uint32_t odst, const Loc& loc);
void dst_acquire(const Loc& loc);
void dst_commit(const Loc& loc);
void dst_wait(const Loc& loc);
void dst_release(const Loc& loc);
// Pack: Dst tiles into a CB in its format (untilize writes row-major rows of a block).
void pack_tile(uint32_t idst, uint32_t cb, uint32_t index, bool out_of_order, const Loc& loc);
// Dst tile -> columns [32*col, 32*col+32) of rows [32*row, 32*row+32) of a row-major block
// `row_tiles` tiles wide at the CB's back.
void pack_untilize(uint32_t idst, uint32_t cb, uint32_t row_tiles, uint32_t row, uint32_t col, const Loc& loc);
void pack_l1_acc(bool enable);
void compute_api_call();  // the TRISC's cost of issuing one API call
void math_eltwise_acc(bool acc_to_dest);   // add/sub_tiles_init(..., acc_to_dest)
void unpack_copy_transpose(bool transpose);  // copy_tile_to_dst_init_short(cb, transpose)
}  // namespace tensim::kapi

#define TENSIM_LOC const tensim::kapi::Loc &loc = tensim::kapi::Loc::current()

// ---- arguments ----------------------------------------------------------------------------------
template <typename T>
inline T get_arg_val(int arg_idx, TENSIM_LOC) {
    static_assert(sizeof(T) == 4, "runtime args are 32-bit words");
    return *reinterpret_cast<volatile T*>(uintptr_t(tensim::kapi::arg_addr(arg_idx, false, loc)));
}
template <typename T>
inline T get_common_arg_val(int arg_idx, TENSIM_LOC) {
    static_assert(sizeof(T) == 4, "runtime args are 32-bit words");
    return *reinterpret_cast<volatile T*>(uintptr_t(tensim::kapi::arg_addr(arg_idx, true, loc)));
}
inline uint32_t get_arg_addr(int arg_idx, TENSIM_LOC) { return tensim::kapi::arg_addr(arg_idx, false, loc); }
inline uint32_t get_absolute_logical_x() { return tensim::kapi::logical_x(); }
inline uint32_t get_absolute_logical_y() { return tensim::kapi::logical_y(); }
inline uint32_t get_relative_logical_x() { return tensim::kapi::logical_x(); }
inline uint32_t get_relative_logical_y() { return tensim::kapi::logical_y(); }

namespace ckernel {

// ---- circular buffers: the unpacker consumes, the packer produces -------------------------------
ALWI void cb_wait_front(uint32_t cbid, uint32_t ntiles, TENSIM_LOC) { UNPACK((tensim::kapi::cb_wait_front(cbid, ntiles, loc))); }
ALWI void cb_pop_front(uint32_t cbid, uint32_t ntiles, TENSIM_LOC) { UNPACK((tensim::kapi::cb_pop_front(cbid, ntiles, loc))); }
ALWI void cb_reserve_back(uint32_t cbid, uint32_t ntiles, TENSIM_LOC) { PACK((tensim::kapi::cb_reserve_back(cbid, ntiles, loc))); }
ALWI void cb_push_back(uint32_t cbid, uint32_t ntiles, TENSIM_LOC) { PACK((tensim::kapi::cb_push_back(cbid, ntiles, loc))); }

// ---- Dst handshake --------------------------------------------------------------------------------
ALWI void tile_regs_acquire(TENSIM_LOC) { MATH((tensim::kapi::dst_acquire(loc))); }
ALWI void tile_regs_commit(TENSIM_LOC) { MATH((tensim::kapi::dst_commit(loc))); }
ALWI void tile_regs_wait(TENSIM_LOC) { PACK((tensim::kapi::dst_wait(loc))); }
ALWI void tile_regs_release(TENSIM_LOC) { PACK((tensim::kapi::dst_release(loc))); }
ALWI void acquire_dst(TENSIM_LOC) { MATH((tensim::kapi::dst_acquire(loc))); PACK((tensim::kapi::dst_wait(loc))); }
ALWI void release_dst(TENSIM_LOC) { MATH((tensim::kapi::dst_commit(loc))); PACK((tensim::kapi::dst_release(loc))); }

// ---- initialisation: configures the engines; tensim reads formats from the CBs themselves ------
ALWI void binary_op_init_common(uint32_t, uint32_t, uint32_t = 16) { tensim::kapi::compute_api_call(); }
ALWI void compute_kernel_hw_startup(uint32_t, uint32_t, uint32_t = 16) { tensim::kapi::compute_api_call(); }
ALWI void unary_op_init_common(uint32_t, uint32_t = 16) { tensim::kapi::compute_api_call(); }
ALWI void init_sfpu(uint32_t, uint32_t) { tensim::kapi::compute_api_call(); }
ALWI void mm_init(uint32_t, uint32_t, uint32_t = 16, uint32_t = 0) { tensim::kapi::compute_api_call(); }
ALWI void mm_init_short(uint32_t, uint32_t, uint32_t = 0) { tensim::kapi::compute_api_call(); }
ALWI void mm_init_short_with_dt(uint32_t, uint32_t, uint32_t, uint32_t = 0) { tensim::kapi::compute_api_call(); }
ALWI void mm_block_init(uint32_t, uint32_t, uint32_t = 16, uint32_t = 0, uint32_t = 1, uint32_t = 1, uint32_t = 1) { tensim::kapi::compute_api_call(); }
ALWI void mm_block_init_short(uint32_t, uint32_t, uint32_t = 0, uint32_t = 1, uint32_t = 1, uint32_t = 1) { tensim::kapi::compute_api_call(); }
ALWI void mm_block_init_short_with_dt(uint32_t, uint32_t, uint32_t, uint32_t = 0, uint32_t = 1, uint32_t = 1, uint32_t = 1) { tensim::kapi::compute_api_call(); }
ALWI void reconfig_data_format(uint32_t, uint32_t) { tensim::kapi::compute_api_call(); }
ALWI void reconfig_data_format(uint32_t, uint32_t, uint32_t, uint32_t) { tensim::kapi::compute_api_call(); }
ALWI void reconfig_data_format_srca(uint32_t) { tensim::kapi::compute_api_call(); }
ALWI void reconfig_data_format_srca(uint32_t, uint32_t) { tensim::kapi::compute_api_call(); }
ALWI void reconfig_data_format_srcb(uint32_t) { tensim::kapi::compute_api_call(); }
ALWI void reconfig_data_format_srcb(uint32_t, uint32_t) { tensim::kapi::compute_api_call(); }
ALWI void pack_reconfig_data_format(uint32_t) { tensim::kapi::compute_api_call(); }
ALWI void pack_reconfig_data_format(uint32_t, uint32_t) { tensim::kapi::compute_api_call(); }
ALWI void pack_reconfig_l1_acc(uint32_t l1_acc_en) { PACK((tensim::kapi::pack_l1_acc(l1_acc_en != 0))); }
ALWI void copy_tile_init(uint32_t = 0) { tensim::kapi::compute_api_call(); }
ALWI void copy_tile_to_dst_init_short(uint32_t = 0, uint32_t transpose = 0) {
    UNPACK((tensim::kapi::unpack_copy_transpose(transpose != 0)));
}
ALWI void copy_tile_to_dst_init_short_with_dt(uint32_t, uint32_t, uint32_t transpose = 0) {
    UNPACK((tensim::kapi::unpack_copy_transpose(transpose != 0)));
}
// acc_to_dest: the result is added to what Dst already holds.
ALWI void add_tiles_init(uint32_t = 0, uint32_t = 1, bool acc_to_dest = false) {
    MATH((tensim::kapi::math_eltwise_acc(acc_to_dest)));
}
ALWI void sub_tiles_init(uint32_t = 0, uint32_t = 1, bool acc_to_dest = false) {
    MATH((tensim::kapi::math_eltwise_acc(acc_to_dest)));
}
ALWI void mul_tiles_init(uint32_t = 0, uint32_t = 1) { MATH((tensim::kapi::math_eltwise_acc(false))); }
ALWI void add_tiles_init_nof() { tensim::kapi::compute_api_call(); }
ALWI void mul_tiles_init_f() { tensim::kapi::compute_api_call(); }
template <bool full_init, EltwiseBinaryType eltwise_binary_type>
ALWI void binary_tiles_init(uint32_t, uint32_t, bool acc_to_dest = false) {
    MATH((tensim::kapi::math_eltwise_acc(acc_to_dest)));
}
template <EltwiseBinaryType type = ELWADD, EltwiseBinaryReuseDestType reuse = EltwiseBinaryReuseDestType::DEST_TO_SRCA>
ALWI void binary_dest_reuse_tiles_init(uint32_t) { tensim::kapi::compute_api_call(); }
ALWI void transpose_wh_init(uint32_t, uint32_t = 16) { tensim::kapi::compute_api_call(); }
ALWI void transpose_wh_init_short(uint32_t) { tensim::kapi::compute_api_call(); }
ALWI void tilize_init(uint32_t, uint32_t, uint32_t) { tensim::kapi::compute_api_call(); }
ALWI void tilize_init_short(uint32_t, uint32_t, uint32_t = 16) { tensim::kapi::compute_api_call(); }
ALWI void tilize_uninit(uint32_t, uint32_t = 16) { tensim::kapi::compute_api_call(); }
ALWI void untilize_init(uint32_t, uint32_t = 16) { tensim::kapi::compute_api_call(); }
ALWI void untilize_init_short(uint32_t) { tensim::kapi::compute_api_call(); }
ALWI void untilize_uninit(uint32_t) { tensim::kapi::compute_api_call(); }
template <uint32_t block_ct_dim = 8, uint32_t full_ct_dim = block_ct_dim>
ALWI void pack_untilize_init(uint32_t, uint32_t) { tensim::kapi::compute_api_call(); }
ALWI void pack_untilize_uninit(uint32_t = 16) { tensim::kapi::compute_api_call(); }
template <bool at_start, PoolType reduce_type = REDUCE_OP, ReduceDim reduce_dim = REDUCE_DIM>
ALWI void reduce_init(uint32_t, uint32_t, uint32_t) { tensim::kapi::compute_api_call(); }
template <PoolType reduce_type, ReduceDim reduce_dim, bool enforce_fp32_accumulation = false>
ALWI void reduce_init(uint32_t, uint32_t, uint32_t) { tensim::kapi::compute_api_call(); }
template <bool at_start = false, PoolType reduce_type = REDUCE_OP, ReduceDim reduce_dim = REDUCE_DIM>
ALWI void reduce_init_delta(uint32_t = 16, uint32_t = 0, uint32_t = 2) { tensim::kapi::compute_api_call(); }
ALWI void reduce_revert_delta(uint32_t = 16) { tensim::kapi::compute_api_call(); }
ALWI void reduce_uninit(uint32_t = 0) { tensim::kapi::compute_api_call(); }

// ---- moving tiles ----------------------------------------------------------------------------------
ALWI void copy_tile(uint32_t in_cb_id, uint32_t in_tile_index, uint32_t dst_tile_index, TENSIM_LOC) {
    [[maybe_unused]] uint32_t a[2] = {in_cb_id, in_tile_index};
    UNPACK((tensim::kapi::unpack_tiles(a, 1, nullptr, 0, tensim::kapi::unpack_copy, loc)));
    MATH((tensim::kapi::math_fpu(tensim::kapi::op_copy, dst_tile_index, 0, 0, 0, 0, loc)));
}
template <bool out_of_order_output = false>
ALWI void pack_tile(uint32_t ifrom_dst, uint32_t icb, uint32_t output_tile_index = 0, TENSIM_LOC) {
    PACK((tensim::kapi::pack_tile(ifrom_dst, icb, output_tile_index, out_of_order_output, loc)));
}
ALWI void matmul_pack_tile(uint32_t ifrom_dst, uint32_t icb, uint32_t ntiles, TENSIM_LOC) {
    for (uint32_t i = 0; i < ntiles; ++i) PACK((tensim::kapi::pack_tile(ifrom_dst + i, icb, 0, false, loc)));
}
ALWI void pack_tile_block(uint32_t ifrom_dst, uint32_t icb, uint32_t ntiles, TENSIM_LOC) {
    matmul_pack_tile(ifrom_dst, icb, ntiles, loc);
}
ALWI void copy_block_matmul_partials(uint32_t in_cb_id, uint32_t start_in_tile_idx, uint32_t start_dst_tile_idx,
                                     uint32_t ntiles, TENSIM_LOC) {
    for (uint32_t i = 0; i < ntiles; ++i) copy_tile(in_cb_id, start_in_tile_idx + i, start_dst_tile_idx + i, loc);
}

// ---- FPU eltwise binary ------------------------------------------------------------------------------
ALWI void tensim_binary(uint32_t op, uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst,
                        uint32_t flags, const tensim::kapi::Loc& loc) {
    [[maybe_unused]] uint32_t a[2] = {icb0, itile0}, b[2] = {icb1, itile1};
    UNPACK((tensim::kapi::unpack_tiles(a, 1, b, 1, flags, loc)));
    MATH((tensim::kapi::math_fpu(op, idst, 0, 0, 0, 0, loc)));
}
ALWI void add_tiles(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst, TENSIM_LOC) {
    tensim_binary(tensim::kapi::op_add, icb0, icb1, itile0, itile1, idst, 0, loc);
}
ALWI void sub_tiles(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst, TENSIM_LOC) {
    tensim_binary(tensim::kapi::op_sub, icb0, icb1, itile0, itile1, idst, 0, loc);
}
ALWI void mul_tiles(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst, TENSIM_LOC) {
    tensim_binary(tensim::kapi::op_mul, icb0, icb1, itile0, itile1, idst, 0, loc);
}
constexpr uint32_t tensim_binary_op(EltwiseBinaryType t) {
    return t == ELWADD ? tensim::kapi::op_add : t == ELWSUB ? tensim::kapi::op_sub : tensim::kapi::op_mul;
}
template <EltwiseBinaryType type = ELWADD, EltwiseBinaryReuseDestType reuse = EltwiseBinaryReuseDestType::DEST_TO_SRCA>
ALWI void binary_dest_reuse_tiles(uint32_t in_cb_id, uint32_t in_tile_index, uint32_t dst_tile_index, TENSIM_LOC) {
    // Dst moves into one Src register; the CB tile is unpacked into the other.
    constexpr bool dst_to_a = reuse == EltwiseBinaryReuseDestType::DEST_TO_SRCA;
    UNPACK((tensim::kapi::unpack_dst_operand(in_cb_id, in_tile_index, !dst_to_a, loc)));
    MATH((tensim::kapi::math_fpu(tensim_binary_op(type), dst_tile_index, dst_to_a ? 1 : 2, 0, 0, 0, loc)));
}

// ---- broadcast: operand B's row 0, column 0 or element (0,0) spread over the tile ------------------
constexpr uint32_t tensim_bcast_flag(BroadcastType d) {
    return d == BroadcastType::ROW      ? uint32_t(tensim::kapi::unpack_bcast_row)
           : d == BroadcastType::COL    ? uint32_t(tensim::kapi::unpack_bcast_col)
           : d == BroadcastType::SCALAR ? uint32_t(tensim::kapi::unpack_bcast_scalar)
                                        : 0u;
}
template <EltwiseBinaryType tBcastOp, BroadcastType tBcastDim>
ALWI void init_bcast(uint32_t, uint32_t, uint32_t = 16) { tensim::kapi::compute_api_call(); }
template <EltwiseBinaryType tBcastOp, BroadcastType tBcastDim>
ALWI void any_tiles_bcast(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst, TENSIM_LOC) {
    tensim_binary(tensim_binary_op(tBcastOp), icb0, icb1, itile0, itile1, idst, tensim_bcast_flag(tBcastDim), loc);
}
template <BroadcastType tBcastDim>
ALWI void add_tiles_bcast(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst, TENSIM_LOC) {
    any_tiles_bcast<ELWADD, tBcastDim>(icb0, icb1, itile0, itile1, idst, loc);
}
template <BroadcastType tBcastDim>
ALWI void sub_tiles_bcast(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst, TENSIM_LOC) {
    any_tiles_bcast<ELWSUB, tBcastDim>(icb0, icb1, itile0, itile1, idst, loc);
}
template <BroadcastType tBcastDim>
ALWI void mul_tiles_bcast(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst, TENSIM_LOC) {
    any_tiles_bcast<ELWMUL, tBcastDim>(icb0, icb1, itile0, itile1, idst, loc);
}
#define TENSIM_BCAST_FN(name, op, dim)                                                                        \
    ALWI void name(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst, TENSIM_LOC) { \
        any_tiles_bcast<op, dim>(icb0, icb1, itile0, itile1, idst, loc);                                     \
    }
TENSIM_BCAST_FN(add_tiles_bcast_rows, ELWADD, BroadcastType::ROW)
TENSIM_BCAST_FN(add_tiles_bcast_cols, ELWADD, BroadcastType::COL)
TENSIM_BCAST_FN(add_tiles_bcast_scalar, ELWADD, BroadcastType::SCALAR)
TENSIM_BCAST_FN(sub_tiles_bcast_rows, ELWSUB, BroadcastType::ROW)
TENSIM_BCAST_FN(sub_tiles_bcast_cols, ELWSUB, BroadcastType::COL)
TENSIM_BCAST_FN(sub_tiles_bcast_scalar, ELWSUB, BroadcastType::SCALAR)
TENSIM_BCAST_FN(mul_tiles_bcast_rows, ELWMUL, BroadcastType::ROW)
TENSIM_BCAST_FN(mul_tiles_bcast_cols, ELWMUL, BroadcastType::COL)
TENSIM_BCAST_FN(mul_tiles_bcast_scalar, ELWMUL, BroadcastType::SCALAR)
#undef TENSIM_BCAST_FN
ALWI void add_bcast_rows_init_short(uint32_t = 0, uint32_t = 1) { tensim::kapi::compute_api_call(); }
ALWI void add_bcast_cols_init_short(uint32_t = 0, uint32_t = 1) { tensim::kapi::compute_api_call(); }
ALWI void add_bcast_scalar_init_short(uint32_t = 0, uint32_t = 1) { tensim::kapi::compute_api_call(); }
ALWI void mul_bcast_rows_init_short(uint32_t = 0, uint32_t = 1) { tensim::kapi::compute_api_call(); }
ALWI void mul_bcast_cols_init_short(uint32_t = 0, uint32_t = 1) { tensim::kapi::compute_api_call(); }
ALWI void mul_tiles_bcast_scalar_init_short(uint32_t = 0, uint32_t = 1) { tensim::kapi::compute_api_call(); }
ALWI void sub_bcast_cols_init_short(uint32_t = 0, uint32_t = 1) { tensim::kapi::compute_api_call(); }
ALWI void sub_tiles_bcast_scalar_init_short(uint32_t = 0, uint32_t = 1) { tensim::kapi::compute_api_call(); }
template <BroadcastType bcast_type>
ALWI void unary_bcast_init(uint32_t, uint32_t) { tensim::kapi::compute_api_call(); }
template <BroadcastType bcast_type>
ALWI void unary_bcast(uint32_t icb, uint32_t in_tile_index, uint32_t dst_tile_index, TENSIM_LOC) {
    [[maybe_unused]] uint32_t a[2] = {icb, in_tile_index};
    UNPACK((tensim::kapi::unpack_tiles(a, 1, nullptr, 0, tensim_bcast_flag(bcast_type) * 16, loc)));
    MATH((tensim::kapi::math_fpu(tensim::kapi::op_copy, dst_tile_index, 0, 0, 0, 0, loc)));
}

// ---- matmul: Dst[idst] += in0 x in1 ----------------------------------------------------------------
ALWI void matmul_tiles(uint32_t in0_cb_id, uint32_t in1_cb_id, uint32_t in0_tile_index, uint32_t in1_tile_index,
                       uint32_t idst, const uint32_t transpose = 0, TENSIM_LOC) {
    // in1 goes to SrcA, in0 to SrcB (MVMUL: Dst += SrcB x SrcA).
    [[maybe_unused]] uint32_t a[2] = {in1_cb_id, in1_tile_index}, b[2] = {in0_cb_id, in0_tile_index};
    UNPACK((tensim::kapi::unpack_tiles(a, 1, b, 1, transpose ? tensim::kapi::unpack_transpose : 0, loc)));
    MATH((tensim::kapi::math_fpu(tensim::kapi::op_matmul, idst, 1, 1, 1, 0, loc)));
}
ALWI void matmul_block(uint32_t in0_cb_id, uint32_t in1_cb_id, uint32_t in0_tile_index, uint32_t in1_tile_index,
                       uint32_t idst, const uint32_t transpose, uint32_t ct_dim, uint32_t rt_dim, uint32_t kt_dim,
                       TENSIM_LOC) {
    // One K step of an rt_dim x ct_dim block: in0 rows stride kt_dim in its CB, in1 columns are adjacent.
    if (ct_dim > 16 || rt_dim > 16 || ct_dim * rt_dim == 0)
        tensim::kapi::kernel_fail("matmul_block: ct_dim and rt_dim must be 1..16 (the block must fit Dst)", loc);
    [[maybe_unused]] uint32_t a[2 * 16], b[2 * 16];
    for (uint32_t c = 0; c < ct_dim && c < 16; ++c) a[2 * c] = in1_cb_id, a[2 * c + 1] = in1_tile_index + c;
    for (uint32_t r = 0; r < rt_dim && r < 16; ++r) b[2 * r] = in0_cb_id, b[2 * r + 1] = in0_tile_index + r * kt_dim;
    UNPACK((tensim::kapi::unpack_tiles(a, ct_dim, b, rt_dim, transpose ? tensim::kapi::unpack_transpose : 0, loc)));
    MATH((tensim::kapi::math_fpu(tensim::kapi::op_matmul, idst, rt_dim, ct_dim, kt_dim, 0, loc)));
}

// ---- reduce: operand A reduced along a dimension, times the scaler tile's first element ----------
template <PoolType reduce_type = REDUCE_OP, ReduceDim reduce_dim = REDUCE_DIM, bool enforce_fp32_accumulation = false>
ALWI void reduce_tile(uint32_t icb, uint32_t icb_scaler, uint32_t itile, uint32_t itile_scaler, uint32_t idst,
                      TENSIM_LOC) {
    [[maybe_unused]] uint32_t a[2] = {icb, itile}, b[2] = {icb_scaler, itile_scaler};
    UNPACK((tensim::kapi::unpack_tiles(a, 1, b, 1, 0, loc)));
    constexpr uint32_t op = reduce_type == PoolType::MAX   ? tensim::kapi::op_reduce_max
                            : reduce_type == PoolType::MIN ? tensim::kapi::op_reduce_min
                                                           : tensim::kapi::op_reduce_sum;
    MATH((tensim::kapi::math_fpu(op, idst, uint32_t(reduce_dim), 0, 0, 0, loc)));
}

// ---- transpose, tilize, untilize -----------------------------------------------------------------
ALWI void transpose_wh_tile(uint32_t icb, uint32_t itile, uint32_t idst, TENSIM_LOC) {
    [[maybe_unused]] uint32_t a[2] = {icb, itile};
    UNPACK((tensim::kapi::unpack_tiles(a, 1, nullptr, 0, tensim::kapi::unpack_transpose, loc)));
    MATH((tensim::kapi::math_fpu(tensim::kapi::op_copy, idst, 0, 0, 0, 0, loc)));
}
// Each tile passes through Dst 0 with its own handshake, as TT-Metal's LLK does inside the call.
ALWI void tilize_block(uint32_t icb, uint32_t block, uint32_t ocb, uint32_t = 0, uint32_t = 0, TENSIM_LOC) {
    for (uint32_t t = 0; t < block; ++t) {
        UNPACK((tensim::kapi::unpack_tilize(icb, block, t, loc)));
        MATH((tensim::kapi::dst_acquire(loc), tensim::kapi::math_fpu(tensim::kapi::op_copy, 0, 0, 0, 0, 0, loc),
              tensim::kapi::dst_commit(loc)));
        PACK((tensim::kapi::dst_wait(loc), tensim::kapi::pack_tile(0, ocb, 0, false, loc), tensim::kapi::dst_release(loc)));
    }
}
template <uint32_t N = 1>
ALWI void untilize_block(uint32_t icb, uint32_t block, uint32_t ocb, TENSIM_LOC) {
    for (uint32_t t = 0; t < block; ++t) {
        uint32_t a[2] = {icb, t};
        UNPACK((tensim::kapi::unpack_tiles(a, 1, nullptr, 0, 0, loc)));
        MATH((tensim::kapi::dst_acquire(loc), tensim::kapi::math_fpu(tensim::kapi::op_copy, 0, 0, 0, 0, 0, loc),
              tensim::kapi::dst_commit(loc)));
        PACK((tensim::kapi::dst_wait(loc), tensim::kapi::pack_untilize(0, ocb, block, 0, t, loc),
              tensim::kapi::dst_release(loc)));
    }
}
// block_rt_dim rows of block_ct_dim tiles from icb become row-major rows full_ct_dim tiles wide in ocb.
template <uint32_t block_ct_dim = 8, uint32_t full_ct_dim = block_ct_dim>
ALWI void pack_untilize_block(uint32_t icb, uint32_t block_rt_dim, uint32_t ocb, uint32_t block_c_index = 0,
                              TENSIM_LOC) {
    for (uint32_t r = 0; r < block_rt_dim; ++r)
        for (uint32_t c = 0; c < block_ct_dim; ++c) {
            [[maybe_unused]] uint32_t a[2] = {icb, r * block_ct_dim + c};
            UNPACK((tensim::kapi::unpack_tiles(a, 1, nullptr, 0, 0, loc)));
            MATH((tensim::kapi::dst_acquire(loc), tensim::kapi::math_fpu(tensim::kapi::op_copy, 0, 0, 0, 0, 0, loc),
                  tensim::kapi::dst_commit(loc)));
            PACK((tensim::kapi::dst_wait(loc),
                  tensim::kapi::pack_untilize(0, ocb, full_ct_dim, r, block_c_index * block_ct_dim + c, loc),
                  tensim::kapi::dst_release(loc)));
        }
}

// ---- SFPU (math thread, in place on Dst) ------------------------------------------------------------
ALWI float tensim_bits_to_float(uint32_t bits) { return __builtin_bit_cast(float, bits); }
#define TENSIM_SFPU(name, op)                                                                      \
    ALWI void name##_init() { tensim::kapi::compute_api_call(); }                                  \
    ALWI void name(uint32_t idst, TENSIM_LOC) { MATH((tensim::kapi::math_sfpu(op, idst, 0, 0, APPROX, loc))); }
TENSIM_SFPU(log_tile, "log")
TENSIM_SFPU(sqrt_tile, "sqrt")
TENSIM_SFPU(silu_tile, "silu")
TENSIM_SFPU(relu_tile, "relu")
TENSIM_SFPU(tanh_tile, "tanh")
TENSIM_SFPU(abs_tile, "abs")
TENSIM_SFPU(square_tile, "square")
TENSIM_SFPU(sign_tile, "sign")
TENSIM_SFPU(exp2_tile, "exp2")
TENSIM_SFPU(expm1_tile, "expm1")
TENSIM_SFPU(sin_tile, "sin")
TENSIM_SFPU(cos_tile, "cos")
TENSIM_SFPU(tan_tile, "tan")
TENSIM_SFPU(ltz_tile, "ltz")
TENSIM_SFPU(gtz_tile, "gtz")
TENSIM_SFPU(lez_tile, "lez")
TENSIM_SFPU(gez_tile, "gez")
TENSIM_SFPU(eqz_tile, "eqz")
TENSIM_SFPU(nez_tile, "nez")
TENSIM_SFPU(negative_tile, "neg")
TENSIM_SFPU(log1p_tile, "log1p")
TENSIM_SFPU(erf_tile, "erf")
#undef TENSIM_SFPU
template <bool approx = false>
ALWI void exp_tile_init() { tensim::kapi::compute_api_call(); }
template <bool approx = false, bool = true, bool = false, bool = false>
ALWI void exp_tile(uint32_t idst, int = 0, uint16_t = 0, TENSIM_LOC) { MATH((tensim::kapi::math_sfpu("exp", idst, 0, 0, approx, loc))); }
template <bool fast_and_approx = true>
ALWI void gelu_tile_init() { tensim::kapi::compute_api_call(); }
template <bool fast_and_approx = true>
ALWI void gelu_tile(uint32_t idst, TENSIM_LOC) { MATH((tensim::kapi::math_sfpu("gelu", idst, 0, 0, fast_and_approx, loc))); }
template <bool fast_and_approx = false>
ALWI void sigmoid_tile_init() { tensim::kapi::compute_api_call(); }
template <int vec_mode = VectorMode::RC, bool fast_and_approx = false>
ALWI void sigmoid_tile(uint32_t idst, TENSIM_LOC) { MATH((tensim::kapi::math_sfpu("sigmoid", idst, 0, 0, fast_and_approx, loc))); }
template <bool fast_and_approx = false>
ALWI void rsqrt_tile_init() { tensim::kapi::compute_api_call(); }
template <bool fast_and_approx = false>
ALWI void rsqrt_tile(uint32_t idst, TENSIM_LOC) { MATH((tensim::kapi::math_sfpu("rsqrt", idst, 0, 0, fast_and_approx, loc))); }
template <bool legacy_compat = true>
ALWI void recip_tile_init() { tensim::kapi::compute_api_call(); }
template <bool legacy_compat = true>
ALWI void recip_tile(uint32_t idst, int = VectorMode::RC, TENSIM_LOC) { MATH((tensim::kapi::math_sfpu("recip", idst, 0, 0, APPROX, loc))); }
ALWI void relu_max_tile_init() { tensim::kapi::compute_api_call(); }
ALWI void relu_max_tile(uint32_t idst, uint32_t param0, TENSIM_LOC) { MATH((tensim::kapi::math_sfpu("relu_max", idst, tensim_bits_to_float(param0), param0, APPROX, loc))); }
ALWI void relu_min_tile_init() { tensim::kapi::compute_api_call(); }
ALWI void relu_min_tile(uint32_t idst, uint32_t param0, TENSIM_LOC) { MATH((tensim::kapi::math_sfpu("relu_min", idst, tensim_bits_to_float(param0), param0, APPROX, loc))); }
ALWI void leaky_relu_tile_init() { tensim::kapi::compute_api_call(); }
ALWI void leaky_relu_tile(uint32_t idst, uint32_t slope, TENSIM_LOC) { MATH((tensim::kapi::math_sfpu("leaky_relu", idst, tensim_bits_to_float(slope), slope, APPROX, loc))); }
ALWI void power_tile_init() { tensim::kapi::compute_api_call(); }
ALWI void power_tile(uint32_t idst, uint32_t param0, TENSIM_LOC) { MATH((tensim::kapi::math_sfpu("power", idst, float(param0), param0, APPROX, loc))); }
#define TENSIM_SFPU_SCALAR(name, op)                                                                              \
    ALWI void name(uint32_t idst, uint32_t param0, TENSIM_LOC) {                                                 \
        MATH((tensim::kapi::math_sfpu(op, idst, tensim_bits_to_float(param0), param0, APPROX, loc)));          \
    }
ALWI void binop_with_scalar_tile_init() { tensim::kapi::compute_api_call(); }
TENSIM_SFPU_SCALAR(add_unary_tile, "add_scalar")
TENSIM_SFPU_SCALAR(sub_unary_tile, "sub_scalar")
TENSIM_SFPU_SCALAR(mul_unary_tile, "mul_scalar")
// TT-Metal's host passes the reciprocal of the divisor; the SFPU multiplies by it.
TENSIM_SFPU_SCALAR(div_unary_tile, "mul_scalar")
TENSIM_SFPU_SCALAR(rsub_unary_tile, "rsub_scalar")
#undef TENSIM_SFPU_SCALAR
ALWI void fill_tile_init() { tensim::kapi::compute_api_call(); }
ALWI void fill_tile(uint32_t idst, float value, TENSIM_LOC) { MATH((tensim::kapi::math_sfpu("fill", idst, value, 0, APPROX, loc))); }
ALWI void fill_tile_bitcast(uint32_t idst, uint32_t bits, TENSIM_LOC) { MATH((tensim::kapi::math_sfpu("fill", idst, tensim_bits_to_float(bits), bits, APPROX, loc))); }

// Binary SFPU on two Dst tiles: [L] writes idst0; [N] takes an output index.
#define TENSIM_SFPU_BINARY(name, op)                                                                             \
    ALWI void name##_init() { tensim::kapi::compute_api_call(); }                                               \
    ALWI void name(uint32_t idst0, uint32_t idst1, TENSIM_LOC) { MATH((tensim::kapi::math_sfpu_binary(op, idst0, idst1, idst0, loc))); } \
    ALWI void name(uint32_t idst0, uint32_t idst1, uint32_t odst, TENSIM_LOC) { MATH((tensim::kapi::math_sfpu_binary(op, idst0, idst1, odst, loc))); }
TENSIM_SFPU_BINARY(add_binary_tile, "add")
TENSIM_SFPU_BINARY(sub_binary_tile, "sub")
TENSIM_SFPU_BINARY(mul_binary_tile, "mul")
TENSIM_SFPU_BINARY(div_binary_tile, "div")
TENSIM_SFPU_BINARY(rsub_binary_tile, "rsub")
TENSIM_SFPU_BINARY(power_binary_tile, "pow")
TENSIM_SFPU_BINARY(eq_binary_tile, "eq")
TENSIM_SFPU_BINARY(ne_binary_tile, "ne")
TENSIM_SFPU_BINARY(lt_binary_tile, "lt")
TENSIM_SFPU_BINARY(gt_binary_tile, "gt")
TENSIM_SFPU_BINARY(le_binary_tile, "le")
TENSIM_SFPU_BINARY(ge_binary_tile, "ge")
TENSIM_SFPU_BINARY(binary_max_tile, "max")
TENSIM_SFPU_BINARY(binary_min_tile, "min")
#undef TENSIM_SFPU_BINARY

}  // namespace ckernel

using namespace ckernel;
