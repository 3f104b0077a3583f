// Internal to tensim::models: the fp64 host reference of one decoder layer, computed from the
// values the device holds (weights, norm parameters and KV cache read back as quantised), used to
// check a layer run in faithful numerics (PCC).
#pragma once
#include <map>
#include <string>
#include <vector>

#include "tensim/models/layer.hpp"

namespace tensim::models {

// The layer's output for input rows `x` ([tokens, hidden]: decode one row per user, prefill one
// row per position) with the named tensors a layer run keeps (norm_0, norm_1, wqkv, wo, w1, w3,
// w2, k_cache, v_cache). Decode attends to the cache's first kv_len positions plus the new
// token; prefill attends causally over its own tokens. RoPE rotates adjacent pairs (x[2i],
// x[2i+1]), the layout of TT-NN's rotary_embedding_llama transformation matrix.
std::vector<double> reference_layer(const ModelConfig& m, const LayerShape& s,
                                    const std::map<std::string, std::vector<float>>& t,
                                    const std::vector<float>& x);

// Pearson correlation of two equally long sequences.
double pcc(const std::vector<double>& a, const std::vector<float>& b);

// Reads the kept tensors and the input back, runs reference_layer, returns the PCC of `y`.
double layer_pcc(const ModelConfig& m, const LayerShape& s,
                 const std::map<std::string, ops::Tensor>& kept, const ops::Tensor& x,
                 const ops::Tensor& y);

}  // namespace tensim::models
