// Host fp64 references for the attention ops (sdpa_decode, sdpa, rotary_embedding_llama,
// update_cache/fill_cache, head create/concat): what the device programs compute, in double
// precision over the inputs as the device holds them (read back with Tensor::to_host), so a
// test's PCC measures the device arithmetic alone. Layouts are the ops' logical ones, row-major.
#pragma once
#include <cstdint>
#include <vector>

#include "ops/reference.hpp"  // pcc

namespace tensim::ops::reference {

// Decode attention of one new token per user. q [users][nq][dh]; k, v [users][nkv][s][dh];
// user u attends to cache rows 0..cur_pos[u]; Q head i reads KV head i / (nq / nkv).
// Returns [users][nq][dh].
std::vector<double> sdpa_decode(const std::vector<float>& q, const std::vector<float>& k,
                                const std::vector<float>& v, uint32_t users, uint32_t nq,
                                uint32_t nkv, uint32_t s, uint32_t dh,
                                const std::vector<uint32_t>& cur_pos, double scale);

// Causal prefill attention. q [batch][nq][s][dh]; k, v [batch][nkv][s][dh]; row i attends to
// rows 0..i. Returns [batch][nq][s][dh].
std::vector<double> sdpa_causal(const std::vector<float>& q, const std::vector<float>& k,
                                const std::vector<float>& v, uint32_t batch, uint32_t nq,
                                uint32_t nkv, uint32_t s, uint32_t dh, double scale);

// Llama rotary embedding: x [rows][dh], cos/sin [rows][dh] (one row of angles per x row);
// out = x * cos + rotate_half_pairs(x) * sin, where rotate(x)[2i] = -x[2i+1] and
// rotate(x)[2i+1] = x[2i] (the interleaved pairs TT-NN's transformation matrix swaps).
std::vector<double> rotary_llama(const std::vector<float>& x, const std::vector<float>& cos,
                                 const std::vector<float>& sin, uint32_t rows, uint32_t dh);

}  // namespace tensim::ops::reference
