// A whole model step on one device: embedding, the decoder layers, final norm, LM head and
// sampling, as device ops (tensim/models/layer.hpp), plus the host's dispatch gap between ops.
//
// What is modelled: every op's device time, simulated. Layers of the same shape and precision
// are the same programs on the same sizes, so each distinct layer is simulated once and counted
// for every layer it stands for (ModelRun::groups says which). The LM head is the DRAM-sharded
// matmul over the vocabulary in the splits tt_transformers' LMHead uses; sampling is argmax on
// device at batch 1, on the host at batch > 1 as tt_transformers does (the logits are moved to
// DRAM, read back and the inputs rewritten: ModelRun::host_sampling_us). What is abstracted: the
// host. Decode runs traced, so between two ops the device waits one dispatch gap
// (ModelOptions::gap_us, default kDefaultGapUs). Prefill is not traced, so each
// of its ops also waits for the host to dispatch it (ModelOptions::host_dispatch_us, default
// kHostDispatchUs; ModelRun::dispatch_us). The time to first token is what tt_transformers'
// simple_text_demo.py reports: the prefill of one user with the host in the loop (its
// inference_prefill wall time over the batch). It adds to the prefill ops, gaps and host dispatch
// the host's read of the last tile's logits over PCIe (ModelRun::readback_us) and a fixed host
// time (ModelOptions::host_ms, 0 by default); see docs/llm.md for what is left out.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "tensim/models/config.hpp"
#include "tensim/models/layer.hpp"

namespace tt::tt_metal {
class IDevice;
}

