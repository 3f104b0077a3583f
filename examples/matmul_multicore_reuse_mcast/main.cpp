// matmul_multicore_reuse_mcast: C = A x B (bf16), blocked as in matmul_multicore_reuse, on a
// num_blocks_y x num_blocks_x rectangle of cores, but each in0 block is read from DRAM only by the
// left core of its row and multicast along the row, and each in1 block only by the top core of its
// column and multicast down the column. Four semaphores pace it: a receiver increments its
// sender's "sender" semaphore when its CB has room, the sender multicasts the block and then VALID
// into the receivers' "receiver" semaphore. Checked against an fp64 host matmul.
//   matmul_multicore_reuse_mcast [--m M --k K --n N]
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>
#include <tt-metalium/bfloat16.hpp>
#include <tt-metalium/constants.hpp>
#include <tt-metalium/host_api.hpp>
#include <tt-metalium/tilize_utils.hpp>
#include <tt-metalium/work_split.hpp>
#include <tuple>
#include <vector>

using namespace tt;
using namespace tt::constants;
using namespace tt::tt_metal;

namespace {

// Block-size selection of TT-Metal's programming_examples/matmul_common/bmm_op.hpp.
namespace bmm_op_utils {

constexpr std::array<std::tuple<uint32_t, uint32_t>, 20> SUBBLOCK_HW_CHOICES = {{
    {4, 2}, {2, 4}, {8, 1}, {1, 8}, {7, 1}, {1, 7}, {3, 2}, {2, 3}, {6, 1}, {1, 6},
    {5, 1}, {1, 5}, {2, 2}, {4, 1}, {1, 4}, {3, 1}, {1, 3}, {2, 1}, {1, 2}, {1, 1},
}};

std::vector<int> prime_factors(int n) {
    int i = 2;
    std::vector<int> prime_factors;
    while (i * i <= n) {
        if (n % i != 0) {
            i++;
        } else {
            n /= i;
            prime_factors.push_back(i);
        }
    }
    if (n > 1) prime_factors.push_back(n);
    return prime_factors;
}

std::vector<int> get_possible_products(std::vector<int> factors) {
    if (factors.empty()) return {1};
    std::vector<int> products;
    for (int& fac : factors) {
        std::vector<int> new_products;
        if (!std::count(products.begin(), products.end(), fac)) new_products.push_back(fac);
        for (int& prod : products) {
            if (!std::count(products.begin(), products.end(), fac * prod))
                new_products.push_back(fac * prod);
        }
        products.insert(products.end(), new_products.begin(), new_products.end());
    }
    std::sort(products.begin(), products.end());
    return products;
}

int get_maximum_block_dim(int block_dim, int in0_block_w) {
    int other_dim = (400 - 2 * in0_block_w * block_dim) / (2 * in0_block_w + block_dim);
    return other_dim > 0 ? other_dim : 0;
}

// {per_core_M, per_core_N, out_subblock_h, out_subblock_w}, or zeros if no blocking fits the grid.
std::tuple<uint32_t, uint32_t, uint32_t, uint32_t> get_large_matmul_params(uint32_t Mt, uint32_t Nt,
                                                                           uint32_t num_cores_y,
                                                                           uint32_t num_cores_x,
                                                                           uint32_t in0_block_w) {
    auto Nt_fac = prime_factors(Nt);
    auto Mt_fac = prime_factors(Mt);
    uint32_t Npc_min = 1;
    uint32_t Mpc_min = 1;

    for (auto it = Nt_fac.begin(); it != Nt_fac.end();) {
        if (uint32_t(*it) >= num_cores_x) {
            Npc_min *= *it;
            it = Nt_fac.erase(it);
        } else {
            ++it;
        }
    }
    for (auto it = Mt_fac.begin(); it != Mt_fac.end();) {
        if (uint32_t(*it) >= num_cores_y) {
            Mpc_min *= *it;
            it = Mt_fac.erase(it);
        } else {
            ++it;
        }
    }

    if (int(Npc_min) > get_maximum_block_dim(Mpc_min, in0_block_w)) return {0, 0, 0, 0};

    uint32_t Mpc = Mpc_min;
    uint32_t Npc = Npc_min;
    if (Mpc_min > 1) {
        auto Npc_choices = get_possible_products(Nt_fac);
        auto Npc_max = get_maximum_block_dim(Mpc_min, in0_block_w);
        for (auto& ele : Npc_choices) {
            if (ele * int(Npc_min) <= Npc_max)
                Npc = ele * Npc_min;
            else
                break;
        }
        if (Mt / Mpc > num_cores_y || Nt / Npc > num_cores_x) return {0, 0, 0, 0};
        for (auto& [subblock_h, subblock_w] : SUBBLOCK_HW_CHOICES)
            if (Mpc % subblock_h == 0 && Npc % subblock_w == 0)
                return {Mpc, Npc, subblock_h, subblock_w};
    } else if (Npc_min > 1) {
        auto Mpc_choices = get_possible_products(Mt_fac);
        auto Mpc_max = get_maximum_block_dim(Npc_min, in0_block_w);
        for (auto& ele : Mpc_choices) {
            if (ele * int(Mpc_min) <= Mpc_max)
                Mpc = ele * Mpc_min;
            else
                break;
        }
        if (Mt / Mpc > num_cores_y || Nt / Npc > num_cores_x) return {0, 0, 0, 0};
        for (auto& [subblock_h, subblock_w] : SUBBLOCK_HW_CHOICES)
            if (Mpc % subblock_h == 0 && Npc % subblock_w == 0)
                return {Mpc, Npc, subblock_h, subblock_w};
    } else {
        auto Mpc_choices = get_possible_products(Mt_fac);
        auto Npc_choices = get_possible_products(Nt_fac);
        for (auto& Npc : Npc_choices) {
            auto Mpc_max = get_maximum_block_dim(Npc, in0_block_w);
            for (auto& Mpc : Mpc_choices) {
                if (Mpc > Mpc_max) break;
                if (Mt / Mpc > num_cores_y || Nt / Npc > num_cores_x) continue;
                for (auto& [subblock_h, subblock_w] : SUBBLOCK_HW_CHOICES)
                    if (Mpc % subblock_h == 0 && Npc % subblock_w == 0)
                        return {uint32_t(Mpc), uint32_t(Npc), subblock_h, subblock_w};
            }
        }
    }
    return {0, 0, 0, 0};
}

}  // namespace bmm_op_utils

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

// Returns the blocking it chose, for the result line.
std::string matmul_multicore_reuse_mcast(const std::vector<bfloat16>& a,
                                         const std::vector<bfloat16>& b,
                                         std::vector<bfloat16>& output, bool bcast_batch,
                                         uint32_t M, uint32_t N, uint32_t K, uint32_t B,
                                         IDevice* device) {
    CommandQueue& cq = device->command_queue();
    Program program = CreateProgram();

    tt::DataFormat cb_data_format = tt::DataFormat::Float16_b;
    MathFidelity math_fidelity = MathFidelity::HiFi4;
    uint32_t single_tile_size = detail::TileSize(cb_data_format);

    auto compute_with_storage_grid_size = device->compute_with_storage_grid_size();
    uint32_t num_cores_x = compute_with_storage_grid_size.x;
    uint32_t num_cores_y = compute_with_storage_grid_size.y;

    uint32_t Mt = M / TILE_HEIGHT;
    uint32_t Kt = K / TILE_WIDTH;
    uint32_t Nt = N / TILE_WIDTH;

    // Get large matmul params
    uint32_t in0_block_w = 2;
    auto [per_core_M, per_core_N, out_subblock_h, out_subblock_w] =
        bmm_op_utils::get_large_matmul_params(Mt, Nt, num_cores_y, num_cores_x, in0_block_w);
    if (per_core_M == 0 || Mt % per_core_M != 0 || Nt % per_core_N != 0 || Kt % in0_block_w != 0)
        throw std::runtime_error("no blocking of this matmul fits the core grid");

    uint32_t in0_block_tiles = per_core_M * in0_block_w;
    uint32_t in0_CB_tiles = in0_block_tiles * 2;  // double buffer
    uint32_t in0_CB_size = in0_CB_tiles * single_tile_size;
    uint32_t in1_block_tiles = per_core_N * in0_block_w;
    uint32_t in1_CB_tiles = in1_block_tiles * 2;  // double buffer
    uint32_t in1_CB_size = in1_CB_tiles * single_tile_size;
    uint32_t out_block_tiles = per_core_M * per_core_N;
    uint32_t out_CB_tiles = out_block_tiles;  // No double buffer
    uint32_t out_CB_size = out_CB_tiles * single_tile_size;

    // Compute kernel compile time args
    uint32_t num_blocks_y = Mt / per_core_M;
    uint32_t num_blocks_x = Nt / per_core_N;

    uint32_t in0_num_subblocks = (per_core_M / out_subblock_h);
    uint32_t in0_block_num_tiles = out_subblock_h * in0_block_w * in0_num_subblocks;
    uint32_t in0_subblock_num_tiles = out_subblock_h * in0_block_w;

    uint32_t in1_num_subblocks = (per_core_N / out_subblock_w);
    uint32_t in1_block_num_tiles = out_subblock_w * in0_block_w * in1_num_subblocks;
    uint32_t in1_per_core_w = out_subblock_w * in1_num_subblocks;

    uint32_t out_subblock_num_tiles = out_subblock_h * out_subblock_w;

    std::vector<uint32_t> compute_kernel_args = {
        in0_block_w,             // in0_block_w
        in0_num_subblocks,       // in0_num_subblocks
        in0_block_num_tiles,     // in0_block_num_tiles
        in0_subblock_num_tiles,  // in0_subblock_num_tiles

        in1_num_subblocks,    // in1_num_subblocks
        in1_block_num_tiles,  // in1_block_num_tiles
        in1_per_core_w,       // in1_per_core_w

        Kt / in0_block_w,  // num_blocks

        out_subblock_h,          // out_subblock_h
        out_subblock_w,          // out_subblock_w
        out_subblock_num_tiles,  // out_subblock_num_tiles
        B                        // batch
    };

    /*
     * Multi-Core prep: one core per output block; the left column sends in0, the top row sends in1.
     */
    uint32_t num_cores_c = num_blocks_x;
    uint32_t num_cores_r = num_blocks_y;
    if (num_cores_c < 2 || num_cores_r < 2)
        throw std::runtime_error(
            "the multicast program needs at least 2x2 output blocks (a sender and a receiver "
            "in each row and column)");
    uint32_t start_core_x = 0;
    uint32_t start_core_y = 0;

    CoreRange all_cores({start_core_x, start_core_y},
                        {start_core_x + num_cores_c - 1, start_core_y + num_cores_r - 1});
    CoreRange left_column({start_core_x, start_core_y},
                          {start_core_x, start_core_y + num_cores_r - 1});
    CoreRange all_except_left_column(
        {start_core_x + 1, start_core_y},
        {start_core_x + num_cores_c - 1, start_core_y + num_cores_r - 1});
    CoreRange in0_sender_in1_sender({start_core_x, start_core_y}, {start_core_x, start_core_y});
    CoreRange in0_sender_in1_receiver({start_core_x, start_core_y + 1},
                                      {start_core_x, start_core_y + num_cores_r - 1});
    CoreRange in0_receiver_in1_sender({start_core_x + 1, start_core_y},
                                      {start_core_x + num_cores_c - 1, start_core_y});
    CoreRange in0_receiver_in1_receiver(
        {start_core_x + 1, start_core_y + 1},
        {start_core_x + num_cores_c - 1, start_core_y + num_cores_r - 1});

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
    CircularBufferConfig cb_src0_config =
        CircularBufferConfig(in0_CB_size, {{src0_cb_index, cb_data_format}})
            .set_page_size(src0_cb_index, single_tile_size);
    CreateCircularBuffer(program, all_cores, cb_src0_config);

    uint32_t src1_cb_index = CBIndex::c_1;
    CircularBufferConfig cb_src1_config =
        CircularBufferConfig(in1_CB_size, {{src1_cb_index, cb_data_format}})
            .set_page_size(src1_cb_index, single_tile_size);
    CreateCircularBuffer(program, all_cores, cb_src1_config);

    // The intermediate (partial sums) and the output share one region of L1.
    uint32_t output_cb_index = CBIndex::c_16;
    uint32_t interm0_cb_index = CBIndex::c_24;
    std::map<uint8_t, tt::DataFormat> output_cb_data_format_spec{
        {output_cb_index, cb_data_format}, {interm0_cb_index, cb_data_format}};
    CircularBufferConfig cb_output_config =
        CircularBufferConfig(out_CB_size, output_cb_data_format_spec)
            .set_page_size(output_cb_index, single_tile_size)
            .set_page_size(interm0_cb_index, single_tile_size);
    CreateCircularBuffer(program, all_cores, cb_output_config);

    bool src0_is_dram = src0_dram_buffer->buffer_type() == BufferType::DRAM;
    bool src1_is_dram = src1_dram_buffer->buffer_type() == BufferType::DRAM;
    std::vector<uint32_t> reader_compile_time_args = {(uint32_t)src0_is_dram,
                                                      (uint32_t)src1_is_dram};
    bool dst_is_dram = dst_dram_buffer->buffer_type() == BufferType::DRAM;
    std::vector<uint32_t> writer_compile_time_args = {(uint32_t)dst_is_dram};

    // Create reader and writer kernels per core group: readers on NCRISC over NOC 0, writers on
    // BRISC over NOC 1.
    const std::string dir = "examples/matmul_multicore_reuse_mcast/kernels/";
    auto mm_reader_kernel_in0_sender_in1_sender_id = CreateKernel(
        program, dir + "reader_bmm_tile_layout_in0_sender_in1_sender.cpp", in0_sender_in1_sender,
        DataMovementConfig{.processor = DataMovementProcessor::RISCV_1,
                           .noc = NOC::RISCV_0_default,
                           .compile_args = reader_compile_time_args});
    auto mm_reader_kernel_in0_sender_in1_receiver_id =
        CreateKernel(program, dir + "reader_bmm_tile_layout_in0_sender_in1_receiver.cpp",
                     in0_sender_in1_receiver,
                     DataMovementConfig{.processor = DataMovementProcessor::RISCV_1,
                                        .noc = NOC::RISCV_0_default,
                                        .compile_args = reader_compile_time_args});
    auto mm_reader_kernel_in0_receiver_in1_sender_id =
        CreateKernel(program, dir + "reader_bmm_tile_layout_in0_receiver_in1_sender.cpp",
                     in0_receiver_in1_sender,
                     DataMovementConfig{.processor = DataMovementProcessor::RISCV_1,
                                        .noc = NOC::RISCV_0_default,
                                        .compile_args = reader_compile_time_args});
    auto mm_reader_kernel_in0_receiver_in1_receiver_id =
        CreateKernel(program, dir + "reader_bmm_tile_layout_in0_receiver_in1_receiver.cpp",
                     in0_receiver_in1_receiver,
                     DataMovementConfig{.processor = DataMovementProcessor::RISCV_1,
                                        .noc = NOC::RISCV_0_default,
                                        .compile_args = reader_compile_time_args});
    auto unary_writer_kernel_noc0_id =
        CreateKernel(program, dir + "writer_bmm_tile_layout.cpp", all_except_left_column,
                     DataMovementConfig{.processor = DataMovementProcessor::RISCV_0,
                                        .noc = NOC::RISCV_1_default,
                                        .compile_args = writer_compile_time_args});
    auto unary_writer_kernel_noc1_id =
        CreateKernel(program, dir + "writer_bmm_tile_layout.cpp", left_column,
                     DataMovementConfig{.processor = DataMovementProcessor::RISCV_0,
                                        .noc = NOC::RISCV_1_default,
                                        .compile_args = writer_compile_time_args});
    CreateKernel(
        program, dir + "bmm_large_block_zm.cpp", all_cores,
        ComputeConfig{.math_fidelity = math_fidelity, .compile_args = compute_kernel_args});

    // Semaphores: each sender counts its receivers' "ready" increments in its sender semaphore, and
    // multicasts VALID into the receivers' receiver semaphore behind the data.
    auto in0_mcast_sender_semaphore_id = CreateSemaphore(program, all_cores, INVALID);
    auto in0_mcast_receiver_semaphore_id = CreateSemaphore(program, all_cores, INVALID);
    auto in1_mcast_sender_semaphore_id = CreateSemaphore(program, all_cores, INVALID);
    auto in1_mcast_receiver_semaphore_id = CreateSemaphore(program, all_cores, INVALID);

    for (uint32_t core_idx_y = 0; core_idx_y < num_cores_r; core_idx_y++) {
        for (uint32_t core_idx_x = 0; core_idx_x < num_cores_c; core_idx_x++) {
            CoreCoord core = {start_core_x + core_idx_x, start_core_y + core_idx_y};

            CoreCoord left_core = {start_core_x, core.y};
            CoreCoord left_core_plus_one = {start_core_x + 1, core.y};
            CoreCoord right_core = {start_core_x + num_cores_c - 1, core.y};
            CoreCoord top_core = {core.x, start_core_y};
            CoreCoord top_core_plus_one = {core.x, start_core_y + 1};
            CoreCoord bottom_core = {core.x, start_core_y + num_cores_r - 1};

            auto left_core_physical = device->worker_core_from_logical_core(left_core);
            auto left_core_plus_one_physical =
                device->worker_core_from_logical_core(left_core_plus_one);
            auto right_core_physical = device->worker_core_from_logical_core(right_core);
            auto top_core_physical = device->worker_core_from_logical_core(top_core);
            auto top_core_plus_one_physical =
                device->worker_core_from_logical_core(top_core_plus_one);
            auto bottom_core_physical = device->worker_core_from_logical_core(bottom_core);

            std::vector<uint32_t> mm_reader_args = {
                (std::uint32_t)src0_dram_buffer->address(),   // in0_buffer_addr
                (std::uint32_t)Kt * per_core_M * core_idx_y,  // in0_buffer_start_tile_id
                (std::uint32_t)1,                             // in0_buffer_stride_w
                (std::uint32_t)Kt,                            // in0_buffer_stride_h
                (std::uint32_t)in0_block_w,                   // in0_buffer_next_block_stride

                (std::uint32_t)in0_block_w,               // in0_block_w
                (std::uint32_t)per_core_M,                // in0_block_h
                (std::uint32_t)in0_block_w * per_core_M,  // in0_block_num_tiles

                (std::uint32_t)src1_dram_buffer->address(),  // in1_buffer_addr
                (std::uint32_t)per_core_N * core_idx_x,      // in1_buffer_start_tile_id
                (std::uint32_t)1,                            // in1_buffer_stride_w
                (std::uint32_t)Nt,                           // in1_buffer_stride_h
                (std::uint32_t)in0_block_w * Nt,             // in1_buffer_next_block_stride

                (std::uint32_t)per_core_N,                // in1_block_w
                (std::uint32_t)in0_block_w,               // in1_block_h
                (std::uint32_t)per_core_N * in0_block_w,  // in1_block_num_tiles

                (std::uint32_t)Kt / in0_block_w,  // num_blocks

                (std::uint32_t)right_core_physical.x,          // in0_mcast_dest_noc_start_x
                (std::uint32_t)right_core_physical.y,          // in0_mcast_dest_noc_start_y
                (std::uint32_t)left_core_plus_one_physical.x,  // in0_mcast_dest_noc_end_x
                (std::uint32_t)left_core_plus_one_physical.y,  // in0_mcast_dest_noc_end_y
                (std::uint32_t)(num_cores_c - 1),              // in0_mcast_num_dests
                (std::uint32_t)left_core_physical.x,           // in0_mcast_sender_noc_x
                (std::uint32_t)left_core_physical.y,           // in0_mcast_sender_noc_y
                (std::uint32_t)in0_mcast_sender_semaphore_id,
                (std::uint32_t)in0_mcast_receiver_semaphore_id,

                (std::uint32_t)bottom_core_physical.x,        // in1_mcast_dest_noc_start_x
                (std::uint32_t)bottom_core_physical.y,        // in1_mcast_dest_noc_start_y
                (std::uint32_t)top_core_plus_one_physical.x,  // in1_mcast_dest_noc_end_x
                (std::uint32_t)top_core_plus_one_physical.y,  // in1_mcast_dest_noc_end_y
                (std::uint32_t)(num_cores_r - 1),             // in1_mcast_num_dests
                (std::uint32_t)top_core_physical.x,           // in1_mcast_sender_noc_x
                (std::uint32_t)top_core_physical.y,           // in1_mcast_sender_noc_y
                (std::uint32_t)in1_mcast_sender_semaphore_id,
                (std::uint32_t)in1_mcast_receiver_semaphore_id,

                (std::uint32_t)Mt * Kt,     // MtKt
                (std::uint32_t)Kt * Nt,     // KtNt
                (std::uint32_t)B,           // batch
                (std::uint32_t)bcast_batch  // bcast_B
            };

            std::vector<uint32_t> writer_args = {
                (std::uint32_t)dst_dram_buffer->address(),  // out_buffer_addr
                (std::uint32_t)core_idx_x * per_core_N +
                    core_idx_y * per_core_M * Nt,    // out_buffer_start_tile_id
                (std::uint32_t)1,                    // out_buffer_stride_w
                (std::uint32_t)Nt,                   // out_buffer_stride_h
                (std::uint32_t)out_subblock_w,       // out_buffer_next_subblock_stride_w
                (std::uint32_t)out_subblock_h * Nt,  // out_buffer_next_subblock_stride_h

                (std::uint32_t)out_subblock_w,  // out_subblock_w
                (std::uint32_t)out_subblock_h,  // out_subblock_h
                (std::uint32_t)(out_subblock_w *
                                out_subblock_h),               // out_subblocks_w * out_subblocks_h
                (std::uint32_t)(per_core_N / out_subblock_w),  // out_num_subblocks_w
                (std::uint32_t)(per_core_M / out_subblock_h),  // out_num_subblocks_h

                (std::uint32_t)Mt * Nt,  // MtNt
                (std::uint32_t)B         // batch
            };

            if (core_idx_x == 0 && core_idx_y == 0) {
                SetRuntimeArgs(program, mm_reader_kernel_in0_sender_in1_sender_id, core,
                               mm_reader_args);
                SetRuntimeArgs(program, unary_writer_kernel_noc1_id, core, writer_args);
            } else if (core_idx_x == 0 && core_idx_y != 0) {
                SetRuntimeArgs(program, mm_reader_kernel_in0_sender_in1_receiver_id, core,
                               mm_reader_args);
                SetRuntimeArgs(program, unary_writer_kernel_noc1_id, core, writer_args);
            } else if (core_idx_x != 0 && core_idx_y == 0) {
                SetRuntimeArgs(program, mm_reader_kernel_in0_receiver_in1_sender_id, core,
                               mm_reader_args);
                SetRuntimeArgs(program, unary_writer_kernel_noc0_id, core, writer_args);
            } else {
                SetRuntimeArgs(program, mm_reader_kernel_in0_receiver_in1_receiver_id, core,
                               mm_reader_args);
                SetRuntimeArgs(program, unary_writer_kernel_noc0_id, core, writer_args);
            }
        }
    }

    EnqueueWriteBuffer(cq, src0_dram_buffer, a.data(), false);
    EnqueueWriteBuffer(cq, src1_dram_buffer, b.data(), false);
    EnqueueProgram(cq, program, false);
    EnqueueReadBuffer(cq, dst_dram_buffer, output.data(), true);
    char blocking[128];
    std::snprintf(blocking, sizeof blocking,
                  "%ux%u blocks of %ux%u tiles, in0_block_w %u, subblock %ux%u", num_blocks_y,
                  num_blocks_x, per_core_M, per_core_N, in0_block_w, out_subblock_h,
                  out_subblock_w);
    return blocking;
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
    std::string blocking;
    try {
        blocking =
            matmul_multicore_reuse_mcast(src0_vec, src1_vec, result_vec, false, M, N, K, B, device);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "matmul_multicore_reuse_mcast: %s\n", e.what());
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
        "matmul_multicore_reuse_mcast %ux%ux%u bf16 HiFi4 on %zu cores (%s): %llu cycles (%.2f "
        "us), FPU "
        "utilization %.1f%% (mean over cores), PCC %s\n",
        M, K, N, st.compute.size(), blocking.c_str(),
        static_cast<unsigned long long>(st.device_cycles), st.device_time_us, 100.0 * fpu,
        pcc_text);
    CloseDevice(device);

    if (!check) {
        std::printf("PASS (timing mode: results not checked)\n");
        return 0;
    }
    bool pass = p > 0.999;
    std::printf("%s\n", pass ? "PASS" : "FAIL");
    return pass ? 0 : 1;
}
