// Host fp64 references of the norm, eltwise and data-movement ops (reference.hpp).
#include "ops/reference.hpp"

#include <cblas.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>

// OpenBLAS (pthread build) starts its worker threads when the library loads, and each spins in
// sched_yield until 2^28 TSC ticks (~0.1 s) pass before it sleeps: ~0.1 CPU-s of every tensim
// process, most of which never call a threaded BLAS routine. The pool is stopped at load;
// OpenBLAS starts it again on its first threaded call (as it does after a fork). Weak: other
// BLAS builds may not have it.
extern "C" int blas_thread_shutdown_(void) __attribute__((weak));

namespace {
const bool g_blas_pool_stopped = blas_thread_shutdown_ && (blas_thread_shutdown_(), true);
}  // namespace

namespace tensim::ops::reference {

namespace {

std::vector<double> normalise(const std::vector<float>& x, uint32_t cols,
                              const std::vector<float>& gamma, const std::vector<float>& beta,
                              double eps, bool centre) {
    std::vector<double> y(x.size());
    for (size_t r = 0; r < x.size() / cols; ++r) {
        const float* row = &x[r * cols];
        double mean = 0, sq = 0;
        if (centre)
            for (uint32_t c = 0; c < cols; ++c) mean += row[c];
        mean /= cols;
        for (uint32_t c = 0; c < cols; ++c) sq += (row[c] - mean) * (row[c] - mean);
        const double rinv = 1.0 / std::sqrt(sq / cols + eps);
        for (uint32_t c = 0; c < cols; ++c) {
            double v = (row[c] - mean) * rinv;
            if (!gamma.empty()) v *= gamma[c];
            if (!beta.empty()) v += beta[c];
            y[r * cols + c] = v;
        }
    }
    return y;
}

}  // namespace

std::vector<double> rms_norm(const std::vector<float>& x, uint32_t cols,
                             const std::vector<float>& gamma, const std::vector<float>& beta,
                             double eps) {
    return normalise(x, cols, gamma, beta, eps, false);
}

std::vector<double> layer_norm(const std::vector<float>& x, uint32_t cols,
                               const std::vector<float>& gamma, const std::vector<float>& beta,
                               double eps) {
    return normalise(x, cols, gamma, beta, eps, true);
}

std::vector<double> sum_of_squares(const std::vector<float>& x, uint32_t cols) {
    std::vector<double> s(x.size() / cols, 0.0);
    for (size_t i = 0; i < x.size(); ++i) s[i / cols] += double(x[i]) * x[i];
    return s;
}

double activation(const std::string& name, double v) {
    if (name.empty()) return v;
    if (name == "silu") return v / (1.0 + std::exp(-v));
    if (name == "relu") return v > 0 ? v : 0;
    if (name == "sigmoid") return 1.0 / (1.0 + std::exp(-v));
    if (name == "gelu") return 0.5 * v * (1.0 + std::erf(v / std::sqrt(2.0)));
    if (name == "exp") return std::exp(v);
    if (name == "tanh") return std::tanh(v);
    if (name == "square") return v * v;
    if (name == "neg") return -v;
    if (name == "abs") return std::fabs(v);
    throw std::invalid_argument("reference: unknown activation '" + name + "'");
}

std::vector<double> binary(const std::vector<float>& a, const std::vector<float>& b,
                           const std::string& op, const std::string& act_a) {
    std::vector<double> c(a.size());
    for (size_t i = 0; i < a.size(); ++i) {
        const double x = activation(act_a, a[i]), y = b[i];
        c[i] = op == "add" ? x + y : op == "sub" ? x - y : x * y;
    }
    return c;
}

std::vector<uint32_t> argmax(const std::vector<float>& x, uint32_t cols) {
    std::vector<uint32_t> out(x.size() / cols, 0);
    for (size_t r = 0; r < out.size(); ++r)
        for (uint32_t c = 1; c < cols; ++c)
            if (x[r * cols + c] > x[r * cols + out[r]]) out[r] = c;
    return out;
}

std::vector<double> embedding(const std::vector<uint32_t>& ids, const std::vector<float>& table,
                              uint32_t cols) {
    std::vector<double> out(ids.size() * size_t(cols));
    for (size_t i = 0; i < ids.size(); ++i)
        for (uint32_t c = 0; c < cols; ++c) out[i * cols + c] = table[size_t(ids[i]) * cols + c];
    return out;
}

double pcc(const std::vector<double>& x, const std::vector<float>& y) {
    if (x.size() != y.size() || x.empty()) return 0.0;
    const double n = double(x.size());
    double mx = 0, my = 0;
    for (size_t i = 0; i < x.size(); ++i) mx += x[i], my += y[i];
    mx /= n, my /= n;
    // Two passes: the one-pass sums cancel badly when the mean is large against the spread.
    double sxx = 0, syy = 0, sxy = 0;
    for (size_t i = 0; i < x.size(); ++i) {
        const double a = x[i] - mx, b = double(y[i]) - my;
        sxx += a * a, syy += b * b, sxy += a * b;
    }
    if (sxx == 0 && syy == 0) return 1.0;  // two constants
    if (sxx == 0 || syy == 0) return 0.0;
    return sxy / std::sqrt(sxx * syy);
}

}  // namespace tensim::ops::reference

