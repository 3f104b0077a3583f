// tensim::ops eltwise binary with a fused activation on A: planner and program (kernels/eltwise/,
// TT-NN's eltwise binary program factory and kernels).
#include "tensim/ops/eltwise.hpp"

#include <map>
#include <set>

#include "ops/op_common.hpp"
#include "tensim/host/tensim.hpp"

namespace tensim::ops {

using namespace tt::tt_metal;
using detail::add_cb;

std::string binary_op_name(BinaryOp op) {
    return op == BinaryOp::add ? "add" : op == BinaryOp::sub ? "sub" : "mul";
}

std::string BinaryPlan::describe() const {
    return fmt::format("{}{} {}: {} tiles on {} cores ({} per core, block {}), out {}",
                       activation.empty() ? "" : activation + " then ", binary_op_name(op),
                       sharded ? "sharded" : "interleaved", num_tiles, num_cores, tiles_per_core,
                       block, dtype_name(out_dtype));
}

namespace {

const std::set<std::string> kActivations = {"silu", "relu", "gelu",   "sigmoid",
                                            "exp",  "tanh", "square", "abs"};

bool same_layout(const MemoryConfig& a, const MemoryConfig& b) {
    return a.layout == b.layout && a.buffer_type == b.buffer_type && a.shard_grid == b.shard_grid &&
           a.shard_tiles == b.shard_tiles && a.orientation == b.orientation;
}

uint32_t largest_divisor(uint32_t n, uint32_t cap) {
    uint32_t best = 1;
    for (uint32_t d = 1; d <= std::min(n, cap); ++d)
        if (n % d == 0) best = d;
    return best;
}

}  // namespace

BinaryPlan plan_binary(IDevice* dev, BinaryOp op, const Shape& shape, const MemoryConfig& a_mem,
                       const MemoryConfig& b_mem, DType a_dtype, const BinaryConfig& cfg) {
    if (!dev) throw std::invalid_argument("eltwise: device is null");
    BinaryPlan p;
    p.op = op;
    p.activation = cfg.input_a_activation;
    if (!p.activation.empty() && !kActivations.count(p.activation))
        throw std::invalid_argument(fmt::format(
            "eltwise: unknown input_a_activation '{}' (silu, relu, gelu, sigmoid, exp, tanh, "
            "square, abs)",
            p.activation));
    p.out_dtype = cfg.out_dtype.value_or(a_dtype);
    p.out_mem = cfg.out_mem.value_or(a_mem);
    if (p.out_mem.layout == MemLayout::sharded) p.out_mem = a_mem;
    p.num_tiles = shape.batch * shape.rows_tiles() * shape.cols_tiles();
    if (a_mem.is_sharded() || b_mem.is_sharded()) {
        if (!same_layout(a_mem, b_mem) || !same_layout(a_mem, p.out_mem))
            throw std::invalid_argument(
                "eltwise: sharded operands and output must share one shard spec (reshard first)");
        p.sharded = true;
        p.num_cores = a_mem.shard_grid->num_cores();
        p.tiles_per_core = a_mem.shard_tiles[0] * a_mem.shard_tiles[1];
        p.why += fmt::format("sharded: each of the {} cores works on its {}-tile shard; ",
                             p.num_cores, p.tiles_per_core);
    } else {
        if (p.out_mem.is_sharded())
            throw std::invalid_argument("eltwise: interleaved operands give an interleaved output");
        const detail::DeviceFacts f = detail::device_facts(dev);
        p.grid_x = cfg.grid_x ? std::min(cfg.grid_x, f.grid_x) : f.grid_x;
        const uint32_t gy = cfg.grid_y ? std::min(cfg.grid_y, f.grid_y) : f.grid_y;
        const auto s = detail::split_rows(p.num_tiles, p.grid_x * gy);
        p.num_cores = s.cores;
        p.tiles_per_core = s.per_core;
        p.why += fmt::format("interleaved: {} tiles over {} of {} cores, {} each; ", p.num_tiles,
                             p.num_cores, p.grid_x * gy, p.tiles_per_core);
    }
    // Dst holds 8 16-bit tiles (half sync); TT-NN takes the largest block dividing the share.
    p.block = largest_divisor(p.tiles_per_core, 8);
    p.why += fmt::format("block {} (largest divisor of the share within Dst)", p.block);
    if (cfg.in_place && (p.out_dtype != a_dtype || !same_layout(p.out_mem, a_mem)))
        throw std::invalid_argument(
            "eltwise: in place needs the output's dtype and memory config to be A's");
    return p;
}

Tensor binary(const Tensor& a, const Tensor& b, BinaryOp op, const BinaryConfig& cfg,
              BinaryPlan* plan_out) {
    if (!a.is_allocated() || !b.is_allocated())
        throw std::invalid_argument("eltwise: an operand holds no buffer");
    if (a.device() != b.device())
        throw std::invalid_argument("eltwise: the operands are on different devices");
    if (a.shape() != b.shape())
        throw std::invalid_argument(
            fmt::format("eltwise: shapes [{}, {}, {}] and [{}, {}, {}] differ (no broadcasting)",
                        a.shape().batch, a.shape().rows, a.shape().cols, b.shape().batch,
                        b.shape().rows, b.shape().cols));
    IDevice* dev = a.device();
    const BinaryPlan p =
        plan_binary(dev, op, a.shape(), a.memory_config(), b.memory_config(), a.dtype(), cfg);
    const Tensor out = cfg.in_place ? a : Tensor::allocate(dev, a.shape(), p.out_dtype, p.out_mem);
    Program prog = CreateProgram();
    const CoreRangeSet cores =
        p.sharded ? *a.memory_config().shard_grid : detail::row_major_cores(p.num_cores, p.grid_x);
    const uint32_t cb_tiles = p.sharded ? p.tiles_per_core : 2 * p.block;
    add_cb(prog, cores, tt::CBIndex::c_0, cb_tiles, a.dtype(), p.sharded ? &a.buffer() : nullptr);
    add_cb(prog, cores, tt::CBIndex::c_1, cb_tiles, b.dtype(), p.sharded ? &b.buffer() : nullptr);
    add_cb(prog, cores, tt::CBIndex::c_2, cb_tiles, p.out_dtype,
           p.sharded ? &out.buffer() : nullptr);
    if (!p.activation.empty()) add_cb(prog, cores, tt::CBIndex::c_3, 2 * p.block, a.dtype());

    DataMovementConfig rd{.processor = DataMovementProcessor::RISCV_1,
                          .noc = NOC::NOC_1,
                          .compile_args = {uint32_t(a.memory_config().is_dram()),
                                           uint32_t(b.memory_config().is_dram()), p.block}};
    DataMovementConfig wr{.processor = DataMovementProcessor::RISCV_0,
                          .noc = NOC::NOC_0,
                          .compile_args = {uint32_t(out.memory_config().is_dram()), p.block, 2}};
    if (p.sharded) {
        rd.defines = {{"IN0_SHARDED", "1"}, {"IN1_SHARDED", "1"}};
        wr.defines = {{"OUT_SHARDED", "1"}};
    }
    static const char* fn[] = {"add_tiles", "sub_tiles", "mul_tiles"};
    static const char* type[] = {"ELWADD", "ELWSUB", "ELWMUL"};
    std::map<std::string, std::string> defs = {{"ELTWISE_OP", fn[int(op)]},
                                               {"ELTWISE_OP_TYPE", type[int(op)]}};
    if (!p.activation.empty()) defs["PRE_ACT"] = p.activation;
    const KernelHandle k_rd =
        CreateKernel(prog, "kernels/eltwise/reader_binary_interleaved_start_id.cpp", cores, rd);
    const KernelHandle k_wr =
        CreateKernel(prog, "kernels/eltwise/writer_unary_interleaved_start_id.cpp", cores, wr);
    const KernelHandle k_c = CreateKernel(
        prog, "kernels/eltwise/eltwise_binary_kernel.cpp", cores,
        ComputeConfig{
            .math_fidelity = cfg.math_fidelity, .compile_args = {p.block}, .defines = defs});
    const std::vector<CoreCoord> list =
        p.sharded ? detail::shard_cores(a.memory_config()) : std::vector<CoreCoord>{};
    for (uint32_t i = 0; i < p.num_cores; ++i) {
        const CoreCoord c = p.sharded ? list[i] : detail::core_at(i, p.grid_x);
        const uint32_t start = i * p.tiles_per_core;
        const uint32_t n =
            p.sharded ? p.tiles_per_core : std::min(p.tiles_per_core, p.num_tiles - start);
        SetRuntimeArgs(prog, k_rd, c, {a.buffer().address(), b.buffer().address(), n, start});
        SetRuntimeArgs(prog, k_wr, c, {out.buffer().address(), n, start});
        SetRuntimeArgs(prog, k_c, c, {n});
    }
    // TT-NN's op labels: BinaryDeviceOperation; the model tables call SiLU x mul
    // "binary_mult_silu".
    tensim::set_program_name(
        prog, p.activation.empty()
                  ? binary_op_name(op)
                  : fmt::format("binary_{}_{}", op == BinaryOp::mul ? "mult" : binary_op_name(op),
                                p.activation));
    EnqueueProgram(dev->command_queue(), prog, true);
    if (plan_out) *plan_out = p;
    return out;
}

Tensor add(const Tensor& a, const Tensor& b, const BinaryConfig& cfg, BinaryPlan* plan_out) {
    return binary(a, b, BinaryOp::add, cfg, plan_out);
}
Tensor sub(const Tensor& a, const Tensor& b, const BinaryConfig& cfg, BinaryPlan* plan_out) {
    return binary(a, b, BinaryOp::sub, cfg, plan_out);
}
Tensor mul(const Tensor& a, const Tensor& b, const BinaryConfig& cfg, BinaryPlan* plan_out) {
    return binary(a, b, BinaryOp::mul, cfg, plan_out);
}

}  // namespace tensim::ops
