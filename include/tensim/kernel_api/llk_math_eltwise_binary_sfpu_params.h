// tt-llk's binary SFPU params helper for tensim: `sfpu_func(in0, in1, out, args...)` once per
// face with the Dst address at tile 0 (the function offsets each operand by its tile index x 32
// dst_reg rows), then its SFPI instructions are charged to the SFPU.
#pragma once
#include "llk_math_eltwise_sfpu_tensim.h"

template <bool APPROXIMATE, class F, class... Args>
inline void _llk_math_eltwise_binary_sfpu_params_(F&& sfpu_func, uint32_t dst_index_in0,
                                                  uint32_t dst_index_in1, uint32_t dst_index_out,
                                                  int vector_mode = int(VectorMode::RC),
                                                  Args&&... args) {
    _llk_math_eltwise_binary_sfpu_start_(0);
    ckernel::tensim_sfpi::for_faces(
        vector_mode, [&] { sfpu_func(dst_index_in0, dst_index_in1, dst_index_out, args...); });
    _llk_math_eltwise_binary_sfpu_done_();
}
template <bool APPROXIMATE, class F, class... Args>
inline void llk_math_eltwise_binary_sfpu_params(F&& sfpu_func, uint32_t dst_index_in0,
                                                uint32_t dst_index_in1, uint32_t dst_index_out,
                                                int vector_mode = int(VectorMode::RC),
                                                Args&&... args) {
    _llk_math_eltwise_binary_sfpu_params_<APPROXIMATE>(std::forward<F>(sfpu_func), dst_index_in0,
                                                       dst_index_in1, dst_index_out, vector_mode,
                                                       std::forward<Args>(args)...);
}
// Newer tt-metal kernels reach the helper through these macros.
#define SFPU_BINARY_CALL_NO_TEMPLATE_ARGS(sync, accum, fn, in0, in1, out, mode) \
    _llk_math_eltwise_binary_sfpu_params_<false>(fn, in0, in1, out, int(mode))
#define SFPU_BINARY_CALL_FN(sync, accum, fn, in0, in1, out, mode) \
    _llk_math_eltwise_binary_sfpu_params_<false>(fn, in0, in1, out, int(mode))
