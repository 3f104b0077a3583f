// tensim::ops::sdpa (causal prefill): the planner (TT-NN's batch / head / Q-chunk parallel
// factors of sdpa_program_factory.cpp, with the low/high Q-chunk pairing) and the program of
// kernels/sdpa/.
#include "tensim/ops/sdpa.hpp"

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

const std::string kDir = "kernels/sdpa/";

[[noreturn]] void fail(const std::string& what) { throw std::invalid_argument("sdpa: " + what); }

uint16_t bf16_bits(float f) {
    const uint32_t u = std::bit_cast<uint32_t>(f);
    return uint16_t((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}

struct Split {
    uint32_t bpf = 1, hpf = 1, qpf = 1, b_per = 1, h_per = 1, q_per = 1;
};

Split split_of(uint32_t cores, uint32_t batch, uint32_t heads, uint32_t q_chunks) {
    Split s;
    s.bpf = std::min(batch, cores);
    s.hpf = std::min(cores / s.bpf, heads);
    s.qpf = std::min(cores / (s.bpf * s.hpf), q_chunks);
    s.b_per = detail::div_up(batch, s.bpf);
    s.h_per = detail::div_up(heads, s.hpf);
    s.q_per = detail::div_up(q_chunks, s.qpf);
    return s;
}

}  // namespace

std::string SdpaPlan::describe() const {
    return fmt::format(
        "sdpa causal batch {} x {} Q heads ({} KV), S {}, head_dim {}: q_chunk {} k_chunk {} "
        "rows, {} cores x {} items{}",
        batch, n_q_heads, n_kv_heads, seq_len, head_dim, q_chunk_tiles * 32, k_chunk_tiles * 32,
        num_cores, items_per_core, balanced ? ", low/high Q chunks paired" : "");
}

SdpaPlan plan_sdpa(IDevice* device, const Shape& q, const Shape& k, const SdpaConfig& cfg) {
    const detail::DeviceFacts f = detail::device_facts(device);
    SdpaPlan p;
    p.n_q_heads = cfg.n_q_heads ? cfg.n_q_heads : q.batch;
    if (q.batch % p.n_q_heads) fail("q's batch is not batch x n_q_heads");
    p.batch = q.batch / p.n_q_heads;
    p.n_kv_heads = cfg.n_kv_heads ? cfg.n_kv_heads : k.batch / p.batch;
    if (p.n_kv_heads == 0 || k.batch != p.batch * p.n_kv_heads)
        fail(fmt::format("k's batch {} is not batch {} x KV heads", k.batch, p.batch));
    if (p.n_q_heads % p.n_kv_heads)
        fail(fmt::format("{} Q heads do not divide into {} KV heads", p.n_q_heads, p.n_kv_heads));
    p.seq_len = q.rows;
    p.head_dim = q.cols;
    if (k.rows != q.rows || k.cols != q.cols) fail("q and k differ in S or head_dim");
    if (p.seq_len % 32 || p.head_dim % 32) fail("S and head_dim must be multiples of 32");
    const uint32_t dflt = p.seq_len >= 2048 ? 256 : 64;
    const uint32_t qc = cfg.q_chunk_size ? cfg.q_chunk_size : std::min(dflt, p.seq_len);
    const uint32_t kc = cfg.k_chunk_size ? cfg.k_chunk_size : std::min(dflt, p.seq_len);
    if (qc % 32 || kc % 32 || p.seq_len % qc || p.seq_len % kc)
        fail(fmt::format("chunks ({} / {}) must be multiples of 32 dividing S = {}", qc, kc,
                         p.seq_len));
    p.q_chunk_tiles = qc / 32;
    p.k_chunk_tiles = kc / 32;
    p.q_chunks = p.seq_len / qc;
    const uint32_t gx = cfg.grid_x ? cfg.grid_x : f.grid_x, gy = cfg.grid_y ? cfg.grid_y : f.grid_y;
    const Split s = split_of(gx * gy, p.batch, p.n_q_heads, p.q_chunks);
    p.num_cores = s.bpf * s.hpf * s.qpf;
    p.items_per_core = s.b_per * s.h_per * s.q_per;
    p.balanced = s.q_per % 2 == 0 && s.q_per * s.qpf == p.q_chunks;
    p.why = fmt::format(
        "cores over batch ({}), then heads ({}), then Q chunks ({}); {} per core{}; chunks {}",
        s.bpf, s.hpf, s.qpf, p.items_per_core,
        p.balanced ? ", each core's Q chunks half low, half high (causal balance)" : "",
        cfg.q_chunk_size ? "as given" : "256 rows for S >= 2048, else 64 (tt_transformers)");
    p.scale = cfg.scale.value_or(1.0f / std::sqrt(float(p.head_dim)));
    p.math_fidelity = cfg.math_fidelity;
    p.fp32_dest_acc = cfg.fp32_dest_acc;
    p.exp_approx = cfg.exp_approx;
    const uint64_t DHt = p.head_dim / 32, Sq = p.q_chunk_tiles, Sk = p.k_chunk_tiles;
    p.l1_bytes_per_core = 2 * Sq * DHt * 2048 + 4 * Sk * DHt * 2048 + 3 * 2048 + Sq * Sk * 2048 +
                          3 * Sq * DHt * 2048 + 6 * Sq * 2048 + Sq * 2048;
    if (p.l1_bytes_per_core > f.l1_free)
        fail(fmt::format("needs {} B of L1 per core, {} B free", p.l1_bytes_per_core, f.l1_free));
    return p;
}

Tensor sdpa(const Tensor& q, const Tensor& k, const Tensor& v, const SdpaConfig& cfg,
            SdpaPlan* plan_out) {
    IDevice* dev = q.device();
    if (k.shape() != v.shape()) fail("k and v differ in shape");
    for (const Tensor* t : {&q, &k, &v})
        if (t->memory_config().is_sharded() || !t->memory_config().is_dram())
            fail("q, k and v must be DRAM interleaved");
    const SdpaPlan p = plan_sdpa(dev, q.shape(), k.shape(), cfg);
    Tensor out =
        Tensor::allocate(dev, q.shape(), DType::bfloat16, MemoryConfig::dram_interleaved());
    // Constant tiles: ones (reduce scaler), all -inf, the causal diagonal (0 where col <= row).
    std::vector<float> consts(3 * 1024, 1.0f);
    const float ninf = -std::numeric_limits<float>::infinity();
    for (uint32_t r = 0; r < 32; ++r)
        for (uint32_t c = 0; c < 32; ++c) {
            consts[1024 + r * 32 + c] = ninf;
            consts[2048 + r * 32 + c] = c <= r ? 0.0f : ninf;
        }
    Tensor const_tiles = Tensor::from_host(dev, consts, {3, 32, 32}, DType::bfloat16);

    const auto f = detail::device_facts(dev);
    const uint32_t gx = cfg.grid_x ? cfg.grid_x : f.grid_x, gy = cfg.grid_y ? cfg.grid_y : f.grid_y;
    const Split s = split_of(gx * gy, p.batch, p.n_q_heads, p.q_chunks);
    const uint32_t DHt = p.head_dim / 32, Sq = p.q_chunk_tiles, Sk = p.k_chunk_tiles;
    const uint32_t St = p.seq_len / 32;
    std::vector<CoreRange> ranges;
    for (uint32_t i = 0; i < p.num_cores; ++i) ranges.emplace_back(CoreCoord{i % gx, i / gx});
    const CoreRangeSet all(ranges);
    Program program = CreateProgram();
    auto cb = [&](uint32_t idx, uint32_t tiles, DType d) {
        CreateCircularBuffer(program, all,
                             CircularBufferConfig(tiles * tile_bytes(d), {{idx, data_format(d)}})
                                 .set_page_size(idx, tile_bytes(d)));
    };
    const DType bf = DType::bfloat16;
    cb(0, 2 * Sq * DHt, q.dtype());
    cb(1, 2 * Sk * DHt, k.dtype());
    cb(2, 2 * Sk * DHt, v.dtype());
    cb(3, 2, bf);
    cb(5, 1, bf);
    cb(16, Sq * DHt, bf);
    cb(24, Sq * Sk, bf);
    for (uint32_t i : {25u, 26u}) cb(i, Sq * DHt, bf);
    for (uint32_t i : {23u, 27u, 28u, 29u, 30u, 31u}) cb(i, Sq, bf);
    std::map<std::string, std::string> defines;
    if (p.exp_approx) defines["EXP_APPROX"] = "1";
    if (p.fp32_dest_acc) defines["FP32_DEST_ACC_EN"] = "1";
    const KernelHandle reader =
        CreateKernel(program, kDir + "reader_interleaved.cpp", all, ReaderDataMovementConfig{});
    const KernelHandle writer =
        CreateKernel(program, kDir + "writer_interleaved.cpp", all, WriterDataMovementConfig{});
    const KernelHandle compute = CreateKernel(program, kDir + "sdpa.cpp", all,
                                              ComputeConfig{.math_fidelity = p.math_fidelity,
                                                            .fp32_dest_acc_en = p.fp32_dest_acc,
                                                            .math_approx_mode = p.exp_approx,
                                                            .defines = defines});
    const uint16_t scale = bf16_bits(p.scale);
    for (uint32_t i = 0; i < p.num_cores; ++i) {
        const CoreCoord core{i % gx, i / gx};
        const uint32_t qi = i % s.qpf, hi = (i / s.qpf) % s.hpf, bi = i / (s.qpf * s.hpf);
        std::vector<uint32_t> items;  // (batch * heads + head, q chunk) pairs
        for (uint32_t b = bi * s.b_per; b < std::min(p.batch, (bi + 1) * s.b_per); ++b)
            for (uint32_t h = hi * s.h_per; h < std::min(p.n_q_heads, (hi + 1) * s.h_per); ++h)
                for (uint32_t it = 0; it < s.q_per; ++it) {
                    uint32_t chunk = qi * s.q_per + it;
                    if (p.balanced) {  // first half low chunks, second half their mirrors
                        const uint32_t half = s.q_per / 2, lo = qi * half;
                        chunk = it < half ? lo + it : p.q_chunks - 1 - (lo + it - half);
                    }
                    if (chunk >= p.q_chunks) continue;
                    items.push_back(b * p.n_q_heads + h);
                    items.push_back(chunk);
                }
        const uint32_t n = uint32_t(items.size() / 2);
        std::vector<uint32_t> r = {q.buffer().address(),
                                   k.buffer().address(),
                                   v.buffer().address(),
                                   St,
                                   DHt,
                                   Sq,
                                   Sk,
                                   p.n_q_heads,
                                   p.n_kv_heads,
                                   n};
        r.insert(r.end(), items.begin(), items.end());
        SetRuntimeArgs(program, reader, core, r);
        std::vector<uint32_t> w = {
            const_tiles.buffer().address(), out.buffer().address(), St, DHt, Sq, n};
        w.insert(w.end(), items.begin(), items.end());
        SetRuntimeArgs(program, writer, core, w);
        std::vector<uint32_t> c = {DHt, Sq, Sk, scale, n};
        for (uint32_t j = 0; j < n; ++j) c.push_back(items[2 * j + 1]);
        SetRuntimeArgs(program, compute, core, c);
    }
    tensim::set_program_name(program, "scaled_dot_product_attention");
    EnqueueProgram(dev->command_queue(), program, true);
    if (plan_out) *plan_out = p;
    return out;
}

}  // namespace tensim::ops
