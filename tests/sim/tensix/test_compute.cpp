// The compute engine through real compute kernels: Dst capacity and handshake misuse, pipeline
// timing (FPU-bound vs unpack-bound with the stall counters saying which), numerics modes with
// identical cycles, and fidelity accuracy.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <tt-metalium/bfloat16.hpp>
#include <tt-metalium/bfloat8.hpp>
#include <tt-metalium/host_api.hpp>
#include <vector>

#include "chip/arch_loader.hpp"
#include "common/error.hpp"

using namespace tt;
using namespace tt::tt_metal;

namespace {

// A matmul of Mt x Kt x Nt tiles with both inputs already in L1 (CBs the reader only publishes),
// so the compute engine alone sets the pace.
const char* kPublish = R"(#include "dataflow_api.h"
void kernel_main() {
    cb_reserve_back(0, get_arg_val<uint32_t>(0)); cb_push_back(0, get_arg_val<uint32_t>(0));
    cb_reserve_back(1, get_arg_val<uint32_t>(1)); cb_push_back(1, get_arg_val<uint32_t>(1));
})";
const char* kPublishOne = R"(#include "dataflow_api.h"
void kernel_main() { cb_reserve_back(0, 1); cb_push_back(0, 1); })";
const char* kDrain = R"(#include "dataflow_api.h"
void kernel_main() { for (uint32_t i = 0; i < get_arg_val<uint32_t>(0); ++i) { cb_wait_front(16, 1); cb_pop_front(16, 1); } })";
const char* kMatmul = R"(#include "compute_kernel_api/matmul.h"
namespace NAMESPACE {
void MAIN {
    constexpr uint32_t Mt = get_compile_time_arg_val(0), Kt = get_compile_time_arg_val(1), Nt = get_compile_time_arg_val(2);
    mm_init(0, 1, 16);
    cb_wait_front(0, Mt * Kt);
    cb_wait_front(1, Kt * Nt);
    for (uint32_t mt = 0; mt < Mt; ++mt)
        for (uint32_t nt = 0; nt < Nt; ++nt) {
            acquire_dst();
            for (uint32_t kt = 0; kt < Kt; ++kt) matmul_tiles(0, 1, mt * Kt + kt, kt * Nt + nt, 0, false);
            cb_reserve_back(16, 1);
            pack_tile(0, 16);
            cb_push_back(16, 1);
            release_dst();
        }
}
}  // namespace NAMESPACE
)";

struct MatmulRun {
    uint64_t cycles = 0;
    double fpu_util = 0;
    std::map<std::string, uint64_t> unpack_stalls, math_stalls;
    std::vector<float> out;  // first output tile
};

MatmulRun run_matmul(uint32_t Mt, uint32_t Kt, uint32_t Nt, tt::DataFormat fmt, MathFidelity fid,
                     const std::vector<float>* a = nullptr, const std::vector<float>* b = nullptr) {
    IDevice* d = CreateDevice(0);
    Program p = CreateProgram();
    CoreCoord core{0, 0};
    uint32_t tile = tt::tile_size(fmt);
    CreateCircularBuffer(p, core,
                         CircularBufferConfig(Mt * Kt * tile, {{CBIndex::c_0, fmt}})
                             .set_page_size(CBIndex::c_0, tile));
    CreateCircularBuffer(p, core,
                         CircularBufferConfig(Kt * Nt * tile, {{CBIndex::c_1, fmt}})
                             .set_page_size(CBIndex::c_1, tile));
    CreateCircularBuffer(p, core,
                         CircularBufferConfig(2 * 4096, {{CBIndex::c_16, tt::DataFormat::Float32}})
                             .set_page_size(CBIndex::c_16, 4096));
    if (a && b) {
        // Place the operands (already tile-ordered, one tile each) where the CBs will be.
        std::vector<uint32_t> wa = pack_fp32_vec_as_bfp8_tiles(*a, false, false), wb;
        if (fmt == tt::DataFormat::Float16_b) {
            std::vector<bfloat16> x(a->begin(), a->end()), y(b->begin(), b->end());
            wa = pack_bfloat16_vec_into_uint32_vec(x);
            wb = pack_bfloat16_vec_into_uint32_vec(y);
        } else {
            wb = pack_fp32_vec_as_bfp8_tiles(*b, false, false);
        }
        detail::WriteToDeviceL1(d, core, 97248, wa);
        detail::WriteToDeviceL1(d, core, 97248 + Mt * Kt * tile, wb);
    }
    auto r = CreateKernelFromString(p, kPublish, core, ReaderDataMovementConfig{});
    auto w = CreateKernelFromString(p, kDrain, core, WriterDataMovementConfig{});
    CreateKernelFromString(
        p, kMatmul, core,
        ComputeConfig{
            .math_fidelity = fid, .fp32_dest_acc_en = true, .compile_args = {Mt, Kt, Nt}});
    SetRuntimeArgs(p, r, core, {Mt * Kt, Kt * Nt});
    SetRuntimeArgs(p, w, core, {Mt * Nt});
    EnqueueProgram(d->command_queue(), p, true);
    MatmulRun out;
    const auto& st = tensim::last_program_stats(d);
    out.cycles = st.device_cycles;
    out.fpu_util = st.compute.at(0).fpu_utilization;
    for (const auto& k : st.kernels) {
        if (k.risc == "TRISC0") out.unpack_stalls = k.stall_cycles;
        if (k.risc == "TRISC1") out.math_stalls = k.stall_cycles;
    }
    uint32_t out_cb = 97248 + Mt * Kt * tile + Kt * Nt * tile;
    out_cb = (out_cb + 31) / 32 * 32;
    std::vector<uint32_t> raw;
    detail::ReadFromDeviceL1(d, core, out_cb, 4096, raw);
    out.out.resize(1024);
    std::memcpy(out.out.data(), raw.data(), 4096);
    CloseDevice(d);
    return out;
}

