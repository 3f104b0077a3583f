// Tile math of the FPU off the simulation thread. Modelled: nothing; this is how the simulator
// uses the host's second core. A matmul call's tile products (values only: its cycles are charged
// on the simulation thread as before) become a job that one worker thread computes while the
// simulation goes on with other cores' events; every other reader or writer of that core's Dst
// (packer, SFPU, eltwise, the next launch) first waits for the core's jobs to finish. Values are
// bit-identical to computing inline: the same functions run on the same inputs, and the jobs of
// one core run in issue order (one worker, a FIFO; a core with jobs outstanding never computes
// inline). The simulation thread still computes a call inline when the worker's backlog is full,
// so neither side idles while the other is overloaded.
#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <vector>

namespace tensim {

namespace numerics {
using Tile = std::array<float, 1024>;
}

class MathWorker {
public:
    // dst[r * ct + col] += b[r] x a[col] for r < rt, col < ct (Fpu::matmul's loop).
    struct Job {
        std::vector<numerics::Tile> a, b;  // operands: the Src bank's storage, swapped in
        std::array<numerics::Tile*, 16> dst{};
        uint32_t rt = 0, ct = 0;
        int phases = 4;
        bool faithful = true, fp32_dst = false;
        std::atomic<int>* pending = nullptr;  // the core's count of outstanding jobs
    };

    // The process's worker, or nullptr when tile math runs inline: one hardware thread, or
    // TENSIM_MATH_THREADS=0, or in a child forked after the worker started.
    static MathWorker* get();

    // Jobs waiting or running; the caller computes inline at max_backlog() (32 calls: about a
    // millisecond of faithful math, enough to keep the worker busy between two Dst reads).
    int backlog() const { return m_backlog.load(std::memory_order_relaxed); }
    static int max_backlog();

    // Tests: force the worker on or off (whatever the CPU count and the environment say) and
    // set the backlog at which calls run inline (1: nearly every call inline; large: none).
    static void set_for_testing(bool enabled, int max_backlog);

    Job* take();          // a job object to fill (recycled: its vectors keep their storage)
    void submit(Job* j);  // increments *j->pending; the worker decrements it when done

    // Computes a job's tile products on the calling thread.
    static void compute(const Job& j);

    // Waits until *pending is zero (the caller's core has no job outstanding).
    static void wait_idle(const std::atomic<int>& pending);

    ~MathWorker();

private:
    MathWorker();
    struct Impl;
    Impl* m_impl;
    std::atomic<int> m_backlog{0};
};

}  // namespace tensim
