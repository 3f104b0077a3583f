// tensim::ops::embedding: planner and program (kernels/embedding/,
// kernels/eltwise/writer_unary_interleaved_start_id.cpp). Numbers: the 1 MiB CB budget, 64-tile
// chunks and the single/double buffering rule are TT-NN's embeddings_fused_program_factory.cpp.
#include "tensim/ops/embedding.hpp"

#include "ops/op_common.hpp"
#include "tensim/host/tensim.hpp"
#include "tensim/host/work_split.hpp"

namespace tensim::ops {

using namespace tt::tt_metal;
using detail::add_cb;

std::string EmbeddingPlan::describe() const {
    return fmt::format(
        "{} cores, up to {} blocks of 32 tokens each, {} chunk(s) of {} tiles, {} "
        "buffered, {} table",
        num_cores, blocks_per_core, num_chunks, chunk_tiles, buffering,
        tiled_weight ? "tiled" : "row-major");
}

namespace {

constexpr uint32_t kCbBudget = 1024 * 1024;  // TT-NN: max_l1_budget_bytes
constexpr uint32_t kMaxDoubleBufferTiles = 64;

}  // namespace

Tensor embedding(const RowMajorTensor& ids, const EmbeddingTable& table, const EmbeddingConfig& cfg,
                 EmbeddingPlan* plan_out) {
    if (!ids.is_allocated() || ids.dtype() != RowMajorType::uint32)
        throw std::invalid_argument("embedding: the ids must be an allocated uint32 tensor");
    if (ids.cols() % 32 != 0)
        throw std::invalid_argument(fmt::format(
            "embedding: {} ids per row; TT-NN pads them to a multiple of 32", ids.cols()));
    if (cfg.output.is_sharded())
        throw std::invalid_argument("embedding: only interleaved outputs are built");
    const bool tiled = std::holds_alternative<Tensor>(table);
    uint32_t hidden = 0, page_bytes = 0, weight_addr = 0;
    bool weight_dram = true;
    if (tiled) {
        const Tensor& w = std::get<Tensor>(table);
        if (!w.is_allocated() || w.dtype() != DType::bfloat16 || w.memory_config().is_sharded() ||
            w.shape().batch != 1)
            throw std::invalid_argument(
                "embedding: a tiled table is an interleaved bfloat16 [1, vocab, hidden] tensor");
        hidden = w.shape().cols, page_bytes = tile_bytes(DType::bfloat16);
        weight_addr = uint32_t(w.buffer().address()), weight_dram = w.memory_config().is_dram();
    } else {
        const RowMajorTensor& w = std::get<RowMajorTensor>(table);
        if (!w.is_allocated() || w.dtype() != RowMajorType::bfloat16)
            throw std::invalid_argument("embedding: a row-major table holds bfloat16");
        hidden = w.cols(), page_bytes = w.page_bytes();
        weight_addr = uint32_t(w.buffer().address()), weight_dram = w.is_dram();
    }
    if (hidden % 32 != 0)
        throw std::invalid_argument(
            fmt::format("embedding: hidden size {} is not a whole number of tiles", hidden));
    IDevice* dev = ids.device();
    const uint32_t Wt = hidden / 32, tokens = ids.rows() * ids.cols(), blocks = tokens / 32;

    EmbeddingPlan p;
    p.tiled_weight = tiled;
    const uint32_t in_tile = tile_bytes(DType::bfloat16), out_tile = tile_bytes(cfg.output_dtype);
    if (2 * Wt * in_tile > kCbBudget) {
        // TT-NN's chunked path: at most 64 tiles per chunk, double-buffered; tensim takes the
        // largest divisor of the width so every chunk is whole.
        p.chunk_tiles = 1;
        for (uint32_t d : detail::divisors(Wt))
            if (d <= kMaxDoubleBufferTiles) p.chunk_tiles = d;
        p.buffering = 2;
    } else {
        p.chunk_tiles = Wt;
        p.buffering = Wt > kMaxDoubleBufferTiles ? 1 : 2;
    }
    p.num_chunks = Wt / p.chunk_tiles;
    const uint64_t budget = detail::l1_budget(
        dev, cfg.output.is_l1()
                 ? l1_bytes_per_core(dev, {1, tokens, hidden}, cfg.output_dtype, cfg.output)
                 : 0);
    const uint64_t need = uint64_t(p.buffering) * p.chunk_tiles * (in_tile + out_tile) + 128;
    if (need > budget)
        throw std::invalid_argument(
            fmt::format("embedding: {} B of CBs do not fit the {} B of free L1", need, budget));
    const detail::DeviceFacts f = detail::device_facts(dev);
    const auto [n_cores, all, g1, g2, per1, per2] =
        split_work_to_cores(CoreCoord{f.grid_x, f.grid_y}, blocks);
    p.num_cores = n_cores, p.blocks_per_core = per1;
    p.why = fmt::format(
        "{} tokens = {} blocks of 32 over {} cores (TT-NN's split_work_to_cores); a {}-tile row {}",
        tokens, blocks, n_cores, Wt,
        p.num_chunks > 1
            ? fmt::format("in {} chunks of {} (over 2 x 1 MiB of CB)", p.num_chunks, p.chunk_tiles)
            : std::string("in one chunk"));

    const Tensor out = Tensor::allocate(dev, {1, tokens, hidden}, cfg.output_dtype, cfg.output);
    Program prog = CreateProgram();
    add_cb(prog, all, tt::CBIndex::c_0, p.buffering * p.chunk_tiles, DType::bfloat16);
    {
        CircularBufferConfig c(128, {{tt::CBIndex::c_1, tt::DataFormat::UInt32}});
        c.set_page_size(tt::CBIndex::c_1, 128);
        CreateCircularBuffer(prog, all, c);
    }
    add_cb(prog, all, tt::CBIndex::c_2, p.buffering * p.chunk_tiles, cfg.output_dtype);
    DataMovementConfig rd{
        .processor = DataMovementProcessor::RISCV_1,
        .noc = NOC::NOC_1,
        .compile_args = {uint32_t(ids.is_dram()), uint32_t(weight_dram), ids.page_bytes(),
                         ids.cols() / 32, page_bytes, p.chunk_tiles, p.num_chunks, Wt}};
    if (tiled) rd.defines["WEIGHT_TILED"] = "1";
    DataMovementConfig wr{.processor = DataMovementProcessor::RISCV_0,
                          .noc = NOC::NOC_0,
                          .compile_args = {uint32_t(cfg.output.is_dram()), p.chunk_tiles, 2}};
    const KernelHandle k_rd =
        CreateKernel(prog, "kernels/embedding/reader_embeddings_tilize.cpp", all, rd);
    const KernelHandle k_wr =
        CreateKernel(prog, "kernels/eltwise/writer_unary_interleaved_start_id.cpp", all, wr);
    const KernelHandle k_c = CreateKernel(prog, "kernels/embedding/tilize.cpp", all,
                                          ComputeConfig{.compile_args = {p.chunk_tiles}});
    // Group 1's cores (one block more) first, then group 2's, each in split_work_to_cores' order.
    std::vector<CoreCoord> cores = corerange_to_cores(g1, std::nullopt, false);
    const size_t n1 = cores.size();
    for (const CoreCoord& c : corerange_to_cores(g2, std::nullopt, false)) cores.push_back(c);
    uint32_t block = 0;
    for (size_t i = 0; i < cores.size(); ++i) {
        const CoreCoord c = cores[i];
        const uint32_t n = i < n1 ? per1 : per2;
        SetRuntimeArgs(prog, k_rd, c, {uint32_t(ids.buffer().address()), weight_addr, block, n});
        SetRuntimeArgs(prog, k_wr, c, {uint32_t(out.buffer().address()), n * Wt, block * Wt});
        SetRuntimeArgs(prog, k_c, c, {n * p.num_chunks});
        block += n;
    }
    tensim::set_program_name(prog, "embedding");
    EnqueueProgram(dev->command_queue(), prog, true);
    if (plan_out) *plan_out = p;
    return out;
}

}  // namespace tensim::ops
