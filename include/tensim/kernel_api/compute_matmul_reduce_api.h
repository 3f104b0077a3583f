// The matmul and reduce part of TT-Metalium's compute kernel API (matmul.h, reduce.h,
// reduce_custom.h): the init calls that set the unpacker's matmul mode (with in1's tiles
// transposed when asked, as llk_unpack_AB_matmul_init does) and the ops that run under it.
// Included by compute_kernel_api.h, which defines what this relies on.
#pragma once

namespace ckernel {

// ---- matmul init: in1 to SrcA, in0 to SrcB; `transpose` transposes each in1 tile on unpack ------
// Matmul unpacks in1 into SrcA and in0 into SrcB.
ALWI void mm_init(uint32_t in0, uint32_t in1, uint32_t out = 16, uint32_t transpose = 0,
                  TENSIM_LOC) {
    tk::compute_api_call();
    tensim_unpack_formats(in1, in0, "mm_init", loc);
    tensim_matmul_init(transpose != 0, "mm_init", loc);
    tensim_pack_format(out, "mm_init", loc);
}
ALWI void mm_init_short(uint32_t, uint32_t, uint32_t transpose = 0, TENSIM_LOC) {
    tk::compute_api_call();
    tensim_matmul_init(transpose != 0, "mm_init_short", loc);
}
ALWI void mm_init_short_with_dt(uint32_t, [[maybe_unused]] uint32_t in1, uint32_t,
                                uint32_t transpose = 0, TENSIM_LOC) {
    tk::compute_api_call();
    UNPACK((tk::unpack_configure(0, in1, "mm_init_short_with_dt", loc)));
    tensim_matmul_init(transpose != 0, "mm_init_short_with_dt", loc);
}
ALWI void mm_block_init(uint32_t in0, uint32_t in1, uint32_t out = 16, uint32_t transpose = 0,
                        uint32_t = 1, uint32_t = 1, uint32_t = 1, TENSIM_LOC) {
    tk::compute_api_call();
    tensim_unpack_formats(in1, in0, "mm_block_init", loc);
    tensim_matmul_init(transpose != 0, "mm_block_init", loc);
    tensim_pack_format(out, "mm_block_init", loc);
}
ALWI void mm_block_init_short(uint32_t, uint32_t, uint32_t transpose = 0, uint32_t = 1,
                              uint32_t = 1, uint32_t = 1, TENSIM_LOC) {
    tk::compute_api_call();
    tensim_matmul_init(transpose != 0, "mm_block_init_short", loc);
}
ALWI void mm_block_init_short_with_dt(uint32_t, [[maybe_unused]] uint32_t in1, uint32_t,
                                      uint32_t transpose = 0, uint32_t = 1, uint32_t = 1,
                                      uint32_t = 1, TENSIM_LOC) {
    tk::compute_api_call();
    UNPACK((tk::unpack_configure(0, in1, "mm_block_init_short_with_dt", loc)));
    tensim_matmul_init(transpose != 0, "mm_block_init_short_with_dt", loc);
}
// [N] matmul_init / matmul_block_init: the short init; formats as llk's state_configure (in1's to
// SrcA, in0's to SrcB), the packer as compute_kernel_hw_startup left it.
ALWI void matmul_init(uint32_t in0_cb_id, uint32_t in1_cb_id, const uint32_t transpose = 0,
                      TENSIM_LOC) {
    tk::compute_api_call();
    tensim_unpack_formats(in1_cb_id, in0_cb_id, "matmul_init", loc);
    tensim_matmul_init(transpose != 0, "matmul_init", loc);
}
ALWI void matmul_block_init(uint32_t in0_cb_id, uint32_t in1_cb_id, const uint32_t transpose = 0,
                            uint32_t = 1, uint32_t = 1, uint32_t = 1, TENSIM_LOC) {
    tk::compute_api_call();
    tensim_unpack_formats(in1_cb_id, in0_cb_id, "matmul_block_init", loc);
    tensim_matmul_init(transpose != 0, "matmul_block_init", loc);
}
// ---- reduce init --------------------------------------------------------------------------------
ALWI void tensim_reduce_init([[maybe_unused]] PoolType type, [[maybe_unused]] ReduceDim dim,
                             const char* call, const tk::Loc& loc) {
    tensim_unpack_mode(UnpackMode::reduce, false, BroadcastType::NONE, call, loc);
    MATH((tk::math_init_reduce(type, dim, call, loc)));
}
// [L]: a full init (formats too).
template <bool at_start, PoolType reduce_type = REDUCE_OP, ReduceDim reduce_dim = REDUCE_DIM>
ALWI void reduce_init(uint32_t icb, uint32_t icb_scaler, uint32_t ocb, TENSIM_LOC) {
    tk::compute_api_call();
    tensim_unpack_formats(icb, icb_scaler, "reduce_init", loc);
    tensim_reduce_init(reduce_type, reduce_dim, "reduce_init", loc);
    tensim_pack_format(ocb, "reduce_init", loc);
}
// [T]/[N]: formats come from compute_kernel_hw_startup.
template <PoolType reduce_type, ReduceDim reduce_dim, bool enforce_fp32_accumulation = false>
ALWI void reduce_init(uint32_t, uint32_t, uint32_t, TENSIM_LOC) {
    tk::compute_api_call();
    tensim_reduce_init(reduce_type, reduce_dim, "reduce_init", loc);
}
template <bool at_start = false, PoolType reduce_type = REDUCE_OP,
          ReduceDim reduce_dim = REDUCE_DIM>
ALWI void reduce_init_delta(uint32_t = 16, uint32_t = 0, uint32_t = 2, TENSIM_LOC) {
    tk::compute_api_call();
    tensim_reduce_init(reduce_type, reduce_dim, "reduce_init_delta", loc);
}
// Reverts the packer's reduce edge mask; tensim's reduce already writes only the reduced row or
// column, so the mask is not modelled and this is the call's issue cost.
template <ReduceDim reduce_dim = REDUCE_DIM>
ALWI void reduce_revert_delta(uint32_t = 16) {
    tk::compute_api_call();
}
ALWI void reduce_uninit(uint32_t = 0) { tk::compute_api_call(); }

// ---- matmul: Dst[idst] += in0 x in1 -------------------------------------------------------------
ALWI void matmul_tiles(uint32_t in0_cb_id, uint32_t in1_cb_id, uint32_t in0_tile_index,
                       uint32_t in1_tile_index, uint32_t idst, const uint32_t transpose = 0,
                       TENSIM_LOC) {
    // in1 goes to SrcA, in0 to SrcB (MVMUL: Dst += SrcB x SrcA).
    [[maybe_unused]] CbTile a{in1_cb_id, in1_tile_index}, b{in0_cb_id, in0_tile_index};
    UNPACK((tk::unpack_matmul(&a, 1, &b, 1, transpose != 0, "matmul_tiles", loc)));
    MATH((tk::fpu_matmul(idst, 1, 1, "matmul_tiles", loc)));
}
// The name matmul_tiles had for a while in TT-Metalium.
ALWI void matmul_tile(uint32_t in0_cb_id, uint32_t in1_cb_id, uint32_t in0_tile_index,
                      uint32_t in1_tile_index, uint32_t idst, const uint32_t transpose = 0,
                      TENSIM_LOC) {
    matmul_tiles(in0_cb_id, in1_cb_id, in0_tile_index, in1_tile_index, idst, transpose, loc);
}
ALWI void matmul_block(uint32_t in0_cb_id, uint32_t in1_cb_id, uint32_t in0_tile_index,
                       uint32_t in1_tile_index, uint32_t idst, const uint32_t transpose,
                       uint32_t ct_dim, uint32_t rt_dim, uint32_t kt_dim, TENSIM_LOC) {
    // One K step of an rt_dim x ct_dim block: in0 rows stride kt_dim in its CB, in1 columns are
    // adjacent.
    if (ct_dim > 16 || rt_dim > 16 || ct_dim * rt_dim == 0)
        tk::kernel_fail("matmul_block: ct_dim and rt_dim must be 1..16 (the block must fit Dst)",
                        loc);
    [[maybe_unused]] CbTile a[16], b[16];
    for (uint32_t c = 0; c < ct_dim && c < 16; ++c) a[c] = CbTile{in1_cb_id, in1_tile_index + c};
    for (uint32_t r = 0; r < rt_dim && r < 16; ++r)
        b[r] = CbTile{in0_cb_id, in0_tile_index + r * kt_dim};
    UNPACK((tk::unpack_matmul(a, ct_dim, b, rt_dim, transpose != 0, "matmul_block", loc)));
    MATH((tk::fpu_matmul(idst, rt_dim, ct_dim, "matmul_block", loc)));
}

// ---- reduce: operand A reduced along a dimension, times the scaler tile's first element ---------
template <PoolType reduce_type = REDUCE_OP, ReduceDim reduce_dim = REDUCE_DIM,
          bool enforce_fp32_accumulation = false>
ALWI void reduce_tile(uint32_t icb, uint32_t icb_scaler, uint32_t itile, uint32_t itile_scaler,
                      uint32_t idst, TENSIM_LOC) {
    UNPACK((tk::unpack_reduce(CbTile{icb, itile}, CbTile{icb_scaler, itile_scaler}, loc)));
    MATH((tk::fpu_reduce(reduce_type, reduce_dim, idst, loc)));
}

// ---- reduce_custom.h: a block of tiles' rows reduced by MAX into one Dst tile's column 0 -------
// tensim runs it as block_ct_dim reduce_tile<MAX, REDUCE_ROW> calls (the scaler's first element
// multiplies, as silicon's assumes 1.0), each at reduce_tile's cost; silicon's custom MOP saves
// part of the per-tile unpack/math overhead, which tensim does not model. The *_runtime variants
// (block width from the init) are not provided.
template <uint32_t block_ct_dim, bool respect_trigger = false>
ALWI void reduce_block_max_row_init(TENSIM_LOC) {
    tk::compute_api_call();
    tensim_reduce_init(PoolType::MAX, ReduceDim::REDUCE_ROW, "reduce_block_max_row_init", loc);
}
template <uint32_t block_ct_dim, bool respect_trigger = false>
ALWI void reduce_block_max_row(uint32_t icb, uint32_t icb_scaler, uint32_t row_start_index,
                               uint32_t idst, TENSIM_LOC) {
    for (uint32_t i = 0; i < block_ct_dim; ++i)
        reduce_tile<PoolType::MAX, ReduceDim::REDUCE_ROW>(icb, icb_scaler, row_start_index + i, 0,
                                                          idst, loc);
}
template <bool clear_fp32_accumulation = false, bool respect_trigger = false>
ALWI void reduce_block_max_row_uninit(uint32_t = 0) {
    tk::compute_api_call();
}

}  // namespace ckernel
