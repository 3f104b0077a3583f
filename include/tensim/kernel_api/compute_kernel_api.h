// TT-Metalium's compute kernel API for tensim. One source is compiled three times, for TRISC0
// (unpack), TRISC1 (math) and TRISC2 (pack); UNPACK(x), MATH(x) and PACK(x) keep x only on their
// thread, so each call below does just its thread's part, as in TT-Metal. The per-thread parts
// forward to the simulator (tensim_compute.h). Init calls set the state of the engine their part
// runs on (unpacker formats and mode, FPU operation, SFPU op, packer format); ops run under it.
#pragma once
#include <cstdint>

#include "compile_time_args.h"
#include "debug/dprint.h"
#include "hostdevcommon/common_values.hpp"
#include "tensim_compute.h"
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

// The compute settings as TT-Metal's JIT declares them (constexpr, genfiles.cpp), from the
// TENSIM_ macros the host passes (src/host/launch.cpp compute_defines).
#ifndef TENSIM_MATH_FIDELITY
#define TENSIM_MATH_FIDELITY 4
#endif
#ifndef TENSIM_APPROX
#define TENSIM_APPROX false
#endif
#ifndef TENSIM_DST_ACCUM_MODE
#define TENSIM_DST_ACCUM_MODE false
#endif
constexpr std::int32_t MATH_FIDELITY = TENSIM_MATH_FIDELITY;
constexpr bool APPROX = TENSIM_APPROX;
constexpr bool DST_ACCUM_MODE = TENSIM_DST_ACCUM_MODE;

// The op enums are the kernel ABI's (tensim_abi.h), named where TT-Metal kernels expect them.
using tensim::abi::AVG;
using tensim::abi::BroadcastType;
using tensim::abi::EltwiseBinaryReuseDestType;
using tensim::abi::EltwiseBinaryType;
using tensim::abi::ELWADD;
using tensim::abi::ELWDIV;
using tensim::abi::ELWLESS;
using tensim::abi::ELWMUL;
using tensim::abi::ELWSUB;
using tensim::abi::MAX;
using tensim::abi::MIN;
using tensim::abi::PoolType;
using tensim::abi::REDUCE_COL;
using tensim::abi::REDUCE_ROW;
using tensim::abi::REDUCE_SCALAR;
using tensim::abi::ReduceDim;
using tensim::abi::SUM;
enum class DstSync : uint8_t { SyncHalf = 0, SyncFull = 1 };
enum VectorMode { None = 0, R = 1, C = 2, RC = 4, RC_custom = 6, Invalid = 0xFF };

#ifndef REDUCE_OP
#define REDUCE_OP PoolType::SUM
#endif
#ifndef REDUCE_DIM
#define REDUCE_DIM ReduceDim::REDUCE_ROW
#endif

#define TENSIM_LOC const tensim::kapi::Loc& loc = tensim::kapi::Loc::current()

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
inline uint32_t get_arg_addr(int arg_idx, TENSIM_LOC) {
    return tensim::kapi::arg_addr(arg_idx, false, loc);
}
inline uint32_t get_absolute_logical_x() { return tensim::kapi::logical_x(); }
inline uint32_t get_absolute_logical_y() { return tensim::kapi::logical_y(); }
inline uint32_t get_relative_logical_x() { return tensim::kapi::logical_x(); }
inline uint32_t get_relative_logical_y() { return tensim::kapi::logical_y(); }

