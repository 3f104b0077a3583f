// tensim::ops::rms_norm / layer_norm and the distributed RMSNorm halves: build and run the program
// a NormPlan describes, with the kernels of kernels/norm/ (TT-NN's LayerNorm program factories).
#include "tensim/ops/norm.hpp"

#include <map>

#include "ops/op_common.hpp"
#include "tensim/host/tensim.hpp"

namespace tensim::ops {

using namespace tt::tt_metal;
using detail::add_cb;

namespace {

const std::string kDir = "kernels/norm/";

enum class Variant { full, pre_all_gather, post_all_gather };

uint32_t datum_bytes(const std::optional<Tensor>& t) {
    return t && t->dtype() == DType::float32 ? 4 : 2;
}

void check_affine(const std::optional<Tensor>& t, const Tensor& x, const char* what) {
    if (!t) return;
    if (t->shape().batch != 1 || t->shape().rows != 1 || t->shape().cols != x.shape().cols)
        throw std::invalid_argument(
            fmt::format("norm: {} must be [1, 1, {}]", what, x.shape().cols));
    if (t->dtype() != DType::bfloat16 && t->dtype() != DType::float32)
        throw std::invalid_argument(fmt::format("norm: {} must be bfloat16 or float32", what));
    if (t->memory_config().is_sharded() || !t->memory_config().is_dram())
        throw std::invalid_argument(fmt::format("norm: {} must be DRAM interleaved", what));
}

DType interm(const NormConfig& cfg) { return cfg.fp32_dest_acc ? DType::float32 : DType::bfloat16; }

ComputeConfig compute_config(const NormConfig& cfg, std::vector<uint32_t> args,
                             std::map<std::string, std::string> defines) {
    return ComputeConfig{.math_fidelity = cfg.math_fidelity,
                         .fp32_dest_acc_en = cfg.fp32_dest_acc,
                         .compile_args = std::move(args),
                         .defines = std::move(defines)};
}

// Interleaved (prefill) program; also the distributed halves (one tile per row out, or the
// gathered statistics in).
void build_interleaved(Program& prog, const NormPlan& p, const NormConfig& cfg, const Tensor& x,
                       const Tensor& out, const std::optional<Tensor>& gamma,
                       const std::optional<Tensor>& beta, const Tensor* stats, float scaler,
                       Variant v) {
    const CoreRangeSet all = detail::row_major_cores(p.num_cores, p.grid_x);
    const DType f = interm(cfg);
    const uint32_t blk = p.block_w;
    const uint32_t num_stats = stats ? stats->shape().cols_tiles() : 0;
    add_cb(prog, all, tt::CBIndex::c_0, p.row_in_l1 ? p.Wt : 2 * blk, p.in_dtype);
    add_cb(prog, all, tt::CBIndex::c_1, 1, DType::bfloat16);
    add_cb(prog, all, tt::CBIndex::c_2, 1, DType::bfloat16);
    if (gamma) add_cb(prog, all, tt::CBIndex::c_3, 2 * blk, gamma->dtype());
    if (beta) add_cb(prog, all, tt::CBIndex::c_4, 2 * blk, beta->dtype());
    if (stats) add_cb(prog, all, tt::CBIndex::c_5, num_stats, stats->dtype());
    add_cb(prog, all, tt::CBIndex::c_16, 2 * blk, p.out_dtype);
    add_cb(prog, all, tt::CBIndex::c_24, blk, f);
    add_cb(prog, all, tt::CBIndex::c_25, 1, f);
    add_cb(prog, all, tt::CBIndex::c_26, 1, f);
    add_cb(prog, all, tt::CBIndex::c_27, 1, f);
    add_cb(prog, all, tt::CBIndex::c_28, blk, f);
    add_cb(prog, all, tt::CBIndex::c_29, blk, f);
    add_cb(prog, all, tt::CBIndex::c_30, blk, f);

    std::map<std::string, std::string> defs;
    if (p.rms) defs["RMSNORM"] = "1";
    if (v == Variant::pre_all_gather) defs["PRE_ALLGATHER"] = "1";
    if (v == Variant::post_all_gather) defs["POST_ALLGATHER"] = "1";
    const uint32_t passes = v == Variant::full ? (p.rms ? 2 : 3) : 1;
    const uint32_t gb = datum_bytes(gamma ? gamma : beta);
    const KernelHandle rd = CreateKernel(
        prog, kDir + "reader_unary_interleaved_ln.cpp", all,
        DataMovementConfig{
            .processor = DataMovementProcessor::RISCV_1,
            .noc = NOC::NOC_1,
            .compile_args = {uint32_t(x.memory_config().is_dram()), p.Wt, blk,
                             uint32_t(p.row_in_l1), passes, uint32_t(bool(gamma)),
                             uint32_t(bool(beta)), num_stats,
                             uint32_t(stats && stats->memory_config().is_dram()), gb}});
    const uint32_t out_per_row = v == Variant::pre_all_gather ? 1 : p.Wt;
    const KernelHandle wr = CreateKernel(
        prog, kDir + "writer_unary_interleaved_start_id_blocked.cpp", all,
        DataMovementConfig{
            .processor = DataMovementProcessor::RISCV_0,
            .noc = NOC::NOC_0,
            .compile_args = {uint32_t(out.memory_config().is_dram()), std::min(blk, out_per_row)}});
    const KernelHandle ck =
        CreateKernel(prog, kDir + "layernorm.cpp", all,
                     compute_config(cfg,
                                    {p.Wt, blk, uint32_t(p.row_in_l1), uint32_t(bool(gamma)),
                                     uint32_t(bool(beta)), num_stats},
                                    defs));
    for (uint32_t i = 0; i < p.num_cores; ++i) {
        const CoreCoord c = detail::core_at(i, p.grid_x);
        const uint32_t row0 = i * p.rows_per_core;
        const uint32_t rows = std::min(p.rows_per_core, p.Mt - row0);
        SetRuntimeArgs(
            prog, rd, c,
            {x.buffer().address(), row0, rows, detail::bf16_pair(scaler),
             detail::bf16_bits(cfg.epsilon), gamma ? gamma->buffer().address() : 0u,
             beta ? beta->buffer().address() : 0u, stats ? stats->buffer().address() : 0u});
        SetRuntimeArgs(prog, wr, c,
                       {out.buffer().address(), row0 * out_per_row, rows * out_per_row});
        SetRuntimeArgs(prog, ck, c, {rows});
    }
}

// Sharded (decode) program: partials, combine on the workers, multicast of the result.
void build_sharded(Program& prog, const NormPlan& p, const NormConfig& cfg, const Tensor& x,
                   const Tensor& out, const std::optional<Tensor>& gamma,
                   const std::optional<Tensor>& beta) {
    IDevice* dev = x.device();
    const CoreRangeSet all = *p.in_mem.shard_grid;
    const std::vector<CoreCoord> cores = detail::shard_cores(p.in_mem);
    const DType f = interm(cfg);
    const uint32_t bh = p.Mt, bw = p.cols_per_core, shard = bh * bw;
    add_cb(prog, all, tt::CBIndex::c_0, shard, p.in_dtype, &x.buffer());
    add_cb(prog, all, tt::CBIndex::c_1, 1, DType::bfloat16);
    add_cb(prog, all, tt::CBIndex::c_2, 1, DType::bfloat16);
    if (gamma) add_cb(prog, all, tt::CBIndex::c_3, bw, gamma->dtype());
    if (beta) add_cb(prog, all, tt::CBIndex::c_4, bw, beta->dtype());
    add_cb(prog, all, tt::CBIndex::c_5, 1, DType::bfloat16);
    add_cb(prog, all, tt::CBIndex::c_8, bh, f);
    add_cb(prog, all, tt::CBIndex::c_9, p.num_cores, f);
    add_cb(prog, all, tt::CBIndex::c_10, 1, f);
    add_cb(prog, all, tt::CBIndex::c_11, p.rows_per_worker, f);
    add_cb(prog, all, tt::CBIndex::c_12, bh, f);
    add_cb(prog, all, tt::CBIndex::c_16, shard, p.out_dtype,
           p.reshard_out ? nullptr : &out.buffer());
    add_cb(prog, all, tt::CBIndex::c_24, bw, f);
    if (!p.rms) add_cb(prog, all, tt::CBIndex::c_25, shard, f);
    if (gamma) add_cb(prog, all, tt::CBIndex::c_26, bw, f);
    if (beta) add_cb(prog, all, tt::CBIndex::c_27, bw, f);

    const uint32_t sems[4] = {CreateSemaphore(prog, all, 0), CreateSemaphore(prog, all, INVALID),
                              CreateSemaphore(prog, all, 0), CreateSemaphore(prog, all, INVALID)};
    std::map<std::string, std::string> defs;
    if (p.rms) defs["RMSNORM"] = "1";
    const CoreRangeSet sender_set{CoreRange(cores[0])};
    DataMovementConfig rcfg{.processor = DataMovementProcessor::RISCV_0,
                            .noc = NOC::NOC_0,
                            .defines = {{"SENDER", "1"}}};
    const std::string rfile = kDir + "reader_mcast_sender_unary_sharded_ln.cpp";
    const KernelHandle k_send = CreateKernel(prog, rfile, sender_set, rcfg);
    rcfg.defines.clear();
    const CoreRangeSet rx = all.subtract(sender_set);
    const KernelHandle k_recv = rx.empty() ? 0 : CreateKernel(prog, rfile, rx, rcfg);
    DataMovementConfig wcfg{.processor = DataMovementProcessor::RISCV_1,
                            .noc = NOC::NOC_1,
                            .compile_args = {uint32_t(bool(gamma)), uint32_t(bool(beta)),
                                             datum_bytes(gamma ? gamma : beta)}};
    if (p.reshard_out) wcfg.defines["RESHARD"] = "1";
    const KernelHandle k_wr = CreateKernel(prog, kDir + "writer_unary_sharded_ln.cpp", all, wcfg);
    const uint32_t sub = p.block_w;
    const KernelHandle k_c = CreateKernel(
        prog, kDir + "layernorm_sharded.cpp", all,
        compute_config(cfg, {bh, bw, sub, uint32_t(bool(gamma)), uint32_t(bool(beta)), p.num_cores},
                       defs));

    const CoreRange box = all.bounding_box();
    const CoreCoord m0 = dev->worker_core_from_logical_core(box.start_coord);
    const CoreCoord m1 = dev->worker_core_from_logical_core(box.end_coord);
    const CoreCoord s = dev->worker_core_from_logical_core(cores[0]);
    std::vector<uint32_t> xy;
    for (const CoreCoord& c : cores) {
        const CoreCoord n = dev->worker_core_from_logical_core(c);
        xy.push_back(uint32_t(n.x));
        xy.push_back(uint32_t(n.y));
    }
    std::vector<uint32_t> out_xy;
    if (p.reshard_out)
        for (const CoreCoord& c : detail::shard_cores(p.out_mem)) {
            const CoreCoord n = dev->worker_core_from_logical_core(c);
            out_xy.push_back(uint32_t(n.x));
            out_xy.push_back(uint32_t(n.y));
        }
    const float scaler = 1.0f / float(p.Wt * 32);
    for (uint32_t i = 0; i < p.num_cores; ++i) {
        const bool worker = i < p.num_workers;
        std::vector<uint32_t> r = {p.rms ? 1u : 2u,
                                   bh,
                                   p.num_cores,
                                   uint32_t(s.x),
                                   uint32_t(s.y),
                                   uint32_t(m0.x),
                                   uint32_t(m0.y),
                                   uint32_t(m1.x),
                                   uint32_t(m1.y),
                                   sems[0],
                                   sems[1],
                                   sems[2],
                                   sems[3],
                                   worker ? i * p.rows_per_worker : 0u,
                                   worker ? p.rows_per_worker : 0u,
                                   p.num_workers,
                                   p.rows_per_worker,
                                   shard};
        r.insert(r.end(), xy.begin(), xy.end());
        SetRuntimeArgs(prog, i == 0 ? k_send : k_recv, cores[i], r);
        std::vector<uint32_t> w = {detail::bf16_pair(scaler),
                                   detail::bf16_bits(cfg.epsilon),
                                   gamma ? gamma->buffer().address() : 0u,
                                   beta ? beta->buffer().address() : 0u,
                                   i * bw,
                                   bh,
                                   bw,
                                   out.buffer().address(),
                                   p.out_mem.shard_tiles[1]};
        w.insert(w.end(), out_xy.begin(), out_xy.end());
        SetRuntimeArgs(prog, k_wr, cores[i], w);
        SetRuntimeArgs(prog, k_c, cores[i], {worker ? p.rows_per_worker : 0u});
    }
}

Tensor run_norm(const Tensor& x, const std::optional<Tensor>& gamma,
                const std::optional<Tensor>& beta, const NormConfig& cfg, NormPlan* plan_out,
                bool rms, const char* label) {
    if (!x.is_allocated()) throw std::invalid_argument("norm: the input holds no buffer");
    check_affine(gamma, x, "gamma");
    check_affine(beta, x, "beta");
    IDevice* dev = x.device();
    const NormPlan p = plan_norm(
        dev, {x.shape(), x.dtype(), x.memory_config(), bool(gamma), bool(beta), rms}, cfg);
    Tensor out = Tensor::allocate(dev, x.shape(), p.out_dtype, p.out_mem);
    Program prog = CreateProgram();
    if (p.program == NormProgram::sharded)
        build_sharded(prog, p, cfg, x, out, gamma, beta);
    else
        build_interleaved(prog, p, cfg, x, out, gamma, beta, nullptr, 1.0f / float(p.Wt * 32),
                          Variant::full);
    tensim::set_program_name(prog, label);
    EnqueueProgram(dev->command_queue(), prog, true);
    if (plan_out) *plan_out = p;
    return out;
}

}  // namespace

Tensor rms_norm(const Tensor& x, const std::optional<Tensor>& gamma,
                const std::optional<Tensor>& beta, const NormConfig& cfg, NormPlan* plan_out) {
    return run_norm(x, gamma, beta, cfg, plan_out, true, "rms_norm");
}

Tensor layer_norm(const Tensor& x, const std::optional<Tensor>& gamma,
                  const std::optional<Tensor>& beta, const NormConfig& cfg, NormPlan* plan_out) {
    return run_norm(x, gamma, beta, cfg, plan_out, false, "layer_norm");
}

Tensor rms_norm_pre_all_gather(const Tensor& x, const NormConfig& cfg, NormPlan* plan_out) {
    if (!x.is_allocated()) throw std::invalid_argument("norm: the input holds no buffer");
    IDevice* dev = x.device();
    NormConfig c = cfg;
    c.program = NormProgram::interleaved;
    c.out_dtype = DType::bfloat16;
    NormPlan p = plan_norm(dev, {x.shape(), x.dtype(), x.memory_config(), false, false, true}, c);
    p.row_in_l1 = false;  // one pass: the row streams through
    Tensor out =
        Tensor::allocate(dev, {x.shape().batch, x.shape().rows, 32}, DType::bfloat16, p.out_mem);
    Program prog = CreateProgram();
    build_interleaved(prog, p, c, x, out, std::nullopt, std::nullopt, nullptr, 1.0f,
                      Variant::pre_all_gather);
    tensim::set_program_name(prog, "rms_norm_pre_all_gather");
    EnqueueProgram(dev->command_queue(), prog, true);
    if (plan_out) *plan_out = p;
    return out;
}

Tensor rms_norm_post_all_gather(const Tensor& x, const Tensor& stats, uint32_t total_cols,
                                const std::optional<Tensor>& gamma, const NormConfig& cfg,
                                NormPlan* plan_out) {
    if (!x.is_allocated() || !stats.is_allocated())
        throw std::invalid_argument("norm: an input holds no buffer");
    if (stats.shape().batch != x.shape().batch || stats.shape().rows != x.shape().rows ||
        stats.shape().cols % 32 != 0 || stats.memory_config().is_sharded())
        throw std::invalid_argument(
            "norm: stats must be interleaved [batch, rows, 32 * devices] beside x");
    if (total_cols < x.shape().cols)
        throw std::invalid_argument("norm: total_cols is below the local width");
    check_affine(gamma, x, "gamma");
    IDevice* dev = x.device();
    NormConfig c = cfg;
    c.program = NormProgram::interleaved;
    NormPlan p =
        plan_norm(dev, {x.shape(), x.dtype(), x.memory_config(), bool(gamma), false, true}, c);
    p.row_in_l1 = false;  // one pass
    Tensor out = Tensor::allocate(dev, x.shape(), p.out_dtype, p.out_mem);
    Program prog = CreateProgram();
    build_interleaved(prog, p, c, x, out, gamma, std::nullopt, &stats, 1.0f / float(total_cols),
                      Variant::post_all_gather);
    tensim::set_program_name(prog, "rms_norm_post_all_gather");
    EnqueueProgram(dev->command_queue(), prog, true);
    if (plan_out) *plan_out = p;
    return out;
}

}  // namespace tensim::ops
