// SFPU arithmetic. Precise mode evaluates in double and rounds once to fp32, so results are
// correctly rounded but for rare double-rounding cases. Approximate mode runs the fp32
// constructions described at each function; unless a comment says otherwise they are tensim's
// approximations, chosen to have the kind and size of error of a cheap SFPU kernel, not copies of
// silicon's.
#include "numerics/sfpu.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <limits>

namespace tensim::numerics {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kLn2 = 0.693147180559945309f;
constexpr float kPi = 3.14159265358979324f;

uint32_t bits_of(float x) { return std::bit_cast<uint32_t>(x); }
float from_bits(uint32_t b) { return std::bit_cast<float>(b); }
float f32(double v) { return static_cast<float>(v); }

// ---- approximate-mode constructions ------------------------------------------------------------

// exp, approximate: Schraudolph's construction on the upper 16 bits of the fp32 word,
// i = round(256/ln2 * x + 32500.82), result bits = i << 15 (8 exponent + 8 mantissa bits built
// from the integer and fractional parts of x/ln2). The constants and the clamp of inputs below
// -88.5 are those we recall from tt-llk's fast approximate exp (the clamped path whose cost
// wormhole_params.md section 5 gives); they are not checked against silicon. Above the fp32
// range tensim returns +inf. Relative error: piecewise-linear 2^f, within about +-3 %.
float exp_approx(float x) {
    if (std::isnan(x)) return x;
    constexpr float kA = 256.0f * 1.44269504088896341f;
    constexpr float kBMinusC = 32500.818359375f;
    const float i = std::nearbyint(kA * std::max(x, -88.5f) + kBMinusC);
    if (i <= 0.0f) return 0.0f;
    if (i >= 65280.0f) return kInf;  // exponent field 255
    return from_bits(static_cast<uint32_t>(i) << 15);
}

// recip, approximate (tensim's approximation): the bit-trick seed 0x7EF311C3 - bits(|x|)
// (relative error up to ~5 %) refined by two Newton steps y *= 2 - |x|*y in fp32 (~2.6e-3 after
// one), as a kernel with fewer iterations than the precise one would. Relative error below
// ~7e-6, about 100x fp32 rounding. Inputs whose reciprocal leaves the normal range
// (|x| >= 2^125, denormals) take the exact path.
float recip_approx(float x) {
    const uint32_t b = bits_of(x);
    const uint32_t mag = b & 0x7fffffffu;
    if (mag == 0) return std::copysign(kInf, x);
    if (mag >= 0x7f800000u) return std::isnan(x) ? x : std::copysign(0.0f, x);
    if (mag < 0x00800000u || mag >= 0x7e000000u) return 1.0f / x;
    const float a = from_bits(mag);
    float y = from_bits(0x7ef311c3u - mag);
    y = y * (2.0f - a * y);
    y = y * (2.0f - a * y);
    return std::copysign(y, x);
}

// sqrt, approximate (tensim's approximation): the classic exponent-halving bit trick
// bits(x)/2 + 0x1fbd1df5 with no refinement step. Relative error within about +-4.5 %.
float sqrt_approx(float x) {
    if (x < 0.0f) return kNaN;
    if (x == 0.0f || !std::isfinite(x)) return x;
    const uint32_t b = bits_of(x);
    if (b < 0x00800000u) return f32(std::sqrt(static_cast<double>(x)));  // denormal
    return from_bits((b >> 1) + 0x1fbd1df5u);
}

// rsqrt, approximate (tensim's approximation): the 0x5f3759df seed and one Newton step
// y *= 1.5 - 0.5*x*y*y in fp32. Relative error below ~1.8e-3.
float rsqrt_approx(float x) {
    if (x == 0.0f) return std::copysign(kInf, x);
    if (x < 0.0f || std::isnan(x)) return kNaN;
    if (std::isinf(x)) return 0.0f;
    const uint32_t b = bits_of(x);
    if (b < 0x00800000u) return f32(1.0 / std::sqrt(static_cast<double>(x)));  // denormal
    float y = from_bits(0x5f3759dfu - (b >> 1));
    y = y * (1.5f - 0.5f * x * y * y);
    return y;
}

// log, approximate (tensim's approximation): exponent * ln2 plus a cubic in the mantissa
// t = m - 1, m in [1, 2), fitted by tensim for least maximum absolute error with p(0) = 0 and
// p(1) = ln2 so octaves join. Absolute error below ~1.1e-3 (so relative error near x = 1 is
// ~2 %).
float log_approx(float x) {
    if (std::isnan(x) || x < 0.0f) return kNaN;
    if (x == 0.0f) return -kInf;
    if (std::isinf(x)) return x;
    uint32_t b = bits_of(x);
    int exp_adjust = 0;
    if (b < 0x00800000u) {  // denormal: normalise first
        b = bits_of(x * 8388608.0f);
        exp_adjust = -23;
    }
    const int e = static_cast<int>(b >> 23) - 127 + exp_adjust;
    const float t = from_bits((b & 0x007fffffu) | 0x3f800000u) - 1.0f;
    constexpr float c1 = 0.98066263f;   // ln2 + 0.28751545
    constexpr float c2 = -0.38397732f;  // -0.09646187 - 0.28751545
    constexpr float c3 = 0.09646187f;
    const float p = t * (c1 + t * (c2 + t * c3));
    return static_cast<float>(e) * kLn2 + p;
}

// tanh, approximate (tensim's approximation): the 3-segment linear LUT on |x| that calibration
// sfpu.json says tt-llk's approximate tanh uses ([0,1), [1,2), [2,inf)), with coefficients
// fitted by tensim (least maximum error; the last segment is exactly 1 so tanh saturates), sign
// restored. Absolute error below ~0.055; relative error near 0 is ~18 %.
float tanh_approx(float x) {
    if (std::isnan(x)) return x;
    const float a = std::fabs(x);
    float y;
    if (a < 1.0f)
        y = 0.81621875f * a;
    else if (a < 2.0f)
        y = 0.20243342f * a + 0.58067805f;
    else
        y = 1.0f;
    return std::copysign(y, x);
}

// sigmoid, approximate (tensim's approximation): 6-segment piecewise-linear on |x|, chords
// through sigmoid(0..5) and 1.0 beyond 5, mirrored as 1 - y for x < 0. Absolute error below
// ~0.012.
float sigmoid_approx(float x) {
    if (std::isnan(x)) return x;
    static constexpr std::array<float, 6> knots = {0.5f,         0.731058579f, 0.880797078f,
                                                   0.952574127f, 0.982013790f, 0.993307149f};
    const float a = std::fabs(x);
    float y = 1.0f;
    if (a < 5.0f) {
        const int k = static_cast<int>(a);
        y = knots[k] + (knots[k + 1] - knots[k]) * (a - static_cast<float>(k));
    }
    return x < 0.0f ? 1.0f - y : y;
}

// Range reduction for sin/cos (tensim's approximation): x = r + q*pi with r in [-pi/2, pi/2],
// in fp32, so accuracy degrades for large |x| as on any fp32 kernel.
float reduce_pi(float x, bool& odd) {
    const float q = std::nearbyint(x * (1.0f / kPi));
    odd = std::fabs(q) < 1e9f && (static_cast<int32_t>(q) & 1) != 0;  // larger q are even
    return x - q * kPi;
}

// sin, approximate: Maclaurin series to r^7 on the reduced argument. Absolute error below
// ~2e-4 (the r^9 term at pi/2).
float sin_approx(float x) {
    if (!std::isfinite(x)) return kNaN;
    bool odd;
    const float r = reduce_pi(x, odd);
    const float r2 = r * r;
    const float s = r * (1.0f + r2 * (-1.0f / 6 + r2 * (1.0f / 120 + r2 * (-1.0f / 5040))));
    return odd ? -s : s;
}

// cos, approximate: Maclaurin series to r^6 on the reduced argument. Absolute error below
// ~1e-3 (the r^8 term at pi/2).
float cos_approx(float x) {
    if (!std::isfinite(x)) return kNaN;
    bool odd;
    const float r = reduce_pi(x, odd);
    const float r2 = r * r;
    const float c = 1.0f + r2 * (-0.5f + r2 * (1.0f / 24 + r2 * (-1.0f / 720)));
    return odd ? -c : c;
}

// erf, approximate (tensim's approximation): Abramowitz & Stegun 7.1.25 in fp32,
// 1 - (a1 t + a2 t^2 + a3 t^3) exp(-x^2), t = 1 / (1 + 0.47047|x|). Absolute error below ~3e-5.
float erf_approx(float x) {
    if (std::isnan(x)) return x;
    const float a = std::fabs(x);
    const float t = 1.0f / (1.0f + 0.47047f * a);
    const float poly = t * (0.3480242f + t * (-0.0958798f + t * 0.7478556f));
    const float y = 1.0f - poly * std::exp(-a * a);
    return std::copysign(y, x);
}

// ---- the ops -----------------------------------------------------------------------------------

using UnaryFn = float (*)(float x, const SfpuArgs& args, bool approx);

double d(float x) { return static_cast<double>(x); }
float bool_f(bool b) { return b ? 1.0f : 0.0f; }

// exp_tile<.., scale_en>(idst, mode, scale): param 1 marks the scale as given; the SFPU
// multiplies the input by it (fp32) before the exponential.
float op_exp(float x, const SfpuArgs& args, bool approx) {
    if (args.param) x *= args.scalar;
    return approx ? exp_approx(x) : f32(std::exp(d(x)));
}
float op_log(float x, const SfpuArgs&, bool approx) {
    return approx ? log_approx(x) : f32(std::log(d(x)));
}
float op_recip(float x, const SfpuArgs&, bool approx) {
    return approx ? recip_approx(x) : f32(1.0 / d(x));
}
float op_sqrt(float x, const SfpuArgs&, bool approx) {
    return approx ? sqrt_approx(x) : std::sqrt(x);  // IEEE sqrt is correctly rounded
}
float op_rsqrt(float x, const SfpuArgs&, bool approx) {
    return approx ? rsqrt_approx(x) : f32(1.0 / std::sqrt(d(x)));
}
// gelu: precise is the exact erf form 0.5x(1 + erf(x/sqrt2)), evaluated as 0.5x erfc(-x/sqrt2)
// so the negative tail keeps its relative accuracy; approximate is the tanh form
// 0.5x(1 + tanh(sqrt(2/pi)(x + 0.044715x^3))) with tanh from the 3-segment LUT (tensim's
// approximation). Absolute error below ~0.04 for |x| <= 8; exact beyond the LUT's saturation.
float op_gelu(float x, const SfpuArgs&, bool approx) {
    if (!approx) return f32(0.5 * d(x) * std::erfc(-d(x) * 0.70710678118654752));
    const float inner = 0.7978845608f * (x + 0.044715f * x * x * x);
    return 0.5f * x * (1.0f + tanh_approx(inner));
}
// silu = x * sigmoid(x); approximate uses the piecewise-linear sigmoid (absolute error below
// ~0.035 for |x| <= 20, largest just below x = -5 where the LUT reaches 0).
float op_silu(float x, const SfpuArgs&, bool approx) {
    if (approx) return x * sigmoid_approx(x);
    return f32(d(x) / (1.0 + std::exp(-d(x))));
}
float op_sigmoid(float x, const SfpuArgs&, bool approx) {
    return approx ? sigmoid_approx(x) : f32(1.0 / (1.0 + std::exp(-d(x))));
}
float op_tanh(float x, const SfpuArgs&, bool approx) {
    return approx ? tanh_approx(x) : f32(std::tanh(d(x)));
}
float op_relu(float x, const SfpuArgs&, bool) { return x < 0.0f ? 0.0f : x; }
// relu_max(x, t) = min(max(x, 0), t), t from the param bits.
float op_relu_max(float x, const SfpuArgs& a, bool) {
    const float t = from_bits(a.param);
    float y = x > t ? t : x;
    return y < 0.0f ? 0.0f : y;
}
// relu_min(x, t) = x < t ? t : x, t from the param bits. This follows tt-llk's _relu_min_ and
// ttnn's golden (torch.max(x, lower_limit)) as we know them: a lower clamp, no zeroing.
float op_relu_min(float x, const SfpuArgs& a, bool) {
    const float t = from_bits(a.param);
    return x < t ? t : x;
}
float op_leaky_relu(float x, const SfpuArgs& a, bool) {
    return x < 0.0f ? x * from_bits(a.param) : x;
}
float op_abs(float x, const SfpuArgs&, bool) { return std::fabs(x); }
float op_square(float x, const SfpuArgs&, bool) { return x * x; }
// x^n for the integer exponent in param; x^0 = 1.
float op_power(float x, const SfpuArgs& a, bool) {
    return f32(std::pow(d(x), static_cast<double>(a.param)));
}
float op_sign(float x, const SfpuArgs&, bool) {
    if (std::isnan(x)) return x;
    return x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : 0.0f);
}
// exp2 = exp(x ln2) on the same exp kernel.
float op_exp2(float x, const SfpuArgs&, bool approx) {
    return approx ? exp_approx(x * kLn2) : f32(std::exp2(d(x)));
}
// expm1: approximate is exp_approx(x) - 1: absolute error ~0.03 near 0, relative error that of
// exp_approx times e^x / (e^x - 1) above (up to ~6 % around x = 0.7).
float op_expm1(float x, const SfpuArgs&, bool approx) {
    return approx ? exp_approx(x) - 1.0f : f32(std::expm1(d(x)));
}
float op_sin(float x, const SfpuArgs&, bool approx) {
    return approx ? sin_approx(x) : f32(std::sin(d(x)));
}
float op_cos(float x, const SfpuArgs&, bool approx) {
    return approx ? cos_approx(x) : f32(std::cos(d(x)));
}
// tan, approximate: sin_approx / cos_approx (tensim's approximation); relative error below
// ~3e-3 for |x| <= 1.4, growing towards the poles.
float op_tan(float x, const SfpuArgs&, bool approx) {
    return approx ? sin_approx(x) / cos_approx(x) : f32(std::tan(d(x)));
}
float op_ltz(float x, const SfpuArgs&, bool) { return bool_f(x < 0.0f); }
float op_gtz(float x, const SfpuArgs&, bool) { return bool_f(x > 0.0f); }
float op_lez(float x, const SfpuArgs&, bool) { return bool_f(x <= 0.0f); }
float op_gez(float x, const SfpuArgs&, bool) { return bool_f(x >= 0.0f); }
float op_eqz(float x, const SfpuArgs&, bool) { return bool_f(x == 0.0f); }
float op_nez(float x, const SfpuArgs&, bool) { return bool_f(x != 0.0f); }
float op_add_scalar(float x, const SfpuArgs& a, bool) { return x + a.scalar; }
float op_sub_scalar(float x, const SfpuArgs& a, bool) { return x - a.scalar; }
float op_mul_scalar(float x, const SfpuArgs& a, bool) { return x * a.scalar; }
// div_scalar: scalar is the divisor. The SFPU has no divider: tt-llk's binop-with-scalar
// multiplies by a reciprocal the host formed in fp32, so the result is x * fl(1/s) (within
// 1.5 ulp of x/s), in both modes.
float op_div_scalar(float x, const SfpuArgs& a, bool) { return x * (1.0f / a.scalar); }
float op_rsub_scalar(float x, const SfpuArgs& a, bool) { return a.scalar - x; }
float op_fill(float, const SfpuArgs& a, bool) { return a.scalar; }
float op_neg(float x, const SfpuArgs&, bool) { return -x; }
// log1p: approximate is log_approx(1 + x) (absolute error ~1.1e-3 plus the rounding of 1 + x).
float op_log1p(float x, const SfpuArgs&, bool approx) {
    return approx ? log_approx(1.0f + x) : f32(std::log1p(d(x)));
}
float op_erf(float x, const SfpuArgs&, bool approx) {
    return approx ? erf_approx(x) : f32(std::erf(d(x)));
}
float op_erfc(float x, const SfpuArgs&, bool) { return f32(std::erfc(d(x))); }
float op_asin(float x, const SfpuArgs&, bool) { return f32(std::asin(d(x))); }
float op_acos(float x, const SfpuArgs&, bool) { return f32(std::acos(d(x))); }
float op_atan(float x, const SfpuArgs&, bool) { return f32(std::atan(d(x))); }
// elu(x) = x < 0 ? alpha (exp(x) - 1) : x, alpha from the param bits; approximate mode uses the
// approximate exp.
float op_elu(float x, const SfpuArgs& a, bool approx) {
    if (!(x < 0.0f)) return x;
    const float alpha = from_bits(a.param);
    return approx ? alpha * (exp_approx(x) - 1.0f) : f32(d(alpha) * std::expm1(d(x)));
}
// hardsigmoid(x) = clamp(x/6 + 1/2, 0, 1).
float op_hardsigmoid(float x, const SfpuArgs&, bool) {
    if (std::isnan(x)) return x;
    return f32(std::clamp(d(x) / 6.0 + 0.5, 0.0, 1.0));
}
// softplus(x) = (1/beta) ln(1 + exp(beta x)) where beta x < threshold, else x; beta, 1/beta and
// the threshold are fp32 bits in param, param1 and param2 (tt-llk's calculate_softplus takes the
// reciprocal from the caller instead of dividing). Both modes are exact here: silicon evaluates a
// degree-8 polynomial in |beta x| whose error tensim does not model.
float op_softplus(float x, const SfpuArgs& a, bool) {
    const double beta = from_bits(a.param), beta_recip = from_bits(a.param1);
    const double t = f32(beta * d(x));
    if (!(t < from_bits(a.param2))) return x;
    return f32(beta_recip * (t > 0 ? t + std::log1p(std::exp(-t)) : std::log1p(std::exp(t))));
}
float op_floor(float x, const SfpuArgs&, bool) { return std::floor(x); }
float op_ceil(float x, const SfpuArgs&, bool) { return std::ceil(x); }

