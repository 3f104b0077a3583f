// matmul_multi_core: C = A x B (bf16) with the Mt*Nt output tiles split over the worker grid by
// split_work_to_cores; each core computes a contiguous range of output tiles, reading A's row and
// B's column for each one (no reuse). Checked against an fp64 host matmul of the bf16 inputs.
//   matmul_multi_core [--m M --k K --n N]
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <tt-metalium/bfloat16.hpp>
#include <tt-metalium/constants.hpp>
#include <tt-metalium/host_api.hpp>
#include <tt-metalium/tilize_utils.hpp>
#include <tt-metalium/work_split.hpp>
#include <vector>

using namespace tt;
using namespace tt::constants;
using namespace tt::tt_metal;

namespace {

// C = A x B in fp64 over the bf16 inputs (row major).
std::vector<double> golden_matmul(const std::vector<bfloat16>& a, const std::vector<bfloat16>& b,
                                  uint32_t M, uint32_t N, uint32_t K) {
    std::vector<double> c(size_t(M) * N, 0.0);
    for (uint32_t i = 0; i < M; ++i) {
        double* crow = &c[size_t(i) * N];
        for (uint32_t k = 0; k < K; ++k) {
            double aik = float(a[size_t(i) * K + k]);
            const bfloat16* bk = &b[size_t(k) * N];
            for (uint32_t j = 0; j < N; ++j) crow[j] += aik * double(float(bk[j]));
        }
    }
    return c;
}

double pcc(const std::vector<double>& ref, const std::vector<bfloat16>& got) {
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    for (size_t i = 0; i < ref.size(); ++i) {
        double x = ref[i], y = float(got[i]);
        sx += x, sy += y, sxx += x * x, syy += y * y, sxy += x * y;
    }
    double n = double(ref.size());
    return (sxy - sx * sy / n) / std::sqrt((sxx - sx * sx / n) * (syy - sy * sy / n));
}

void matmul_multi_core(const std::vector<bfloat16>& a, const std::vector<bfloat16>& b,
                       std::vector<bfloat16>& output, bool bcast_batch, uint32_t M, uint32_t N,
                       uint32_t K, uint32_t B, IDevice* device) {
    CommandQueue& cq = device->command_queue();
    Program program = CreateProgram();

    tt::DataFormat cb_data_format = tt::DataFormat::Float16_b;
    MathFidelity math_fidelity = MathFidelity::HiFi4;
    uint32_t single_tile_size = detail::TileSize(cb_data_format);

    auto compute_with_storage_grid_size = device->compute_with_storage_grid_size();
    uint32_t num_cores_y = compute_with_storage_grid_size.y;

    uint32_t Mt = M / TILE_HEIGHT;
    uint32_t Kt = K / TILE_WIDTH;
    uint32_t Nt = N / TILE_WIDTH;
    uint32_t KtNt = Kt * Nt;
    uint32_t MtKt = Mt * Kt;
    uint32_t MtNt = Mt * Nt;

    uint32_t num_output_tiles_total = (M * N) / TILE_HW;
    auto [num_cores, all_cores, core_group_1, core_group_2, num_output_tiles_per_core_group_1,
          num_output_tiles_per_core_group_2] =
        split_work_to_cores(compute_with_storage_grid_size, num_output_tiles_total);

    uint32_t dram_buffer_A_size = single_tile_size * Mt * Kt;
    uint32_t dram_buffer_B_size = single_tile_size * Nt * Kt;
    uint32_t dram_buffer_C_size = single_tile_size * Mt * Nt;
    InterleavedBufferConfig dram_config_A{.device = device,
                                          .size = dram_buffer_A_size,
                                          .page_size = single_tile_size,
                                          .buffer_type = BufferType::DRAM};
    InterleavedBufferConfig dram_config_B{.device = device,
                                          .size = dram_buffer_B_size,
                                          .page_size = single_tile_size,
                                          .buffer_type = BufferType::DRAM};
    InterleavedBufferConfig dram_config_C{.device = device,
                                          .size = dram_buffer_C_size,
                                          .page_size = single_tile_size,
                                          .buffer_type = BufferType::DRAM};
    auto src0_dram_buffer = CreateBuffer(dram_config_A);
    auto src1_dram_buffer = CreateBuffer(dram_config_B);
    auto dst_dram_buffer = CreateBuffer(dram_config_C);

    uint32_t src0_cb_index = CBIndex::c_0;
    uint32_t num_input_tiles = 2;
    CircularBufferConfig cb_src0_config =
        CircularBufferConfig(num_input_tiles * single_tile_size, {{src0_cb_index, cb_data_format}})
            .set_page_size(src0_cb_index, single_tile_size);
    CreateCircularBuffer(program, all_cores, cb_src0_config);

    uint32_t src1_cb_index = CBIndex::c_1;
    CircularBufferConfig cb_src1_config =
        CircularBufferConfig(num_input_tiles * single_tile_size, {{src1_cb_index, cb_data_format}})
            .set_page_size(src1_cb_index, single_tile_size);
    CreateCircularBuffer(program, all_cores, cb_src1_config);

    uint32_t output_cb_index = CBIndex::c_16;
    uint32_t num_output_tiles = 2;
    CircularBufferConfig cb_output_config =
        CircularBufferConfig(num_output_tiles * single_tile_size,
                             {{output_cb_index, cb_data_format}})
            .set_page_size(output_cb_index, single_tile_size);
    CreateCircularBuffer(program, all_cores, cb_output_config);

    bool src0_is_dram = src0_dram_buffer->buffer_type() == BufferType::DRAM;
    bool src1_is_dram = src1_dram_buffer->buffer_type() == BufferType::DRAM;
    std::vector<uint32_t> reader_compile_time_args = {(uint32_t)src0_is_dram,
                                                      (uint32_t)src1_is_dram};
    bool dst_is_dram = dst_dram_buffer->buffer_type() == BufferType::DRAM;
    std::vector<uint32_t> writer_compile_time_args = {(uint32_t)output_cb_index,
                                                      (uint32_t)dst_is_dram};

    auto reader_id = CreateKernel(
        program, "examples/matmul_multi_core/kernels/reader_bmm_8bank_output_tiles_partitioned.cpp",
        all_cores,
        DataMovementConfig{.processor = DataMovementProcessor::RISCV_1,
                           .noc = NOC::RISCV_1_default,
                           .compile_args = reader_compile_time_args});
    auto writer_id = CreateKernel(
        program, "examples/matmul_multi_core/kernels/writer_unary_interleaved_start_id.cpp",
        all_cores,
        DataMovementConfig{.processor = DataMovementProcessor::RISCV_0,
                           .noc = NOC::RISCV_0_default,
                           .compile_args = writer_compile_time_args});

    // The bmm compute kernel's B, Mt, Nt loops act as one large loop, so only Nt carries the tile
    // count.
    std::vector<uint32_t> compute_args_group_1 = {1, 1, Kt, num_output_tiles_per_core_group_1};
    CreateKernel(
        program, "examples/matmul_multi_core/kernels/bmm.cpp", core_group_1,
        ComputeConfig{.math_fidelity = math_fidelity, .compile_args = compute_args_group_1});
    if (!core_group_2.ranges().empty()) {
        std::vector<uint32_t> compute_args_group_2 = {1, 1, Kt, num_output_tiles_per_core_group_2};
        CreateKernel(
            program, "examples/matmul_multi_core/kernels/bmm.cpp", core_group_2,
            ComputeConfig{.math_fidelity = math_fidelity, .compile_args = compute_args_group_2});
    }

    for (uint32_t i = 0, num_tiles_written = 0; i < num_cores; i++) {
        CoreCoord core = {i / num_cores_y, i % num_cores_y};
        uint32_t num_output_tiles_per_core = 0;
        if (core_group_1.contains(core)) {
            num_output_tiles_per_core = num_output_tiles_per_core_group_1;
        } else if (core_group_2.contains(core)) {
            num_output_tiles_per_core = num_output_tiles_per_core_group_2;
        } else {
            throw std::runtime_error("core not in specified core ranges");
        }
        SetRuntimeArgs(
            program, reader_id, core,
            {src0_dram_buffer->address(), src1_dram_buffer->address(), Mt, Kt, Nt, MtKt, KtNt, B,
             uint32_t(bcast_batch), num_tiles_written, num_output_tiles_per_core, MtNt});
        SetRuntimeArgs(program, writer_id, core,
                       {dst_dram_buffer->address(), num_output_tiles_per_core, num_tiles_written});
        num_tiles_written += num_output_tiles_per_core;
    }

    EnqueueWriteBuffer(cq, src0_dram_buffer, a.data(), false);
    EnqueueWriteBuffer(cq, src1_dram_buffer, b.data(), false);
    EnqueueProgram(cq, program, false);
    EnqueueReadBuffer(cq, dst_dram_buffer, output.data(), true);
}

}  // namespace