// FPU cycles of one matmul_tiles call at `phases` phases, from the architecture file.
double fpu_per_call(int phases) {
    auto c = tensim::load_system("n150").chip.compute;
    return double(c.fpu_matmul_call_cycles + phases * c.fpu_matmul_cycles_per_phase);
}

TEST(ComputeTiming, HiFi4Bf16MatmulIsFpuBound) {
    const uint32_t Mt = 4, Kt = 8, Nt = 4;
    MatmulRun r = run_matmul(Mt, Kt, Nt, tt::DataFormat::Float16_b, MathFidelity::HiFi4);
    const double fpu = Mt * Kt * Nt * fpu_per_call(4);
    EXPECT_GT(double(r.cycles), fpu);
    EXPECT_LT(double(r.cycles), fpu * 1.15)
        << "about Mt*Kt*Nt*(64 + per-call) FPU cycles plus fill";
    EXPECT_GT(r.fpu_util, 0.85);
    // The unpacker runs ahead and waits for the FPU to free a Src bank; math never starves for
    // long.
    EXPECT_GT(r.unpack_stalls["src_free"], r.math_stalls["src_full"]);
}

TEST(ComputeTiming, LoFiBfp8MatmulIsUnpackBound) {
    const uint32_t Mt = 4, Kt = 8, Nt = 4;
    MatmulRun r = run_matmul(Mt, Kt, Nt, tt::DataFormat::Bfp8_b, MathFidelity::LoFi);
    EXPECT_LT(r.fpu_util, 0.6);
    // Math waits for the unpacker to fill a bank: the stall counter says why.
    EXPECT_GT(r.math_stalls["src_full"], 0.3 * double(r.cycles));
    EXPECT_EQ(r.unpack_stalls.count("src_free"), 0u);
}

TEST(ComputeTiming, FidelityMattersOnlyWhereTheFpuIsTheBottleneck) {
    // matmul_tiles unpacks both bf16 operands per call (~73 cycles with both unpackers): HiFi4
    // (77 FPU cycles with the per-call cost) is FPU-bound, LoFi and HiFi2 wait for the unpacker
    // alike.
    MatmulRun lofi = run_matmul(2, 8, 2, tt::DataFormat::Float16_b, MathFidelity::LoFi);
    MatmulRun hifi2 = run_matmul(2, 8, 2, tt::DataFormat::Float16_b, MathFidelity::HiFi2);
    MatmulRun hifi4 = run_matmul(2, 8, 2, tt::DataFormat::Float16_b, MathFidelity::HiFi4);
    EXPECT_LT(hifi2.cycles, hifi4.cycles);
    EXPECT_NEAR(double(hifi2.cycles) / double(lofi.cycles), 1.0, 0.05);
    EXPECT_NEAR(hifi2.fpu_util / lofi.fpu_util, fpu_per_call(2) / fpu_per_call(1), 0.1);
    EXPECT_GT(hifi2.math_stalls["src_full"], hifi4.math_stalls["src_full"]);
}

