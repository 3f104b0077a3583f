// The data-layout part of TT-Metalium's compute kernel API (transpose_wh.h, tilize.h,
// untilize.h, pack_untilize.h): tiles transposed or converted between row-major and tile order
// on their way through Dst. Included by compute_kernel_api.h, which defines what this relies on.
#pragma once

namespace ckernel {

// ---- transpose, tilize, untilize ----------------------------------------------------------------
ALWI void transpose_wh_tile(uint32_t icb, uint32_t itile, uint32_t idst, TENSIM_LOC) {
    UNPACK((
        tk::unpack_unary(CbTile{icb, itile}, true, BroadcastType::NONE, "transpose_wh_tile", loc)));
    MATH((tk::fpu_datacopy(BroadcastType::NONE, idst, "transpose_wh_tile", loc)));
}
// Each tile passes through Dst 0 with its own handshake, as TT-Metal's LLK does inside the call.
ALWI void tilize_block(uint32_t icb, uint32_t block, uint32_t ocb, uint32_t = 0, uint32_t = 0,
                       TENSIM_LOC) {
    for (uint32_t t = 0; t < block; ++t) {
        UNPACK((tk::unpack_tilize(icb, block, t, loc)));
        MATH((tk::dst_acquire(loc), tk::fpu_datacopy(BroadcastType::NONE, 0, "tilize_block", loc),
              tk::dst_commit(loc)));
        PACK((tk::dst_wait(loc), tk::pack_tile(0, ocb, 0, false, loc), tk::dst_release(loc)));
    }
}
template <uint32_t N = 1>
ALWI void untilize_block(uint32_t icb, uint32_t block, uint32_t ocb, TENSIM_LOC) {
    for (uint32_t t = 0; t < block; ++t) {
        UNPACK(
            (tk::unpack_unary(CbTile{icb, t}, false, BroadcastType::NONE, "untilize_block", loc)));
        MATH((tk::dst_acquire(loc), tk::fpu_datacopy(BroadcastType::NONE, 0, "untilize_block", loc),
              tk::dst_commit(loc)));
        PACK(
            (tk::dst_wait(loc), tk::pack_untilize(0, ocb, block, 0, t, loc), tk::dst_release(loc)));
    }
}
// block_rt_dim rows of block_ct_dim tiles from icb become row-major rows full_ct_dim tiles wide in
// ocb.
template <uint32_t block_ct_dim = 8, uint32_t full_ct_dim = block_ct_dim>
ALWI void pack_untilize_block(uint32_t icb, uint32_t block_rt_dim, uint32_t ocb,
                              uint32_t block_c_index = 0, TENSIM_LOC) {
    for (uint32_t r = 0; r < block_rt_dim; ++r)
        for (uint32_t c = 0; c < block_ct_dim; ++c) {
            UNPACK((tk::unpack_unary(CbTile{icb, r * block_ct_dim + c}, false, BroadcastType::NONE,
                                     "pack_untilize_block", loc)));
            MATH((tk::dst_acquire(loc),
                  tk::fpu_datacopy(BroadcastType::NONE, 0, "pack_untilize_block", loc),
                  tk::dst_commit(loc)));
            PACK((tk::dst_wait(loc),
                  tk::pack_untilize(0, ocb, full_ct_dim, r, block_c_index * block_ct_dim + c, loc),
                  tk::dst_release(loc)));
        }
}

}  // namespace ckernel
