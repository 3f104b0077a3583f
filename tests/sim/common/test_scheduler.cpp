// The callback queue (sim/common/scheduler.*) and the in-place callable it stores
// (inline_callback.hpp): order by (time, sequence), cancel by owner, callbacks that schedule more,
// and closures kept in place or on the heap, moved and destroyed exactly once.
#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <systemc>
#include <vector>

#include "common/clock.hpp"
#include "common/inline_callback.hpp"
#include "common/scheduler.hpp"

namespace tensim {
namespace {

// Counts live copies of itself, so a test sees every construction matched by one destruction.
struct Tracked {
    std::shared_ptr<int> live;
    explicit Tracked(std::shared_ptr<int> l) : live(std::move(l)) { ++*live; }
    Tracked(const Tracked& o) : live(o.live) { ++*live; }
    Tracked(Tracked&& o) noexcept : live(o.live) { ++*live; }
    ~Tracked() { --*live; }
};

TEST(InlineCallback, SmallAndLargeClosuresCallMoveAndDestroyOnce) {
    auto live = std::make_shared<int>(0);
    int calls = 0;
    {
        Tracked t(live);
        std::array<char, InlineCallback::kInlineBytes + 8> big{};  // too big to sit in place
        big[3] = 5;
        InlineCallback small = [t, &calls] { calls += 1; };
        InlineCallback large = [t, big, &calls] { calls += big[3]; };
        EXPECT_EQ(*live, 3);
        InlineCallback moved = std::move(small);
        InlineCallback moved_large = std::move(large);
        EXPECT_FALSE(small);  // NOLINT(bugprone-use-after-move): a moved-from callback is empty
        EXPECT_FALSE(large);  // NOLINT(bugprone-use-after-move)
        EXPECT_EQ(*live, 3);  // a move leaves one live copy per closure
        moved();
        moved_large();
        EXPECT_EQ(calls, 6);
        moved = std::move(moved_large);  // the target's own closure is destroyed first
        EXPECT_EQ(*live, 2);
        moved();
        EXPECT_EQ(calls, 11);
    }
    EXPECT_EQ(*live, 0);
}

TEST(Scheduler, RunsInTimeThenIssueOrderAndCancelsByOwner) {
    Scheduler& s = Scheduler::instance();
    const ClockDomain clock{1000.0};  // 1 GHz: one cycle is 1000 ps
    const Cycle base = clock.now() + 10;
    std::vector<int> order;
    int keep = 0, drop = 0;  // owners: only their addresses matter
    s.schedule(clock, base + 5, &keep, [&] { order.push_back(3); });
    s.schedule(clock, base + 1, &keep, [&] { order.push_back(1); });
    s.schedule(clock, base + 5, &drop, [&] { order.push_back(-1); });
    s.schedule(clock, base + 1, &keep, [&, base] {
        order.push_back(2);
        // Scheduled from a callback, for a time already queued: after the entries issued before.
        Scheduler::instance().schedule(clock, base + 5, &keep, [&] { order.push_back(4); });
    });
    s.cancel(&drop);
    sc_core::sc_start(sc_core::sc_time(100, sc_core::SC_NS));
    EXPECT_EQ(order, (std::vector<int>{1, 2, 3, 4}));
}

// run_due notifies SystemC once, for the head, when it returns: entries a callback adds (for now,
// the past, or before the head already queued; closures or plain calls) or cancels are still run
// at their times in issue order, or not at all.
TEST(Scheduler, EntriesAddedOrCancelledByACallbackRunAtTheirTimes) {
    Scheduler& s = Scheduler::instance();
    const ClockDomain clock{1000.0};
    const Cycle base = clock.now() + 10;
    std::vector<std::pair<int, Cycle>> runs;  // (entry, cycle it ran at)
    int keep = 0, drop = 0;
    auto record = [&](int id) { runs.emplace_back(id, clock.now() - base); };
    s.schedule(clock, base + 8, &keep, [&] { record(4); });
    s.schedule(clock, base + 6, &drop, [&] { record(-1); });
    s.schedule(clock, base + 1, &keep, [&, base] {
        record(1);
        Scheduler& q = Scheduler::instance();
        q.schedule(clock, base + 1, &keep, [&] { record(2); });  // now: in this same step
        q.schedule_call(
            0, &keep, [](void* r) { (*static_cast<decltype(record)*>(r))(5); },
            &record);  // the past: now, after entry 2
        q.schedule_ps((base + 3) * clock.period_ps(), &keep,
                      [&] { record(3); });  // before the head
        q.cancel(&drop);
    });
    sc_core::sc_start(sc_core::sc_time(100, sc_core::SC_NS));
    EXPECT_EQ(runs, (std::vector<std::pair<int, Cycle>>{{1, 1}, {2, 1}, {5, 1}, {3, 3}, {4, 8}}));
}

// run_to runs every time step of its span in one activation of the Scheduler's method, with the
// time read from the Scheduler advancing step by step; stop() ends it after the step being run,
// and time then stays there (or moves to the span's end when asked to).
TEST(Scheduler, RunToRunsTheStepsOfItsSpanAndStopsWhenAsked) {
    Scheduler& s = Scheduler::instance();
    const ClockDomain clock{1000.0};
    const Cycle base = clock.now() + 10;
    const uint64_t period = clock.period_ps();
    std::vector<std::pair<int, Cycle>> runs;  // (entry, cycle it ran at)
    int keep = 0;
    auto record = [&](int id) { runs.emplace_back(id, clock.now() - base); };
    s.schedule(clock, base + 1, &keep, [&] { record(1); });
    s.schedule(clock, base + 2, &keep, [&] {
        record(2);
        Scheduler::instance().stop();
        Scheduler::instance().schedule(clock, base + 2, &keep, [&] { record(3); });  // same step
    });
    s.schedule(clock, base + 4, &keep, [&] { record(4); });
    s.schedule(clock, base + 30, &keep, [&] { record(5); });
    s.run_to((base + 20) * period, false);
    EXPECT_EQ(runs, (std::vector<std::pair<int, Cycle>>{{1, 1}, {2, 2}, {3, 2}}));
    EXPECT_EQ(clock.now(), base + 2);
    EXPECT_EQ(sc_core::sc_time_stamp().value(), (base + 2) * period);  // SystemC agrees
    EXPECT_EQ(s.next_ps(), (base + 4) * period);
    s.run_to((base + 20) * period, false);
    EXPECT_EQ(runs.back(), (std::pair<int, Cycle>{4, 4}));
    EXPECT_EQ(clock.now(), base + 4);  // the last step run: entry 5 lies beyond the span
    s.run_to((base + 20) * period, true);
    EXPECT_EQ(clock.now(), base + 20);
    EXPECT_EQ(sc_core::sc_time_stamp().value(), (base + 20) * period);
    s.run_to((base + 40) * period, false);
    EXPECT_EQ(runs.back(), (std::pair<int, Cycle>{5, 30}));
    EXPECT_EQ(s.next_ps(), Scheduler::kNever);
    s.cancel(&keep);  // entries left by a failure above must not run in later tests
}

// The point of run_to: SystemC sees one activation (one delta cycle) for a span of many time
// steps, not one per step.
TEST(Scheduler, RunToIsOneSystemcActivationForManySteps) {
    Scheduler& s = Scheduler::instance();
    const ClockDomain clock{1000.0};
    const Cycle base = clock.now() + 10;
    int owner = 0, ran = 0;
    for (Cycle c = 1; c <= 50; ++c) s.schedule(clock, base + c, &owner, [&] { ++ran; });
    const auto deltas = sc_core::sc_delta_count();
    s.run_to((base + 100) * clock.period_ps(), true);
    EXPECT_EQ(ran, 50);
    EXPECT_LE(sc_core::sc_delta_count() - deltas, 2u);
    s.cancel(&owner);
}

}  // namespace
}  // namespace tensim
