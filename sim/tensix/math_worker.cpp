#include "tensix/math_worker.hpp"

#include <pthread.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "numerics/fidelity.hpp"

namespace tensim {

namespace {
// Set in a child forked after the worker started: the child has no worker thread, so it computes
// inline (a job submitted there would never finish).
std::atomic<bool> g_forked{false};

int threads_wanted() {
    if (const char* s = std::getenv("TENSIM_MATH_THREADS"); s && *s) return std::atoi(s) > 0;
    return std::thread::hardware_concurrency() >= 2 ? 1 : 0;
}

std::atomic<int> g_max_backlog{32};
std::atomic<int> g_enabled{-1};  // -1: as threads_wanted() says; 0 off; 1 on

}  // namespace

struct MathWorker::Impl {
    std::mutex mu;
    std::condition_variable cv;
    std::deque<Job*> queue;
    std::vector<Job*> free;
    bool stop = false;
    bool sleeping = false;  // the worker waits on cv: submit must notify it
    std::thread thread;
};

MathWorker* MathWorker::get() {
    static const bool wanted = threads_wanted() > 0;
    const int on = g_enabled.load(std::memory_order_relaxed);
    if (g_forked.load(std::memory_order_relaxed) || !(on < 0 ? wanted : on > 0)) return nullptr;
    static MathWorker* const w = [] {
        static MathWorker worker;
        pthread_atfork(nullptr, nullptr, [] { g_forked.store(true); });
        return &worker;
    }();
    return w;
}

int MathWorker::max_backlog() { return g_max_backlog.load(std::memory_order_relaxed); }

void MathWorker::set_for_testing(bool enabled, int max_backlog) {
    g_enabled.store(enabled ? 1 : 0);
    g_max_backlog.store(max_backlog);
}

MathWorker::MathWorker() : m_impl(new Impl) {
    m_impl->thread = std::thread([this] {
        Impl& s = *m_impl;
        std::unique_lock lock(s.mu);
        for (;;) {
            if (s.queue.empty() && !s.stop) {
                // Spin a little before sleeping: a futex wake-up per job costs more than a
                // LoFi or HiFi2 job's math on a virtual machine, and the next job usually comes
                // within microseconds.
                lock.unlock();
                const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(50);
                while (m_backlog.load(std::memory_order_acquire) == 0 &&
                       std::chrono::steady_clock::now() < until)
                    __builtin_ia32_pause();
                lock.lock();
                s.sleeping = true;
                s.cv.wait(lock, [&] { return s.stop || !s.queue.empty(); });
                s.sleeping = false;
            }
            if (s.queue.empty()) return;  // stopping, nothing left
            Job* j = s.queue.front();
            s.queue.pop_front();
            lock.unlock();
            compute(*j);
            std::atomic<int>* pending = j->pending;
            lock.lock();
            s.free.push_back(j);
            m_backlog.fetch_sub(1, std::memory_order_relaxed);
            pending->fetch_sub(1, std::memory_order_release);
        }
    });
}

MathWorker::~MathWorker() {
    {
        std::lock_guard lock(m_impl->mu);
        m_impl->stop = true;
    }
    m_impl->cv.notify_one();
    if (m_impl->thread.joinable()) m_impl->thread.join();
    for (Job* j : m_impl->free) delete j;
    delete m_impl;
}

MathWorker::Job* MathWorker::take() {
    std::lock_guard lock(m_impl->mu);
    if (m_impl->free.empty()) return new Job;
    Job* j = m_impl->free.back();
    m_impl->free.pop_back();
    return j;
}

void MathWorker::submit(Job* j) {
    j->pending->fetch_add(1, std::memory_order_relaxed);
    m_backlog.fetch_add(1, std::memory_order_relaxed);
    bool wake = false;
    {
        std::lock_guard lock(m_impl->mu);
        m_impl->queue.push_back(j);
        wake = m_impl->sleeping;
    }
    if (wake) m_impl->cv.notify_one();
}

void MathWorker::compute(const Job& j) {
    for (uint32_t r = 0; r < j.rt; ++r)
        for (uint32_t col = 0; col < j.ct; ++col) {
            numerics::Tile& d = *j.dst[r * j.ct + col];
            if (j.faithful)
                numerics::matmul_tile(j.b[r], j.a[col], d, j.phases, j.fp32_dst, false);
            else
                numerics::matmul_tile_fp32(j.b[r], j.a[col], d, false);
        }
}

void MathWorker::wait_idle(const std::atomic<int>& pending) {
    // Jobs take microseconds: spin briefly, then give the core away.
    for (int i = 0; pending.load(std::memory_order_acquire) != 0; ++i) {
        if (i < 256)
            __builtin_ia32_pause();
        else
            std::this_thread::yield();
    }
}

}  // namespace tensim
