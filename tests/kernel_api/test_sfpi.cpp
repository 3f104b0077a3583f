// SFPI kernels (sfpi.h, the LLK params helpers) against host references: lane arithmetic, the
// Dst rows and columns dst_reg[] reaches (tt-isa-documentation SFPLOAD.md), VectorMode faces,
// v_if / v_elseif / v_else predication, conversions, bf16 truncation on store, and the SFPU time
// charged per instruction class ("sfpu"."sfpi" of the architecture file).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <tensim/host/tensim.hpp>
#include <tt-metalium/host_api.hpp>
#include <vector>

using namespace tt;
using namespace tt::tt_metal;

namespace {

constexpr uint32_t kBase = 97248;  // the unreserved base: the first CB's address
constexpr uint32_t kTile = 4096;   // one fp32 tile

struct Run {
    std::vector<float> out;
    uint64_t sfpu_cycles = 0;
};

// `face_code` defines the SFPU functions (math thread only); `call` runs them on Dst after the
// `n_in` input tiles of c_0 are copied to Dst 0..n_in-1; Dst 0..n_out-1 are packed to c_16.
Run run(const std::string& face_code, const std::string& call, const std::vector<float>& in,
        uint32_t n_out, bool fp32_dst = true) {
    const uint32_t n_in = uint32_t(in.size() / 1024);
    IDevice* d = CreateDevice(0);
    Program p = CreateProgram();
    CoreCoord core{0, 0};
    CreateCircularBuffer(p, core,
                         CircularBufferConfig(n_in * kTile, {{CBIndex::c_0, DataFormat::Float32}})
                             .set_page_size(CBIndex::c_0, kTile));
    CreateCircularBuffer(p, core,
                         CircularBufferConfig(n_out * kTile, {{CBIndex::c_16, DataFormat::Float32}})
                             .set_page_size(CBIndex::c_16, kTile));
    std::vector<uint32_t> w(in.size());
    std::memcpy(w.data(), in.data(), 4 * in.size());
    detail::WriteToDeviceL1(d, core, kBase, w);
    auto r = CreateKernelFromString(p, R"(#include "dataflow_api.h"
void kernel_main() { cb_reserve_back(0, get_arg_val<uint32_t>(0)); cb_push_back(0, get_arg_val<uint32_t>(0)); })",
                                    core, ReaderDataMovementConfig{});
    SetRuntimeArgs(p, r, core, {n_in});
    const std::string compute = R"(#include "compute_kernel_api/common.h"
#include "compute_kernel_api/tile_move_copy.h"
#include "compute_kernel_api/eltwise_unary/eltwise_unary.h"
#ifdef TRISC_MATH
)" + face_code + R"(
#endif
void kernel_main() {
    const uint32_t n_in = get_arg_val<uint32_t>(0), n_out = get_arg_val<uint32_t>(1);
    init_sfpu(tt::CBIndex::c_0, tt::CBIndex::c_16);
    cb_wait_front(tt::CBIndex::c_0, n_in);
    tile_regs_acquire();
    for (uint32_t i = 0; i < n_in; ++i) copy_tile(tt::CBIndex::c_0, i, i);
    MATH()" + call + R"();
    tile_regs_commit();
    tile_regs_wait();
    cb_reserve_back(tt::CBIndex::c_16, n_out);
    for (uint32_t i = 0; i < n_out; ++i) pack_tile(i, tt::CBIndex::c_16);
    cb_push_back(tt::CBIndex::c_16, n_out);
    tile_regs_release();
}
)";
    auto c = CreateKernelFromString(p, compute, core, ComputeConfig{.fp32_dest_acc_en = fp32_dst});
    SetRuntimeArgs(p, c, core, {n_in, n_out});
    EnqueueProgram(d->command_queue(), p, true);
    Run res;
    res.sfpu_cycles = tensim::last_program_stats(d).compute.at(0).sfpu_cycles;
    std::vector<uint32_t> raw;
    detail::ReadFromDeviceL1(d, core, kBase + n_in * kTile, n_out * kTile, raw);
    CloseDevice(d);
    res.out.resize(n_out * 1024);
    std::memcpy(res.out.data(), raw.data(), 4 * res.out.size());
    return res;
}

