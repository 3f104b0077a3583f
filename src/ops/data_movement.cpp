// tensim::ops::typecast and to_memory_config: planners and programs (kernels/data_movement/,
// kernels/eltwise/writer_unary_interleaved_start_id.cpp).
#include "tensim/ops/data_movement.hpp"

#include "ops/op_common.hpp"
#include "tensim/host/tensim.hpp"

namespace tensim::ops {

using namespace tt::tt_metal;
using detail::add_cb;

std::string MovePlan::describe() const {
    return fmt::format("{} cores, up to {} tiles each, block {}", num_cores, tiles_per_core, block);
}

namespace {

bool same_layout(const MemoryConfig& a, const MemoryConfig& b) {
    return a.layout == b.layout && a.buffer_type == b.buffer_type && a.shard_grid == b.shard_grid &&
           a.shard_tiles == b.shard_tiles && a.orientation == b.orientation;
}

std::vector<uint32_t> noc_xy(IDevice* dev, const std::vector<CoreCoord>& cores) {
    std::vector<uint32_t> v;
    for (const CoreCoord& c : cores) {
        const CoreCoord n = dev->worker_core_from_logical_core(c);
        v.push_back(uint32_t(n.x));
        v.push_back(uint32_t(n.y));
    }
    return v;
}

void check_mem(const MemoryConfig& m) {
    if (!m.complete() || m.layout == MemLayout::sharded)
        throw std::invalid_argument(
            "to_memory_config: the target needs its layout, shard grid and shard shape");
}

}  // namespace

Tensor typecast(const Tensor& x, DType dtype, const std::optional<MemoryConfig>& mem,
                MovePlan* plan_out) {
    if (!x.is_allocated()) throw std::invalid_argument("typecast: the input holds no buffer");
    IDevice* dev = x.device();
    const MemoryConfig out_mem = mem.value_or(x.memory_config());
    check_mem(out_mem);
    const bool sharded = x.memory_config().is_sharded();
    if ((sharded || out_mem.is_sharded()) && !same_layout(out_mem, x.memory_config()))
        throw std::invalid_argument(
            "typecast: a sharded input or output keeps its shard spec (reshard separately)");
    MovePlan p;
    const uint32_t tiles = x.num_tiles();
    uint32_t gx = 1;
    if (sharded) {
        p.num_cores = x.memory_config().shard_grid->num_cores();
        p.tiles_per_core = x.memory_config().shard_tiles[0] * x.memory_config().shard_tiles[1];
        p.why = "sharded: each shard's core converts its shard";
    } else {
        const detail::DeviceFacts f = detail::device_facts(dev);
        gx = f.grid_x;
        const auto s = detail::split_rows(tiles, f.grid_x * f.grid_y);
        p.num_cores = s.cores, p.tiles_per_core = s.per_core;
        p.why = fmt::format("interleaved: {} tiles over {} cores", tiles, p.num_cores);
    }
    p.block = 1;
    for (uint32_t d = 1; d <= std::min(8u, p.tiles_per_core); ++d)
        if (p.tiles_per_core % d == 0) p.block = d;
    const Tensor out = Tensor::allocate(dev, x.shape(), dtype, out_mem);
    Program prog = CreateProgram();
    const CoreRangeSet cores =
        sharded ? *x.memory_config().shard_grid : detail::row_major_cores(p.num_cores, gx);
    const uint32_t cbt = sharded ? p.tiles_per_core : 2 * p.block;
    add_cb(prog, cores, tt::CBIndex::c_0, cbt, x.dtype(), sharded ? &x.buffer() : nullptr);
    add_cb(prog, cores, tt::CBIndex::c_2, cbt, dtype, sharded ? &out.buffer() : nullptr);
    DataMovementConfig rd{.processor = DataMovementProcessor::RISCV_1,
                          .noc = NOC::NOC_1,
                          .compile_args = {uint32_t(x.memory_config().is_dram()), p.block}};
    DataMovementConfig wr{.processor = DataMovementProcessor::RISCV_0,
                          .noc = NOC::NOC_0,
                          .compile_args = {uint32_t(out_mem.is_dram()), p.block, 2}};
    if (sharded) rd.defines["IN_SHARDED"] = "1", wr.defines["OUT_SHARDED"] = "1";
    const KernelHandle k_rd =
        CreateKernel(prog, "kernels/data_movement/reader_unary_start_id.cpp", cores, rd);
    const KernelHandle k_wr =
        CreateKernel(prog, "kernels/eltwise/writer_unary_interleaved_start_id.cpp", cores, wr);
    const KernelHandle k_c = CreateKernel(prog, "kernels/data_movement/eltwise_copy.cpp", cores,
                                          ComputeConfig{.compile_args = {p.block}});
    const std::vector<CoreCoord> list =
        sharded ? detail::shard_cores(x.memory_config()) : std::vector<CoreCoord>{};
    for (uint32_t i = 0; i < p.num_cores; ++i) {
        const CoreCoord c = sharded ? list[i] : detail::core_at(i, gx);
        const uint32_t start = i * p.tiles_per_core;
        const uint32_t n = sharded ? p.tiles_per_core : std::min(p.tiles_per_core, tiles - start);
        SetRuntimeArgs(prog, k_rd, c, {x.buffer().address(), n, start});
        SetRuntimeArgs(prog, k_wr, c, {out.buffer().address(), n, start});
        SetRuntimeArgs(prog, k_c, c, {n});
    }
    tensim::set_program_name(prog, "typecast");
    EnqueueProgram(dev->command_queue(), prog, true);
    if (plan_out) *plan_out = p;
    return out;
}

Tensor to_memory_config(const Tensor& x, const MemoryConfig& mem, MovePlan* plan_out) {
    if (!x.is_allocated())
        throw std::invalid_argument("to_memory_config: the input holds no buffer");
    check_mem(mem);
    IDevice* dev = x.device();
    const MemoryConfig& in = x.memory_config();
    const uint32_t R = x.shape().batch * x.shape().rows_tiles(), C = x.shape().cols_tiles();
    if (mem.is_sharded() &&
        (mem.shard_grid->num_cores() <
         detail::div_up(R, mem.shard_tiles[0]) * detail::div_up(C, mem.shard_tiles[1])))
        throw std::invalid_argument(
            fmt::format("to_memory_config: {} shards of {}x{} tiles do not cover {}x{} tiles",
                        mem.shard_grid->num_cores(), mem.shard_tiles[0], mem.shard_tiles[1], R, C));
    if (in.is_sharded() && in.is_dram())
        throw std::invalid_argument("to_memory_config: DRAM-sharded inputs are not supported");
    const Tensor out = Tensor::allocate(dev, x.shape(), x.dtype(), mem);
    MovePlan p;
    p.block = 8;
    Program prog = CreateProgram();
    std::vector<CoreCoord> workers;
    uint32_t gx = 1;
    if (mem.is_sharded()) {
        workers = detail::shard_cores(mem);
        workers.resize(detail::div_up(R, mem.shard_tiles[0]) *
                       detail::div_up(C, mem.shard_tiles[1]));
        p.num_cores = uint32_t(workers.size());
        p.tiles_per_core = mem.shard_tiles[0] * mem.shard_tiles[1];
        p.why = "sharded output: each shard's core reads its tiles from the input";
    } else {
        const detail::DeviceFacts f = detail::device_facts(dev);
        gx = f.grid_x;
        const auto s = detail::split_rows(R * C, f.grid_x * f.grid_y);
        p.num_cores = s.cores, p.tiles_per_core = s.per_core;
        for (uint32_t i = 0; i < p.num_cores; ++i) workers.push_back(detail::core_at(i, gx));
        p.why = fmt::format("interleaved output: {} tiles over {} cores", R * C, p.num_cores);
    }
    const CoreRangeSet cores =
        mem.is_sharded() ? *mem.shard_grid : detail::row_major_cores(p.num_cores, gx);
    add_cb(prog, cores, tt::CBIndex::c_0, p.block, x.dtype());
    DataMovementConfig dm{.processor = DataMovementProcessor::RISCV_0,
                          .noc = NOC::NOC_0,
                          .compile_args = {uint32_t(in.is_dram()), uint32_t(mem.is_dram())}};
    if (in.is_sharded()) dm.defines["SRC_SHARDED"] = "1";
    if (mem.is_sharded()) dm.defines["OUT_SHARDED"] = "1";
    const KernelHandle k = CreateKernel(prog, "kernels/data_movement/copy_tiles.cpp", cores, dm);
    const std::vector<uint32_t> src_xy =
        in.is_sharded() ? noc_xy(dev, detail::shard_cores(in)) : std::vector<uint32_t>{};
    const uint32_t per_row = mem.is_sharded() ? detail::div_up(C, mem.shard_tiles[1]) : 1;
    for (uint32_t i = 0; i < p.num_cores; ++i) {
        uint32_t a = 0, b = 0;
        if (mem.is_sharded()) {
            a = (i / per_row) * mem.shard_tiles[0];
            b = (i % per_row) * mem.shard_tiles[1];
        } else {
            a = i * p.tiles_per_core;
            b = std::min(p.tiles_per_core, R * C - a);
        }
        std::vector<uint32_t> args = {x.buffer().address(),
                                      out.buffer().address(),
                                      C,
                                      R,
                                      a,
                                      b,
                                      mem.shard_tiles[0],
                                      mem.shard_tiles[1],
                                      in.shard_tiles[0],
                                      in.shard_tiles[1]};
        args.insert(args.end(), src_xy.begin(), src_xy.end());
        SetRuntimeArgs(prog, k, workers[i], args);
    }
    const char* label = in.is_sharded() && mem.is_sharded() ? "reshard"
                        : in.is_sharded()                   ? "sharded_to_interleaved"
                        : mem.is_sharded()                  ? "interleaved_to_sharded"
                                                            : "copy";
    tensim::set_program_name(prog, label);
    EnqueueProgram(dev->command_queue(), prog, true);
    if (plan_out) *plan_out = p;
    return out;
}

}  // namespace tensim::ops
