// The LLK SFPU call frame for tensim's SFPI emulation: start (Dst address of the tile, lane flags
// all on), the step between faces, done (the instructions counted since start are charged to the
// SFPU). The params helpers (llk_math_eltwise_{unary,binary}_sfpu_params.h) call an SFPU function
// once per face of the VectorMode, as tt-llk's Wormhole helpers do: RC all four faces, R faces 0
// and 1, C faces 0 and 2, anything else one call. A face is 16 raw Dst rows; dst_reg++ inside the
// function moves the address but not the face base (the helpers step with SETRWC's carry).
#pragma once
#include <cstdint>
#include <utility>

#include "compute_kernel_api.h"
#include "sfpi.h"
#include "tensim_compute.h"

#ifndef DST_SYNC_MODE
#define DST_SYNC_MODE DstSync::SyncHalf
#endif

// The SFPU op an init is for (tt-metal's llk_sfpu_types.h names, those custom kernels pass).
enum class SfpuType : uint8_t {
    unused,
    exponential,
    gelu,
    reciprocal,
    sqrt,
    sigmoid,
    tanh,
    log,
    abs,
    sign,
    square,
    relu_min,
    relu_max,
    lrelu,
    typecast,
    add1,
};

namespace ckernel::tensim_sfpi {

inline void start(uint32_t raw_dst_row) {
    auto& s = ::sfpi::detail::state();
    tensim::kapi::compute_api_call();
    s.enabled = ::sfpi::detail::kAllLanes;
    s.dst = s.dst_carry = raw_dst_row;
    s.fp32 = -1;
}
// Two SETRWC with carry per face: the face base moves 16 rows, the address returns to it.
inline void next_face(uint32_t faces = 1) {
    auto& s = ::sfpi::detail::state();
    s.dst = s.dst_carry += 16 * faces;
    ::sfpi::detail::count(::sfpi::detail::SfpiClass::face, faces);
}
inline void done(const tensim::kapi::Loc& loc) {
    auto& s = ::sfpi::detail::state();
    const tensim::abi::SfpiCounts counts = s.counts;
    s.counts = {};
    s.enabled = ::sfpi::detail::kAllLanes;
    s.dst = s.dst_carry = 0;
    tensim::kapi::sfpi_run(counts, loc);
}
template <class F>
inline void for_faces(int vector_mode, F&& face) {
    if (vector_mode == int(VectorMode::RC)) {
        for (int f = 0; f < 4; ++f) face(), next_face();
    } else if (vector_mode == int(VectorMode::R)) {
        for (int f = 0; f < 2; ++f) face(), next_face();
        next_face(2);
    } else if (vector_mode == int(VectorMode::C)) {
        for (int f = 0; f < 2; ++f) face(), next_face(2);
    } else {
        face();
    }
}

}  // namespace ckernel::tensim_sfpi

template <DstSync = DST_SYNC_MODE>
inline void _llk_math_eltwise_unary_sfpu_start_(uint32_t dst_index) {
    ckernel::tensim_sfpi::start(dst_index * ::sfpi::detail::kDstTileRows);
}
template <DstSync = DST_SYNC_MODE>
inline void _llk_math_eltwise_binary_sfpu_start_(uint32_t dst_index) {
    ckernel::tensim_sfpi::start(dst_index * ::sfpi::detail::kDstTileRows);
}
inline void _llk_math_eltwise_unary_sfpu_inc_dst_face_addr_() { ckernel::tensim_sfpi::next_face(); }
inline void _llk_math_eltwise_binary_sfpu_inc_dst_face_addr_() {
    ckernel::tensim_sfpi::next_face();
}
inline void _llk_math_eltwise_unary_sfpu_done_(TENSIM_LOC) { ckernel::tensim_sfpi::done(loc); }
inline void _llk_math_eltwise_binary_sfpu_done_(TENSIM_LOC) { ckernel::tensim_sfpi::done(loc); }

// Inits: the SFPU's address modes and config register need nothing here; an init function the
// kernel passes (programming constants, say) runs.
template <SfpuType = SfpuType::unused>
inline void _llk_math_eltwise_unary_sfpu_init_() {}
template <SfpuType = SfpuType::unused>
inline void _llk_math_eltwise_binary_sfpu_init_() {}
template <SfpuType op = SfpuType::unused, bool APPROXIMATE = false>
inline void llk_math_eltwise_unary_sfpu_init() {}
template <SfpuType op, bool APPROXIMATE, class F, class... Args>
inline void llk_math_eltwise_unary_sfpu_init(F&& init, Args&&... args) {
    std::forward<F>(init)(std::forward<Args>(args)...);
}
template <SfpuType op = SfpuType::unused, bool APPROXIMATE = false>
inline void llk_math_eltwise_binary_sfpu_init() {}
template <SfpuType op, bool APPROXIMATE, class F, class... Args>
inline void llk_math_eltwise_binary_sfpu_init(F&& init, Args&&... args) {
    std::forward<F>(init)(std::forward<Args>(args)...);
}
