// tensim::ops head create/concat: each op splits its work (tile rows, users or output tiles)
// evenly over the grid and runs TT-NN's reader/writer kernels of kernels/nlp_heads/.
#include "tensim/ops/nlp_heads.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "ops/matmul_internal.hpp"
#include "tensim/host/device.hpp"
#include "tensim/host/program.hpp"
#include "tensim/host/tensim.hpp"

namespace tensim::ops {

using namespace tt::tt_metal;

namespace {

const std::string kDir = "kernels/nlp_heads/";

[[noreturn]] void fail(const std::string& op, const std::string& what) {
    throw std::invalid_argument(op + ": " + what);
}

// `work` items over the grid: the first cores get ceil(work / cores) each.
struct Spread {
    uint32_t gx = 0, per = 0, cores = 0;
    CoreRangeSet set;
    CoreCoord core(uint32_t i) const { return {i % gx, i / gx}; }
    uint32_t first(uint32_t i) const { return i * per; }
    uint32_t count(uint32_t i, uint32_t work) const { return std::min(per, work - i * per); }
};

Spread spread(IDevice* dev, const HeadsConfig& cfg, uint32_t work, HeadsPlan* plan,
              const char* what) {
    const auto f = detail::device_facts(dev);
    Spread s;
    s.gx = cfg.grid_x ? cfg.grid_x : f.grid_x;
    const uint32_t gy = cfg.grid_y ? cfg.grid_y : f.grid_y;
    s.per = detail::div_up(work, s.gx * gy);
    s.cores = detail::div_up(work, s.per);
    std::vector<CoreRange> r;
    for (uint32_t i = 0; i < s.cores; ++i) r.emplace_back(s.core(i));
    s.set = CoreRangeSet(r);
    if (plan) {
        plan->num_cores = s.cores;
        plan->work_per_core = s.per;
        plan->why = fmt::format("{} {} over {} cores: {} per core", work, what, s.gx * gy, s.per);
    }
    return s;
}

void cb(Program& p, const CoreRangeSet& cores, uint32_t idx, uint32_t tiles, DType d) {
    CreateCircularBuffer(p, cores,
                         CircularBufferConfig(tiles * tile_bytes(d), {{idx, data_format(d)}})
                             .set_page_size(idx, tile_bytes(d)));
}

void check_interleaved(const std::string& op, const Tensor& t) {
    if (t.memory_config().is_sharded() || !t.memory_config().is_dram())
        fail(op, "input must be DRAM interleaved");
}

uint32_t fused_heads(const std::string& op, const Tensor& fused, const HeadsConfig& cfg) {
    check_interleaved(op, fused);
    if (cfg.n_q_heads == 0 || cfg.n_kv_heads == 0 || cfg.head_dim % 32)
        fail(op, "n_q_heads, n_kv_heads and a head_dim multiple of 32 are needed");
    const uint32_t w = (cfg.n_q_heads + 2 * cfg.n_kv_heads) * cfg.head_dim;
    if (fused.shape().cols != w)
        fail(op, fmt::format("fused width {} is not ({} + 2 x {}) x {}", fused.shape().cols,
                             cfg.n_q_heads, cfg.n_kv_heads, cfg.head_dim));
    return w / 32;
}

}  // namespace

std::string HeadsPlan::describe() const {
    return fmt::format("{} cores, {} each", num_cores, work_per_core);
}

QkvHeads nlp_create_qkv_heads(const Tensor& fused, const HeadsConfig& cfg, HeadsPlan* plan) {
    const std::string op = "nlp_create_qkv_heads";
    const uint32_t Wt = fused_heads(op, fused, cfg);
    IDevice* dev = fused.device();
    const Shape& s = fused.shape();
    const uint32_t B = s.batch, St = s.rows_tiles(), DHt = cfg.head_dim / 32;
    const auto mem = MemoryConfig::dram_interleaved();
    QkvHeads out{
        Tensor::allocate(dev, {B * cfg.n_q_heads, s.rows, cfg.head_dim}, fused.dtype(), mem),
        Tensor::allocate(dev, {B * cfg.n_kv_heads, s.rows, cfg.head_dim}, fused.dtype(), mem),
        Tensor::allocate(dev, {B * cfg.n_kv_heads, s.rows, cfg.head_dim}, fused.dtype(), mem)};
    const uint32_t rows = B * St;
    const Spread sp = spread(dev, cfg, rows, plan, "tile rows");
    Program program = CreateProgram();
    cb(program, sp.set, 0, 2 * Wt, fused.dtype());
    const auto r = CreateKernel(program, kDir + "reader_tm_tile_layout_nlp_create_qkv_heads.cpp",
                                sp.set, ReaderDataMovementConfig{});
    const auto w = CreateKernel(program, kDir + "writer_tm_tile_layout_nlp_create_qkv_heads.cpp",
                                sp.set, WriterDataMovementConfig{});
    for (uint32_t i = 0; i < sp.cores; ++i) {
        SetRuntimeArgs(program, r, sp.core(i),
                       {fused.buffer().address(), sp.first(i), sp.count(i, rows), Wt});
        SetRuntimeArgs(
            program, w, sp.core(i),
            {out.q.buffer().address(), out.k.buffer().address(), out.v.buffer().address(),
             sp.first(i), sp.count(i, rows), St, DHt, cfg.n_q_heads, cfg.n_kv_heads});
    }
    tensim::set_program_name(program, op);
    EnqueueProgram(dev->command_queue(), program, true);
    return out;
}

Tensor nlp_concat_heads(const Tensor& heads, uint32_t n_heads, const HeadsConfig& cfg,
                        HeadsPlan* plan) {
    const std::string op = "nlp_concat_heads";
    check_interleaved(op, heads);
    const Shape& s = heads.shape();
    if (n_heads == 0 || s.batch % n_heads)
        fail(op, fmt::format("batch {} is not batch x {} heads", s.batch, n_heads));
    IDevice* dev = heads.device();
    const uint32_t B = s.batch / n_heads, St = s.rows_tiles(), DHt = s.cols_tiles();
    Tensor out = Tensor::allocate(dev, {B, s.rows, n_heads * s.cols}, heads.dtype(),
                                  MemoryConfig::dram_interleaved());
    const uint32_t rows = B * St, Wt = n_heads * DHt;
    const Spread sp = spread(dev, cfg, rows, plan, "tile rows");
    Program program = CreateProgram();
    cb(program, sp.set, 0, 2 * Wt, heads.dtype());
    const auto r = CreateKernel(program, kDir + "reader_tm_tile_layout_nlp_concat_heads.cpp",
                                sp.set, ReaderDataMovementConfig{});
    const auto w = CreateKernel(program, kDir + "writer_unary_interleaved_start_id.cpp", sp.set,
                                WriterDataMovementConfig{});
    for (uint32_t i = 0; i < sp.cores; ++i) {
        const uint32_t n = sp.count(i, rows);
        SetRuntimeArgs(program, r, sp.core(i),
                       {heads.buffer().address(), sp.first(i), n, St, DHt, n_heads});
        SetRuntimeArgs(program, w, sp.core(i),
                       {out.buffer().address(), n * Wt, sp.first(i) * Wt, Wt});
    }
    tensim::set_program_name(program, op);
    EnqueueProgram(dev->command_queue(), program, true);
    return out;
}

QkvHeads nlp_create_qkv_heads_decode(const Tensor& fused, const HeadsConfig& cfg, HeadsPlan* plan) {
    const std::string op = "nlp_create_qkv_heads_decode";
    const uint32_t Wt = fused_heads(op, fused, cfg);
    (void)Wt;
    if (fused.shape().batch != 1) fail(op, "fused input must be [1, users, width]");
    if (fused.dtype() != DType::bfloat16 && fused.dtype() != DType::float32)
        fail(op, "face-line moves need bfloat16 or float32");
    if (cfg.n_q_heads > 32) fail(op, "at most 32 Q heads (one tile of rows)");
    IDevice* dev = fused.device();
    const uint32_t users = fused.shape().rows, DHt = cfg.head_dim / 32;
    const auto mem = MemoryConfig::dram_interleaved();
    QkvHeads out{Tensor::allocate(dev, {users, cfg.n_q_heads, cfg.head_dim}, fused.dtype(), mem),
                 Tensor::allocate(dev, {users, cfg.n_kv_heads, cfg.head_dim}, fused.dtype(), mem),
                 Tensor::allocate(dev, {users, cfg.n_kv_heads, cfg.head_dim}, fused.dtype(), mem)};
    const Spread sp = spread(dev, cfg, users, plan, "users");
    Program program = CreateProgram();
    cb(program, sp.set, 0, 1, fused.dtype());  // only its format: the reader reads lines
    for (uint32_t i : {16u, 17u, 18u}) cb(program, sp.set, i, 2 * DHt, fused.dtype());
    const auto r =
        CreateKernel(program, kDir + "reader_tm_tile_layout_nlp_create_qkv_heads_decode.cpp",
                     sp.set, ReaderDataMovementConfig{});
    const auto w = CreateKernel(program, kDir + "writer_nlp_create_qkv_heads_decode.cpp", sp.set,
                                WriterDataMovementConfig{});
    for (uint32_t i = 0; i < sp.cores; ++i) {
        const uint32_t n = sp.count(i, users);
        SetRuntimeArgs(
            program, r, sp.core(i),
            {fused.buffer().address(), sp.first(i), n, DHt, cfg.n_q_heads, cfg.n_kv_heads});
        SetRuntimeArgs(program, w, sp.core(i),
                       {out.q.buffer().address(), out.k.buffer().address(),
                        out.v.buffer().address(), sp.first(i), n, DHt, 1u});
    }
    tensim::set_program_name(program, op);
    EnqueueProgram(dev->command_queue(), program, true);
    return out;
}

Tensor nlp_concat_heads_decode(const Tensor& heads, const HeadsConfig& cfg, HeadsPlan* plan) {
    const std::string op = "nlp_concat_heads_decode";
    check_interleaved(op, heads);
    const Shape& s = heads.shape();
    if (s.rows > 32) fail(op, "at most 32 heads (one tile of rows)");
    if (s.batch > 32) fail(op, "at most 32 users (one tile of rows in the output)");
    if (heads.dtype() != DType::bfloat16 && heads.dtype() != DType::float32)
        fail(op, "face-line moves need bfloat16 or float32");
    IDevice* dev = heads.device();
    const uint32_t users = s.batch, DHt = s.cols_tiles(), Wt = s.rows * DHt;
    Tensor out = Tensor::allocate(dev, {1, users, s.rows * s.cols}, heads.dtype(),
                                  MemoryConfig::dram_interleaved());
    const Spread sp = spread(dev, cfg, Wt, plan, "output tiles");
    Program program = CreateProgram();
    cb(program, sp.set, 0, 2, heads.dtype());
    const auto r = CreateKernel(program, kDir + "reader_tm_tile_layout_nlp_concat_heads_decode.cpp",
                                sp.set, ReaderDataMovementConfig{});
    const auto w = CreateKernel(program, kDir + "writer_unary_interleaved_start_id.cpp", sp.set,
                                WriterDataMovementConfig{});
    for (uint32_t i = 0; i < sp.cores; ++i) {
        const uint32_t n = sp.count(i, Wt);
        SetRuntimeArgs(program, r, sp.core(i),
                       {heads.buffer().address(), sp.first(i), n, users, DHt, Wt});
        SetRuntimeArgs(program, w, sp.core(i), {out.buffer().address(), n, sp.first(i), 1u});
    }
    tensim::set_program_name(program, op);
    EnqueueProgram(dev->command_queue(), program, true);
    return out;
}

}  // namespace tensim::ops
