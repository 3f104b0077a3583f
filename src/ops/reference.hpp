// Host fp64 references of the norm, eltwise and data-movement ops, used by their tests (and by
// anyone checking a device result): row-major [batch][rows][cols] data in, fp64 out.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace tensim::ops::reference {

// y = x / sqrt(mean(x^2) + eps) [* gamma] [+ beta] per row of width `cols` (gamma/beta empty or
// `cols` long).
std::vector<double> rms_norm(const std::vector<float>& x, uint32_t cols,
                             const std::vector<float>& gamma, const std::vector<float>& beta,
                             double eps);
// y = (x - mean) / sqrt(var + eps) [* gamma] [+ beta] per row.
std::vector<double> layer_norm(const std::vector<float>& x, uint32_t cols,
                               const std::vector<float>& gamma, const std::vector<float>& beta,
                               double eps);
// Per row: the sum of x^2.
std::vector<double> sum_of_squares(const std::vector<float>& x, uint32_t cols);

// A unary activation by its TT-NN name ("", "silu", "relu", "gelu", "sigmoid", "exp", ...).
double activation(const std::string& name, double v);
// c = act(a) op b, op one of "add", "sub", "mul".
std::vector<double> binary(const std::vector<float>& a, const std::vector<float>& b,
                           const std::string& op, const std::string& act_a);

// Index of the largest value of each row (the first on ties).
std::vector<uint32_t> argmax(const std::vector<float>& x, uint32_t cols);
// out[i] = table[ids[i]] (rows of width `cols`).
std::vector<double> embedding(const std::vector<uint32_t>& ids, const std::vector<float>& table,
                              uint32_t cols);

// Pearson correlation of a device result with the reference (TT-NN's comp_pcc): 1 for two
// equal constants, 0 when the sizes differ.
double pcc(const std::vector<double>& ref, const std::vector<float>& got);

// C = A x B in fp64 through the BLAS (row-major, A [rows][k], B [k][n]); matmul_reference
// (tensim/ops/matmul.hpp) on fp32 operands is this.
std::vector<double> matmul(const std::vector<double>& a, const std::vector<double>& b, size_t rows,
                           size_t k, size_t n);

}  // namespace tensim::ops::reference