namespace ckernel {

namespace tk = tensim::kapi;
using tensim::abi::CbTile;
using tensim::abi::SfpuBinaryOp;
using tensim::abi::SfpuOp;
using tensim::abi::UnpackMode;

// ---- circular buffers: the unpacker consumes, the packer produces -------------------------------
ALWI void cb_wait_front(uint32_t cbid, uint32_t ntiles, TENSIM_LOC) {
    UNPACK((tk::cb_wait_front(cbid, ntiles, loc)));
}
ALWI void cb_pop_front(uint32_t cbid, uint32_t ntiles, TENSIM_LOC) {
    UNPACK((tk::cb_pop_front(cbid, ntiles, loc)));
}
ALWI void cb_reserve_back(uint32_t cbid, uint32_t ntiles, TENSIM_LOC) {
    PACK((tk::cb_reserve_back(cbid, ntiles, loc)));
}
ALWI void cb_push_back(uint32_t cbid, uint32_t ntiles, TENSIM_LOC) {
    PACK((tk::cb_push_back(cbid, ntiles, loc)));
}

// ---- Dst handshake ------------------------------------------------------------------------------
ALWI void tile_regs_acquire(TENSIM_LOC) { MATH((tk::dst_acquire(loc))); }
ALWI void tile_regs_commit(TENSIM_LOC) { MATH((tk::dst_commit(loc))); }
ALWI void tile_regs_wait(TENSIM_LOC) { PACK((tk::dst_wait(loc))); }
ALWI void tile_regs_release(TENSIM_LOC) { PACK((tk::dst_release(loc))); }
ALWI void acquire_dst(TENSIM_LOC) {
    MATH((tk::dst_acquire(loc)));
    PACK((tk::dst_wait(loc)));
}
// Deprecated on silicon: each thread ends the section it holds; after tile_regs_commit /
// tile_regs_release it holds none and the call does nothing (silicon accepts that too).
ALWI void release_dst(TENSIM_LOC) {
    MATH((tk::dst_section_done(loc)));
    PACK((tk::dst_section_done(loc)));
}

// ---- initialisation: each thread's part sets its engine's state ---------------------------------
// Where a call charges its issue cost: compute_api_call()
// unguarded charges all three TRISCs. Unpacker formats: SrcA reads `a`'s format, SrcB `b`'s
// (hardware configure / reconfig).
ALWI void tensim_unpack_formats([[maybe_unused]] uint32_t a, [[maybe_unused]] uint32_t b,
                                [[maybe_unused]] const char* call,
                                [[maybe_unused]] const tk::Loc& loc) {
    UNPACK((tk::unpack_configure(0, a, call, loc), tk::unpack_configure(1, b, call, loc)));
}
ALWI void tensim_pack_format([[maybe_unused]] uint32_t cb, [[maybe_unused]] const char* call,
                             [[maybe_unused]] const tk::Loc& loc) {
    PACK((tk::pack_configure(cb, call, loc)));
}
// The unpacker and FPU set up for one op class (an "init_short").
ALWI void tensim_unpack_mode([[maybe_unused]] UnpackMode mode, [[maybe_unused]] bool transpose,
                             [[maybe_unused]] BroadcastType bcast,
                             [[maybe_unused]] const char* call,
                             [[maybe_unused]] const tk::Loc& loc) {
    UNPACK((tk::unpack_init(mode, transpose, bcast, call, loc)));
}
ALWI void tensim_datacopy_init([[maybe_unused]] bool transpose,
                               [[maybe_unused]] BroadcastType bcast,
                               [[maybe_unused]] const char* call,
                               [[maybe_unused]] const tk::Loc& loc) {
    tensim_unpack_mode(UnpackMode::unary, transpose, bcast, call, loc);
    MATH((tk::math_init_datacopy(bcast, call, loc)));
}
ALWI void tensim_matmul_init(bool transpose, [[maybe_unused]] const char* call,
                             [[maybe_unused]] const tk::Loc& loc) {
    tensim_unpack_mode(UnpackMode::matmul, transpose, BroadcastType::NONE, call, loc);
    MATH((tk::math_init_matmul(call, loc)));
}
ALWI void tensim_eltwise_init(bool unpack_too, [[maybe_unused]] EltwiseBinaryType op,
                              BroadcastType bcast, [[maybe_unused]] bool acc,
                              [[maybe_unused]] const char* call,
                              [[maybe_unused]] const tk::Loc& loc) {
    if (unpack_too) tensim_unpack_mode(UnpackMode::binary, false, bcast, call, loc);
    MATH((tk::math_init_eltwise(op, bcast, acc, EltwiseBinaryReuseDestType::NONE, call, loc)));
}

ALWI void binary_op_init_common(uint32_t icb0, uint32_t icb1, uint32_t ocb = 16, TENSIM_LOC) {
    tk::compute_api_call();
    tensim_unpack_formats(icb0, icb1, "binary_op_init_common", loc);
    tensim_unpack_mode(UnpackMode::binary, false, BroadcastType::NONE, "binary_op_init_common",
                       loc);
    tensim_pack_format(ocb, "binary_op_init_common", loc);
}
ALWI void compute_kernel_hw_startup(uint32_t icb0, uint32_t icb1, uint32_t ocb, TENSIM_LOC) {
    tk::compute_api_call();
    tensim_unpack_formats(icb0, icb1, "compute_kernel_hw_startup", loc);
    tensim_pack_format(ocb, "compute_kernel_hw_startup", loc);
}
ALWI void compute_kernel_hw_startup(uint32_t icb0, uint32_t ocb, TENSIM_LOC) {
    compute_kernel_hw_startup(icb0, icb0, ocb, loc);
}
// [N] Reverse: SrcA takes icb1's format and SrcB icb0's, as matmul unpacks them.
enum class SrcOrder : uint8_t { Default, Reverse };
template <SrcOrder order>
ALWI void compute_kernel_hw_startup(uint32_t icb0, uint32_t icb1, uint32_t ocb, TENSIM_LOC) {
    if constexpr (order == SrcOrder::Reverse)
        compute_kernel_hw_startup(icb1, icb0, ocb, loc);
    else
        compute_kernel_hw_startup(icb0, icb1, ocb, loc);
}
ALWI void unary_op_init_common(uint32_t icb, uint32_t ocb = 16, TENSIM_LOC) {
    tk::compute_api_call();
    tensim_unpack_formats(icb, icb, "unary_op_init_common", loc);
    tensim_datacopy_init(false, BroadcastType::NONE, "unary_op_init_common", loc);
    tensim_pack_format(ocb, "unary_op_init_common", loc);
}
ALWI void init_sfpu(uint32_t icb, uint32_t ocb, TENSIM_LOC) {
    tk::compute_api_call();
    tensim_unpack_formats(icb, icb, "init_sfpu", loc);
    tensim_datacopy_init(false, BroadcastType::NONE, "init_sfpu", loc);
    tensim_pack_format(ocb, "init_sfpu", loc);
}
ALWI void reconfig_data_format(uint32_t srca_new, uint32_t srcb_new, TENSIM_LOC) {
    tk::compute_api_call();
    tensim_unpack_formats(srca_new, srcb_new, "reconfig_data_format", loc);
}
ALWI void reconfig_data_format(uint32_t, uint32_t srca_new, uint32_t, uint32_t srcb_new,
                               TENSIM_LOC) {
    tk::compute_api_call();
    tensim_unpack_formats(srca_new, srcb_new, "reconfig_data_format", loc);
}
ALWI void reconfig_data_format_srca([[maybe_unused]] uint32_t srca_new, TENSIM_LOC) {
    tk::compute_api_call();
    UNPACK((tk::unpack_configure(0, srca_new, "reconfig_data_format_srca", loc)));
}
ALWI void reconfig_data_format_srca(uint32_t, uint32_t srca_new, TENSIM_LOC) {
    reconfig_data_format_srca(srca_new, loc);
}
ALWI void reconfig_data_format_srcb([[maybe_unused]] uint32_t srcb_new, TENSIM_LOC) {
    tk::compute_api_call();
    UNPACK((tk::unpack_configure(1, srcb_new, "reconfig_data_format_srcb", loc)));
}
ALWI void reconfig_data_format_srcb(uint32_t, uint32_t srcb_new, TENSIM_LOC) {
    reconfig_data_format_srcb(srcb_new, loc);
}
ALWI void pack_reconfig_data_format(uint32_t new_cb, TENSIM_LOC) {
    tk::compute_api_call();
    tensim_pack_format(new_cb, "pack_reconfig_data_format", loc);
}
ALWI void pack_reconfig_data_format(uint32_t, uint32_t new_cb, TENSIM_LOC) {
    pack_reconfig_data_format(new_cb, loc);
}
ALWI void pack_reconfig_l1_acc([[maybe_unused]] uint32_t l1_acc_en) {
    PACK((tk::compute_api_call(), tk::pack_l1_acc(l1_acc_en != 0)));
}
ALWI void copy_tile_init(uint32_t = 0, TENSIM_LOC) {
    tk::compute_api_call();
    tensim_datacopy_init(false, BroadcastType::NONE, "copy_tile_init", loc);
}
// [N] copy_init: SrcA takes the CB's format (llk's state_configure), then the datacopy init.
ALWI void copy_init([[maybe_unused]] uint32_t cbid, uint32_t transpose = 0, uint32_t = 0,
                    TENSIM_LOC) {
    tk::compute_api_call();
    UNPACK((tk::unpack_configure(0, cbid, "copy_init", loc)));
    tensim_datacopy_init(transpose != 0, BroadcastType::NONE, "copy_init", loc);
}
ALWI void copy_tile_to_dst_init_short(uint32_t = 0, uint32_t transpose = 0, TENSIM_LOC) {
    UNPACK((tk::compute_api_call()));
    tensim_datacopy_init(transpose != 0, BroadcastType::NONE, "copy_tile_to_dst_init_short", loc);
}
ALWI void copy_tile_to_dst_init_short_with_dt(uint32_t, [[maybe_unused]] uint32_t new_cb,
                                              uint32_t transpose = 0, TENSIM_LOC) {
    UNPACK((tk::compute_api_call(),
            tk::unpack_configure(0, new_cb, "copy_tile_to_dst_init_short_with_dt", loc)));
    tensim_datacopy_init(transpose != 0, BroadcastType::NONE, "copy_tile_to_dst_init_short_with_dt",
                         loc);
}
// acc_to_dest: the result is added to what Dst already holds.
ALWI void add_tiles_init(uint32_t = 0, uint32_t = 1, bool acc_to_dest = false, TENSIM_LOC) {
    MATH((tk::compute_api_call()));
    tensim_eltwise_init(true, ELWADD, BroadcastType::NONE, acc_to_dest, "add_tiles_init", loc);
}
ALWI void sub_tiles_init(uint32_t = 0, uint32_t = 1, bool acc_to_dest = false, TENSIM_LOC) {
    MATH((tk::compute_api_call()));
    tensim_eltwise_init(true, ELWSUB, BroadcastType::NONE, acc_to_dest, "sub_tiles_init", loc);
}
ALWI void mul_tiles_init(uint32_t = 0, uint32_t = 1, TENSIM_LOC) {
    MATH((tk::compute_api_call()));
    tensim_eltwise_init(true, ELWMUL, BroadcastType::NONE, false, "mul_tiles_init", loc);
}
ALWI void add_tiles_init_nof(TENSIM_LOC) {
    tk::compute_api_call();
    tensim_eltwise_init(true, ELWADD, BroadcastType::NONE, false, "add_tiles_init_nof", loc);
}
ALWI void mul_tiles_init_f(TENSIM_LOC) {
    tk::compute_api_call();
    tensim_eltwise_init(true, ELWMUL, BroadcastType::NONE, false, "mul_tiles_init_f", loc);
}
// full_init: the unpacker too (otherwise binary_op_init_common set it up).
template <bool full_init, EltwiseBinaryType eltwise_binary_type>
ALWI void binary_tiles_init(uint32_t, uint32_t, bool acc_to_dest = false, TENSIM_LOC) {
    MATH((tk::compute_api_call()));
    tensim_eltwise_init(full_init, eltwise_binary_type, BroadcastType::NONE, acc_to_dest,
                        "binary_tiles_init", loc);
}
template <EltwiseBinaryType type = ELWADD,
          EltwiseBinaryReuseDestType reuse = EltwiseBinaryReuseDestType::DEST_TO_SRCA>
ALWI void binary_dest_reuse_tiles_init(uint32_t, TENSIM_LOC) {
    tk::compute_api_call();
    tensim_unpack_mode(UnpackMode::unary, false, BroadcastType::NONE,
                       "binary_dest_reuse_tiles_init", loc);
    MATH((tk::math_init_eltwise(type, BroadcastType::NONE, false, reuse,
                                "binary_dest_reuse_tiles_init", loc)));
}
ALWI void transpose_wh_init(uint32_t icb, uint32_t ocb = 16, TENSIM_LOC) {
    tk::compute_api_call();
    tensim_unpack_formats(icb, icb, "transpose_wh_init", loc);
    tensim_datacopy_init(true, BroadcastType::NONE, "transpose_wh_init", loc);
    tensim_pack_format(ocb, "transpose_wh_init", loc);
}
ALWI void transpose_wh_init_short(uint32_t, TENSIM_LOC) {
    tk::compute_api_call();
    tensim_datacopy_init(true, BroadcastType::NONE, "transpose_wh_init_short", loc);
}
ALWI void tensim_tilize_init(const char* call, const tk::Loc& loc) {
    tensim_unpack_mode(UnpackMode::tilize, false, BroadcastType::NONE, call, loc);
    MATH((tk::math_init_datacopy(BroadcastType::NONE, call, loc)));
}
ALWI void tilize_init(uint32_t icb, uint32_t, uint32_t ocb, TENSIM_LOC) {
    tk::compute_api_call();
    tensim_unpack_formats(icb, icb, "tilize_init", loc);
    tensim_tilize_init("tilize_init", loc);
    tensim_pack_format(ocb, "tilize_init", loc);
}
ALWI void tilize_init_short(uint32_t, uint32_t, uint32_t = 16, TENSIM_LOC) {
    tk::compute_api_call();
    tensim_tilize_init("tilize_init_short", loc);
}
ALWI void tilize_uninit(uint32_t, uint32_t = 16, TENSIM_LOC) {
    tk::compute_api_call();
    tensim_unpack_mode(UnpackMode::unary, false, BroadcastType::NONE, "tilize_uninit", loc);
}
// [N] untilize_init(icb) leaves the packer as it is; [L] untilize_init(icb, ocb) configures it.
ALWI void untilize_init(uint32_t icb, TENSIM_LOC) {
    tk::compute_api_call();
    tensim_unpack_formats(icb, icb, "untilize_init", loc);
    tensim_datacopy_init(false, BroadcastType::NONE, "untilize_init", loc);
}
ALWI void untilize_init(uint32_t icb, uint32_t ocb, TENSIM_LOC) {
    untilize_init(icb, loc);
    tensim_pack_format(ocb, "untilize_init", loc);
}
ALWI void untilize_init_short(uint32_t, TENSIM_LOC) {
    tk::compute_api_call();
    tensim_datacopy_init(false, BroadcastType::NONE, "untilize_init_short", loc);
}
ALWI void untilize_uninit(uint32_t) { tk::compute_api_call(); }
template <uint32_t block_ct_dim = 8, uint32_t full_ct_dim = block_ct_dim>
ALWI void pack_untilize_init(uint32_t icb, uint32_t ocb, TENSIM_LOC) {
    tk::compute_api_call();
    tensim_unpack_formats(icb, icb, "pack_untilize_init", loc);
    tensim_datacopy_init(false, BroadcastType::NONE, "pack_untilize_init", loc);
    tensim_pack_format(ocb, "pack_untilize_init", loc);
}
ALWI void pack_untilize_uninit(uint32_t = 16) { tk::compute_api_call(); }
// ---- moving tiles -------------------------------------------------------------------------------
ALWI void copy_tile(uint32_t in_cb_id, uint32_t in_tile_index, uint32_t dst_tile_index,
                    TENSIM_LOC) {
    UNPACK((tk::unpack_unary(CbTile{in_cb_id, in_tile_index}, false, BroadcastType::NONE,
                             "copy_tile", loc)));
    MATH((tk::fpu_datacopy(BroadcastType::NONE, dst_tile_index, "copy_tile", loc)));
}
template <bool out_of_order_output = false>
ALWI void pack_tile(uint32_t ifrom_dst, uint32_t icb, uint32_t output_tile_index = 0, TENSIM_LOC) {
    PACK((tk::pack_tile(ifrom_dst, icb, output_tile_index, out_of_order_output, loc)));
}
ALWI void matmul_pack_tile(uint32_t ifrom_dst, uint32_t icb, uint32_t ntiles, TENSIM_LOC) {
    for (uint32_t i = 0; i < ntiles; ++i) PACK((tk::pack_tile(ifrom_dst + i, icb, 0, false, loc)));
}
ALWI void pack_tile_block(uint32_t ifrom_dst, uint32_t icb, uint32_t ntiles, TENSIM_LOC) {
    matmul_pack_tile(ifrom_dst, icb, ntiles, loc);
}
ALWI void copy_block_matmul_partials(uint32_t in_cb_id, uint32_t start_in_tile_idx,
                                     uint32_t start_dst_tile_idx, uint32_t ntiles, TENSIM_LOC) {
    for (uint32_t i = 0; i < ntiles; ++i)
        copy_tile(in_cb_id, start_in_tile_idx + i, start_dst_tile_idx + i, loc);
}

// ---- FPU eltwise binary (broadcast: operand B's row 0, column 0 or element (0,0) over the tile)
template <EltwiseBinaryType op, BroadcastType bcast>
ALWI void tensim_binary([[maybe_unused]] const char* name, uint32_t icb0, uint32_t icb1,
                        uint32_t itile0, uint32_t itile1, [[maybe_unused]] uint32_t idst,
                        [[maybe_unused]] const tk::Loc& loc) {
    [[maybe_unused]] CbTile a{icb0, itile0}, b{icb1, itile1};
    UNPACK((tk::unpack_binary(a, b, bcast, name, loc)));
    MATH((tk::fpu_eltwise(op, bcast, idst, name, loc)));
}
ALWI void add_tiles(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst,
                    TENSIM_LOC) {
    tensim_binary<ELWADD, BroadcastType::NONE>("add_tiles", icb0, icb1, itile0, itile1, idst, loc);
}
ALWI void sub_tiles(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst,
                    TENSIM_LOC) {
    tensim_binary<ELWSUB, BroadcastType::NONE>("sub_tiles", icb0, icb1, itile0, itile1, idst, loc);
}
ALWI void mul_tiles(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst,
                    TENSIM_LOC) {
    tensim_binary<ELWMUL, BroadcastType::NONE>("mul_tiles", icb0, icb1, itile0, itile1, idst, loc);
}
template <EltwiseBinaryType type = ELWADD,
          EltwiseBinaryReuseDestType reuse = EltwiseBinaryReuseDestType::DEST_TO_SRCA>
ALWI void binary_dest_reuse_tiles(uint32_t in_cb_id, uint32_t in_tile_index,
                                  uint32_t dst_tile_index, TENSIM_LOC) {
    // Dst moves into one Src register; the CB tile is unpacked into the other.
    constexpr bool dst_to_a = reuse == EltwiseBinaryReuseDestType::DEST_TO_SRCA;
    UNPACK((tk::unpack_dest_reuse(CbTile{in_cb_id, in_tile_index}, !dst_to_a, loc)));
    MATH((tk::fpu_dest_reuse(type, reuse, dst_tile_index, loc)));
}

template <EltwiseBinaryType tBcastOp, BroadcastType tBcastDim>
ALWI void init_bcast(uint32_t icb0, uint32_t icb1, uint32_t ocb = 16, TENSIM_LOC) {
    tk::compute_api_call();
    tensim_unpack_formats(icb0, icb1, "init_bcast", loc);
    tensim_eltwise_init(true, tBcastOp, tBcastDim, false, "init_bcast", loc);
    tensim_pack_format(ocb, "init_bcast", loc);
}
template <EltwiseBinaryType tBcastOp, BroadcastType tBcastDim>
ALWI void any_tiles_bcast(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1,
                          uint32_t idst, TENSIM_LOC) {
    constexpr const char* name = tBcastOp == ELWADD   ? "add_tiles_bcast"
                                 : tBcastOp == ELWSUB ? "sub_tiles_bcast"
                                                      : "mul_tiles_bcast";
    tensim_binary<tBcastOp, tBcastDim>(name, icb0, icb1, itile0, itile1, idst, loc);
}
template <BroadcastType tBcastDim>
ALWI void add_tiles_bcast(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1,
                          uint32_t idst, TENSIM_LOC) {
    any_tiles_bcast<ELWADD, tBcastDim>(icb0, icb1, itile0, itile1, idst, loc);
}
template <BroadcastType tBcastDim>
ALWI void sub_tiles_bcast(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1,
                          uint32_t idst, TENSIM_LOC) {
    any_tiles_bcast<ELWSUB, tBcastDim>(icb0, icb1, itile0, itile1, idst, loc);
}
template <BroadcastType tBcastDim>
ALWI void mul_tiles_bcast(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1,
                          uint32_t idst, TENSIM_LOC) {
    any_tiles_bcast<ELWMUL, tBcastDim>(icb0, icb1, itile0, itile1, idst, loc);
}
#define TENSIM_BCAST_FN(name, op, dim)                                                            \
    ALWI void name(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst, \
                   TENSIM_LOC) {                                                                  \
        any_tiles_bcast<op, dim>(icb0, icb1, itile0, itile1, idst, loc);                          \
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
#define TENSIM_BCAST_INIT(name, op, dim)                       \
    ALWI void name(uint32_t = 0, uint32_t = 1, TENSIM_LOC) {   \
        tk::compute_api_call();                                \
        tensim_eltwise_init(true, op, dim, false, #name, loc); \
    }
TENSIM_BCAST_INIT(add_bcast_rows_init_short, ELWADD, BroadcastType::ROW)
TENSIM_BCAST_INIT(add_bcast_cols_init_short, ELWADD, BroadcastType::COL)
TENSIM_BCAST_INIT(add_bcast_scalar_init_short, ELWADD, BroadcastType::SCALAR)
TENSIM_BCAST_INIT(mul_bcast_rows_init_short, ELWMUL, BroadcastType::ROW)
TENSIM_BCAST_INIT(mul_bcast_cols_init_short, ELWMUL, BroadcastType::COL)
TENSIM_BCAST_INIT(mul_tiles_bcast_scalar_init_short, ELWMUL, BroadcastType::SCALAR)
TENSIM_BCAST_INIT(sub_bcast_cols_init_short, ELWSUB, BroadcastType::COL)
TENSIM_BCAST_INIT(sub_tiles_bcast_scalar_init_short, ELWSUB, BroadcastType::SCALAR)
#undef TENSIM_BCAST_INIT
template <BroadcastType bcast_type>
ALWI void unary_bcast_init(uint32_t icb, uint32_t ocb, TENSIM_LOC) {
    tk::compute_api_call();
    tensim_unpack_formats(icb, icb, "unary_bcast_init", loc);
    tensim_datacopy_init(false, bcast_type, "unary_bcast_init", loc);
    tensim_pack_format(ocb, "unary_bcast_init", loc);
}
template <BroadcastType bcast_type>
ALWI void unary_bcast(uint32_t icb, uint32_t in_tile_index, uint32_t dst_tile_index, TENSIM_LOC) {
    UNPACK((tk::unpack_unary(CbTile{icb, in_tile_index}, false, bcast_type, "unary_bcast", loc)));
    MATH((tk::fpu_datacopy(bcast_type, dst_tile_index, "unary_bcast", loc)));
}

}  // namespace ckernel

#include "compute_layout_api.h"
#include "compute_matmul_reduce_api.h"
#include "compute_sfpu_api.h"

using namespace ckernel;

#if defined(TRISC_MATH)
#include "ckernel_sfpu.h"  // SFPI and the LLK SFPU helpers, as tt-metal's math build sees them
#endif
