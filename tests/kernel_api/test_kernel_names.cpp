// Kernel-side names TT-Metal kernels use: hostdevcommon/kernel_structs.h (tt::CB),
// tt-metalium/constants.hpp on the kernel include path, the kernel_compile_time_args[] array next
// to get_compile_time_arg_val, and DPRINT tile slices (TSLICE / SliceRange,
// api/debug/dprint_tile.h).
#include <gtest/gtest.h>

#include <string>
#include <tt-metalium/host_api.hpp>
#include <vector>

using namespace tt;
using namespace tt::tt_metal;

namespace {

constexpr const char* kNames = R"(#include "api/dataflow/dataflow_api.h"
#include "hostdevcommon/kernel_structs.h"
#include <tt-metalium/constants.hpp>
void kernel_main() {
    volatile uint32_t* out = (volatile uint32_t*)get_arg_val<uint32_t>(0);
    out[0] = kernel_compile_time_args[0];
    out[1] = kernel_compile_time_args[2];
    out[2] = get_compile_time_arg_val(1);
    out[3] = sizeof(kernel_compile_time_args) / sizeof(kernel_compile_time_args[0]);
    out[4] = tt::CB::c_out0;
    out[5] = tt::CB::c_intermed7;
    out[6] = tt::constants::TILE_HW;
    out[7] = tt::CBIndex::c_16 == uint32_t(tt::CB::c_out0);
})";

TEST(KernelNames, CompileTimeArrayCbNamesAndConstants) {
    IDevice* device = CreateDevice(0);
    const CoreCoord core{0, 0};
    const uint32_t out = 300 * 1024;
    const std::vector<uint32_t> args = {11, 22, 33};
    Program p = CreateProgram();
    KernelHandle k =
        CreateKernelFromString(p, kNames, core, DataMovementConfig{.compile_args = args});
    SetRuntimeArgs(p, k, core, {out});
    EnqueueProgram(device->command_queue(), p, true);
    std::vector<uint32_t> r;
    detail::ReadFromDeviceL1(device, core, out, 8 * 4, r);
    EXPECT_EQ(r[0], args[0]);
    EXPECT_EQ(r[1], args[2]);
    EXPECT_EQ(r[2], args[1]);
    EXPECT_EQ(r[3], args.size());
    EXPECT_EQ(r[4], 16u);  // TT-Metal's role names: inputs 0-7, dataflow 8-15, outputs 16-23
    EXPECT_EQ(r[5], 31u);  // intermediates 24-31
    EXPECT_EQ(r[6], tt::constants::TILE_HW);
    EXPECT_EQ(r[7], 1u);
    CloseDevice(device);
}

// The kernel fills one bf16 tile in storage order with its face index (plus 0.5 everywhere but
// each face's first element), then prints rows 0:32:16 and columns 0:32:16: the four faces' first
// elements, which in row-major terms are (0,0) (0,16) / (16,0) (16,16), i.e. faces 0 1 / 2 3.
constexpr const char* kSlice = R"(#include "api/dataflow/dataflow_api.h"
#include "api/debug/dprint_tile.h"
void kernel_main() {
    cb_reserve_back(tt::CBIndex::c_0, 1);
    volatile uint16_t* t = (volatile uint16_t*)get_write_ptr(tt::CBIndex::c_0);
    for (uint32_t i = 0; i < 1024; ++i) {
        float v = float(i / 256) + ((i % 256) ? 0.5f : 0.0f);
        uint32_t bits;
        __builtin_memcpy(&bits, &v, 4);
        t[i] = uint16_t(bits >> 16);
    }
    DPRINT << TSLICE(tt::CBIndex::c_0, 0, SliceRange::hw0_32_16(), TSLICE_OUTPUT_CB, TSLICE_WR_PTR) << ENDL();
    DPRINT << TSLICE(tt::CBIndex::c_0, 0, SliceRange{.h0 = 0, .h1 = 1, .hs = 1, .w0 = 0, .w1 = 2, .ws = 1}, TSLICE_OUTPUT_CB, TSLICE_WR_PTR, true, false) << ENDL();
    cb_push_back(tt::CBIndex::c_0, 1);
    cb_wait_front(tt::CBIndex::c_0, 1);
    cb_pop_front(tt::CBIndex::c_0, 1);
})";

TEST(KernelNames, DprintTileSlice) {
    IDevice* device = CreateDevice(0);
    const CoreCoord core{0, 0};
    Program p = CreateProgram();
    CreateCircularBuffer(p, core,
                         CircularBufferConfig(2048, {{CBIndex::c_0, tt::DataFormat::Float16_b}})
                             .set_page_size(CBIndex::c_0, 2048));
    CreateKernelFromString(p, kSlice, core, DataMovementConfig{});
    testing::internal::CaptureStdout();
    EnqueueProgram(device->command_queue(), p, true);
    const std::string out = testing::internal::GetCapturedStdout();
    EXPECT_NE(out.find("] 0 1\n"), std::string::npos) << out;
    EXPECT_NE(out.find("] 2 3\n"), std::string::npos) << out;
    // print_untilized = false: storage order, so row 0's first two elements are face 0's.
    EXPECT_NE(out.find("] 0 0.5\n"), std::string::npos) << out;
    CloseDevice(device);
}

}  // namespace
