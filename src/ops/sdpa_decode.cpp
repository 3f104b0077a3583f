// tensim::ops::sdpa_decode: the planner (TT-NN's core allocation and chunking rules of
// sdpa_decode_program_factory.cpp) and the program of kernels/sdpa_decode/.
#include "tensim/ops/sdpa_decode.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "ops/matmul_internal.hpp"
#include "tensim/host/device.hpp"
#include "tensim/host/program.hpp"
#include "tensim/host/tensim.hpp"

namespace tensim::ops {

using namespace tt::tt_metal;

namespace {

const std::string kDir = "kernels/sdpa_decode/";
constexpr uint32_t kStatTile = 2048;  // bf16 statistics and intermediates (TT-NN: Float16_b)

[[noreturn]] void fail(const std::string& what) {
    throw std::invalid_argument("sdpa_decode: " + what);
}

uint16_t bf16_bits(float f) {
    const uint32_t u = std::bit_cast<uint32_t>(f);
    return uint16_t((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}

// Which chunks of one (user, head) core `core_num` of `cph` takes: [start, end). Core 0 (the
// reducer) takes the last chunks, so the masked chunk is always on the reducer (TT-NN's
// get_runtime_args).
std::pair<uint32_t, uint32_t> chunk_share(uint32_t chunks, uint32_t core_num, uint32_t cph) {
    if (chunks < cph) {
        if (core_num >= chunks) return {0, 0};
        return {chunks - core_num - 1, chunks - core_num};
    }
    const uint32_t per = chunks / cph, res = chunks % cph, rev = cph - core_num - 1;
    const uint32_t start = rev * per + std::min(res, rev);
    return {start, start + per + (rev < res ? 1 : 0)};
}

}  // namespace

std::string SdpaDecodePlan::describe() const {
    return fmt::format(
        "sdpa_decode{} {} users x {} KV heads ({} Q heads, head_dim {}), S {}: {} cores "
        "({} per user, {} per head, {} heads per core), k_chunk {} rows, scale {:.4g}",
        paged ? " paged" : "", users, n_kv_heads, n_q_heads, head_dim, cache_rows, num_active_cores,
        cores_per_batch, cores_per_head, heads_per_core, k_chunk_tiles * 32, scale);
}

SdpaDecodePlan plan_sdpa_decode(IDevice* device, const Shape& q, const Shape& k,
                                const std::vector<uint32_t>& cur_pos, const SdpaDecodeConfig& cfg) {
    const detail::DeviceFacts f = detail::device_facts(device);
    SdpaDecodePlan p;
    p.users = q.batch;
    p.n_q_heads = q.rows;
    p.head_dim = q.cols;
    if (p.head_dim % 32 || k.cols != p.head_dim)
        fail(fmt::format("head_dim must be a multiple of 32 and the same in Q ({}) and K ({})",
                         q.cols, k.cols));
    if (p.n_q_heads == 0 || p.n_q_heads > 32)
        fail(fmt::format("{} Q heads; one Q tile holds 1..32", p.n_q_heads));
    if (k.rows % 32) fail(fmt::format("cache rows per head ({}) must be a multiple of 32", k.rows));
    p.paged = !cfg.page_table.empty();
    if (p.paged) {
        if (cfg.n_kv_heads == 0) fail("a paged cache needs config.n_kv_heads");
        p.n_kv_heads = cfg.n_kv_heads;
        if (cfg.page_table.size() != p.users)
            fail(
                fmt::format("page table has {} rows for {} users", cfg.page_table.size(), p.users));
        if (k.batch % p.n_kv_heads) fail("cache batch is not blocks x KV heads");
        const uint32_t blocks = k.batch / p.n_kv_heads;
        p.block_tiles = k.rows / 32;
        p.cache_rows = uint32_t(cfg.page_table[0].size()) * k.rows;
        for (const auto& row : cfg.page_table) {
            if (row.size() != cfg.page_table[0].size()) fail("page table rows differ in length");
            for (uint32_t b : row)
                if (b >= blocks) fail(fmt::format("page table names block {} of {}", b, blocks));
        }
    } else {
        if (cfg.n_kv_heads)
            p.n_kv_heads = cfg.n_kv_heads;
        else if (k.batch % p.users == 0)
            p.n_kv_heads = k.batch / p.users;
        if (p.n_kv_heads == 0 || k.batch != p.users * p.n_kv_heads)
            fail(fmt::format("K batch {} is not {} users x KV heads", k.batch, p.users));
        p.cache_rows = k.rows;
    }
    if (p.n_q_heads % p.n_kv_heads)
        fail(fmt::format("{} Q heads do not divide into {} KV heads", p.n_q_heads, p.n_kv_heads));
    if (cur_pos.size() != p.users)
        fail(fmt::format("{} cur_pos values for {} users", cur_pos.size(), p.users));
    const uint32_t max_pos = *std::max_element(cur_pos.begin(), cur_pos.end());
    if (max_pos >= p.cache_rows)
        fail(fmt::format("cur_pos {} is beyond the cache ({} rows)", max_pos, p.cache_rows));

    p.grid_x = cfg.grid_x ? cfg.grid_x : f.grid_x;
    p.grid_y = cfg.grid_y ? cfg.grid_y : f.grid_y;
    if (p.grid_x > f.grid_x || p.grid_y > f.grid_y)
        fail(fmt::format("grid {}x{} exceeds the device's {}x{}", p.grid_x, p.grid_y, f.grid_x,
                         f.grid_y));
    const uint32_t n = p.grid_x * p.grid_y;
    if (n < p.users) fail(fmt::format("{} cores for {} users; each user needs one", n, p.users));
    const uint32_t max_cph = std::max(1u, cfg.max_cores_per_head_batch);
    p.cores_per_batch = std::min(n, max_cph * p.users * p.n_kv_heads) / p.users;
    p.cores_per_head = std::max(1u, p.cores_per_batch / p.n_kv_heads);
    // ceil(heads / cores), raised to a divisor of the head count so every core gets whole heads.
    p.heads_per_core = detail::div_up(p.n_kv_heads, p.cores_per_batch);
    while (p.n_kv_heads % p.heads_per_core) ++p.heads_per_core;
    p.num_active_cores = p.users * p.cores_per_head * p.n_kv_heads / p.heads_per_core;
    p.why = fmt::format("{} cores / {} users = {} cores per user (at most {} per head); ", n,
                        p.users, p.cores_per_batch, max_cph);
    p.why += p.cores_per_head > 1
                 ? fmt::format("{} cores split each KV head's sequence, reduced on the first; ",
                               p.cores_per_head)
                 : fmt::format("{} KV heads per core, no reduction; ", p.heads_per_core);

    const uint32_t St = p.cache_rows / 32;
    if (cfg.k_chunk_size) {
        if (cfg.k_chunk_size % 32 || St % (cfg.k_chunk_size / 32))
            fail(fmt::format("k_chunk_size {} must be a multiple of 32 dividing the cache ({})",
                             cfg.k_chunk_size, p.cache_rows));
        p.k_chunk_tiles = cfg.k_chunk_size / 32;
        p.why += "k_chunk as given";
    } else {
        p.k_chunk_tiles = std::min(8u, std::bit_ceil(max_pos / 32 + 1));
        while (St % p.k_chunk_tiles) p.k_chunk_tiles /= 2;
        p.why += fmt::format(
            "k_chunk {} tiles: cur_pos's tiles to a power of two, at most 8 (TT-NN's dynamic "
            "chunk){}",
            p.k_chunk_tiles, p.paged ? "" : ", dividing the cache");
    }
    p.scale = cfg.scale.value_or(1.0f / std::sqrt(float(p.head_dim)));
    p.math_fidelity = cfg.math_fidelity;
    p.fp32_dest_acc = cfg.fp32_dest_acc;
    p.exp_approx = cfg.exp_approx;

    const uint64_t DHt = p.head_dim / 32, Sk = p.k_chunk_tiles;
    const uint64_t kv_tile =
        1088;  // bfloat8_b bounds the budget from below; bf16 K/V checked at run
    p.l1_bytes_per_core = DHt * 2048 + 4 * Sk * DHt * kv_tile + Sk * kStatTile /*mask*/ +
                          Sk * kStatTile /*QK*/ + 12 * kStatTile /*statistics, scratch*/ +
                          4 * DHt * kStatTile /*O in/out, P V, accumulator*/ +
                          DHt * kStatTile /*output*/ +
                          (p.cores_per_head - 1) * (DHt + 2) * kStatTile /*partials*/;
    if (p.l1_bytes_per_core > f.l1_free)
        fail(fmt::format("needs {} B of L1 per core, {} B free", p.l1_bytes_per_core, f.l1_free));
    return p;
}

Tensor sdpa_decode(const Tensor& q, const Tensor& k, const Tensor& v,
                   const std::vector<uint32_t>& cur_pos, const SdpaDecodeConfig& cfg,
                   SdpaDecodePlan* plan_out) {
    if (!q.is_allocated() || !k.is_allocated() || !v.is_allocated())
        fail("an input holds no buffer");
    IDevice* dev = q.device();
    if (k.shape() != v.shape()) fail("K and V differ in shape");
    if (q.dtype() != DType::bfloat16) fail("Q must be bfloat16");
    for (const Tensor* t : {&q, &k, &v})
        if (t->memory_config().is_sharded() || !t->memory_config().is_dram())
            fail("Q, K and V must be DRAM interleaved");
    if (cfg.out_mem.is_sharded() || !cfg.out_mem.is_dram())
        fail("the output must be DRAM interleaved");
    const SdpaDecodePlan p = plan_sdpa_decode(dev, q.shape(), k.shape(), cur_pos, cfg);
    Tensor out = Tensor::allocate(dev, q.shape(), DType::bfloat16, cfg.out_mem);

    // Constant tiles (writer_decode_all.cpp): ones, then "first c columns 0, rest -inf".
    std::vector<float> consts(34 * 1024, 1.0f);
    for (uint32_t c = 0; c <= 32; ++c)
        for (uint32_t r = 0; r < 32; ++r)
            for (uint32_t j = 0; j < 32; ++j)
                consts[(1 + c) * 1024 + r * 32 + j] =
                    j < c ? 0.0f : -std::numeric_limits<float>::infinity();
    Tensor const_tiles = Tensor::from_host(dev, consts, {34, 32, 32}, DType::bfloat16);

    const uint32_t DHt = p.head_dim / 32, Sk = p.k_chunk_tiles, cph = p.cores_per_head;
    const uint32_t per_user = p.cores_per_head * p.n_kv_heads / p.heads_per_core;
    std::vector<CoreCoord> cores;
    for (uint32_t i = 0; i < p.num_active_cores; ++i) cores.push_back({i % p.grid_x, i / p.grid_x});
    std::vector<CoreRange> ranges(cores.begin(), cores.end());
    const CoreRangeSet all(ranges);

    Program program = CreateProgram();
    auto cb = [&](uint32_t idx, uint32_t tiles, DType d) {
        const uint32_t tb = tile_bytes(d);
        CreateCircularBuffer(
            program, all,
            CircularBufferConfig(tiles * tb, {{idx, data_format(d)}}).set_page_size(idx, tb));
    };
    const DType bf = DType::bfloat16;
    cb(0, DHt, bf);
    cb(1, 2 * Sk * DHt, k.dtype());
    cb(2, 2 * Sk * DHt, v.dtype());
    cb(3, Sk, bf);
    cb(5, 1, bf);
    for (uint32_t i : {6u, 7u, 17u, 18u, 21u, 22u, 23u, 27u, 28u, 29u, 30u, 31u}) cb(i, 1, bf);
    for (uint32_t i : {16u, 20u, 25u, 26u}) cb(i, DHt, bf);
    cb(24, Sk, bf);
    if (cph > 1) cb(19, (cph - 1) * (DHt + 2), bf);
    const uint32_t sem = CreateSemaphore(program, all, 0);

    std::map<std::string, std::string> defines;
    if (p.exp_approx) defines["EXP_APPROX"] = "1";
    if (p.fp32_dest_acc) defines["FP32_DEST_ACC_EN"] = "1";
    const KernelHandle reader =
        CreateKernel(program, kDir + "reader_decode_all.cpp", all, ReaderDataMovementConfig{});
    const KernelHandle writer =
        CreateKernel(program, kDir + "writer_decode_all.cpp", all, WriterDataMovementConfig{});
    const KernelHandle compute = CreateKernel(program, kDir + "sdpa_flash_decode.cpp", all,
                                              ComputeConfig{.math_fidelity = p.math_fidelity,
                                                            .fp32_dest_acc_en = p.fp32_dest_acc,
                                                            .math_approx_mode = p.exp_approx,
                                                            .defines = defines});

    const uint32_t group_rows = p.n_kv_heads == 1 ? 32 : p.n_q_heads / p.n_kv_heads;
    const uint16_t scale = bf16_bits(p.scale);
    for (uint32_t i = 0; i < p.num_active_cores; ++i) {
        const uint32_t user = i / per_user, j = i % per_user;
        const uint32_t head_group = j / cph, core_num = j % cph;
        const uint32_t head0 = head_group * p.heads_per_core;
        const uint32_t chunks = detail::div_up(cur_pos[user] + 1, Sk * 32);
        const auto [start, end] = chunk_share(chunks, core_num, cph);
        const bool has_data = end > start;
        const bool masked = has_data && end == chunks;
        const bool worker = has_data && core_num > 0;
        const uint32_t partials = core_num == 0 ? std::min(cph, chunks) - 1 : 0;
        const CoreCoord reducer = dev->worker_core_from_logical_core(cores[i - core_num]);

        std::vector<uint32_t> r = {q.buffer().address(),
                                   k.buffer().address(),
                                   v.buffer().address(),
                                   user,
                                   head0,
                                   p.heads_per_core,
                                   start,
                                   end,
                                   DHt,
                                   Sk,
                                   p.paged ? 0 : p.cache_rows / 32,
                                   p.n_kv_heads,
                                   p.block_tiles};
        if (p.paged)
            for (uint32_t b : cfg.page_table[user]) r.push_back(b);
        SetRuntimeArgs(program, reader, cores[i], r);
        SetRuntimeArgs(
            program, writer, cores[i],
            {const_tiles.buffer().address(), out.buffer().address(), user, head0, p.heads_per_core,
             DHt, Sk, uint32_t(has_data), (chunks - 1) * Sk, uint32_t(masked), cur_pos[user],
             uint32_t(worker), core_num > 0 ? core_num - 1 : 0, uint32_t(reducer.x),
             uint32_t(reducer.y), sem, partials, group_rows});
        SetRuntimeArgs(program, compute, cores[i],
                       {DHt, Sk, scale, p.heads_per_core, end - start, uint32_t(masked),
                        uint32_t(worker), partials});
    }
    tensim::set_program_name(program, p.paged ? "paged_scaled_dot_product_attention_decode"
                                              : "scaled_dot_product_attention_decode");
    EnqueueProgram(dev->command_queue(), program, true);
    if (plan_out) *plan_out = p;
    return out;
}

}  // namespace tensim::ops
