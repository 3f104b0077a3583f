// matmul_single_core: C = A x B on one Tensix core, checked against fp64.
//   matmul_single_core [--m M --k K --n N] [--fidelity LoFi|HiFi2|HiFi3|HiFi4] [--dtype
//   bfloat16|bfloat8_b]
// Reports device cycles, FPU utilisation, what each thread waited for, PCC and max error. The
// reader keeps all of B and one row of A in L1, so the FPU (HiFi4 bf16) or the unpacker (LoFi
// bfp8) limits the pace, not DRAM.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <tt-metalium/bfloat16.hpp>
#include <tt-metalium/bfloat8.hpp>
#include <tt-metalium/host_api.hpp>
#include <tt-metalium/tensor_accessor_args.hpp>
#include <tt-metalium/tilize_utils.hpp>
#include <vector>

using namespace tt;
using namespace tt::tt_metal;

namespace {

// A row-major float matrix as the device stores it: tilized, in bf16 or bfp8_b.
std::vector<uint32_t> to_device(const std::vector<float>& m, uint32_t rows, uint32_t cols,
                                tt::DataFormat f) {
    std::vector<float> tiled = tilize_nfaces(m, rows, cols);
    if (f == tt::DataFormat::Bfp8_b) return pack_fp32_vec_as_bfp8_tiles(tiled, false, false);
    std::vector<bfloat16> bf(tiled.begin(), tiled.end());
    return pack_bfloat16_vec_into_uint32_vec(bf);
}

// What the device holds, back as row-major floats.
std::vector<float> from_device(const std::vector<uint32_t>& d, uint32_t rows, uint32_t cols,
                               tt::DataFormat f) {
    std::vector<float> tiled;
    if (f == tt::DataFormat::Bfp8_b) {
        tiled = unpack_bfp8_tiles_into_float_vec(d, false, false);
    } else {
        for (bfloat16 v : unpack_uint32_vec_into_bfloat16_vec(d)) tiled.push_back(float(v));
    }
    return untilize_nfaces(tiled, rows, cols);
}

}  // namespace

