// tt-llk's unary SFPU params helper for tensim: `sfpu_func(args...)` once per face of Dst tile
// `dst_index` (VectorMode RC, R or C), then its SFPI instructions are charged to the SFPU.
#pragma once
#include "llk_math_eltwise_sfpu_tensim.h"

template <bool APPROXIMATE, class F, class... Args>
inline void _llk_math_eltwise_unary_sfpu_params_(F&& sfpu_func, uint32_t dst_index,
                                                 int vector_mode = int(VectorMode::RC),
                                                 Args&&... args) {
    _llk_math_eltwise_unary_sfpu_start_(dst_index);
    ckernel::tensim_sfpi::for_faces(vector_mode, [&] { sfpu_func(args...); });
    _llk_math_eltwise_unary_sfpu_done_();
}
// tt-metal's llk_api spelling.
template <bool APPROXIMATE, class F, class... Args>
inline void llk_math_eltwise_unary_sfpu_params(F&& sfpu_func, uint32_t dst_index,
                                               int vector_mode = int(VectorMode::RC),
                                               Args&&... args) {
    _llk_math_eltwise_unary_sfpu_params_<APPROXIMATE>(std::forward<F>(sfpu_func), dst_index,
                                                      vector_mode, std::forward<Args>(args)...);
}