namespace tensim::models {

// Dispatch gap between two traced ops, in us: llm_layers.md section 0 gives "< 6 us" for traced
// decode (tt-metal tech_reports/LLMs/llms.md 4.5.5) and 0.6-0.9 us measured on Galaxy with
// sub-devices (section 3.2). n150 has neither sub-devices nor the prefetcher, so we take the
// middle of the stated range, 3 us, and say so in every report.
inline constexpr double kDefaultGapUs = 3.0;
inline constexpr const char* kGapSource =
    "traced op-to-op gap: llms.md 4.5.5 bounds it below 6 us, a Galaxy test budgets 0.6-0.9 us "
    "(llm_layers.md 0, 3.2); tensim takes 3 us per op unless --gap-us says otherwise";

// Host dispatch of one untraced op, in us: the Python thread's time to issue one TT-NN op with
// its program cached (argument checks, program-cache lookup, runtime-argument update, enqueue).
// Source: the median "python mean dispatch time" of the 144 single-program ops (C++ dispatch
// <= 20 us) in tt-metal tests/ttnn/profiling/reference.txt, TT-NN's host-overhead CI reference
// (ttnn.add 39 us, ttnn.mul 36, ttnn.matmul 29, ttnn.embedding 33, typecast 24, unary ops 23-28).
// Decode runs traced and does not pay it; tt_transformers runs prefill untraced
// (llms.md 4.5: "Tracing is used for decode mode, NOT prefill mode"), so every prefill op does.
inline constexpr double kHostDispatchUs = 27.0;
inline constexpr const char* kHostDispatchSource =
    "untraced host dispatch: 27 us per op, the median Python dispatch time of single-program "
    "TT-NN ops (tt-metal tests/ttnn/profiling/reference.txt); prefill is untraced in "
    "tt_transformers (llms.md 4.5), decode traced";

// Host reads over PCIe: Gen4 x16, 32 GB/s per direction of which 70-85 % is achievable
// (shared/reference/wormhole_params.md section 9, from the ISA documentation's PCIe tile); the
// middle of that range, in GB/s (= bytes per ns).
inline constexpr double kPcieReadGBps = 32.0 * 0.775;

// Host sampling of a decode step. tt_transformers samples on the device only at batch 1
// (simple_text_demo.py: "Argmax on device is only supported for batch_size=1", argmax_on_device
// false for batch > 1). At batch > 1 each step the device untilizes the logits and moves them to
// DRAM (model.py ttnn_decode_forward), the host reads the whole [32, vocab] bf16 tensor back
// (generator.py read_decode_output, `.cpu()`, blocking), samples it with torch (sample_host), and
// rewrites the step's input tensors before it replays the trace (generator.py _easy_trace_text:
// reset_inputs when not sampling on device; model.py prepare_decode_inputs_host: tokens, current
// position, rotary indices, page table). The device is idle meanwhile: the next step needs the
// sampled tokens.
// The read goes through tt-metal's fast-dispatch buffer read (EnqueueReadBuffer via the
// completion queue), whose rate tt-metal measured on Wormhole with test_rw_buffer (4 KiB pages)
// as ~6 GB/s on the FD1 path and ~2.5 GB/s on FD2 when FD2 was new (tt-metal issue #8098,
// May 2024, which lists FD2's shortfalls as bugs to fix and is closed); tensim takes the FD1
// figure, 6 GB/s, as the mature path's rate (ModelOptions::d2h_gbps; docs/llm.md shows the cases
// at 2.5 GB/s too). Each input tensor costs one host call to TT-NN, charged as one untraced op's
// host dispatch (ModelOptions::host_dispatch_us). The host's torch work (bf16 -> fp32, argmax)
// has no published figure and is not charged: the step is a lower bound by that much.
inline constexpr double kD2HReadGBps = 6.0;
inline constexpr uint32_t kDecodeHostInputs = 4;
inline constexpr const char* kHostSamplingSource =
    "host sampling at batch > 1 (tt_transformers samples on device only at batch 1): the "
    "[32, vocab] bf16 logits read at 6 GB/s (tt-metal issue #8098, fast-dispatch buffer read on "
    "Wormhole) + 4 input tensors rewritten per step at one host dispatch each";

// Whether tt_transformers samples a decode step of this shape on the host (batch > 1).
inline bool samples_on_host(const LayerShape& s) { return s.mode == Mode::decode && s.batch > 1; }

struct ModelOptions {
    LayerShape shape;
    uint32_t layers = 0;  // layers of the model to count (0: all of them)
    MissingOps missing = MissingOps::refuse;
    uint32_t seed = 0;
    double gap_us = kDefaultGapUs;
    // Host dispatch per op of an untraced step (prefill unless trace_prefill), in series with the
    // device: the device waits for each op's host dispatch (see docs/llm.md for why in series).
    double host_dispatch_us = kHostDispatchUs;
    bool trace_prefill = false;  // prefill captured in a trace (no host dispatch), as decode
    // The alternative: the host runs ahead of the device (an enqueue does not wait for it), so an
    // op waits only while the host has not issued it yet; only the exposed part is charged.
    bool host_overlap = false;
    double host_ms = 0;              // added to the time to first token
    double d2h_gbps = kD2HReadGBps;  // device-to-host buffer reads (host sampling), GB/s
    bool check_pcc = false;          // of each simulated layer
    // Told before each simulated piece (a layer group, the head): what, index, count.
    std::function<void(const std::string&, size_t, size_t)> on_progress;
};

// Layers that are the same programs: simulated once.
struct LayerGroup {
    uint32_t first = 0, count = 0;  // layer indices first .. first + count - 1
    LayerPrecision precision;
    LayerRun run;
};

struct ModelRun {
    ModelConfig model;
    ModelOptions options;
    uint32_t layers = 0;               // counted
    std::vector<LayerGroup> groups;    // the distinct layers simulated
    std::vector<OpRecord> head;        // embedding, final norm, LM head splits, argmax
    std::vector<std::string> missing;  // op labels not run (skip mode), with where: "rms_0"
    double layers_us = 0, head_us = 0, device_us = 0;  // device kernel time of one step
    uint64_t ops_per_step = 0;                         // device ops dispatched in one step
    double gaps_us = 0;                                // ops_per_step x gap
    // Host dispatch of the step's untraced ops (ops_per_step x host_dispatch_us; 0 when traced;
    // with host_overlap the part the device waits for).
    double dispatch_us = 0;
    // Decode at batch > 1 (samples_on_host): the host's part of each step, in series with the
    // device: the logits read back plus the input tensors rewritten (kHostSamplingSource), us.
    double host_sampling_us = 0;
    // Decode: tokens per second per user from device time only, and with the gaps and the host
    // sampling.
    double device_tokens_per_s_per_user = 0, tokens_per_s_per_user = 0;
    // Prefill: the logits of the prompt's last tile (32 rows x vocabulary, bf16) read to the host
    // (tt_transformers' generator returns only that tile), us.
    double readback_us = 0;
    // Prefill: time to first token (device + gaps + host dispatch + readback + host_ms) and
    // prompt tokens per second (device and gaps only).
    double ttft_ms = 0, prefill_tokens_per_s = 0;
    double wall_s = 0;
    bool complete() const { return missing.empty(); }
};

// Runs one step (a decode step or a prefill) of the model on `device`. Throws what run_layer
// throws.
ModelRun run_model(tt::tt_metal::IDevice* device, const ModelConfig& model,
                   const ModelOptions& options);

}  // namespace tensim::models