namespace tensim::ops {

namespace reference {

std::vector<double> matmul(const std::vector<double>& a, const std::vector<double>& b, size_t rows,
                           size_t k, size_t n) {
    if (a.size() < rows * k || b.size() < k * n)
        throw std::invalid_argument(
            fmt::format("matmul reference: [{}x{}] x [{}x{}] needs {} and {} values, got {} and {}",
                        rows, k, k, n, rows * k, k * n, a.size(), b.size()));
    std::vector<double> c(rows * n, 0.0);
    if (rows && n && k)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(rows), int(n), int(k), 1.0,
                    a.data(), int(k), b.data(), int(n), 0.0, c.data(), int(n));
    return c;
}

}  // namespace reference

namespace {

void check_sizes(const char* fn, size_t a, size_t b, size_t got, size_t m, size_t k, size_t n) {
    if (a < m * k || b < k * n || got < m * n)
        throw std::invalid_argument(
            fmt::format("{}: [{}x{}] x [{}x{}] needs {}, {} and {} values, got {}, {} and {}", fn,
                        m, k, k, n, m * k, k * n, m * n, a, b, got));
}

// The fp64 product in row panels of up to 256 rows: fn(r0, rows, c) for each panel of C, written
// to `out` (the whole product, row-major) when given, else to a panel buffer reused for the next.
// The fp64 A of one panel is reused too, so the host touches 256 rows of fp64 A instead of the
// whole matrix (fresh pages cost more than the dgemm's own work on a virtual machine). Each
// element's dgemm sum does not depend on the panel (the BLAS blocks K, not M), so the panels give
// the whole product's values.
template <typename Fn>
void product_panels(const std::vector<float>& a, const std::vector<float>& b, size_t m, size_t k,
                    size_t n, double* out, Fn&& fn) {
    constexpr size_t panel = 256;
    if (!m || !n || !k) return;
    const std::vector<double> bd(b.begin(), b.begin() + ptrdiff_t(k * n));
    std::vector<double> ad(std::min(panel, m) * k), cd(out ? 0 : std::min(panel, m) * n);
    for (size_t r0 = 0; r0 < m; r0 += panel) {
        const size_t pr = std::min(panel, m - r0);
        double* c = out ? out + r0 * n : cd.data();
        std::copy_n(a.begin() + ptrdiff_t(r0 * k), pr * k, ad.begin());
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(pr), int(n), int(k), 1.0,
                    ad.data(), int(k), bd.data(), int(n), 0.0, c, int(n));
        fn(r0, pr, static_cast<const double*>(c));
    }
}

// The PCC's sums, accumulated in row-major order over C whichever way C is produced.
struct PccSums {
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0, count = 0;
    void add(const double* x, const float* y, size_t len) {
        for (size_t i = 0; i < len; ++i) {
            const double xi = x[i], v = y[i];
            sx += xi, sy += v, sxx += xi * xi, syy += v * v, sxy += xi * v;
        }
        count += double(len);
    }
    double pcc() const {
        const double den = std::sqrt((sxx - sx * sx / count) * (syy - sy * sy / count));
        return den > 0 ? (sxy - sx * sy / count) / den : (sxx == syy ? 1.0 : 0.0);
    }
};

}  // namespace

std::vector<double> matmul_reference(const std::vector<float>& a, const std::vector<float>& b,
                                     uint32_t rows, uint32_t k, uint32_t n, bool one_thread) {
    if (a.size() < size_t(rows) * k || b.size() < size_t(k) * n)
        throw std::invalid_argument(
            fmt::format("matmul reference: [{}x{}] x [{}x{}] needs {} and {} values, got {} and {}",
                        rows, k, k, n, size_t(rows) * k, size_t(k) * n, a.size(), b.size()));
    // One BLAS thread: the caller runs this beside other work (the simulation) on its own core.
    // The threads split C's rows and columns, not K, so the values do not depend on the count.
    // OpenBLAS's thread count is process-wide: restored on every exit.
    struct BlasThreads {
        int saved = openblas_get_num_threads();
        explicit BlasThreads(bool one) {
            if (one) openblas_set_num_threads(1);
        }
        ~BlasThreads() { openblas_set_num_threads(saved); }
    } blas_threads(one_thread);
    std::vector<double> c(size_t(rows) * n);
    product_panels(a, b, rows, k, n, c.data(), [](size_t, size_t, const double*) {});
    return c;
}

double matmul_pcc(const std::vector<float>& a, const std::vector<float>& b,
                  const std::vector<float>& got, uint32_t rows, uint32_t k, uint32_t n) {
    check_sizes("matmul_pcc", a.size(), b.size(), got.size(), rows, k, n);
    PccSums s;
    product_panels(a, b, rows, k, n, nullptr, [&](size_t r0, size_t pr, const double* cd) {
        s.add(cd, got.data() + r0 * n, pr * n);
    });
    return s.pcc();
}

double matmul_pcc(const std::vector<double>& ref, const std::vector<float>& got) {
    if (ref.size() != got.size() || ref.empty())
        throw std::invalid_argument(fmt::format(
            "matmul_pcc: a reference of {} values for {} results", ref.size(), got.size()));
    PccSums s;
    s.add(ref.data(), got.data(), ref.size());
    return s.pcc();
}

}  // namespace tensim::ops
