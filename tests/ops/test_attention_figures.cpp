// Device times of the small attention ops at Llama-3.1-8B n150 shapes (decode batch 32: 32 Q /
// 8 KV heads, head_dim 128; prefill S = 2048), timing numerics. Prints only; run by hand with
// --gtest_also_run_disabled_tests (sdpa and sdpa_decode have their own figure tests).
#include <gtest/gtest.h>

#include <cstdio>
#include <vector>

#include "tensim/host/device.hpp"
#include "tensim/host/tensim.hpp"
#include "tensim/ops/kv_cache.hpp"
#include "tensim/ops/nlp_heads.hpp"
#include "tensim/ops/rotary_embedding_llama.hpp"

using namespace tensim::ops;

namespace {

TEST(AttentionFigures, DISABLED_Llama8BSmallOps) {
    tensim::set_numerics("timing");
    auto* dev = tt::tt_metal::CreateDevice(0);
    const auto mem = MemoryConfig::dram_interleaved();
    auto report = [&](const char* what) {
        const auto& st = tensim::last_program_stats(dev);
        std::printf("%-34s %8.1f us  %s-bound\n", what, st.device_time_us, st.bound.c_str());
    };
    const HeadsConfig hc{.n_q_heads = 32, .n_kv_heads = 8, .head_dim = 128};
    {  // decode
        Tensor fused = Tensor::allocate(dev, {1, 32, 6144}, DType::bfloat16, mem);
        QkvHeads h = nlp_create_qkv_heads_decode(fused, hc);
        report("nlp_create_qkv_heads_decode");
        Tensor cos = Tensor::allocate(dev, {32, 1, 128}, DType::bfloat16, mem);
        Tensor t = Tensor::allocate(dev, {1, 32, 32}, DType::bfloat16, mem);
        rotary_embedding_llama(h.q, cos, cos, t, RotaryConfig{.decode = true});
        report("rotary_embedding_llama decode (Q)");
        rotary_embedding_llama(h.k, cos, cos, t, RotaryConfig{.decode = true});
        report("rotary_embedding_llama decode (K)");
        Tensor cache = Tensor::allocate(dev, {32 * 8, 4096, 128}, DType::bfloat8_b, mem);
        update_cache(cache, h.k, std::vector<uint32_t>(32, 127));
        report("update_cache (K)");
        Tensor attn = Tensor::allocate(dev, {32, 32, 128}, DType::bfloat16, mem);
        nlp_concat_heads_decode(attn);
        report("nlp_concat_heads_decode");
    }
    {  // prefill, S = 2048
        Tensor fused = Tensor::allocate(dev, {1, 2048, 6144}, DType::bfloat16, mem);
        QkvHeads h = nlp_create_qkv_heads(fused, hc);
        report("nlp_create_qkv_heads S=2048");
        Tensor cos = Tensor::allocate(dev, {1, 2048, 128}, DType::bfloat16, mem);
        Tensor t = Tensor::allocate(dev, {1, 32, 32}, DType::bfloat16, mem);
        rotary_embedding_llama(h.q, cos, cos, t);
        report("rotary_embedding_llama S=2048 (Q)");
        Tensor k8 = Tensor::allocate(dev, {8, 2048, 128}, DType::bfloat8_b, mem);
        Tensor cache = Tensor::allocate(dev, {32 * 8, 4096, 128}, DType::bfloat8_b, mem);
        fill_cache(cache, k8, 0);
        report("fill_cache S=2048 (K)");
        nlp_concat_heads(h.q, 32);
        report("nlp_concat_heads S=2048");
    }
    tt::tt_metal::CloseDevice(dev);
}

}  // namespace