// Values with a spread of signs, magnitudes and fractions, none on a rounding tie, each exact in
// SrcA's tf32 (11 significant bits) so copy_tile brings them to Dst unchanged.
std::vector<float> values(uint32_t tiles) {
    std::vector<float> v(tiles * 1024);
    for (size_t i = 0; i < v.size(); ++i)
        v[i] = (float(int(i * 7919 % 1001) - 500) + 0.25f) * (i % 3 == 0 ? 0.0625f : 0.5f);
    return v;
}

float trunc_bf16(float x) {
    uint32_t u;
    std::memcpy(&u, &x, 4);
    u &= 0xffff0000u;
    std::memcpy(&x, &u, 4);
    return x;
}

const char* kAddFace = R"(
inline void add_face(uint32_t in0, uint32_t in1, uint32_t out) {
    for (int i = 0; i < 8; ++i) {
        sfpi::vFloat a = sfpi::dst_reg[in0 * 32 + i];
        sfpi::vFloat b = sfpi::dst_reg[in1 * 32 + i];
        sfpi::dst_reg[out * 32 + i] = a + b;
    }
})";

}  // namespace

TEST(Sfpi, BinaryAddMatchesHostInFp32Dst) {
    auto in = values(2);
    auto r =
        run(kAddFace, "_llk_math_eltwise_binary_sfpu_params_<false>(add_face, 0, 1, 0)", in, 1);
    for (int i = 0; i < 1024; ++i) ASSERT_EQ(r.out[i], in[i] + in[1024 + i]) << i;
}

TEST(Sfpi, StoreTruncatesToBf16In16BitDst) {
    // bf16-exact inputs whose sums need more bits: SFPSTORE truncates (SFPSTORE.md).
    std::vector<float> in(2048);
    for (int i = 0; i < 1024; ++i) {
        in[i] = 1.0f + float(i % 128) / 128.0f;
        in[1024 + i] = float(1 + i % 7) / 1024.0f;
    }
    tensim::set_numerics("faithful");  // Dst precision is the silicon's
    auto r = run(kAddFace, "_llk_math_eltwise_binary_sfpu_params_<false>(add_face, 0, 1, 0)", in, 1,
                 /*fp32_dst=*/false);
    int inexact = 0;
    for (int i = 0; i < 1024; ++i) {
        const float sum = in[i] + in[1024 + i];
        inexact += trunc_bf16(sum) != sum;
        ASSERT_EQ(r.out[i], trunc_bf16(sum)) << i;
    }
    EXPECT_GT(inexact, 100);  // the test exercises truncation
}

TEST(Sfpi, DstRegReachesFourRowsOfEvenOrOddColumnsPerFace) {
    // One dst_reg row per face: [0] is rows 0-3 even columns, [1] rows 0-3 odd columns.
    const char* face = R"(
inline void mark() {
    sfpi::dst_reg[0] = sfpi::dst_reg[0] + 1.0f;
    sfpi::dst_reg[1] = sfpi::dst_reg[1] + 100.0f;
})";
    std::vector<float> in(1024, 0.0f);
    for (int vm : {4 /* RC */, 1 /* R */, 2 /* C */}) {
        auto r =
            run(face,
                "_llk_math_eltwise_unary_sfpu_params_<false>(mark, 0, " + std::to_string(vm) + ")",
                in, 1);
        for (int i = 0; i < 1024; ++i) {
            const int f = i / 256, row = i % 256 / 16, col = i % 16;
            const bool face_on = vm == 4 || (vm == 1 && f < 2) || (vm == 2 && f % 2 == 0);
            const float want = !face_on || row >= 4 ? 0.0f : col % 2 == 0 ? 1.0f : 100.0f;
            ASSERT_EQ(r.out[i], want)
                << "vector mode " << vm << " face " << f << " row " << row << " col " << col;
        }
    }
}

