// System::run_until's time limit and progress ticks (sim/system/system.cpp) when the next thing
// that happens lies beyond the span being simulated: SC_EXIT_ON_STARVATION then leaves SystemC
// time at the last event, and run_until used to ask again forever (issue 14: examples under
// TENSIM_CYCLE_LIMIT printed W571 without end). A RISC's long local time (kernel code charged
// between calls) is the plainest such event; an abandoned program must end however far ahead
// its threads ran.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>

#include "chip/arch_loader.hpp"
#include "common/error.hpp"
#include "system/system.hpp"
#include "tensix/risc_thread.hpp"
#include "tensix/tensix_core.hpp"

namespace {

using namespace tensim;

class RunUntil : public ::testing::Test {
protected:
    void SetUp() override { sys = std::make_unique<System>(load_system("n150")); }
    void TearDown() override { sys.reset(); }

    // Launches, on core (0,0)'s BRISC, a kernel that runs `ahead` cycles of private work in one
    // piece (one timed wait: the only pending event until it ends).
    RiscThread& launch_ahead(Cycle ahead) {
        TensixCore& core = sys->chip(0).worker(0, 0);
        core.clear_firmware_state();
        KernelLaunch l;
        l.entry = [ahead] {
            RiscThread& t = *RiscThread::current();
            t.advance(ahead);
            t.sync();
        };
        l.kernel_name = "ahead";
        done = false;
        core.thread(Risc::BRISC).launch(l, [this] {
            done = true;
            System::stop_run();
        });
        return core.thread(Risc::BRISC);
    }

    std::unique_ptr<System> sys;
    bool done = false;
};

TEST_F(RunUntil, LimitIsReachedWhenTheNextEventLiesBeyondIt) {
    const Cycle limit = 1000, ahead = 1'000'000;
    RiscThread& t = launch_ahead(ahead);
    const Cycle start = sys->now();
    std::string msg;
    try {
        sys->run_until([&] { return done; }, limit);
    } catch (const DeadlockError& e) {
        msg = e.what();
    }
    EXPECT_NE(
        msg.find(fmt::format("time limit of {} cycles reached at cycle {}", limit, start + limit)),
        std::string::npos)
        << msg;
    EXPECT_EQ(sys->now(), start + limit);
    // Abandoned, the thread ends at once, not when its private work would have ended.
    t.abort();
    sys->run_until([&] { return !t.running(); }, limit);
    EXPECT_FALSE(t.running());
    EXPECT_LT(sys->now(), start + 2 * limit);
}

TEST_F(RunUntil, TicksKeepComingWhileOneLongWaitRuns) {
    const Cycle ahead = 50'000, tick_cycles = 1000;
    launch_ahead(ahead);
    const Cycle start = sys->now();
    int ticks = 0;
    sys->run_until([&] { return done; }, 10 * ahead, [&] { ++ticks; }, tick_cycles);
    EXPECT_TRUE(done);
    // Every tick span up to the end is simulated: the thread's wait plus its start-up cost.
    const Cycle end = sys->now() - start;
    EXPECT_GE(end, ahead);
    EXPECT_GE(ticks, int(end / tick_cycles));
    EXPECT_LE(ticks, int(end / tick_cycles) + 2);
}

}  // namespace
