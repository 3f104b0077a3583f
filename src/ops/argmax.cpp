// tensim::ops::argmax: planner and program (kernels/argmax/). The split follows TT-NN's multicore
// argmax (argmax_multi_core_program_factory.cpp): the reduction dimension over the cores, core 0
// the reducer; tensim splits it in whole tile columns because it reads the TILE layout.
#include "tensim/ops/argmax.hpp"

#include "ops/op_common.hpp"
#include "tensim/host/tensim.hpp"

namespace tensim::ops {

using namespace tt::tt_metal;

std::string ArgmaxPlan::describe() const {
    return fmt::format("{} cores, up to {} tile columns each, core 0 reduces", num_cores,
                       tiles_per_core);
}

RowMajorTensor argmax(const Tensor& x, const ArgmaxConfig& cfg, ArgmaxPlan* plan_out) {
    return argmax(std::vector<Tensor>{x}, cfg, plan_out);
}

RowMajorTensor argmax(const std::vector<Tensor>& pieces, const ArgmaxConfig& cfg,
                      ArgmaxPlan* plan_out) {
    if (pieces.empty() || pieces.size() > kMaxArgmaxPieces)
        throw std::invalid_argument(
            fmt::format("argmax: 1 to {} pieces, not {}", kMaxArgmaxPieces, pieces.size()));
    const Tensor& x = pieces.front();
    uint32_t Wt = 0;
    for (const Tensor& t : pieces) {
        if (!t.is_allocated()) throw std::invalid_argument("argmax: the input holds no buffer");
        if (t.dtype() != DType::bfloat16 || t.memory_config().is_sharded())
            throw std::invalid_argument("argmax: the input is an interleaved bfloat16 tensor");
        if (t.shape().batch != x.shape().batch || t.shape().rows != x.shape().rows ||
            t.memory_config().buffer_type != x.memory_config().buffer_type)
            throw std::invalid_argument(
                "argmax: the pieces share batch, rows and buffer type (they differ in width)");
        Wt += t.shape().cols_tiles();
    }
    IDevice* dev = x.device();
    const detail::DeviceFacts f = detail::device_facts(dev);
    const uint32_t rows_t = x.shape().rows_tiles();
    const uint32_t row_tiles = x.shape().batch * rows_t,
                   out_rows = x.shape().batch * x.shape().rows;
    const uint32_t grid = f.grid_x * f.grid_y;
    const uint32_t max_cores = cfg.max_cores ? std::min(cfg.max_cores, grid) : grid;
    ArgmaxPlan p;
    const auto s = detail::split_rows(Wt, max_cores);
    p.num_cores = s.cores, p.tiles_per_core = s.per_core;
    p.why = fmt::format(
        "{} tile columns of the vocabulary over {} cores, {} each (the last fewer); "
        "{} rows reduced on core 0",
        Wt, p.num_cores, p.tiles_per_core, out_rows);
    const uint32_t slot_bytes = row_tiles * 32 * 8;
    const uint64_t need = 2ull * tile_bytes(DType::bfloat16) + uint64_t(p.num_cores) * slot_bytes +
                          detail::div_up(out_rows * 4, 16) * 16;
    if (need > detail::l1_budget(dev, 0))
        throw std::invalid_argument(
            fmt::format("argmax: {} rows need {} B of L1 per core", out_rows, need));

    const RowMajorTensor out =
        RowMajorTensor::allocate(dev, 1, out_rows, RowMajorType::uint32, cfg.output);
    Program prog = CreateProgram();
    const CoreRangeSet cores = detail::row_major_cores(p.num_cores, f.grid_x);
    detail::add_cb(prog, cores, tt::CBIndex::c_0, 2, DType::bfloat16);
    {
        CircularBufferConfig c(p.num_cores * slot_bytes,
                               {{tt::CBIndex::c_3, tt::DataFormat::UInt32}});
        c.set_page_size(tt::CBIndex::c_3, slot_bytes);
        CreateCircularBuffer(prog, cores, c);
        const uint32_t ob = detail::div_up(out_rows * 4, 16) * 16;
        CircularBufferConfig o(ob, {{tt::CBIndex::c_4, tt::DataFormat::UInt32}});
        o.set_page_size(tt::CBIndex::c_4, ob);
        CreateCircularBuffer(prog, cores, o);
    }
    const uint32_t sem = CreateSemaphore(prog, cores, 0);
    DataMovementConfig dm{
        .processor = DataMovementProcessor::RISCV_1,
        .noc = NOC::NOC_1,
        .compile_args = {uint32_t(x.memory_config().is_dram()), uint32_t(out.is_dram()), row_tiles,
                         uint32_t(pieces.size()), 0u, x.shape().rows, rows_t, p.num_cores,
                         out_rows}};
    const KernelHandle k =
        CreateKernel(prog, "kernels/argmax/reader_argmax_tile_multicore.cpp", cores, dm);
    const CoreCoord reducer = detail::core_at(0, f.grid_x);
    const CoreCoord rn = dev->worker_core_from_logical_core(reducer);
    std::vector<uint32_t> piece_args;
    uint32_t first_col = 0;
    for (const Tensor& t : pieces) {
        piece_args.insert(piece_args.end(), {uint32_t(t.buffer().address()), t.shape().cols_tiles(),
                                             t.shape().cols, first_col});
        first_col += t.shape().cols;
    }
    for (uint32_t i = 0; i < p.num_cores; ++i) {
        const uint32_t c0 = i * p.tiles_per_core;
        std::vector<uint32_t> args = {uint32_t(out.buffer().address()),
                                      c0,
                                      std::min(p.tiles_per_core, Wt - c0),
                                      i,
                                      uint32_t(rn.x),
                                      uint32_t(rn.y),
                                      sem,
                                      uint32_t(i == 0)};
        args.insert(args.end(), piece_args.begin(), piece_args.end());
        SetRuntimeArgs(prog, k, detail::core_at(i, f.grid_x), args);
    }
    tensim::set_program_name(prog, "argmax");
    EnqueueProgram(dev->command_queue(), prog, true);
    if (plan_out) *plan_out = p;
    return out;
}

}  // namespace tensim::ops