TEST(Sfpi, PredicatedBranchesMatchHost) {
    const char* face = R"(
using namespace sfpi;
inline void branch() {
    for (int i = 0; i < 8; ++i) {
        vFloat x = dst_reg[0];
        vFloat y = x;
        v_if(x < 0.0f) { y = -x * 2.0f; }
        v_elseif(x >= 10.0f) {
            y = x - 10.0f;
            v_if(y > 5.0f) { y = 5.0f; }
            v_endif;
        }
        v_else { y = x * 0.5f; }
        v_endif;
        dst_reg[0] = y;
        dst_reg++;
    }
})";
    auto in = values(1);
    auto r = run(face, "_llk_math_eltwise_unary_sfpu_params_<false>(branch, 0)", in, 1);
    for (int i = 0; i < 1024; ++i) {
        const float x = in[i];
        const float want = x < 0 ? -x * 2.0f : x >= 10 ? std::fmin(x - 10.0f, 5.0f) : x * 0.5f;
        ASSERT_EQ(r.out[i], want) << i << " x=" << x;
    }
}

TEST(Sfpi, ConversionsMatchHost) {
    // Tile 0 in; tile 1 = exponent, tile 2 = -|x|, tile 3 = x rounded to bf16 (nearest even) then
    // through int16 when small.
    const char* face = R"(
using namespace sfpi;
inline void convert() {
    for (int i = 0; i < 8; ++i) {
        vFloat x = dst_reg[i];
        dst_reg[32 + i] = int32_to_float(exexp(x));
        dst_reg[64 + i] = setsgn(abs(x), 1);
        vFloat b = float_to_fp16b(x);
        v_if(abs(x) < 100.0f) { b = int32_to_float(float_to_int16(x)); }
        v_endif;
        dst_reg[96 + i] = reinterpret<vFloat>(reinterpret<vInt>(b));
    }
})";
    auto in = values(1);
    in.resize(4096, 0.0f);
    auto r = run(face, "_llk_math_eltwise_unary_sfpu_params_<false>(convert, 0)", in, 4);
    for (int i = 0; i < 1024; ++i) {
        const float x = in[i];
        ASSERT_EQ(r.out[1024 + i], float(std::ilogb(x))) << i << " x=" << x;
        ASSERT_EQ(r.out[2048 + i], -std::fabs(x)) << i;
        uint32_t u;
        std::memcpy(&u, &x, 4);
        u = (u + 0x7fffu + ((u >> 16) & 1u)) & 0xffff0000u;  // round to nearest even
        float b;
        std::memcpy(&b, &u, 4);
        if (std::fabs(x) < 100.0f) b = std::nearbyint(x);
        ASSERT_EQ(r.out[3072 + i], b) << i << " x=" << x;
    }
}

TEST(Sfpi, CyclesFollowInstructionCountsAndArchCosts) {
    // Distinct per-class costs so each class's count shows in the SFPU time.
    const uint64_t load = 3, store = 5, mad = 7, face = 11;
    tensim::set_system("n150", {"sfpu.sfpi.load_cycles=3", "sfpu.sfpi.store_cycles=5",
                                "sfpu.sfpi.mad_cycles=7", "sfpu.sfpi.face_cycles=11"});
    auto in = values(1);
    uint64_t prev = 0;
    for (int k = 0; k <= 2; ++k) {
        std::string body =
            "inline void scale() { for (int i = 0; i < 8; ++i) { sfpi::vFloat x = "
            "sfpi::dst_reg[i];";
        for (int j = 0; j < k; ++j) body += " x = x * 1.0f;";  // 1.0 is a constant register
        body += " sfpi::dst_reg[i] = x; } }";
        auto r = run(body, "_llk_math_eltwise_unary_sfpu_params_<false>(scale, 0)", in, 1);
        // 4 faces x 8 rows x (load, k MADs, store), and 4 face steps.
        EXPECT_EQ(r.sfpu_cycles, 32 * (load + k * mad + store) + 4 * face) << k;
        EXPECT_GT(r.sfpu_cycles, prev);
        prev = r.sfpu_cycles;
    }
    tensim::set_system("n150");
}
