// Tile math of the FPU off the simulation thread. Modelled: nothing; this is how the simulator
// uses the host's other cores. A matmul call's tile products (values only: its cycles are charged
// on the simulation thread as before) become a job in a queue that worker threads compute while
// the simulation goes on with other cores' events; every other reader or writer of that core's Dst
// (packer, SFPU, eltwise, the next launch) first waits for the core's jobs to finish, and while
// it waits the simulation thread computes queued jobs itself (the core's own first), so no host
// core idles while math is behind. Values are bit-identical to computing inline: the same
// functions run on the same inputs, and the jobs of one core (a Lane) run one at a time in issue
// order, whichever thread takes them: a thread takes the first queued job whose lane has no job
// running. Jobs of different cores run concurrently.
#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <exception>
#include <vector>

namespace tensim {

namespace numerics {
using Tile = std::array<float, 1024>;
}
// A bf16 tile as L1 holds it (the top halves of its fp32 values), not yet decoded.
using RawBf16Tile = std::array<uint16_t, 1024>;

class MathWorker {
public:
    // The jobs of one core: they run one at a time, in the order submitted.
    struct Lane {
        std::atomic<int> pending{0};  // submitted and not finished
        bool running = false;         // a thread computes one of them (guarded by the queue's lock)
        MathWorker* owner = nullptr;  // where they were submitted
        // A job's exception (a bad phase count, no memory), kept for wait() to rethrow on the
        // lane's own core: the thread that ran the job may be another core's or a worker.
        std::exception_ptr error;
    };

    // dst[r * ct + col] += b[r] x a[col] for r < rt, col < ct (Fpu::matmul's loop).
    struct Job {
        std::vector<numerics::Tile> a, b;  // operands: the Src bank's storage, swapped in
        // With raw_a (raw_b), the operand is still bf16 bytes in raw_a_tiles (raw_b_tiles): the
        // job decodes it into a (b) first, off the simulation thread, or, faithful with both raw,
        // splits the bytes into parts directly (numerics::matmul_tiles_bf16).
        std::vector<RawBf16Tile> raw_a_tiles, raw_b_tiles;
        bool raw_a = false, raw_b = false;
        std::array<numerics::Tile*, 16> dst{};
        uint32_t rt = 0, ct = 0;
        int phases = 4;
        bool faithful = true, fp32_dst = false;
        Lane* lane = nullptr;
    };

    // The process's workers, or nullptr when tile math runs inline: one hardware thread, or
    // TENSIM_MATH_THREADS=0, or in a child forked after the workers started.
    static MathWorker* get();
    // What `fast` numerics hands its calls to: get() when workers were asked for
    // (TENSIM_MATH_THREADS set, or set_for_testing), else nullptr. Its products are cheap
    // (~0.4 us): on this project's 2-core host the hand-off gained no wall time and cost ~50% more
    // CPU (docs/performance.md, round 13), so by default they stay on the simulation thread.
    static MathWorker* for_fast();

    // `threads` worker threads of their own (tests; get() gives the process's).
    explicit MathWorker(int threads);
    ~MathWorker();
    MathWorker(const MathWorker&) = delete;
    MathWorker& operator=(const MathWorker&) = delete;

    // Jobs waiting or running. At max_backlog() (128 calls: ~3 ms of HiFi4 math)
    // the simulation thread computes calls itself: inline when the core has none outstanding,
    // else the oldest job it may take.
    int backlog() const { return m_backlog.load(std::memory_order_relaxed); }
    static int max_backlog();

    // Tests: force the workers on or off (whatever the CPU count and the environment say) and
    // set the backlog at which calls run inline (1: nearly every call inline; large: none).
    static void set_for_testing(bool enabled, int max_backlog);

    Job* take();          // a job object to fill (recycled: its vectors keep their storage)
    void submit(Job* j);  // queues it behind its lane's jobs; j->lane->pending counts it

    // Computes the oldest job this thread may take (none of its lane's jobs running) on the
    // calling thread; false when there is none.
    bool help();

    // Returns once `lane` has no job outstanding. Meanwhile the calling thread computes the
    // lane's queued jobs (in order) and, while its running job is on another thread, other
    // lanes' jobs; it spins only when there is nothing it may take. Rethrows the first exception
    // one of the lane's jobs raised.
    void wait(Lane& lane);

    // Computes a job's tile products on the calling thread (its raw operands decoded first, or
    // split from their bits).
    static void compute(Job& j);
    // out[i] = raw[i] decoded (numerics::decode_tile of bf16) for i < n; out grows to n tiles.
    static void decode_raw(const std::vector<RawBf16Tile>& raw, std::vector<numerics::Tile>& out,
                           uint32_t n);

private:
    void start_threads(int threads);
    void stop_threads();  // after the queue drains
    struct Impl;
    Impl* m_impl;
    std::atomic<int> m_backlog{0};
    std::atomic<uint64_t> m_generation{0};  // bumped when a job is queued or a lane frees up
};

}  // namespace tensim
