// The harness of the compute-API tests: a compute kernel run on core (0,0) of one device with
// fp32 input CBs c_0 / c_1 filled from the host, its output CB c_16 read back.
#pragma once
#include <algorithm>
#include <cstring>
#include <functional>
#include <string>
#include <tt-metalium/host_api.hpp>
#include <vector>

namespace compute_run {

using namespace tt;
using namespace tt::tt_metal;

constexpr uint32_t kBase = 97248;  // the unreserved base: the first CB's address
inline uint32_t at(uint32_t r, uint32_t c) {
    return ((r / 16) * 2 + c / 16) * 256 + (r % 16) * 16 + c % 16;
}

// Runs `compute` on core (0,0) with fp32 input CBs c_0 (n0 tiles) and c_1 (n1 tiles) holding
// `in0`/`in1` (tile order), and an fp32 output CB c_16 of `nout` tiles; returns c_16's contents.
// `before_close` sees the device after the program ran (its stats).
inline std::vector<float> run(const std::string& compute, const std::vector<float>& in0,
                              const std::vector<float>& in1, uint32_t nout,
                              std::vector<uint32_t> args = {},
                              const std::function<void(IDevice*)>& before_close = {}) {
    IDevice* d = CreateDevice(0);
    Program p = CreateProgram();
    CoreCoord core{0, 0};
    uint32_t n0 = std::max<uint32_t>(1, in0.size() / 1024),
             n1 = std::max<uint32_t>(1, in1.size() / 1024);
    CreateCircularBuffer(p, core,
                         CircularBufferConfig(n0 * 4096, {{CBIndex::c_0, tt::DataFormat::Float32}})
                             .set_page_size(CBIndex::c_0, 4096));
    CreateCircularBuffer(p, core,
                         CircularBufferConfig(n1 * 4096, {{CBIndex::c_1, tt::DataFormat::Float32}})
                             .set_page_size(CBIndex::c_1, 4096));
    CreateCircularBuffer(
        p, core,
        CircularBufferConfig(nout * 4096, {{CBIndex::c_16, tt::DataFormat::Float32}})
            .set_page_size(CBIndex::c_16, 4096));
    auto put = [&](const std::vector<float>& v, uint32_t addr) {
        if (v.empty()) return;  // memcpy's pointers must be valid even for 0 bytes (UBSan)
        std::vector<uint32_t> w(v.size());
        std::memcpy(w.data(), v.data(), 4 * v.size());
        detail::WriteToDeviceL1(d, core, addr, w);
    };
    put(in0, kBase);
    put(in1, kBase + n0 * 4096);
    auto r = CreateKernelFromString(p, R"(#include "dataflow_api.h"
void kernel_main() {
    cb_reserve_back(0, get_arg_val<uint32_t>(0)); cb_push_back(0, get_arg_val<uint32_t>(0));
    cb_reserve_back(1, get_arg_val<uint32_t>(1)); cb_push_back(1, get_arg_val<uint32_t>(1));
})",
                                    core, ReaderDataMovementConfig{});
    SetRuntimeArgs(p, r, core, {n0, n1});
    auto c = CreateKernelFromString(p, compute, core, ComputeConfig{.fp32_dest_acc_en = true});
    if (!args.empty()) SetRuntimeArgs(p, c, core, args);
    EnqueueProgram(d->command_queue(), p, true);
    std::vector<uint32_t> raw;
    detail::ReadFromDeviceL1(d, core, kBase + (n0 + n1) * 4096, nout * 4096, raw);
    if (before_close) before_close(d);
    CloseDevice(d);
    std::vector<float> out(nout * 1024);
    std::memcpy(out.data(), raw.data(), 4 * out.size());
    return out;
}

inline std::vector<float> ramp(uint32_t tiles, float scale = 1.0f) {
    std::vector<float> v(tiles * 1024);
    for (uint32_t t = 0; t < tiles; ++t)
        for (uint32_t r = 0; r < 32; ++r)
            for (uint32_t c = 0; c < 32; ++c)
                v[t * 1024 + at(r, c)] =
                    scale * float(int((r * 32 + c) % 251) - 125 + int(t) * 7);  // exact in SrcA
    return v;
}

// The end of a one-tile kernel: Dst tile 0 packed to c_16.
inline const char* kUnaryTail = R"(
    tile_regs_commit();
    tile_regs_wait(); cb_reserve_back(16, 1); pack_tile(0, 16); cb_push_back(16, 1); tile_regs_release();
})";

}  // namespace compute_run
