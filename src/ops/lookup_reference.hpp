// fp64 host references of embedding and argmax (the ops' tests and the model's checks).
#pragma once
#include <cstdint>
#include <vector>

namespace tensim::ops::reference {

// Rows of `table` ([vocab][hidden], row-major) named by `ids`: [ids.size()][hidden].
std::vector<double> embedding(const std::vector<double>& table, uint32_t hidden,
                              const std::vector<uint32_t>& ids);
// Per row of x ([rows][cols]): the index of the largest value, the smallest index among equals
// (NaN is never the largest).
std::vector<uint32_t> argmax(const std::vector<double>& x, uint32_t rows, uint32_t cols);

}  // namespace tensim::ops::reference