int main(int argc, char** argv) {
    uint32_t M = 512, K = 512, N = 512;
    MathFidelity fidelity = MathFidelity::HiFi4;
    tt::DataFormat fmt = tt::DataFormat::Float16_b;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string k = argv[i], v = argv[i + 1];
        if (k == "--m")
            M = std::stoul(v);
        else if (k == "--k")
            K = std::stoul(v);
        else if (k == "--n")
            N = std::stoul(v);
        else if (k == "--fidelity")
            fidelity = v == "LoFi"    ? MathFidelity::LoFi
                       : v == "HiFi2" ? MathFidelity::HiFi2
                       : v == "HiFi3" ? MathFidelity::HiFi3
                                      : MathFidelity::HiFi4;
        else if (k == "--dtype")
            fmt = tensim::parse_data_format(v);
        else {
            std::fprintf(stderr, "unknown option %s\n", k.c_str());
            return 2;
        }
    }
    const uint32_t Mt = M / 32, Kt = K / 32, Nt = N / 32;

    IDevice* device = CreateDevice(0);
    CommandQueue& cq = device->command_queue();
    Program program = CreateProgram();
    const CoreCoord core = {0, 0};

    const uint32_t in_tile = tt::tile_size(fmt),
                   out_tile = tt::tile_size(tt::DataFormat::Float16_b);
    auto make = [&](uint32_t tiles, uint32_t tile_bytes) {
        return CreateBuffer(InterleavedBufferConfig{device, uint64_t(tiles) * tile_bytes,
                                                    tile_bytes, BufferType::DRAM});
    };
    auto a_buf = make(Mt * Kt, in_tile), b_buf = make(Kt * Nt, in_tile),
         c_buf = make(Mt * Nt, out_tile);

    std::mt19937 rng(7);
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    std::vector<float> a(M * K), b(K * N);
    for (float& x : a) x = dist(rng);
    for (float& x : b) x = dist(rng);
    std::vector<uint32_t> a_dev = to_device(a, M, K, fmt), b_dev = to_device(b, K, N, fmt);
    EnqueueWriteBuffer(cq, a_buf, a_dev, false);
    EnqueueWriteBuffer(cq, b_buf, b_dev, false);
    // The reference uses exactly the values the device holds, so errors are the FPU's and packer's.
    a = from_device(a_dev, M, K, fmt);
    b = from_device(b_dev, K, N, fmt);

    CreateCircularBuffer(program, core,
                         CircularBufferConfig(Kt * in_tile, {{CBIndex::c_0, fmt}})
                             .set_page_size(CBIndex::c_0, in_tile));
    CreateCircularBuffer(program, core,
                         CircularBufferConfig(Kt * Nt * in_tile, {{CBIndex::c_1, fmt}})
                             .set_page_size(CBIndex::c_1, in_tile));
    CreateCircularBuffer(
        program, core,
        CircularBufferConfig(2 * out_tile, {{CBIndex::c_16, tt::DataFormat::Float16_b}})
            .set_page_size(CBIndex::c_16, out_tile));

    std::vector<uint32_t> reader_args = {Mt, Kt, Nt};
    TensorAccessorArgs(*a_buf).append_to(reader_args);
    TensorAccessorArgs(*b_buf).append_to(reader_args);
    std::vector<uint32_t> writer_args;
    TensorAccessorArgs(*c_buf).append_to(writer_args);
    const std::string dir = "examples/matmul_single_core/kernels/";
    auto reader = CreateKernel(program, dir + "reader_mm_reuse.cpp", core,
                               ReaderDataMovementConfig(reader_args));
    auto writer =
        CreateKernel(program, dir + "writer_mm.cpp", core, WriterDataMovementConfig(writer_args));
    CreateKernel(program, dir + "mm.cpp", core,
                 ComputeConfig{.math_fidelity = fidelity, .compile_args = {Mt, Kt, Nt}});
    SetRuntimeArgs(program, reader, core, {a_buf->address(), b_buf->address()});
    SetRuntimeArgs(program, writer, core, {c_buf->address(), Mt * Nt});

    EnqueueProgram(cq, program, false);
    Finish(cq);
    std::vector<uint32_t> c_dev;
    EnqueueReadBuffer(cq, c_buf, c_dev, true);
    std::vector<float> c = from_device(c_dev, M, N, tt::DataFormat::Float16_b);

    double max_err = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    for (uint32_t i = 0; i < M; ++i)
        for (uint32_t j = 0; j < N; ++j) {
            double ref = 0;
            for (uint32_t k = 0; k < K; ++k) ref += double(a[i * K + k]) * double(b[k * N + j]);
            double got = c[i * N + j];
            max_err = std::max(max_err, std::abs(got - ref));
            sx += ref, sy += got, sxx += ref * ref, syy += got * got, sxy += ref * got;
        }
    double n = double(M) * N;
    double pcc = (sxy - sx * sy / n) / std::sqrt((sxx - sx * sx / n) * (syy - sy * sy / n));

    const auto& st = tensim::last_program_stats(device);
    const auto& eng = st.compute.at(0);
    std::printf(
        "matmul_single_core %ux%ux%u %s %s: %llu cycles (%.2f us), FPU utilization %.1f%% "
        "(ideal %u tile matmuls x %u cycles)\n",
        M, K, N, tensim::data_format_name(fmt).c_str(),
        fidelity == MathFidelity::LoFi    ? "LoFi"
        : fidelity == MathFidelity::HiFi2 ? "HiFi2"
        : fidelity == MathFidelity::HiFi3 ? "HiFi3"
                                          : "HiFi4",
        static_cast<unsigned long long>(st.device_cycles), st.device_time_us,
        100.0 * eng.fpu_utilization, Mt * Kt * Nt,
        16 *
            static_cast<uint32_t>(fidelity == MathFidelity::LoFi ? 1 : static_cast<int>(fidelity)));
    // Which engine set the pace: math starved for operands while the unpacker itself had its CBs
    // (unpack-bound), or the unpacker held back by full Src banks (FPU-bound).
    std::map<std::string, std::map<std::string, uint64_t>> stalls;
    for (const auto& k : st.kernels) stalls[k.risc] = k.stall_cycles;
    uint64_t math_starved = stalls["TRISC1"]["src_full"] > stalls["TRISC0"]["cb_wait"]
                                ? stalls["TRISC1"]["src_full"] - stalls["TRISC0"]["cb_wait"]
                                : 0;
    uint64_t unpack_held = stalls["TRISC0"]["src_free"];
    std::printf(
        "  bound by: %s (math waited %llu cycles on the unpacker beyond input fill; the unpacker "
        "waited "
        "%llu cycles on the FPU)\n",
        math_starved > unpack_held ? "unpacker" : "FPU",
        static_cast<unsigned long long>(math_starved),
        static_cast<unsigned long long>(unpack_held));
    for (const auto& k : st.kernels) {
        if (k.risc.rfind("TRISC", 0) != 0) continue;
        std::printf("  %-6s busy %7llu cycles; waited:", k.risc.c_str(),
                    static_cast<unsigned long long>(k.end_cycle - k.start_cycle));
        for (const auto& [why, cycles] : k.stall_cycles)
            std::printf(" %s %llu", why.c_str(), static_cast<unsigned long long>(cycles));
        std::printf("\n");
    }
    std::printf("  vs fp64: PCC %.6f, max |error| %.4g\n", pcc, max_err);
    CloseDevice(device);
    if (tensim::numerics_mode_name() == "timing") {
        std::printf("PASS (timing mode: results not checked)\n");
        return 0;
    }
    bool pass = pcc > (fidelity == MathFidelity::LoFi ? 0.99 : 0.999);
    std::printf("%s\n", pass ? "PASS" : "FAIL");
    return pass ? 0 : 1;
}