// ---- the op table: names, functions, costs ------------------------------------------------------
//
// Costs are cycles per 32x32 tile = instructions per 32-datum vector x 32 vectors, where a
// vector's instructions include its SFPLOAD and SFPSTORE and a MAD (latency 2) whose result the
// next instruction needs counts 2. "inferred" counts come from a plausible kernel, not silicon.

using TileFn = void (*)(float* tile, const SfpuArgs& args, bool approx);

// One loop per op, so the op inlines into it (the tile path runs for every SFPU call).
template <UnaryFn F>
void map_tile(float* tile, const SfpuArgs& args, bool approx) {
    for (int i = 0; i < 1024; ++i) tile[i] = F(tile[i], args, approx);
}

struct OpInfo {
    SfpuOp op;
    const char* name;
    UnaryFn fn;
    TileFn tile_fn;
    SfpuCost cost;
};

#define INF(n) "inferred: " #n " instructions per 32-datum vector x 32 vectors"
#define INF2(a, p) \
    "inferred: approx " #a ", precise " #p " instructions per 32-datum vector x 32 vectors"
#define C(n) ((n)*32)
#define ROW(op, ...) \
    { SfpuOp::op, #op, op_##op, map_tile<op_##op>, __VA_ARGS__ }

constexpr OpInfo kOps[] = {
    ROW(exp, {96, C(30),
              "approx: wormhole_params.md s5 (tt-metal SFPU_Exp_Approx report: 3 issue slots "
              "per vector, clamped path); precise: " INF(30)}),
    ROW(log, {C(17), C(25), INF2(17, 25)}),
    ROW(recip, {C(18), C(22), INF2(18, 22)}),
    ROW(sqrt, {C(4), C(26), INF2(4, 26)}),
    ROW(rsqrt, {C(12), C(24), INF2(12, 24)}),
    ROW(gelu,
        {256, C(28),
         "approx: calibration/sfpu.json sfpu_gelu_appx_approxno_fp32destno (~256 cycles/tile, LUT "
         "path); precise: " INF(28)}),
    ROW(silu, {C(8), C(54), INF2(8, 54)}),
    ROW(sigmoid, {C(7), C(52), INF2(7, 52)}),
    ROW(tanh, {192, 530,
               "approx: wormhole_params.md s5 (SFPU_LUT_Retune report, ~192 cycles/tile); precise: "
               "calibration/sfpu.json sfpu_tanh_approxno_fp32destno (~530 cycles/tile, bf16 Dst)"}),
    ROW(relu, {C(4), C(4), INF(4)}),
    ROW(relu_max, {C(6), C(6), INF(6)}),
    ROW(relu_min, {C(4), C(4), INF(4)}),
    ROW(leaky_relu, {C(6), C(6), INF(6)}),
    ROW(abs, {C(3), C(3), INF(3)}),
    ROW(square, {C(4), C(4), INF(4)}),
    ROW(power, {C(8), C(8), INF(8) " (exponent <= 4; ~2 cycles per further multiply)"}),
    ROW(sign, {C(7), C(7), INF(7)}),
    ROW(exp2, {C(4), C(31), INF2(4, 31)}),
    ROW(expm1, {C(5), C(32), INF2(5, 32)}),
    ROW(sin, {C(24), C(28), INF2(24, 28)}),
    ROW(cos, {C(24), C(28), INF2(24, 28)}),
    ROW(tan, {C(40), C(48), INF2(40, 48)}),
    ROW(ltz, {C(5), C(5), INF(5)}),
    ROW(gtz, {C(5), C(5), INF(5)}),
    ROW(lez, {C(5), C(5), INF(5)}),
    ROW(gez, {C(5), C(5), INF(5)}),
    ROW(eqz, {C(5), C(5), INF(5)}),
    ROW(nez, {C(5), C(5), INF(5)}),
    ROW(add_scalar, {C(4), C(4), INF(4)}),
    ROW(sub_scalar, {C(4), C(4), INF(4)}),
    ROW(mul_scalar, {C(4), C(4), INF(4)}),
    ROW(div_scalar, {C(4), C(4), INF(4)}),
    ROW(rsub_scalar, {C(4), C(4), INF(4)}),
    ROW(fill, {C(2), C(2), INF(2) " (no load)"}),
    ROW(neg, {C(3), C(3), INF(3)}),
    ROW(log1p, {C(18), C(26), INF2(18, 26)}),
    ROW(erf, {C(28), C(40), INF2(28, 40)}),
    ROW(erfc, {C(41), C(41), INF(41)}),
    ROW(asin, {C(36), C(36), INF(36)}),
    ROW(acos, {C(36), C(36), INF(36)}),
    ROW(atan, {C(32), C(32), INF(32)}),
    ROW(elu, {C(9), C(36), INF2(9, 36)}),
    ROW(hardsigmoid, {C(8), C(8), INF(8)}),
    ROW(floor, {C(9), C(9), INF(9)}),
    ROW(ceil, {C(9), C(9), INF(9)}),
    ROW(softplus, {C(30), C(30), INF(30) " (beta multiply, |t|, degree-8 Horner, tail, select)"}),
};

#undef INF
#undef INF2
#undef C
#undef ROW

constexpr std::size_t kNumOps = std::size(kOps);
static_assert(kNumOps == static_cast<std::size_t>(SfpuOp::softplus) + 1,
              "one table row per SfpuOp");

constexpr bool table_in_enum_order() {
    for (std::size_t i = 0; i < kNumOps; ++i)
        if (static_cast<std::size_t>(kOps[i].op) != i) return false;
    return true;
}
static_assert(table_in_enum_order(), "kOps rows must follow the SfpuOp declaration order");

constexpr std::array<SfpuOp, kNumOps> make_all_ops() {
    std::array<SfpuOp, kNumOps> a{};
    for (std::size_t i = 0; i < kNumOps; ++i) a[i] = kOps[i].op;
    return a;
}
constexpr std::array<SfpuOp, kNumOps> kAllOps = make_all_ops();

const OpInfo& info(SfpuOp op) { return kOps[static_cast<std::size_t>(op)]; }

}  // namespace

