// A tensor-parallel model step (tensim/models/tp.hpp): the layer groups of run_model, each run
// by run_tp_layer, and the head: the fractured residual gathered (all_gather_async), the final
// norm and the LM head over this chip's vocab / tp columns (tt_transformers' LMHead splits the
// vocabulary over the devices, then within a device in pieces of at most 128256 / 4 columns,
// model_config.py), plus the embedding (its column slice of the table) and argmax; the figures
// as run_model's.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <stdexcept>
#include <tt-metalium/host_api.hpp>

#include "models/layer_internal.hpp"
#include "tensim/models/tp.hpp"
#include "tensim/ops/argmax.hpp"
#include "tensim/ops/ccl.hpp"
#include "tensim/ops/data_movement.hpp"
#include "tensim/ops/embedding.hpp"
#include "tensim/ops/norm.hpp"

namespace tensim::models {

using tt::tt_metal::IDevice;

namespace {

using ops::DType;
using ops::MemoryConfig;
using ops::Tensor;

// The head on chip 0 (symmetric over the chips, as the layer's ops), the gather on all chips.
void run_tp_head(const std::vector<IDevice*>& chain, const ModelConfig& m, const ModelOptions& o,
                 const LayerOptions& lo, LayerRun& run) {
    detail::LayerBuilder b(chain[0], lo, run);
    auto* dev = chain[0];
    const TpSplit split = tp_split(m, uint32_t(chain.size()));
    const bool decode = o.shape.mode == Mode::decode;
    const uint32_t rows = decode ? o.shape.batch : 32, H = m.hidden_size;
    const uint32_t tokens = decode ? o.shape.batch : o.shape.seq_len;
    {
        // The embedding table is split by columns over the chips (each embeds its hidden / tp
        // slice of the fractured residual), a ROW_MAJOR bf16 table in DRAM as on one chip; the
        // ids are drawn from the seed (their values do not change the time).
        const auto table = ops::RowMajorTensor::allocate(dev, m.vocab_size, split.hidden,
                                                         ops::RowMajorType::bfloat16);
        const uint32_t padded = (tokens + 31) / 32 * 32;
        std::vector<uint32_t> ids(padded, 0);
        std::mt19937 rng(o.seed * 7919u + 17u);
        for (uint32_t i = 0; i < tokens; ++i) ids[i] = rng() % m.vocab_size;
        const auto id_tensor = ops::RowMajorTensor::from_ids(dev, ids, 1, padded);
        const Tensor e =
            b.run("embedding", "embedding", [&] { return ops::embedding(id_tensor, table); });
        if (decode)
            (void)b.run("embedding_to_residual", "to_memory_config",
                        [&] { return ops::to_memory_config(e, MemoryConfig::l1_interleaved()); });
    }
    // The last layer's fractured output, gathered for the final norm.
    const MemoryConfig ccl_mem =
        decode ? MemoryConfig::l1_interleaved() : MemoryConfig::dram_interleaved();
    std::vector<Tensor> x;
    for (auto* d : chain)
        x.push_back(Tensor::allocate(d, {1, rows, split.hidden}, DType::bfloat16, ccl_mem));
    ops::CclConfig cc;
    cc.topology = split.topology;
    cc.out_mem = MemoryConfig::l1_interleaved();
    ops::CclPlan plan;
    const Tensor xg = ops::all_gather(x, cc, &plan)[0];
    OpRecord r{
        .label = "allgatherasync_final", .op = "all_gather_async", .program = plan.describe()};
    r.cores = plan.workers_per_chip, r.device_us = plan.device_time_us, r.bound = "fabric";
    run.ops.push_back(r);
    run.device_us += r.device_us;

    const MemoryConfig act_mem = detail::width_sharded_l1(dev, rows, H, detail::kResidualCores);
    const Tensor xs = b.run("reshard_ag_final", "to_memory_config",
                            [&] { return ops::to_memory_config(xg, act_mem); });
    const Tensor gamma =
        b.random({1, 1, H}, DType::bfloat16, MemoryConfig::dram_interleaved(), 1.0f);
    ops::NormConfig ncfg;
    ncfg.epsilon = float(m.norm_eps);
    const Tensor xn = b.run("rms_final", "rms_norm",
                            [&] { return ops::rms_norm(xs, gamma, std::nullopt, ncfg); });
    const MatmulFormat f = lm_head_format(m);
    // This chip's columns of the vocabulary, whole tiles.
    const uint32_t vocab = (m.vocab_size + 32 * split.tp - 1) / (32 * split.tp) * 32;
    // Greedy sampling over this chip's slice of the vocabulary (batch 1). Abstracted: combining
    // the chips' maxima (a gather of one value per row and chip), well under a microsecond of
    // link time next to the gathers above. At batch > 1 the host samples (samples_on_host):
    // tt_transformers all-gathers the logits and the host reads one chip's copy; the gather of
    // the logits is not run here, the read is charged in run_step.
    detail::lm_head_and_argmax(b, xn, vocab, f, !samples_on_host(o.shape));
}

}  // namespace

ModelRun run_tp_model(const std::vector<IDevice*>& chain, const ModelConfig& model,
                      const ModelOptions& options) {
    return detail::run_step(
        model, options,
        [&](const LayerPrecision& p, const LayerOptions& lo) {
            return run_tp_layer(chain, model, options.shape, p, lo);
        },
        [&](const LayerOptions& lo, LayerRun& run) {
            run_tp_head(chain, model, options, lo, run);
        });
}

ModelRun run_tp_model_on_system(const ModelConfig& model, const ModelOptions& options) {
    const TpSplit split = tp_split(model, options.shape.tp);
    std::vector<IDevice*> all;
    for (size_t i = 0; i < tt::tt_metal::GetNumAvailableDevices(); ++i)
        all.push_back(tt::tt_metal::CreateDevice(static_cast<int>(i)));
    struct Close {
        std::vector<IDevice*>& all;
        ~Close() {
            for (auto* d : all) tt::tt_metal::CloseDevice(d);
        }
    } close{all};
    if (all.size() < split.tp)
        throw std::invalid_argument(
            fmt::format("tp={} needs {} chips; system {} has {} (n300 has 2, t3000 8)", split.tp,
                        split.tp, tensim::system_name(), all.size()));
    const auto chain = fabric::Fabric::find_chain(all, split.tp, split.topology, 1);
    return run_tp_model(chain, model, options);
}

}  // namespace tensim::models