int main(int argc, char** argv) {
    uint32_t M = 640, K = 640, N = 640;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string k = argv[i], v = argv[i + 1];
        if (k == "--m")
            M = std::stoul(v);
        else if (k == "--k")
            K = std::stoul(v);
        else if (k == "--n")
            N = std::stoul(v);
        else {
            std::fprintf(stderr, "unknown option %s\n", k.c_str());
            return 2;
        }
    }
    if (M % TILE_HEIGHT || K % TILE_WIDTH || N % TILE_WIDTH) {
        std::fprintf(stderr, "M, K and N must be multiples of 32\n");
        return 2;
    }
    constexpr uint32_t B = 1;
    IDevice* device = CreateDevice(0);

    std::vector<bfloat16> src0_vec =
        create_random_vector_of_bfloat16_native(M * K * sizeof(bfloat16), 1, 123, -0.5);
    std::vector<bfloat16> src1_vec =
        create_random_vector_of_bfloat16_native(K * N * sizeof(bfloat16), 1, 12522, -0.5);
    const bool check = tensim::numerics_mode_name() != "timing";
    std::vector<double> golden_vec;
    if (check) golden_vec = golden_matmul(src0_vec, src1_vec, M, N, K);

    src0_vec = tilize_nfaces(src0_vec, M, K);
    src1_vec = tilize_nfaces(src1_vec, K, N);
    std::vector<bfloat16> result_vec(size_t(M) * N);
    try {
        matmul_multi_core(src0_vec, src1_vec, result_vec, false, M, N, K, B, device);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "matmul_multi_core: %s\n", e.what());
        CloseDevice(device);
        return 1;
    }
    result_vec = untilize_nfaces(result_vec, M, N);

    const auto& st = tensim::last_program_stats(device);
    double fpu = 0;
    for (const auto& c : st.compute) fpu += c.fpu_utilization;
    if (!st.compute.empty()) fpu /= double(st.compute.size());
    double p = check ? pcc(golden_vec, result_vec) : 0.0;
    char pcc_text[32];
    if (check)
        std::snprintf(pcc_text, sizeof pcc_text, "%.6f", p);
    else
        std::snprintf(pcc_text, sizeof pcc_text, "not checked");
    std::printf(
        "matmul_multi_core %ux%ux%u bf16 HiFi4 on %zu cores: %llu cycles (%.2f us), FPU "
        "utilization %.1f%% "
        "(mean over cores), PCC %s\n",
        M, K, N, st.compute.size(), static_cast<unsigned long long>(st.device_cycles),
        st.device_time_us, 100.0 * fpu, pcc_text);
    CloseDevice(device);

    if (!check) {
        std::printf("PASS (timing mode: results not checked)\n");
        return 0;
    }
    bool pass = p > 0.999;
    std::printf("%s\n", pass ? "PASS" : "FAIL");
    return pass ? 0 : 1;
}
