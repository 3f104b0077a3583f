// The callback queue (sim/common/scheduler.*) and the in-place callable it stores
// (inline_callback.hpp): order by (time, sequence), cancel by owner, callbacks that schedule more,
// and closures kept in place or on the heap, moved and destroyed exactly once.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <systemc>
#include <tuple>
#include <utility>
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

// Random schedules against a plain reference (a map ordered by (time, issue number)): entries at
// times that share high bits or straddle powers of two (the radix heap's bucket boundaries), at
// now from inside a callback, far in the future, in the past (run at now), and cancels by owner of
// entries queued at now or later, in the middle of a run. Every entry decides what it does from its
// id alone, so both queues see the same script; the order they run in must be the same.
struct Script {
    static uint64_t mix(uint64_t x) {  // splitmix64: a fixed pseudo-random function of x
        x += 0x9e3779b97f4a7c15ull;
        x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
        x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
        return x ^ (x >> 31);
    }
    // A delay from now: zero, a few ps, up to a power of two and just past it, or far ahead.
    static uint64_t delay(uint64_t r) {
        switch (r % 8) {
            case 0:
                return 0;
            case 1:
                return (r >> 8) % 4;
            case 2:
                return (r >> 8) % 3000;
            case 3: {
                const unsigned bit = static_cast<unsigned>((r >> 8) % 24);
                return (uint64_t{1} << bit) - 1 + (r >> 16) % 3;  // around a power of two
            }
            case 4:
                return ((r >> 8) % 64) * 1000;
            case 5:
                return (uint64_t{1} << 36) + (r >> 8) % 5;  // far future
            default:
                return (r >> 8) % 600'000;
        }
    }
    // What entry `id` (run at `now`) does: schedules children (depth-limited) and may cancel
    // an owner. Sink: schedule(t_ps, owner, id) and cancel(owner).
    template <typename Sink>
    static void act(uint64_t id, int depth, uint64_t now, int& next_id, Sink& sink) {
        const uint64_t r = mix(id);
        const int children = depth < 4 ? static_cast<int>(r % 4) : 0;
        for (int c = 0; c < children; ++c) {
            const uint64_t rc = mix(r + static_cast<uint64_t>(c) + 1);
            // Some children ask for a time already past: they run at now.
            const uint64_t at = rc % 16 == 0 && now > 5 ? now - 5 : now + delay(rc);
            sink.schedule(at, static_cast<int>(rc >> 60) % 4, next_id++, depth + 1);
        }
        if (r % 151 == 0) sink.cancel(static_cast<int>((r >> 20) % 4));
    }
};

struct ReferenceQueue {
    // (time, issue number) -> (id, owner, depth)
    std::map<std::pair<uint64_t, uint64_t>, std::tuple<int, int, int>> q;
    uint64_t issued = 0, now = 0;
    int next_id = 0;
    size_t cancelled = 0, ties = 0;  // entries cancelled; entries run at the time of the one before
    std::vector<std::pair<int, uint64_t>> runs;  // (id, time it ran at)
    void schedule(uint64_t t, int owner, int id, int depth) {
        q.emplace(std::make_pair(std::max(t, now), issued++), std::make_tuple(id, owner, depth));
    }
    void cancel(int owner) {
        for (auto it = q.begin(); it != q.end();) {
            const bool mine = std::get<1>(it->second) == owner;
            cancelled += mine;
            it = mine ? q.erase(it) : std::next(it);
        }
    }
    void run() {
        while (!q.empty()) {
            auto [key, v] = *q.begin();
            q.erase(q.begin());
            now = std::max(now, key.first);
            ties += !runs.empty() && runs.back().second == now;
            runs.emplace_back(std::get<0>(v), now);
            Script::act(static_cast<uint64_t>(std::get<0>(v)), std::get<2>(v), now, next_id, *this);
        }
    }
};

struct RealQueue {
    std::array<int, 4> owners{};
    uint64_t base = 0;
    int next_id = 0;
    std::vector<std::pair<int, uint64_t>> runs;  // (id, time it ran at, from base)
    void schedule(uint64_t t, int owner, int id, int depth) {
        Scheduler::instance().schedule_ps(
            base + t, &owners[static_cast<size_t>(owner)], [this, id, depth] {
                const uint64_t now = Scheduler::instance().now_ps() - base;
                runs.emplace_back(id, now);
                Script::act(static_cast<uint64_t>(id), depth, now, next_id, *this);
            });
    }
    void cancel(int owner) { Scheduler::instance().cancel(&owners[static_cast<size_t>(owner)]); }
};

TEST(Scheduler, RandomSchedulesRunInTheReferenceOrder) {
    Scheduler& s = Scheduler::instance();
    for (uint64_t seed = 0; seed < 8; ++seed) {
        ReferenceQueue ref;
        RealQueue real;
        // A base just below a power of two, so early entries straddle a high bucket boundary;
        // the last two at 2^62 and 2^63, where the radix heap's top digits change.
        const uint64_t now = s.now_ps();
        real.base = seed < 6 ? ((now >> 40) + 1 + seed) << 40 : uint64_t{1} << (56 + seed);
        real.base -= 1000 * seed + 7;
        for (int i = 0; i < 300; ++i) {
            const uint64_t r = Script::mix(seed * 1000 + static_cast<uint64_t>(i));
            const uint64_t at = Script::delay(r);
            ref.schedule(at, static_cast<int>(r >> 61) % 4, ref.next_id++, 0);
            real.schedule(at, static_cast<int>(r >> 61) % 4, real.next_id++, 0);
        }
        ref.run();
        // In spans of varying length, as System::run_until runs them, then to the end.
        for (int span = 0; s.next_ps() != Scheduler::kNever; ++span) {
            const uint64_t step = span % 3 == 0 ? 1 : span % 3 == 1 ? 777 : 1'000'000;
            s.run_to(std::max(s.now_ps(), s.next_ps()) + step, span % 2 == 0);
            ASSERT_LT(span, 100000);
        }
        // The script exercises what it is for: many entries, many sharing a time, some cancelled.
        EXPECT_GT(ref.runs.size(), 500u);
        EXPECT_GT(ref.ties, 100u);
        EXPECT_GT(ref.cancelled, 10u);
        EXPECT_EQ(real.runs, ref.runs) << "seed " << seed;
    }
}

// Entries issued at now from inside a callback run after every entry of that time issued before,
// also when those were queued long before (in a higher bucket, spread down when time came near).
TEST(Scheduler, EqualTimesRunInIssueOrderAcrossBuckets) {
    Scheduler& s = Scheduler::instance();
    const uint64_t t0 = s.now_ps() + 10;
    const uint64_t t = ((t0 >> 20) + 1) << 20;  // a power-of-two boundary ahead
    std::vector<int> order;
    int owner = 0;
    s.schedule_ps(t, &owner, [&] { order.push_back(1); });  // far from now: a high bucket
    s.schedule_ps(t - 1, &owner, [&] {
        order.push_back(0);
        // Now one ps before t: t lies in a low bucket, after entry 1 queued long ago.
        Scheduler::instance().schedule_ps(t, &owner, [&] {
            order.push_back(3);
            Scheduler::instance().schedule_ps(0, &owner, [&] { order.push_back(5); });  // past
        });
    });
    s.schedule_ps(t, &owner, [&] {
        order.push_back(2);
        Scheduler::instance().schedule_ps(t, &owner, [&] { order.push_back(4); });  // now
    });
    s.run_to(t + 100, false);
    EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4, 5}));
    EXPECT_EQ(s.now_ps(), t);
    s.cancel(&owner);
}

}  // namespace
}  // namespace tensim
