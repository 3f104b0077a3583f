#include "tensix/math_worker.hpp"

#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "numerics/fidelity.hpp"
#include "numerics/formats.hpp"

namespace tensim {

namespace {
// Set in a child forked after the workers started: the child has no worker threads, so it
// computes inline (a job submitted there would never finish).
std::atomic<bool> g_forked{false};

// TENSIM_MATH_THREADS workers, else one per hardware thread beyond the simulation's, at most 4
// (measured: one, on this project's 2-core machine; each idle worker polls for kSpin).
int threads_wanted() {
    if (const char* s = std::getenv("TENSIM_MATH_THREADS"); s && *s)
        return std::clamp(std::atoi(s), 0, 64);
    return std::min(4, static_cast<int>(std::thread::hardware_concurrency()) - 1);
}

// 128 calls (~3 ms of HiFi4 math): the queue takes in a burst of calls for the worker to compute
// while the simulation thread goes on with events that make none. At 32, the worker polled for
// 15-30% of a 2048^3 HiFi4 run while the simulation thread computed half the calls itself
// (docs/performance.md, round 14).
std::atomic<int> g_max_backlog{128};
std::atomic<int> g_enabled{-1};  // -1: as threads_wanted() says; 0 off; 1 on

// How long a thread with nothing to take polls before sleeping (or yielding): a futex wake-up
// per job costs more than a LoFi or HiFi2 job's math on a virtual machine, and the next job
// usually comes within microseconds.
constexpr auto kSpin = std::chrono::microseconds(50);

}  // namespace

struct MathWorker::Impl {
    std::mutex mu;
    std::condition_variable cv;
    std::deque<Job*> queue;  // submission order
    std::vector<Job*> free;
    bool stop = false;
    int sleeping = 0;  // workers waiting on cv: submit and a freed lane must notify them
    std::vector<std::thread> threads;

    // Takes the job at `it` off the queue and computes it with the lock released; the lock is
    // held again on return.
    void run(MathWorker& w, std::unique_lock<std::mutex>& lock, std::deque<Job*>::iterator it);

