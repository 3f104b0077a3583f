// fp64 references of the attention ops (attention_reference.hpp): softmax(q k^T * scale) v with
// the max subtracted first, as any careful host implementation.
#include "ops/attention_reference.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace tensim::ops::reference {

namespace {

// One query row against rows [0, len) of a K and V head (row-major [s][dh]).
void attend(const float* q, const float* k, const float* v, uint32_t len, uint32_t dh, double scale,
            double* out) {
    std::vector<double> p(len);
    double mx = -std::numeric_limits<double>::infinity();
    for (uint32_t j = 0; j < len; ++j) {
        double s = 0;
        for (uint32_t d = 0; d < dh; ++d) s += double(q[d]) * double(k[size_t(j) * dh + d]);
        p[j] = s * scale;
        mx = std::max(mx, p[j]);
    }
    double sum = 0;
    for (double& x : p) sum += (x = std::exp(x - mx));
    for (uint32_t d = 0; d < dh; ++d) out[d] = 0;
    for (uint32_t j = 0; j < len; ++j)
        for (uint32_t d = 0; d < dh; ++d) out[d] += p[j] / sum * double(v[size_t(j) * dh + d]);
}

}  // namespace

std::vector<double> sdpa_decode(const std::vector<float>& q, const std::vector<float>& k,
                                const std::vector<float>& v, uint32_t users, uint32_t nq,
                                uint32_t nkv, uint32_t s, uint32_t dh,
                                const std::vector<uint32_t>& cur_pos, double scale) {
    std::vector<double> out(size_t(users) * nq * dh);
    const uint32_t group = nq / nkv;
    for (uint32_t u = 0; u < users; ++u)
        for (uint32_t h = 0; h < nq; ++h) {
            const size_t kv = (size_t(u) * nkv + h / group) * s * dh;
            attend(&q[(size_t(u) * nq + h) * dh], &k[kv], &v[kv], cur_pos[u] + 1, dh, scale,
                   &out[(size_t(u) * nq + h) * dh]);
        }
    return out;
}

std::vector<double> sdpa_causal(const std::vector<float>& q, const std::vector<float>& k,
                                const std::vector<float>& v, uint32_t batch, uint32_t nq,
                                uint32_t nkv, uint32_t s, uint32_t dh, double scale) {
    std::vector<double> out(size_t(batch) * nq * s * dh);
    const uint32_t group = nq / nkv;
    for (uint32_t b = 0; b < batch; ++b)
        for (uint32_t h = 0; h < nq; ++h) {
            const size_t kv = (size_t(b) * nkv + h / group) * s * dh;
            const size_t qh = (size_t(b) * nq + h) * s * dh;
            for (uint32_t i = 0; i < s; ++i)
                attend(&q[qh + size_t(i) * dh], &k[kv], &v[kv], i + 1, dh, scale,
                       &out[qh + size_t(i) * dh]);
        }
    return out;
}

std::vector<double> rotary_llama(const std::vector<float>& x, const std::vector<float>& cos,
                                 const std::vector<float>& sin, uint32_t rows, uint32_t dh) {
    std::vector<double> out(size_t(rows) * dh);
    for (uint32_t r = 0; r < rows; ++r)
        for (uint32_t d = 0; d < dh; ++d) {
            const size_t i = size_t(r) * dh + d;
            const double rot = d % 2 == 0 ? -double(x[i + 1]) : double(x[i - 1]);
            out[i] = double(x[i]) * cos[i] + rot * sin[i];
        }
    return out;
}

}  // namespace tensim::ops::reference
