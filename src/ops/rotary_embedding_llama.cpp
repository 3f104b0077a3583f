// tensim::ops::rotary_embedding_llama: planner (tile rows over cores) and the program of
// kernels/rotary_embedding_llama/.
#include "tensim/ops/rotary_embedding_llama.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "ops/matmul_internal.hpp"
#include "tensim/host/device.hpp"
#include "tensim/host/program.hpp"
#include "tensim/host/tensim.hpp"

namespace tensim::ops {

using namespace tt::tt_metal;

namespace {
[[noreturn]] void fail(const std::string& what) {
    throw std::invalid_argument("rotary_embedding_llama: " + what);
}
const std::string kDir = "kernels/rotary_embedding_llama/";
}  // namespace

std::string RotaryPlan::describe() const {
    return fmt::format(
        "rotary_embedding_llama {}: {} tile rows x {} tiles on {} cores ({} rows each)",
        decode ? "decode" : "prefill", tile_rows, head_dim_tiles, num_cores, rows_per_core);
}

std::vector<float> rotary_transformation_matrix() {
    std::vector<float> t(32 * 32, 0.0f);
    for (uint32_t i = 0; i < 16; ++i) {
        t[(2 * i) * 32 + 2 * i + 1] = 1.0f;
        t[(2 * i + 1) * 32 + 2 * i] = -1.0f;
    }
    return t;
}

RotaryPlan plan_rotary_embedding_llama(IDevice* device, const Shape& x, const Shape& cos,
                                       const RotaryConfig& cfg) {
    const detail::DeviceFacts f = detail::device_facts(device);
    RotaryPlan p;
    p.decode = cfg.decode;
    if (x.cols % 64) fail(fmt::format("head_dim {} must be a multiple of 64", x.cols));
    if (cos.cols != x.cols) fail("cos/sin and x differ in head_dim");
    if (cfg.decode) {
        if (cos.batch != x.batch || cos.rows != 1)
            fail(fmt::format("decode needs cos/sin [users={}, 1, head_dim], got [{}, {}, {}]",
                             x.batch, cos.batch, cos.rows, cos.cols));
    } else if (cos.batch != 1 || cos.rows != x.rows) {
        fail(fmt::format("prefill needs cos/sin [1, S={}, head_dim], got [{}, {}, {}]", x.rows,
                         cos.batch, cos.rows, cos.cols));
    }
    p.tile_rows = x.batch * x.rows_tiles();
    p.head_dim_tiles = x.cols_tiles();
    const uint32_t gx = cfg.grid_x ? cfg.grid_x : f.grid_x, gy = cfg.grid_y ? cfg.grid_y : f.grid_y;
    p.rows_per_core = detail::div_up(p.tile_rows, gx * gy);
    p.num_cores = detail::div_up(p.tile_rows, p.rows_per_core);
    p.why = fmt::format("{} tile rows over {}x{} cores: {} per core (all cores busy but the last)",
                        p.tile_rows, gx, gy, p.rows_per_core);
    // x, cos, sin and the output double-buffered, two intermediates, T.
    const uint64_t l1 = (4 * 2 + 2) * uint64_t(p.head_dim_tiles) * 2048 + 2048;
    if (l1 > f.l1_free) fail(fmt::format("needs {} B of L1 per core, {} B free", l1, f.l1_free));
    return p;
}

Tensor rotary_embedding_llama(const Tensor& x, const Tensor& cos, const Tensor& sin,
                              const Tensor& trans_mat, const RotaryConfig& cfg,
                              RotaryPlan* plan_out) {
    IDevice* dev = x.device();
    if (cos.shape() != sin.shape()) fail("cos and sin differ in shape");
    if (trans_mat.num_tiles() != 1) fail("the transformation matrix is one 32x32 tile");
    for (const Tensor* t : {&x, &cos, &sin, &trans_mat})
        if (t->memory_config().is_sharded()) fail("inputs must be interleaved");
    for (const Tensor* t : {&cos, &sin, &trans_mat})
        if (!t->memory_config().is_dram()) fail("cos, sin and T must be in DRAM");
    const RotaryPlan p = plan_rotary_embedding_llama(dev, x.shape(), cos.shape(), cfg);
    Tensor out = Tensor::allocate(dev, x.shape(), x.dtype(), cfg.out_mem);
    const uint32_t Wt = p.head_dim_tiles;
    const uint32_t gx = cfg.grid_x ? cfg.grid_x : uint32_t(dev->compute_with_storage_grid_size().x);
    std::vector<CoreRange> ranges;
    for (uint32_t i = 0; i < p.num_cores; ++i) ranges.emplace_back(CoreCoord{i % gx, i / gx});
    const CoreRangeSet all(ranges);
    Program program = CreateProgram();
    auto cb = [&](uint32_t idx, uint32_t tiles, DType d) {
        CreateCircularBuffer(program, all,
                             CircularBufferConfig(tiles * tile_bytes(d), {{idx, data_format(d)}})
                                 .set_page_size(idx, tile_bytes(d)));
    };
    cb(0, 2 * Wt, x.dtype());
    cb(2, 1, trans_mat.dtype());
    cb(3, 2 * Wt, cos.dtype());
    cb(4, 2 * Wt, sin.dtype());
    cb(16, 2 * Wt, x.dtype());
    cb(24, Wt, DType::bfloat16);
    cb(25, Wt, DType::bfloat16);
    std::map<std::string, std::string> defines;
    if (p.decode) defines["BCAST_ROWS"] = "1";
    const KernelHandle reader =
        CreateKernel(program, kDir + "reader_rotary_embedding_llama_interleaved_start_id.cpp", all,
                     ReaderDataMovementConfig{});
    const KernelHandle writer =
        CreateKernel(program, kDir + "writer_rotary_embedding_llama_interleaved_start_id.cpp", all,
                     WriterDataMovementConfig{});
    const KernelHandle compute =
        CreateKernel(program, kDir + "rotary_embedding_llama.cpp", all,
                     ComputeConfig{.math_fidelity = MathFidelity::HiFi4, .defines = defines});
    for (uint32_t i = 0; i < p.num_cores; ++i) {
        const CoreCoord core{i % gx, i / gx};
        const uint32_t row0 = i * p.rows_per_core;
        const uint32_t rows = std::min(p.rows_per_core, p.tile_rows - row0);
        SetRuntimeArgs(
            program, reader, core,
            {x.buffer().address(), cos.buffer().address(), sin.buffer().address(),
             trans_mat.buffer().address(), row0, rows, Wt, cos.shape().rows_tiles(),
             p.decode ? x.shape().rows_tiles() : 0u, uint32_t(x.memory_config().is_dram())});
        SetRuntimeArgs(program, writer, core,
                       {out.buffer().address(), row0, rows, Wt, uint32_t(cfg.out_mem.is_dram())});
        SetRuntimeArgs(program, compute, core, {rows, Wt});
    }
    tensim::set_program_name(program, "rotary_embedding_llama");
    EnqueueProgram(dev->command_queue(), program, true);
    if (plan_out) *plan_out = p;
    return out;
}

}  // namespace tensim::ops