    // The first queued job whose lane has no job running: that lane's oldest, so a lane's jobs
    // run in order and one at a time. With `only`, that lane's job or none.
    std::deque<Job*>::iterator runnable(const Lane* only) {
        for (auto it = queue.begin(); it != queue.end(); ++it) {
            const Lane* l = (*it)->lane;
            if (only && l != only) continue;
            if (!l->running) return it;
            if (only) break;
        }
        return queue.end();
    }
};

MathWorker* MathWorker::get() {
    static const int wanted = threads_wanted();
    const int on = g_enabled.load(std::memory_order_relaxed);
    if (g_forked.load(std::memory_order_relaxed) || !(on < 0 ? wanted > 0 : on > 0)) return nullptr;
    static MathWorker* const w = [] {
        static MathWorker worker(std::max(1, wanted));
        pthread_atfork(nullptr, nullptr, [] { g_forked.store(true); });
        return &worker;
    }();
    return w;
}

MathWorker* MathWorker::for_fast() {
    static const bool asked = [] {
        const char* s = std::getenv("TENSIM_MATH_THREADS");
        return s && *s;
    }();
    return asked || g_enabled.load(std::memory_order_relaxed) == 1 ? get() : nullptr;
}

int MathWorker::max_backlog() { return g_max_backlog.load(std::memory_order_relaxed); }

void MathWorker::set_for_testing(bool enabled, int max_backlog) {
    g_enabled.store(enabled ? 1 : 0);
    g_max_backlog.store(max_backlog);
}

namespace {
// Polls until `done` holds or `gen` moves off `seen`, for at most kSpin; true if either happened.
template <class Done>
bool spin(const std::atomic<uint64_t>& gen, uint64_t seen, Done done) {
    const auto until = std::chrono::steady_clock::now() + kSpin;
    for (int i = 0;; ++i) {
        if (done() || gen.load(std::memory_order_acquire) != seen) return true;
        if ((i & 63) == 63 && std::chrono::steady_clock::now() >= until) return false;
        __builtin_ia32_pause();
    }
}
}  // namespace

void MathWorker::Impl::run(MathWorker& w, std::unique_lock<std::mutex>& lock,
                           std::deque<Job*>::iterator it) {
    Job* j = *it;
    queue.erase(it);
    Lane* lane = j->lane;
    lane->running = true;
    lock.unlock();
    try {
        compute(*j);
    } catch (...) {
        if (!lane->error) lane->error = std::current_exception();  // read after pending drops
    }
    lock.lock();
    lane->running = false;
    free.push_back(j);
    w.m_backlog.fetch_sub(1, std::memory_order_relaxed);
    w.m_generation.fetch_add(1, std::memory_order_release);
    // The lane's next job may now run: a sleeping worker may take it.
    if (sleeping > 0 && !queue.empty()) cv.notify_one();
    // Last: once pending is zero the lane's owner may go on and destroy it.
    lane->pending.fetch_sub(1, std::memory_order_release);
}

MathWorker::MathWorker(int threads) : m_impl(new Impl) {
    try {
        start_threads(threads);
    } catch (...) {  // a thread could not start: stop the ones that did
        stop_threads();
        delete m_impl;
        throw;
    }
}

void MathWorker::start_threads(int threads) {
    for (int t = 0; t < threads; ++t)
        m_impl->threads.emplace_back([this] {
            Impl& s = *m_impl;
            std::unique_lock lock(s.mu);
            for (;;) {
                if (auto it = s.runnable(nullptr); it != s.queue.end()) {
                    s.run(*this, lock, it);
                    continue;
                }
                if (s.stop && s.queue.empty()) return;
                const uint64_t seen = m_generation.load(std::memory_order_acquire);
                lock.unlock();
                const bool moved = spin(m_generation, seen, [] { return false; });
                lock.lock();
                if (moved) continue;
                ++s.sleeping;
                s.cv.wait(lock, [&] { return s.stop || s.runnable(nullptr) != s.queue.end(); });
                --s.sleeping;
            }
        });
}

MathWorker::~MathWorker() {
    stop_threads();
    for (Job* j : m_impl->free) delete j;
    delete m_impl;
}

void MathWorker::stop_threads() {
    {
        std::lock_guard lock(m_impl->mu);
        m_impl->stop = true;
    }
    m_impl->cv.notify_all();
    for (std::thread& t : m_impl->threads) t.join();
}

MathWorker::Job* MathWorker::take() {
    std::lock_guard lock(m_impl->mu);
    if (m_impl->free.empty()) return new Job;
    Job* j = m_impl->free.back();
    m_impl->free.pop_back();
    return j;
}

void MathWorker::submit(Job* j) {
    j->lane->owner = this;
    j->lane->pending.fetch_add(1, std::memory_order_relaxed);
    m_backlog.fetch_add(1, std::memory_order_relaxed);
    bool wake = false;
    {
        std::lock_guard lock(m_impl->mu);
        m_impl->queue.push_back(j);
        m_generation.fetch_add(1, std::memory_order_release);
        wake = m_impl->sleeping > 0;
    }
    if (wake) m_impl->cv.notify_one();
}

bool MathWorker::help() {
    std::unique_lock lock(m_impl->mu);
    auto it = m_impl->runnable(nullptr);
    if (it == m_impl->queue.end()) return false;
    m_impl->run(*this, lock, it);
    return true;
}

void MathWorker::wait(Lane& lane) {
    Impl& s = *m_impl;
    while (lane.pending.load(std::memory_order_acquire) != 0) {
        uint64_t seen;
        {
            std::unique_lock lock(s.mu);
            // The lane's own next job, else (its running job being on another thread) anyone's.
            auto it = s.runnable(&lane);
            if (it == s.queue.end() && lane.running) it = s.runnable(nullptr);
            if (it != s.queue.end()) {
                s.run(*this, lock, it);
                continue;
            }
            seen = m_generation.load(std::memory_order_acquire);
        }
        // Nothing to take: the lane's last job runs elsewhere. Poll, then give the core away.
        if (!spin(m_generation, seen,
                  [&] { return lane.pending.load(std::memory_order_acquire) == 0; }))
            std::this_thread::yield();
    }
    if (lane.error) std::rethrow_exception(std::exchange(lane.error, nullptr));
}

void MathWorker::decode_raw(const std::vector<RawBf16Tile>& raw, std::vector<numerics::Tile>& out,
                            uint32_t n) {
    if (out.size() < n) out.resize(n);
    for (uint32_t i = 0; i < n; ++i)
        numerics::decode_tile(tt::DataFormat::Float16_b,
                              reinterpret_cast<const uint8_t*>(raw[i].data()), out[i]);
}

void MathWorker::compute(Job& j) {
    // Faithful math on two raw operands splits their bf16 bits into parts directly: no decode
    // pass (a tenth of a HiFi4 job's time went to it), the same bits (matmul_tiles_bf16).
    if (j.faithful && j.raw_a && j.raw_b) {
        numerics::matmul_tiles_bf16(j.raw_b_tiles.data(), j.rt, j.raw_a_tiles.data(), j.ct,
                                    j.dst.data(), j.phases, j.fp32_dst);
        return;
    }
    // The bf16 decode the unpacker left to the job: the same function on the same bytes.
    if (j.raw_a) decode_raw(j.raw_a_tiles, j.a, j.ct);
    if (j.raw_b) decode_raw(j.raw_b_tiles, j.b, j.rt);
    if (j.faithful) {
        numerics::matmul_tiles(j.b.data(), j.rt, j.a.data(), j.ct, j.dst.data(), j.phases,
                               j.fp32_dst);
        return;
    }
    // Each Dst tile was last touched by this core's packer, with every other core's work since:
    // the next one is fetched while this product computes (a cold tile cost more than the math).
    const uint32_t n = j.rt * j.ct;
    for (uint32_t i = 0; i < n; ++i) {
        if (i + 1 < n) {
            const float* next = j.dst[i + 1]->data();
            for (size_t f = 0; f < 1024; f += 16) __builtin_prefetch(next + f, 1);
        }
        numerics::matmul_tile_fp32(j.b[i / j.ct], j.a[i % j.ct], *j.dst[i], false);
    }
}

}  // namespace tensim