TEST(ComputeNumerics, ModesComputeDifferentlyInTheSameCycles) {
    std::mt19937 rng(3);
    std::uniform_real_distribution<float> dist(-1, 1);
    std::vector<float> a(1024), b(1024);
    for (auto& x : a) x = float(bfloat16(dist(rng)));
    for (auto& x : b) x = float(bfloat16(dist(rng)));
    std::map<std::string, MatmulRun> runs;
    for (const char* m : {"faithful", "fast", "timing"}) {
        tensim::set_numerics(m);
        runs[m] = run_matmul(1, 1, 1, tt::DataFormat::Float16_b, MathFidelity::LoFi, &a, &b);
    }
    tensim::set_numerics("faithful");
    EXPECT_EQ(runs["faithful"].cycles, runs["fast"].cycles);
    EXPECT_EQ(runs["faithful"].cycles, runs["timing"].cycles);
    // fast is exact for bf16 inputs into fp32; faithful LoFi keeps only 5 bits of SrcA per product.
    double err_fast = 0, err_faithful = 0;
    for (int i = 0; i < 32; ++i)
        for (int j = 0; j < 32; ++j) {
            double ref = 0;
            for (int k = 0; k < 32; ++k) {
                auto at = [](int r, int c) {
                    return ((r / 16) * 2 + c / 16) * 256 + (r % 16) * 16 + c % 16;
                };
                ref += double(a[at(i, k)]) * double(b[at(k, j)]);
            }
            int o = ((i / 16) * 2 + j / 16) * 256 + (i % 16) * 16 + j % 16;
            err_fast = std::max(err_fast, std::abs(runs["fast"].out[o] - ref));
            err_faithful = std::max(err_faithful, std::abs(runs["faithful"].out[o] - ref));
        }
    EXPECT_LT(err_fast, 1e-4);
    EXPECT_GT(err_faithful, 10 * err_fast);
    EXPECT_THROW(tensim::set_numerics("exact"), tensim::ConfigError);
}

class ComputeErrors : public ::testing::Test {
protected:
    void SetUp() override { d = CreateDevice(0); }
    void TearDown() override { CloseDevice(d); }
    std::string error_of(const std::string& compute_src, bool fp32_dest = false) {
        Program p = CreateProgram();
        CoreCoord core{0, 0};
        CreateCircularBuffer(p, core,
                             CircularBufferConfig(4096, {{CBIndex::c_0, tt::DataFormat::Float16_b}})
                                 .set_page_size(CBIndex::c_0, 2048));
        CreateCircularBuffer(
            p, core,
            CircularBufferConfig(4096, {{CBIndex::c_16, tt::DataFormat::Float16_b}})
                .set_page_size(CBIndex::c_16, 2048));
        CreateKernelFromString(p, kPublishOne, core, ReaderDataMovementConfig{});
        CreateKernelFromString(p, compute_src, core, ComputeConfig{.fp32_dest_acc_en = fp32_dest});
        try {
            EnqueueProgram(d->command_queue(), p, true);
        } catch (const tensim::Error& e) {
            return e.what();
        }
        return "no error";
    }
    IDevice* d = nullptr;
};

TEST_F(ComputeErrors, DstIndexBeyondCapacity) {
    const char* src = R"(#include "compute_kernel_api/tile_move_copy.h"
void kernel_main() {
    cb_wait_front(0, 1);
    tile_regs_acquire();
    copy_tile(0, 0, DST_INDEX);
    tile_regs_commit();
})";
    // Half-sync: 8 tiles at 16 bit, 4 with fp32 Dst.
    std::string msg = error_of(std::string("#define DST_INDEX 8\n") + src);
    EXPECT_NE(msg.find("Dst index 8 beyond capacity: 8 tiles with 16-bit Dst in half-sync mode"),
              std::string::npos)
        << msg;
    EXPECT_NE(msg.find("TRISC1"), std::string::npos) << msg;
    msg = error_of(std::string("#define DST_INDEX 4\n") + src, true);
    EXPECT_NE(msg.find("Dst index 4 beyond capacity: 4 tiles with fp32 Dst"), std::string::npos)
        << msg;
    EXPECT_EQ(error_of(std::string("#define DST_INDEX 3\n") + src, true).find("capacity"),
              std::string::npos);
}

TEST_F(ComputeErrors, DstUsedWithoutAcquire) {
    std::string msg = error_of(R"(#include "compute_kernel_api/tile_move_copy.h"
void kernel_main() { cb_wait_front(0, 1); copy_tile(0, 0, 0); })");
    EXPECT_NE(msg.find("Dst used without tile_regs_acquire"), std::string::npos) << msg;
}

TEST_F(ComputeErrors, UnpackOfATileNotWaitedFor) {
    std::string msg = error_of(R"(#include "compute_kernel_api/tile_move_copy.h"
void kernel_main() {
    cb_wait_front(0, 1);
    tile_regs_acquire();
    copy_tile(0, 1, 0);
    tile_regs_commit();
})");
    EXPECT_NE(msg.find("tile index 1 of CB 0 is beyond the 1 pages at its front"),
              std::string::npos)
        << msg;
    EXPECT_NE(msg.find("TRISC0"), std::string::npos) << msg;
}

TEST_F(ComputeErrors, PackWithoutCommitDeadlocksWithAReport) {
    std::string msg = error_of(R"(#include "compute_kernel_api/tile_move_copy.h"
void kernel_main() {
    cb_wait_front(0, 1);
    tile_regs_acquire();
    copy_tile(0, 0, 0);
    tile_regs_wait();
    pack_tile(0, 16);
})");
    EXPECT_NE(msg.find("deadlock"), std::string::npos) << msg;
    EXPECT_NE(msg.find("TRISC2"), std::string::npos) << msg;
    EXPECT_NE(msg.find("tile_regs_wait: math has not committed Dst"), std::string::npos) << msg;
}

}  // namespace
