// fp64 host references of embedding and argmax.
#include "ops/lookup_reference.hpp"

#include <limits>
#include <stdexcept>

namespace tensim::ops::reference {

std::vector<double> embedding(const std::vector<double>& table, uint32_t hidden,
                              const std::vector<uint32_t>& ids) {
    std::vector<double> out;
    out.reserve(ids.size() * hidden);
    for (uint32_t id : ids) {
        if ((size_t(id) + 1) * hidden > table.size())
            throw std::invalid_argument("reference::embedding: id beyond the table");
        out.insert(out.end(), table.begin() + size_t(id) * hidden,
                   table.begin() + (size_t(id) + 1) * hidden);
    }
    return out;
}

std::vector<uint32_t> argmax(const std::vector<double>& x, uint32_t rows, uint32_t cols) {
    std::vector<uint32_t> out(rows, 0);
    for (uint32_t r = 0; r < rows; ++r) {
        double best = -std::numeric_limits<double>::infinity();
        for (uint32_t c = 0; c < cols; ++c)
            if (x[size_t(r) * cols + c] > best) best = x[size_t(r) * cols + c], out[r] = c;
    }
    return out;
}

}  // namespace tensim::ops::reference
