// Builds the kernels of a program in parallel. A cold program of a dozen kernel variants (three
// TRISC builds per compute kernel) otherwise compiles one after the other for seconds, silently.
// Modelled: nothing; this is host-side tooling. The compile itself is build() (kernel_build.cpp).
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "jit/kernel_build.hpp"

namespace tensim::jit {

// Defined in kernel_build.cpp: build() calls it just before it starts the compiler.
extern thread_local std::function<void()> t_on_compile;

namespace {

// Everything build() hashes into its key, so equal strings mean the same binary.
std::string spec_identity(const KernelBuildSpec& s) {
    std::string id = s.source_path + '\n' + s.processor + '\n' + s.opt_level + '\n';
    id += std::to_string(s.noc) + ',' + std::to_string(s.noc_mode) + '\n';
    for (uint32_t a : s.compile_args) id += std::to_string(a) + ',';
    id += '\n';
    for (const auto& [k, v] : s.named_compile_args) id += k + '=' + std::to_string(v) + ',';
    id += '\n';
    for (const auto& [k, v] : s.defines) id += k + '=' + v + '\n';
    for (uint8_t f : s.cb_formats) id += std::to_string(f) + ',';
    return id;
}

// The order builds start in, longest first: the math TRISC (it parses <cmath> and the SFPU
// headers; 0.35 s of CPU for the matmul's against ~0.25 s for the other two TRISCs' and the data
// movement kernels'), then the other compute builds (-O3), then the rest.
int build_rank(const KernelBuildSpec& s) {
    if (s.processor == "trisc1") return 0;
    return s.processor.rfind("trisc", 0) == 0 ? 1 : 2;
}

unsigned build_jobs(size_t work) {
    unsigned jobs = std::thread::hardware_concurrency();
    if (const char* e = std::getenv("TENSIM_BUILD_JOBS"); e && std::atoi(e) > 0)
        jobs = static_cast<unsigned>(std::atoi(e));
    if (jobs == 0) jobs = 1;
    return static_cast<unsigned>(std::min<size_t>(jobs, work));
}

// "building N kernels (d done)" on a terminal, from the first compile to the end of the batch.
class ProgressLine {
public:
    explicit ProgressLine(size_t total)
        : m_total(total), m_tty(isatty(STDERR_FILENO) && !quiet()) {}
    ~ProgressLine() {
        if (m_shown) std::fprintf(stderr, "\r\033[K");
    }
    void compiling() {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (!m_tty || m_shown) return;
        m_shown = true;
        print();
    }
    void done() {
        std::lock_guard<std::mutex> lock(m_mutex);
        ++m_done;
        if (m_shown) print();
    }

private:
    static bool quiet() {
        const char* e = std::getenv("TENSIM_PROGRESS");
        return e && std::string(e) == "0";
    }
    void print() {
        std::fprintf(stderr, "\r\033[K[tensim] building %zu kernel%s (%zu done)", m_total,
                     m_total == 1 ? "" : "s", m_done);
        std::fflush(stderr);
    }
    size_t m_total, m_done = 0;
    bool m_tty, m_shown = false;
    std::mutex m_mutex;
};

}  // namespace

std::vector<std::shared_ptr<const KernelBinary>> build_all(
    const std::vector<KernelBuildSpec>& specs) {
    // Identical specs build once (two threads must never write the same cache files).
    std::map<std::string, size_t> first;
    std::vector<size_t> unique_of(specs.size());
    std::vector<size_t> unique;
    for (size_t i = 0; i < specs.size(); ++i) {
        auto [it, fresh] = first.emplace(spec_identity(specs[i]), unique.size());
        if (fresh) unique.push_back(i);
        unique_of[i] = it->second;
    }
    // Long builds first (build_rank, then source size): a long build left for last would run alone
    // on one core at the end of the batch.
    std::vector<size_t> order(unique.size());
    for (size_t u = 0; u < order.size(); ++u) order[u] = u;
    // Within a rank, the larger source first (the matmul's data movement builds: 12 KB 0.39 s,
    // 2 KB 0.23 s of CPU).
    std::vector<uintmax_t> size(unique.size());
    for (size_t u = 0; u < unique.size(); ++u) {
        std::error_code ec;
        size[u] = std::filesystem::file_size(specs[unique[u]].source_path, ec);
        if (ec) size[u] = 0;
    }
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        const int ra = build_rank(specs[unique[a]]), rb = build_rank(specs[unique[b]]);
        return ra != rb ? ra < rb : size[a] > size[b];
    });
    std::vector<std::shared_ptr<const KernelBinary>> built(unique.size());
    std::vector<std::exception_ptr> errors(unique.size());
    ProgressLine progress(unique.size());
    std::atomic<size_t> next{0};
    auto worker = [&] {
        t_on_compile = [&progress] { progress.compiling(); };
        for (size_t i; (i = next.fetch_add(1)) < order.size();) {
            const size_t u = order[i];
            try {
                built[u] = build(specs[unique[u]]);
            } catch (...) {
                errors[u] = std::current_exception();
            }
            progress.done();
        }
        t_on_compile = nullptr;
    };
    const unsigned jobs = build_jobs(unique.size());
    if (jobs <= 1) {
        worker();
    } else {
        std::vector<std::thread> threads;
        for (unsigned j = 0; j < jobs; ++j) threads.emplace_back(worker);
        for (auto& t : threads) t.join();
    }
    for (size_t i = 0; i < specs.size(); ++i)
        if (errors[unique_of[i]]) std::rethrow_exception(errors[unique_of[i]]);
    std::vector<std::shared_ptr<const KernelBinary>> out(specs.size());
    for (size_t i = 0; i < specs.size(); ++i) out[i] = built[unique_of[i]];
    return out;
}

}  // namespace tensim::jit