float sfpu_unary(SfpuOp op, float x, const SfpuArgs& args, bool approx) {
    return info(op).fn(x, args, approx);
}

void sfpu_unary_tile(SfpuOp op, float* tile, const SfpuArgs& args, bool approx) {
    info(op).tile_fn(tile, args, approx);
}

float sfpu_binary(SfpuBinaryOp op, float a, float b) {
    switch (op) {
        case SfpuBinaryOp::add:
            return a + b;
        case SfpuBinaryOp::sub:
            return a - b;
        case SfpuBinaryOp::mul:
            return a * b;
        case SfpuBinaryOp::div:
            return a / b;
        case SfpuBinaryOp::rsub:
            return b - a;
        case SfpuBinaryOp::pow:
            return f32(std::pow(d(a), d(b)));
        case SfpuBinaryOp::eq:
            return bool_f(a == b);
        case SfpuBinaryOp::ne:
            return bool_f(a != b);
        case SfpuBinaryOp::lt:
            return bool_f(a < b);
        case SfpuBinaryOp::gt:
            return bool_f(a > b);
        case SfpuBinaryOp::le:
            return bool_f(a <= b);
        case SfpuBinaryOp::ge:
            return bool_f(a >= b);
        case SfpuBinaryOp::max:
            return std::fmax(a, b);
        case SfpuBinaryOp::min:
            return std::fmin(a, b);
    }
    return kNaN;
}

void sfpu_binary_tile(SfpuBinaryOp op, float* a, const float* b) {
    for (int i = 0; i < 1024; ++i) a[i] = sfpu_binary(op, a[i], b[i]);
}

const char* sfpu_op_name(SfpuOp op) { return info(op).name; }

std::optional<SfpuOp> parse_sfpu_op(std::string_view name) {
    for (const OpInfo& o : kOps)
        if (name == o.name) return o.op;
    return std::nullopt;
}

std::span<const SfpuOp> all_sfpu_ops() { return kAllOps; }

SfpuCost sfpu_default_cost(SfpuOp op) { return info(op).cost; }

}  // namespace tensim::numerics
