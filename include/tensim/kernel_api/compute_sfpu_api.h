// The SFPU part of TT-Metalium's compute kernel API (eltwise_unary/*.h, eltwise_binary_sfpu.h,
// binop_with_scalar.h): math thread only, in place on Dst. Each op crosses to the simulator as an
// SfpuOp / SfpuBinaryOp value (tensim_abi.h); each *_tile_init sets the SFPU up for its op.
// Included by compute_kernel_api.h, which defines what this relies on.
#pragma once

namespace ckernel {

// ---- SFPU (math thread, in place on Dst); each op crosses to the simulator as an SfpuOp ---------
ALWI float tensim_bits_to_float(uint32_t bits) { return __builtin_bit_cast(float, bits); }
ALWI void tensim_sfpu_init([[maybe_unused]] SfpuOp op, [[maybe_unused]] const char* call,
                           [[maybe_unused]] const tk::Loc& loc) {
    tk::compute_api_call();
    MATH((tk::sfpu_init(op, call, loc)));
}
#define TENSIM_SFPU(name, op)                                                               \
    ALWI void name##_init(TENSIM_LOC) { tensim_sfpu_init(SfpuOp::op, #name "_init", loc); } \
    ALWI void name(uint32_t idst, TENSIM_LOC) {                                             \
        MATH((tk::sfpu_unary(SfpuOp::op, idst, 0, 0, APPROX, loc)));                        \
    }
TENSIM_SFPU(log_tile, log)
TENSIM_SFPU(sqrt_tile, sqrt)
TENSIM_SFPU(silu_tile, silu)
TENSIM_SFPU(relu_tile, relu)
TENSIM_SFPU(tanh_tile, tanh)
TENSIM_SFPU(abs_tile, abs)
TENSIM_SFPU(square_tile, square)
TENSIM_SFPU(sign_tile, sign)
TENSIM_SFPU(exp2_tile, exp2)
TENSIM_SFPU(expm1_tile, expm1)
TENSIM_SFPU(sin_tile, sin)
TENSIM_SFPU(cos_tile, cos)
TENSIM_SFPU(tan_tile, tan)
TENSIM_SFPU(ltz_tile, ltz)
TENSIM_SFPU(gtz_tile, gtz)
TENSIM_SFPU(lez_tile, lez)
TENSIM_SFPU(gez_tile, gez)
TENSIM_SFPU(eqz_tile, eqz)
TENSIM_SFPU(nez_tile, nez)
TENSIM_SFPU(negative_tile, neg)
TENSIM_SFPU(log1p_tile, log1p)
TENSIM_SFPU(erf_tile, erf)
#undef TENSIM_SFPU
// ---- exp: TT-Metalium's exp.h -------------------------------------------------------------------
// exp_tile<approx, scale_en, input_clamping, iterations>(idst, vector_mode, scale): the input is
// scaled first (TT-NN's SDPA folds 1/sqrt(d) in this way). Where the scale comes from follows
// tt-llk: the approximate (fast, LOADMACRO) paths fold exp_tile_init's template `scale` (fp32 bits)
// into their constant A at the init and ignore the call's; the precise path multiplies by the
// call's `scale` (bf16 bits, 0x3F80 = 1.0) when scale_en.
enum class InputClamping : uint8_t { ClampToNegative = 1, None = 0 };
template <bool approx = false, uint32_t scale = 0x3F800000,
          InputClamping input_clamping = InputClamping::ClampToNegative>
ALWI void exp_tile_init(TENSIM_LOC) {
    tk::compute_api_call();
    MATH((tk::sfpu_init_param(SfpuOp::exp, scale, "exp_tile_init", loc)));
}
template <bool approx = false, bool scale_en = false,
          InputClamping input_clamping = InputClamping::ClampToNegative, int iterations = 8>
ALWI void exp_tile(uint32_t idst, int = VectorMode::RC, uint16_t scale = 0x3F80, TENSIM_LOC) {
    [[maybe_unused]] const float s = tensim_bits_to_float(uint32_t(scale) << 16);
    [[maybe_unused]] constexpr uint32_t how = approx ? 2u : scale_en ? 1u : 0u;
    MATH((tk::sfpu_unary(SfpuOp::exp, idst, s, how, approx, loc)));
}
// The earlier signature exp_tile<approx, fast_and_approx, scale_en, skip_positive_check,
// iterations>: told apart by its third argument, a bool; the call's scale applies.
template <bool approx, bool fast_and_approx, bool scale_en, bool skip_positive_check = false,
          int iterations = 8>
ALWI void exp_tile(uint32_t idst, int = VectorMode::RC, uint16_t scale = 0x3F80, TENSIM_LOC) {
    [[maybe_unused]] const float s = tensim_bits_to_float(uint32_t(scale) << 16);
    MATH((tk::sfpu_unary(SfpuOp::exp, idst, scale_en ? s : 0.0f, scale_en ? 1u : 0u, approx, loc)));
}
template <bool fast_and_approx = true>
ALWI void gelu_tile_init(TENSIM_LOC) {
    tensim_sfpu_init(SfpuOp::gelu, "gelu_tile_init", loc);
}
template <bool fast_and_approx = true>
ALWI void gelu_tile(uint32_t idst, TENSIM_LOC) {
    MATH((tk::sfpu_unary(SfpuOp::gelu, idst, 0, 0, fast_and_approx, loc)));
}
template <bool fast_and_approx = false>
ALWI void sigmoid_tile_init(TENSIM_LOC) {
    tensim_sfpu_init(SfpuOp::sigmoid, "sigmoid_tile_init", loc);
}
template <int vec_mode = VectorMode::RC, bool fast_and_approx = false>
ALWI void sigmoid_tile(uint32_t idst, TENSIM_LOC) {
    MATH((tk::sfpu_unary(SfpuOp::sigmoid, idst, 0, 0, fast_and_approx, loc)));
}
template <bool fast_and_approx = false>
ALWI void rsqrt_tile_init(TENSIM_LOC) {
    tensim_sfpu_init(SfpuOp::rsqrt, "rsqrt_tile_init", loc);
}
template <bool fast_and_approx = false>
ALWI void rsqrt_tile(uint32_t idst, TENSIM_LOC) {
    MATH((tk::sfpu_unary(SfpuOp::rsqrt, idst, 0, 0, fast_and_approx, loc)));
}
template <bool legacy_compat = true>
ALWI void recip_tile_init(TENSIM_LOC) {
    tensim_sfpu_init(SfpuOp::recip, "recip_tile_init", loc);
}
template <bool legacy_compat = true>
ALWI void recip_tile(uint32_t idst, int = VectorMode::RC, TENSIM_LOC) {
    MATH((tk::sfpu_unary(SfpuOp::recip, idst, 0, 0, APPROX, loc)));
}
#define TENSIM_SFPU_PARAM(name, op, scalar_of)                                              \
    ALWI void name##_init(TENSIM_LOC) { tensim_sfpu_init(SfpuOp::op, #name "_init", loc); } \
    ALWI void name(uint32_t idst, uint32_t param0, TENSIM_LOC) {                            \
        MATH((tk::sfpu_unary(SfpuOp::op, idst, scalar_of(param0), param0, APPROX, loc)));   \
    }
#define TENSIM_AS_FLOAT(p) float(p)
TENSIM_SFPU_PARAM(relu_max_tile, relu_max, tensim_bits_to_float)
TENSIM_SFPU_PARAM(relu_min_tile, relu_min, tensim_bits_to_float)
TENSIM_SFPU_PARAM(leaky_relu_tile, leaky_relu, tensim_bits_to_float)
TENSIM_SFPU_PARAM(power_tile, power, TENSIM_AS_FLOAT)
#undef TENSIM_AS_FLOAT
#undef TENSIM_SFPU_PARAM
// One init for the scalar ops (binop_with_scalar.h).
ALWI void binop_with_scalar_tile_init(TENSIM_LOC) {
    tk::compute_api_call();
    MATH((tk::sfpu_init_scalar_ops("binop_with_scalar_tile_init", loc)));
}
#define TENSIM_SFPU_SCALAR(name, op)                                                               \
    ALWI void name(uint32_t idst, uint32_t param0, TENSIM_LOC) {                                   \
        MATH((                                                                                     \
            tk::sfpu_unary(SfpuOp::op, idst, tensim_bits_to_float(param0), param0, APPROX, loc))); \
    }
TENSIM_SFPU_SCALAR(add_unary_tile, add_scalar)
TENSIM_SFPU_SCALAR(sub_unary_tile, sub_scalar)
TENSIM_SFPU_SCALAR(mul_unary_tile, mul_scalar)
// TT-Metal's host passes the reciprocal of the divisor; the SFPU multiplies by it.
TENSIM_SFPU_SCALAR(div_unary_tile, mul_scalar)
TENSIM_SFPU_SCALAR(rsub_unary_tile, rsub_scalar)
#undef TENSIM_SFPU_SCALAR
ALWI void fill_tile_init(TENSIM_LOC) { tensim_sfpu_init(SfpuOp::fill, "fill_tile_init", loc); }
ALWI void fill_tile(uint32_t idst, float value, TENSIM_LOC) {
    MATH((tk::sfpu_unary(SfpuOp::fill, idst, value, 0, APPROX, loc)));
}
ALWI void fill_tile_bitcast(uint32_t idst, uint32_t bits, TENSIM_LOC) {
    MATH((tk::sfpu_unary(SfpuOp::fill, idst, tensim_bits_to_float(bits), bits, APPROX, loc)));
}

// Binary SFPU on two Dst tiles: [L] writes idst0; [N] takes an output index.
#define TENSIM_SFPU_BINARY(name, op)                                            \
    ALWI void name##_init(TENSIM_LOC) {                                         \
        tk::compute_api_call();                                                 \
        MATH((tk::sfpu_init_binary(SfpuBinaryOp::op, #name "_init", loc)));     \
    }                                                                           \
    ALWI void name(uint32_t idst0, uint32_t idst1, TENSIM_LOC) {                \
        MATH((tk::sfpu_binary(SfpuBinaryOp::op, idst0, idst1, idst0, loc)));    \
    }                                                                           \
    ALWI void name(uint32_t idst0, uint32_t idst1, uint32_t odst, TENSIM_LOC) { \
        MATH((tk::sfpu_binary(SfpuBinaryOp::op, idst0, idst1, odst, loc)));     \
    }
TENSIM_SFPU_BINARY(add_binary_tile, add)
TENSIM_SFPU_BINARY(sub_binary_tile, sub)
TENSIM_SFPU_BINARY(mul_binary_tile, mul)
TENSIM_SFPU_BINARY(div_binary_tile, div)
TENSIM_SFPU_BINARY(rsub_binary_tile, rsub)
TENSIM_SFPU_BINARY(power_binary_tile, pow)
TENSIM_SFPU_BINARY(eq_binary_tile, eq)
TENSIM_SFPU_BINARY(ne_binary_tile, ne)
TENSIM_SFPU_BINARY(lt_binary_tile, lt)
TENSIM_SFPU_BINARY(gt_binary_tile, gt)
TENSIM_SFPU_BINARY(le_binary_tile, le)
TENSIM_SFPU_BINARY(ge_binary_tile, ge)
#undef TENSIM_SFPU_BINARY

// ---- binary_max_min.h: odst = max/min(idst0, idst1) on the faces vector_mode names ------------
#define TENSIM_SFPU_MAX_MIN(name, op)                                                    \
    ALWI void name##_init(TENSIM_LOC) {                                                  \
        tk::compute_api_call();                                                          \
        MATH((tk::sfpu_init_binary(SfpuBinaryOp::op, #name "_init", loc)));              \
    }                                                                                    \
    ALWI void name(uint32_t idst0, uint32_t idst1, uint32_t odst,                        \
                   int vector_mode = VectorMode::RC, TENSIM_LOC) {                       \
        MATH((tk::sfpu_binary(SfpuBinaryOp::op, idst0, idst1, odst, loc, vector_mode))); \
    }                                                                                    \
    ALWI void name(uint32_t idst0, uint32_t idst1, TENSIM_LOC) {                         \
        MATH((tk::sfpu_binary(SfpuBinaryOp::op, idst0, idst1, idst0, loc)));             \
    }
TENSIM_SFPU_MAX_MIN(binary_max_tile, max)
TENSIM_SFPU_MAX_MIN(binary_min_tile, min)
#undef TENSIM_SFPU_MAX_MIN

// max_tile (compute_kernel_api.h): Dst[idst0] = max(Dst[idst0], Dst[idst0 + 1]). tt-llk's
// _calculate_max_ reads its second operand one tile further on (dst_reg[32]) and ignores idst1;
// tensim does the same.
ALWI void max_tile_init(TENSIM_LOC) {
    tk::compute_api_call();
    MATH((tk::sfpu_init_binary(SfpuBinaryOp::max, "max_tile_init", loc)));
}
ALWI void max_tile(uint32_t idst0, uint32_t, int vector_mode = VectorMode::RC, TENSIM_LOC) {
    MATH((tk::sfpu_binary(SfpuBinaryOp::max, idst0, idst0 + 1, idst0, loc, vector_mode)));
}

// ---- softplus.h: (1/beta) ln(1 + exp(beta x)) below the threshold, x above (fp32 bits each) ---
ALWI void softplus_tile_init(TENSIM_LOC) {
    tensim_sfpu_init(SfpuOp::softplus, "softplus_tile_init", loc);
}
ALWI void softplus_tile(uint32_t idst, uint32_t beta, uint32_t beta_reciprocal, uint32_t threshold,
                        TENSIM_LOC) {
    MATH((tk::sfpu_unary3(SfpuOp::softplus, idst, beta, beta_reciprocal, threshold, APPROX, loc)));
}

}  // namespace ckernel
