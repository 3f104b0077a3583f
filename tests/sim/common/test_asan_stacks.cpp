// Exceptions thrown on SystemC's stacks (a thread's coroutine stack, and the main stack after a
// simulation has switched away from it and back) leave no poisoned stack red zones behind. Only a
// sanitizer build (tools/sanitize.sh) checks anything: there a stale red zone makes ASan report a
// stack-buffer overflow in fill_frames and end the process (sim/common/asan_systemc.cpp says why
// the main stack and ended threads needed tensim's help). Elsewhere the test runs and passes.
#include <gtest/gtest.h>

#include <stdexcept>
#include <systemc>

namespace {

// Frames with arrays (so with red zones under ASan) abandoned by a throw.
[[gnu::noinline]] void throw_from_frame(int n) {
    volatile char buf[64];
    buf[0] = static_cast<char>(n);
    if (buf[0] >= 0) throw std::runtime_error("unwound");
}

// Writes whole arrays in fresh frames, over the place the abandoned frames' red zones were.
[[gnu::noinline]] int fill_frames(int depth) {
    volatile char buf[256];
    for (auto& b : buf) b = 1;
    return depth > 0 ? fill_frames(depth - 1) + buf[7] : buf[3];
}

int throw_catch_and_fill() {
    int sum = 0;
    for (int i = 0; i < 4; ++i) {
        try {
            sum += fill_frames(3);
            throw_from_frame(i);
        } catch (const std::runtime_error&) {
            sum += fill_frames(6);
        }
    }
    return sum;
}

}  // namespace

TEST(AsanStacks, ExceptionsOnThreadAndMainStacksLeaveNoPoison) {
    int thread_sums = 0;
    for (int round = 0; round < 2; ++round) {
        // Threads that throw between waits, then end (SystemC switches away from an ended thread
        // with sc_cor_pkg_qt::abort).
        for (int t = 0; t < 3; ++t)
            sc_core::sc_spawn([&thread_sums, t] {
                for (int i = 0; i <= t; ++i) {
                    thread_sums += throw_catch_and_fill();
                    sc_core::wait(1, sc_core::SC_NS);
                }
            });
        sc_core::sc_start();
        // Back on the main stack, after switches to and from the threads.
        EXPECT_EQ(throw_catch_and_fill(), throw_catch_and_fill());
    }
    // Each thread t ran t+1 times per round; every throw_catch_and_fill returns the same sum.
    const int per_call = throw_catch_and_fill();
    EXPECT_EQ(thread_sums, 2 * (1 + 2 + 3) * per_call);
}
