// SFPU math: every unary op against a long-double reference over a sweep of inputs plus special
// values, in precise and approximate mode; parameterised ops, binary ops, names and costs.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "numerics/sfpu.hpp"

namespace {

using tensim::numerics::all_sfpu_ops;
using tensim::numerics::parse_sfpu_op;
using tensim::numerics::sfpu_binary;
using tensim::numerics::sfpu_binary_tile;
using tensim::numerics::sfpu_default_cost;
using tensim::numerics::sfpu_op_name;
using tensim::numerics::sfpu_unary;
using tensim::numerics::sfpu_unary_tile;
using tensim::numerics::SfpuArgs;
using tensim::numerics::SfpuBinaryOp;
using tensim::numerics::SfpuOp;

using Ref = long double (*)(long double);

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr long double kPiL = 3.141592653589793238462643383279502884L;

uint32_t bits(float x) { return std::bit_cast<uint32_t>(x); }

// A sweep: `points` inputs from lo to hi (geometric when both are positive and `geometric`),
// plus 0, -0 and small values that fall inside the range. Error per point is
// |y - ref| / max(|ref|, floor): relative error, or absolute error where |ref| < floor.
struct Sweep {
    SfpuOp op;
    double lo, hi;
    bool geometric;
    Ref ref;
    double precise_tol, precise_floor;
    double approx_tol, approx_floor;
    SfpuArgs args{};
};

std::vector<float> sweep_points(const Sweep& s, int points = 2001) {
    std::vector<float> xs;
    for (int i = 0; i < points; ++i) {
        const double f = static_cast<double>(i) / (points - 1);
        const double x = s.geometric ? s.lo * std::pow(s.hi / s.lo, f) : s.lo + (s.hi - s.lo) * f;
        xs.push_back(static_cast<float>(x));
    }
    for (float x : {0.0f, -0.0f, 1e-30f, -1e-30f, 1e-6f, -1e-6f, 1e-3f, -1e-3f})
        if (x >= s.lo && x <= s.hi) xs.push_back(x);
    return xs;
}

struct Worst {
    double err = 0;
    float x = 0, y = 0;
    long double ref = 0;
};

Worst max_error(const Sweep& s, bool approx) {
    const double floor = approx ? s.approx_floor : s.precise_floor;
    Worst w;
    for (float x : sweep_points(s)) {
        const float y = sfpu_unary(s.op, x, s.args, approx);
        const long double r = s.ref(static_cast<long double>(x));
        if (!std::isfinite(r)) {
            EXPECT_EQ(bits(y), bits(static_cast<float>(r)))
                << sfpu_op_name(s.op) << "(" << x << ")";
            continue;
        }
        const double err =
            static_cast<double>(std::fabs(static_cast<long double>(y) - r) /
                                std::max(std::fabs(r), static_cast<long double>(floor)));
        if (!(err <= w.err)) w = {err, x, y, r};  // also catches NaN results
    }
    return w;
}

std::string describe(const Sweep& s, bool approx, const Worst& w) {
    return std::string(sfpu_op_name(s.op)) + (approx ? " approx" : " precise") + ": max error " +
           std::to_string(w.err) + " at x=" + std::to_string(w.x) + " (got " + std::to_string(w.y) +
           ", want " + std::to_string(static_cast<double>(w.ref)) + ")";
}

long double sigmoid_ref(long double x) { return 1.0L / (1.0L + std::exp(-x)); }
// erfc form: 1 + erf(x/sqrt2) cancels in the negative tail, even in long double.
long double gelu_ref(long double x) { return 0.5L * x * std::erfc(-x / std::sqrt(2.0L)); }
long double elu1_ref(long double x) { return x < 0 ? std::expm1(x) : x; }

// Bounds: precise 2e-6 relative everywhere (the implementation rounds a double result once);
// approx bounds are the documented error of each construction with a small margin.
const std::vector<Sweep>& sweeps() {
    static const std::vector<Sweep> s = {
        {SfpuOp::exp, -80, 80, false, [](long double x) { return std::exp(x); }, 2e-6, 1e-30, 0.035,
         1e-30},
        {SfpuOp::log, 1e-30, 1e30, true, [](long double x) { return std::log(x); }, 2e-6, 1e-30,
         1.2e-3, 1},
        {SfpuOp::log, 0.01, 4, false, [](long double x) { return std::log(x); }, 2e-6, 1e-30,
         1.2e-3, 1},
        {SfpuOp::recip, 1e-30, 1e30, true, [](long double x) { return 1.0L / x; }, 2e-6, 1e-30,
         1e-5, 1e-30},
        {SfpuOp::recip, -100, 100, false, [](long double x) { return 1.0L / x; }, 2e-6, 1e-30, 1e-5,
         1e-30},
        {SfpuOp::sqrt, 1e-30, 1e30, true, [](long double x) { return std::sqrt(x); }, 2e-6, 1e-30,
         0.046, 1e-30},
        {SfpuOp::rsqrt, 1e-30, 1e30, true, [](long double x) { return 1.0L / std::sqrt(x); }, 2e-6,
         1e-30, 2e-3, 1e-30},
        {SfpuOp::gelu, -8, 8, false, gelu_ref, 2e-6, 1e-30, 0.04, 1},
        {SfpuOp::silu, -20, 20, false, [](long double x) { return x * sigmoid_ref(x); }, 2e-6,
         1e-30, 0.04, 1},
        {SfpuOp::sigmoid, -30, 30, false, sigmoid_ref, 2e-6, 1e-30, 0.013, 1},
        {SfpuOp::tanh, -10, 10, false, [](long double x) { return std::tanh(x); }, 2e-6, 1e-30,
         0.056, 1},
        {SfpuOp::exp2, -120, 120, false, [](long double x) { return std::exp2(x); }, 2e-6, 1e-30,
         0.035, 1e-30},
        {SfpuOp::expm1, -20, 20, false, [](long double x) { return std::expm1(x); }, 2e-6, 1e-30,
         0.06, 1},
        {SfpuOp::sin, -10, 10, false, [](long double x) { return std::sin(x); }, 2e-6, 1e-30, 2e-4,
         1},
        {SfpuOp::cos, -10, 10, false, [](long double x) { return std::cos(x); }, 2e-6, 1e-30, 1e-3,
         1},
        {SfpuOp::tan, -1.4, 1.4, false, [](long double x) { return std::tan(x); }, 2e-6, 1e-30,
         3e-3, 1e-30},
        {SfpuOp::log1p, -0.99, 100, false, [](long double x) { return std::log1p(x); }, 2e-6, 1e-30,
         1.2e-3, 1},
        {SfpuOp::erf, -5, 5, false, [](long double x) { return std::erf(x); }, 2e-6, 1e-30, 3e-5,
         1},
        {SfpuOp::erfc, -5, 9, false, [](long double x) { return std::erfc(x); }, 2e-6, 1e-30, 2e-6,
         1e-30},
        {SfpuOp::asin, -1, 1, false, [](long double x) { return std::asin(x); }, 2e-6, 1e-30, 2e-6,
         1e-30},
        {SfpuOp::acos, -1, 1, false, [](long double x) { return std::acos(x); }, 2e-6, 1e-30, 2e-6,
         1e-30},
        {SfpuOp::atan, -50, 50, false, [](long double x) { return std::atan(x); }, 2e-6, 1e-30,
         2e-6, 1e-30},
        {SfpuOp::elu, -10, 10, false, elu1_ref, 2e-6, 1e-30, 0.035, 1, {0, bits(1.0f)}},
        {SfpuOp::hardsigmoid, -5, 5, false,
         [](long double x) { return std::clamp(x / 6 + 0.5L, 0.0L, 1.0L); }, 2e-6, 1e-30, 2e-6,
         1e-30},
        {SfpuOp::relu, -10, 10, false, [](long double x) { return x < 0 ? 0.0L : x; }, 0, 1e-30, 0,
         1e-30},
        {SfpuOp::abs, -10, 10, false, [](long double x) { return std::fabs(x); }, 0, 1e-30, 0,
         1e-30},
        {SfpuOp::neg, -10, 10, false, [](long double x) { return -x; }, 0, 1e-30, 0, 1e-30},
        {SfpuOp::square, -10, 10, false, [](long double x) { return x * x; }, 1e-7, 1e-30, 1e-7,
         1e-30},
        {SfpuOp::sign, -10, 10, false,
         [](long double x) { return x > 0 ? 1.0L : (x < 0 ? -1.0L : 0.0L); }, 0, 1e-30, 0, 1e-30},
        {SfpuOp::floor, -10, 10, false, [](long double x) { return std::floor(x); }, 0, 1e-30, 0,
         1e-30},
        {SfpuOp::ceil, -10, 10, false, [](long double x) { return std::ceil(x); }, 0, 1e-30, 0,
         1e-30},
        {SfpuOp::ltz, -10, 10, false, [](long double x) { return x < 0 ? 1.0L : 0.0L; }, 0, 1e-30,
         0, 1e-30},
        {SfpuOp::gtz, -10, 10, false, [](long double x) { return x > 0 ? 1.0L : 0.0L; }, 0, 1e-30,
         0, 1e-30},
        {SfpuOp::lez, -10, 10, false, [](long double x) { return x <= 0 ? 1.0L : 0.0L; }, 0, 1e-30,
         0, 1e-30},
        {SfpuOp::gez, -10, 10, false, [](long double x) { return x >= 0 ? 1.0L : 0.0L; }, 0, 1e-30,
         0, 1e-30},
        {SfpuOp::eqz, -10, 10, false, [](long double x) { return x == 0 ? 1.0L : 0.0L; }, 0, 1e-30,
         0, 1e-30},
        {SfpuOp::nez, -10, 10, false, [](long double x) { return x != 0 ? 1.0L : 0.0L; }, 0, 1e-30,
         0, 1e-30},
    };
    return s;
}

// Ops whose approximate mode runs a different (cheaper, less accurate) construction.
const std::set<SfpuOp> kDistinctApprox = {
    SfpuOp::exp,  SfpuOp::exp2,  SfpuOp::expm1, SfpuOp::log,  SfpuOp::log1p,   SfpuOp::recip,
    SfpuOp::sqrt, SfpuOp::rsqrt, SfpuOp::gelu,  SfpuOp::silu, SfpuOp::sigmoid, SfpuOp::tanh,
    SfpuOp::sin,  SfpuOp::cos,   SfpuOp::tan,   SfpuOp::erf,  SfpuOp::elu};

TEST(SfpuUnary, PreciseWithinBounds) {
    for (const Sweep& s : sweeps()) {
        const Worst w = max_error(s, false);
        EXPECT_LE(w.err, s.precise_tol) << describe(s, false, w);
    }
}

TEST(SfpuUnary, ApproxWithinBounds) {
    for (const Sweep& s : sweeps()) {
        const Worst w = max_error(s, true);
        EXPECT_LE(w.err, s.approx_tol) << describe(s, true, w);
    }
}

// Approximate mode is real where it is claimed: it differs from precise on much of the sweep
// (and is not just noise: exp's error is at the percent level); elsewhere it is identical.
TEST(SfpuUnary, ApproxModeIsDistinctExactlyWhereClaimed) {
    for (const Sweep& s : sweeps()) {
        int differ = 0, total = 0;
        for (float x : sweep_points(s)) {
            const float p = sfpu_unary(s.op, x, s.args, false);
            const float a = sfpu_unary(s.op, x, s.args, true);
            ++total;
            if (bits(p) != bits(a)) ++differ;
        }
        if (kDistinctApprox.count(s.op))
            EXPECT_GT(differ, total / 4) << sfpu_op_name(s.op);
        else
            EXPECT_EQ(differ, 0) << sfpu_op_name(s.op);
    }
    EXPECT_GT(max_error(sweeps()[0], true).err, 0.01);  // exp approx: percent-level error
    EXPECT_LT(max_error(sweeps()[0], false).err, 1e-7);
}

TEST(SfpuUnary, EverySweptOpIsCovered) {
    std::set<SfpuOp> swept;
    for (const Sweep& s : sweeps()) swept.insert(s.op);
    const std::set<SfpuOp> by_hand = {SfpuOp::relu_max,   SfpuOp::relu_min,   SfpuOp::leaky_relu,
                                      SfpuOp::power,      SfpuOp::add_scalar, SfpuOp::sub_scalar,
                                      SfpuOp::mul_scalar, SfpuOp::div_scalar, SfpuOp::rsub_scalar,
                                      SfpuOp::fill,       SfpuOp::softplus};
    for (SfpuOp op : all_sfpu_ops())
        EXPECT_TRUE(swept.count(op) || by_hand.count(op)) << sfpu_op_name(op) << " is not tested";
}

struct Special {
    SfpuOp op;
    float x;
    float want;  // NaN means "is NaN"
};

void check_specials(const std::vector<Special>& cases, bool approx) {
    for (const Special& c : cases) {
        const float y = sfpu_unary(c.op, c.x, {}, approx);
        const std::string what = std::string(sfpu_op_name(c.op)) + "(" + std::to_string(c.x) + ")" +
                                 (approx ? " approx" : " precise");
        if (std::isnan(c.want))
            EXPECT_TRUE(std::isnan(y)) << what << " = " << y;
        else if (c.want == 0.0f || std::isinf(c.want))
            EXPECT_EQ(bits(y), bits(c.want)) << what << " = " << y;
        else
            EXPECT_NEAR(y, c.want, std::fabs(c.want) * (approx ? 0.04 : 1e-6)) << what;
    }
}

// Values every mode must get right (within the approx tolerance for finite results).
const std::vector<Special> kSpecialsBoth = {
    {SfpuOp::exp, 0.0f, 1.0f},
    {SfpuOp::exp, -0.0f, 1.0f},
    {SfpuOp::exp, 1e-30f, 1.0f},
    {SfpuOp::exp, -kInf, 0.0f},
    {SfpuOp::exp, kInf, kInf},
    {SfpuOp::exp, 100.0f, kInf},
    {SfpuOp::exp, kNaN, kNaN},
    {SfpuOp::exp, -1000.0f, 0.0f},
    {SfpuOp::log, 0.0f, -kInf},
    {SfpuOp::log, -0.0f, -kInf},
    {SfpuOp::log, -1.0f, kNaN},
    {SfpuOp::log, kInf, kInf},
    {SfpuOp::log, 1e-40f, -92.1034f},
    {SfpuOp::log, 3e38f, 88.5968f},
    {SfpuOp::recip, 0.0f, kInf},
    {SfpuOp::recip, -0.0f, -kInf},
    {SfpuOp::recip, kInf, 0.0f},
    {SfpuOp::recip, -kInf, -0.0f},
    {SfpuOp::recip, 1e-30f, 1e30f},
    {SfpuOp::recip, -4e37f, -2.5e-38f},
    {SfpuOp::recip, 3e38f, 3.3333333e-39f},
    {SfpuOp::sqrt, 0.0f, 0.0f},
    {SfpuOp::sqrt, -0.0f, -0.0f},
    {SfpuOp::sqrt, -1.0f, kNaN},
    {SfpuOp::sqrt, kInf, kInf},
    {SfpuOp::sqrt, 0x1p-140f, 0x1p-70f},
    {SfpuOp::rsqrt, 0.0f, kInf},
    {SfpuOp::rsqrt, kInf, 0.0f},
    {SfpuOp::rsqrt, -4.0f, kNaN},
    {SfpuOp::rsqrt, 0x1p-140f, 0x1p70f},
    {SfpuOp::tanh, kInf, 1.0f},
    {SfpuOp::tanh, -kInf, -1.0f},
    {SfpuOp::tanh, 0.0f, 0.0f},
    {SfpuOp::sigmoid, kInf, 1.0f},
    {SfpuOp::sigmoid, -kInf, 0.0f},
    {SfpuOp::sigmoid, 0.0f, 0.5f},
    {SfpuOp::gelu, 0.0f, 0.0f},
    {SfpuOp::gelu, 20.0f, 20.0f},
    {SfpuOp::exp2, 10.0f, 1024.0f},
    {SfpuOp::exp2, -kInf, 0.0f},
    {SfpuOp::expm1, -kInf, -1.0f},
    {SfpuOp::sin, kInf, kNaN},
    {SfpuOp::cos, 0.0f, 1.0f},
    {SfpuOp::erf, kInf, 1.0f},
    {SfpuOp::erf, -kInf, -1.0f},
    {SfpuOp::relu, -kInf, 0.0f},
    {SfpuOp::relu, kInf, kInf},
    {SfpuOp::sign, -0.0f, 0.0f},
    {SfpuOp::sign, -1e-30f, -1.0f},
    {SfpuOp::eqz, -0.0f, 1.0f},
    {SfpuOp::nez, kNaN, 1.0f},
    {SfpuOp::ltz, -0.0f, 0.0f},
    {SfpuOp::abs, -kInf, kInf},
    {SfpuOp::neg, 0.0f, -0.0f},
    {SfpuOp::floor, -0.5f, -1.0f},
    {SfpuOp::ceil, -0.5f, -0.0f},
    {SfpuOp::hardsigmoid, 3.0f, 1.0f},
    {SfpuOp::hardsigmoid, -3.0f, 0.0f},
};

TEST(SfpuUnary, SpecialValuesPrecise) {
    check_specials(kSpecialsBoth, false);
    check_specials({{SfpuOp::expm1, 1e-30f, 1e-30f},
                    {SfpuOp::log1p, 1e-30f, 1e-30f},
                    {SfpuOp::tan, 0.0f, 0.0f},
                    {SfpuOp::sqrt, 2.0f, 1.41421356f},
                    {SfpuOp::recip, 3.0f, 0.333333343f}},
                   false);
    EXPECT_EQ(sfpu_unary(SfpuOp::sqrt, 2.0f, {}, false), std::sqrt(2.0f));  // correctly rounded
    EXPECT_EQ(sfpu_unary(SfpuOp::exp, 1.0f, {}, false), 2.71828183f);
}

TEST(SfpuUnary, SpecialValuesApprox) {
    check_specials(kSpecialsBoth, true);
    // Approximate exp flushes below the -88.5 clamp; precise gives the fp32 denormal.
    EXPECT_EQ(sfpu_unary(SfpuOp::exp, -100.0f, {}, true), 0.0f);
    EXPECT_GT(sfpu_unary(SfpuOp::exp, -100.0f, {}, false), 0.0f);
}

TEST(SfpuUnary, ParameterisedOps) {
    const auto run = [](SfpuOp op, float x, SfpuArgs a) { return sfpu_unary(op, x, a, false); };
    // relu_max: min(max(x, 0), t), t as fp32 bits.
    const SfpuArgs six{0, bits(6.0f)};
    EXPECT_EQ(run(SfpuOp::relu_max, -1.0f, six), 0.0f);
    EXPECT_EQ(run(SfpuOp::relu_max, 3.0f, six), 3.0f);
    EXPECT_EQ(run(SfpuOp::relu_max, 7.5f, six), 6.0f);
    EXPECT_EQ(run(SfpuOp::relu_max, kInf, six), 6.0f);
    EXPECT_EQ(run(SfpuOp::relu_max, 0.25f, {0, bits(0.5f)}), 0.25f);
    EXPECT_EQ(run(SfpuOp::relu_max, 0.75f, {0, bits(0.5f)}), 0.5f);
    // relu_min: x < t ? t : x.
    const SfpuArgs half{0, bits(0.5f)};
    EXPECT_EQ(run(SfpuOp::relu_min, -1.0f, half), 0.5f);
    EXPECT_EQ(run(SfpuOp::relu_min, 0.2f, half), 0.5f);
    EXPECT_EQ(run(SfpuOp::relu_min, 0.7f, half), 0.7f);
    EXPECT_EQ(run(SfpuOp::relu_min, -2.0f, {0, bits(-1.0f)}), -1.0f);
    EXPECT_EQ(run(SfpuOp::relu_min, -0.5f, {0, bits(-1.0f)}), -0.5f);
    // leaky_relu: slope as fp32 bits.
    const SfpuArgs slope{0, bits(0.01f)};
    EXPECT_EQ(run(SfpuOp::leaky_relu, -2.0f, slope), -2.0f * 0.01f);
    EXPECT_EQ(run(SfpuOp::leaky_relu, 3.0f, slope), 3.0f);
    EXPECT_EQ(run(SfpuOp::leaky_relu, 0.0f, slope), 0.0f);
    // elu with alpha 0.5.
    EXPECT_NEAR(run(SfpuOp::elu, -1.0f, {0, bits(0.5f)}), 0.5 * std::expm1(-1.0), 1e-7);
    EXPECT_EQ(run(SfpuOp::elu, 2.0f, {0, bits(0.5f)}), 2.0f);
    // power: integer exponent.
    EXPECT_EQ(run(SfpuOp::power, 0.0f, {0, 0}), 1.0f);
    EXPECT_EQ(run(SfpuOp::power, -3.5f, {0, 0}), 1.0f);
    EXPECT_EQ(run(SfpuOp::power, -3.5f, {0, 1}), -3.5f);
    EXPECT_EQ(run(SfpuOp::power, -3.0f, {0, 2}), 9.0f);
    EXPECT_EQ(run(SfpuOp::power, -2.0f, {0, 3}), -8.0f);
    EXPECT_EQ(run(SfpuOp::power, 1.5f, {0, 5}), 7.59375f);
    EXPECT_EQ(run(SfpuOp::power, 2.0f, {0, 10}), 1024.0f);
    EXPECT_EQ(run(SfpuOp::power, 10.0f, {0, 40}), kInf);
    EXPECT_NEAR(run(SfpuOp::power, 0.1f, {0, 3}), std::pow(static_cast<long double>(0.1f), 3),
                1e-3 * 2e-6);
    EXPECT_NEAR(run(SfpuOp::power, 1.1f, {0, 7}), std::pow(static_cast<long double>(1.1f), 7),
                2.0 * 2e-6);
    // Scalar ops: fp32 arithmetic with the scalar operand.
    EXPECT_EQ(run(SfpuOp::add_scalar, 1.5f, {2.25f, 0}), 3.75f);
    EXPECT_EQ(run(SfpuOp::add_scalar, 1.0f, {1e-8f, 0}), 1.0f);  // fp32 rounding
    EXPECT_EQ(run(SfpuOp::sub_scalar, 1.0f, {0.25f, 0}), 0.75f);
    EXPECT_EQ(run(SfpuOp::mul_scalar, 3.0f, {-2.0f, 0}), -6.0f);
    EXPECT_EQ(run(SfpuOp::div_scalar, 1.0f, {4.0f, 0}), 0.25f);
    EXPECT_EQ(run(SfpuOp::div_scalar, 7.0f, {3.0f, 0}), 7.0f * (1.0f / 3.0f));  // x * fl(1/s)
    EXPECT_NEAR(run(SfpuOp::div_scalar, 7.0f, {3.0f, 0}), 7.0 / 3.0, 1.5 * 2.4e-7);
    EXPECT_EQ(run(SfpuOp::div_scalar, 5.0f, {0.0f, 0}), kInf);
    EXPECT_EQ(run(SfpuOp::rsub_scalar, 4.0f, {10.0f, 0}), 6.0f);
    // fill: the scalar, whatever the input.
    EXPECT_EQ(run(SfpuOp::fill, 123.0f, {-2.5f, 0}), -2.5f);
    EXPECT_EQ(run(SfpuOp::fill, kNaN, {7.0f, 0}), 7.0f);
    // softplus(x; beta, 1/beta, threshold) = ln(1 + e^(beta x)) / beta below the threshold, x
    // above it (tt-llk's calculate_softplus; the host passes 1/beta).
    const SfpuArgs sp{0, bits(2.0f), bits(0.5f), bits(20.0f)};
    for (float x : {-30.0f, -1.5f, 0.0f, 0.75f, 9.5f})
        EXPECT_NEAR(run(SfpuOp::softplus, x, sp), std::log1p(std::exp(2.0 * x)) / 2.0,
                    1e-6 * (1 + std::abs(x)))
            << x;
    EXPECT_EQ(run(SfpuOp::softplus, 10.5f, sp), 10.5f);  // beta x = 21 >= 20: the identity
    // None of these change in approximate mode.
    for (SfpuOp op : {SfpuOp::relu_max, SfpuOp::relu_min, SfpuOp::leaky_relu, SfpuOp::power,
                      SfpuOp::add_scalar, SfpuOp::sub_scalar, SfpuOp::mul_scalar,
                      SfpuOp::div_scalar, SfpuOp::rsub_scalar, SfpuOp::fill})
        for (float x : {-3.0f, -0.5f, 0.0f, 0.3f, 2.0f})
            EXPECT_EQ(bits(sfpu_unary(op, x, {1.7f, 3}, true)),
                      bits(sfpu_unary(op, x, {1.7f, 3}, false)))
                << sfpu_op_name(op);
}

TEST(SfpuUnary, TileMatchesScalar) {
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> dist(-6.0f, 6.0f);
    std::vector<float> in(1024);
    for (float& v : in) v = dist(rng);
    const SfpuArgs args{0.75f, bits(0.5f)};
    for (SfpuOp op : all_sfpu_ops())
        for (bool approx : {false, true}) {
            std::vector<float> tile = in;
            sfpu_unary_tile(op, tile.data(), args, approx);
            for (int i = 0; i < 1024; ++i) {
                const float want = sfpu_unary(op, in[i], args, approx);
                ASSERT_EQ(bits(tile[i]), bits(want)) << sfpu_op_name(op) << " at " << i;
            }
        }
}

TEST(SfpuBinary, Ops) {
    EXPECT_EQ(sfpu_binary(SfpuBinaryOp::add, 1.5f, 2.25f), 3.75f);
    EXPECT_EQ(sfpu_binary(SfpuBinaryOp::sub, 1.5f, 2.25f), -0.75f);
    EXPECT_EQ(sfpu_binary(SfpuBinaryOp::mul, 1.5f, -2.0f), -3.0f);
    EXPECT_EQ(sfpu_binary(SfpuBinaryOp::div, 1.0f, 3.0f), 1.0f / 3.0f);
    EXPECT_EQ(sfpu_binary(SfpuBinaryOp::div, 1.0f, 0.0f), kInf);
    EXPECT_EQ(sfpu_binary(SfpuBinaryOp::rsub, 1.5f, 2.25f), 0.75f);
    EXPECT_EQ(sfpu_binary(SfpuBinaryOp::pow, 2.0f, 10.0f), 1024.0f);
    EXPECT_EQ(sfpu_binary(SfpuBinaryOp::pow, 9.0f, 0.5f), 3.0f);
    EXPECT_TRUE(std::isnan(sfpu_binary(SfpuBinaryOp::pow, -2.0f, 0.5f)));
    EXPECT_EQ(sfpu_binary(SfpuBinaryOp::eq, 2.0f, 2.0f), 1.0f);
    EXPECT_EQ(sfpu_binary(SfpuBinaryOp::eq, 0.0f, -0.0f), 1.0f);
    EXPECT_EQ(sfpu_binary(SfpuBinaryOp::ne, 2.0f, 2.0f), 0.0f);
    EXPECT_EQ(sfpu_binary(SfpuBinaryOp::lt, 1.0f, 2.0f), 1.0f);
    EXPECT_EQ(sfpu_binary(SfpuBinaryOp::lt, 2.0f, 2.0f), 0.0f);
    EXPECT_EQ(sfpu_binary(SfpuBinaryOp::gt, 3.0f, 2.0f), 1.0f);
    EXPECT_EQ(sfpu_binary(SfpuBinaryOp::le, 2.0f, 2.0f), 1.0f);
    EXPECT_EQ(sfpu_binary(SfpuBinaryOp::ge, 1.0f, 2.0f), 0.0f);
    EXPECT_EQ(sfpu_binary(SfpuBinaryOp::max, -1.0f, 2.0f), 2.0f);
    EXPECT_EQ(sfpu_binary(SfpuBinaryOp::min, -1.0f, 2.0f), -1.0f);

    std::vector<float> a(1024), b(1024);
    for (int i = 0; i < 1024; ++i) {
        a[i] = static_cast<float>(i) * 0.5f;
        b[i] = 3.0f;
    }
    sfpu_binary_tile(SfpuBinaryOp::sub, a.data(), b.data());
    EXPECT_EQ(a[0], -3.0f);
    EXPECT_EQ(a[1023], 1023 * 0.5f - 3.0f);
}

TEST(SfpuNames, RoundTripAndUnique) {
    std::set<std::string> names;
    for (SfpuOp op : all_sfpu_ops()) {
        const char* name = sfpu_op_name(op);
        ASSERT_NE(name, nullptr);
        EXPECT_TRUE(names.insert(name).second) << "duplicate name " << name;
        const auto parsed = parse_sfpu_op(name);
        ASSERT_TRUE(parsed.has_value()) << name;
        EXPECT_EQ(*parsed, op) << name;
    }
    EXPECT_EQ(parse_sfpu_op("exp"), SfpuOp::exp);
    EXPECT_EQ(parse_sfpu_op("add_scalar"), SfpuOp::add_scalar);
    EXPECT_FALSE(parse_sfpu_op("expp").has_value());
    EXPECT_FALSE(parse_sfpu_op("").has_value());
    EXPECT_GE(all_sfpu_ops().size(), 37u);
}

TEST(SfpuCost, EveryOpHasASourcedCost) {
    for (SfpuOp op : all_sfpu_ops()) {
        const auto c = sfpu_default_cost(op);
        EXPECT_GT(c.approx_cycles, 0u) << sfpu_op_name(op);
        EXPECT_LE(c.approx_cycles, c.precise_cycles) << sfpu_op_name(op);
        ASSERT_NE(c.source, nullptr) << sfpu_op_name(op);
        EXPECT_GT(std::string(c.source).size(), 10u) << sfpu_op_name(op);
        // Issue-bound floor: at least a load or store per 32-datum vector.
        EXPECT_GE(c.approx_cycles, 32u) << sfpu_op_name(op);
    }
    // The stated and measured anchors (wormhole_params.md s5, calibration/sfpu.json).
    EXPECT_EQ(sfpu_default_cost(SfpuOp::exp).approx_cycles, 96u);
    EXPECT_EQ(sfpu_default_cost(SfpuOp::gelu).approx_cycles, 256u);
    EXPECT_EQ(sfpu_default_cost(SfpuOp::tanh).approx_cycles, 192u);
    EXPECT_EQ(sfpu_default_cost(SfpuOp::tanh).precise_cycles, 530u);
    EXPECT_LT(sfpu_default_cost(SfpuOp::relu).precise_cycles,
              sfpu_default_cost(SfpuOp::exp).precise_cycles);
}

}  // namespace
