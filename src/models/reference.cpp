// fp64 reference of one decoder layer (models/reference.hpp): the maths of HF's LlamaDecoderLayer
// (pre-norm attention and gated SiLU MLP with residuals) and FalconDecoderLayer (one LayerNorm,
// attention and GELU MLP in parallel, both added to the residual), without biases or dropout.
#include "models/reference.hpp"

#include <cmath>

#include "ops/reference.hpp"

namespace tensim::models {

namespace {

using Mat = std::vector<double>;  // row-major

Mat matmul(const Mat& a, const std::vector<float>& w, size_t rows, size_t k, size_t n) {
    return ops::reference::matmul(a, Mat(w.begin(), w.end()), rows, k, n);
}

Mat norm(const ModelConfig& m, const Mat& x, const std::vector<float>& g, size_t rows) {
    const size_t h = m.hidden_size;
    Mat y(x.size());
    for (size_t i = 0; i < rows; ++i) {
        double mean = 0, sq = 0;
        for (size_t j = 0; j < h; ++j) mean += x[i * h + j];
        mean /= double(h);
        if (m.norm == Norm::rms_norm) mean = 0;
        for (size_t j = 0; j < h; ++j) sq += (x[i * h + j] - mean) * (x[i * h + j] - mean);
        const double r = 1.0 / std::sqrt(sq / double(h) + m.norm_eps);
        for (size_t j = 0; j < h; ++j) y[i * h + j] = (x[i * h + j] - mean) * r * g[j];
    }
    return y;
}

// Rotates one head vector (adjacent pairs) for position `pos`.
void rope(const ModelConfig& m, double* v, uint32_t pos) {
    const uint32_t hd = m.head_dim;
    for (uint32_t i = 0; i < hd / 2; ++i) {
        const double f = std::pow(m.rope_theta, -2.0 * i / double(hd)) * pos;
        const double a = v[2 * i], b = v[2 * i + 1];
        v[2 * i] = a * std::cos(f) - b * std::sin(f);
        v[2 * i + 1] = a * std::sin(f) + b * std::cos(f);
    }
}

double silu(double x) { return x / (1.0 + std::exp(-x)); }
double gelu(double x) { return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0))); }

}  // namespace

std::vector<double> reference_layer(const ModelConfig& m, const LayerShape& s,
                                    const std::map<std::string, std::vector<float>>& t,
                                    const std::vector<float>& xin) {
    const bool decode = s.mode == Mode::decode;
    const size_t T = decode ? s.batch : s.seq_len, H = m.hidden_size, I = m.intermediate_size;
    const uint32_t hd = m.head_dim, nq = m.num_attention_heads, nkv = m.num_key_value_heads;
    const size_t W = m.qkv_width();
    const Mat x(xin.begin(), xin.end());
    const Mat xn = norm(m, x, t.at("norm_0"), T);
    Mat qkv = matmul(xn, t.at("wqkv"), T, H, W);
    if (m.qkv_bias)
        for (size_t i = 0; i < T; ++i)
            for (size_t j = 0; j < W; ++j) qkv[i * W + j] += t.at("bqkv")[j];
    // Positions: decode token of each user at kv_len; prefill token i at i.
    for (size_t i = 0; i < T; ++i) {
        const uint32_t pos = decode ? s.kv_len : uint32_t(i);
        for (uint32_t h = 0; h < nq + nkv; ++h) rope(m, &qkv[i * W + h * hd], pos);
    }
    const auto& kc = t.at("k_cache");
    const auto& vc = t.at("v_cache");
    const size_t cache_len = decode ? (s.kv_len + 1 + 31) / 32 * 32 : s.seq_len;
    Mat attn(T * nq * hd, 0.0);
    const double scale = 1.0 / std::sqrt(double(hd));
    for (size_t i = 0; i < T; ++i)
        for (uint32_t h = 0; h < nq; ++h) {
            const uint32_t g = h / m.group_size();
            const double* q = &qkv[i * W + h * hd];
            // Keys and values this query sees: (decode) the user's cache then its new token;
            // (prefill) tokens 0..i.
            const size_t n = decode ? s.kv_len + 1 : i + 1;
            std::vector<double> sc(n);
            auto key = [&](size_t j, double* out_k, double* out_v) {
                if (!decode || j == s.kv_len) {
                    const size_t row = decode ? i : j;
                    for (uint32_t d = 0; d < hd; ++d) {
                        out_k[d] = qkv[row * W + (nq + g) * hd + d];
                        out_v[d] = qkv[row * W + (nq + nkv + g) * hd + d];
                    }
                } else {
                    const size_t base = ((i * nkv + g) * cache_len + j) * hd;
                    for (uint32_t d = 0; d < hd; ++d)
                        out_k[d] = kc[base + d], out_v[d] = vc[base + d];
                }
            };
            Mat K(n * hd), V(n * hd);
            double mx = -1e300;
            for (size_t j = 0; j < n; ++j) {
                key(j, &K[j * hd], &V[j * hd]);
                double d = 0;
                for (uint32_t e = 0; e < hd; ++e) d += q[e] * K[j * hd + e];
                sc[j] = d * scale;
                mx = std::max(mx, sc[j]);
            }
            double sum = 0;
            for (auto& v : sc) v = std::exp(v - mx), sum += v;
            for (size_t j = 0; j < n; ++j)
                for (uint32_t e = 0; e < hd; ++e)
                    attn[(i * nq + h) * hd + e] += sc[j] / sum * V[j * hd + e];
        }
    const Mat o = matmul(attn, t.at("wo"), T, size_t(nq) * hd, H);
    Mat h1(T * H), mlp_x;
    for (size_t i = 0; i < T * H; ++i) h1[i] = x[i] + o[i];
    mlp_x = m.parallel_attn ? xn : norm(m, h1, t.at("norm_1"), T);
    Mat a = matmul(mlp_x, t.at("w1"), T, H, I);
    if (m.gated_mlp) {
        const Mat b = matmul(mlp_x, t.at("w3"), T, H, I);
        for (size_t i = 0; i < a.size(); ++i) a[i] = silu(a[i]) * b[i];
    } else {
        for (auto& v : a) v = gelu(v);
    }
    const Mat f = matmul(a, t.at("w2"), T, I, H);
    for (size_t i = 0; i < T * H; ++i) h1[i] += f[i];
    return h1;
}

double pcc(const std::vector<double>& a, const std::vector<float>& b) {
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    const double n = double(a.size());
    for (size_t i = 0; i < a.size(); ++i) {
        const double x = a[i], y = b[i];
        sx += x, sy += y, sxx += x * x, syy += y * y, sxy += x * y;
    }
    const double den = std::sqrt((sxx - sx * sx / n) * (syy - sy * sy / n));
    return den > 0 ? (sxy - sx * sy / n) / den : 0.0;
}

double layer_pcc(const ModelConfig& m, const LayerShape& s,
                 const std::map<std::string, ops::Tensor>& kept, const ops::Tensor& x,
                 const ops::Tensor& y) {
    std::map<std::string, std::vector<float>> t;
    for (const auto& [name, tensor] : kept) t[name] = tensor.to_host();
    return pcc(reference_layer(m, s, t, x.to_host()), y.to_host());
}

}  // namespace tensim::models
