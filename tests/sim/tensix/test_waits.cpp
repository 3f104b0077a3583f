// How a RISC's blocking waits are kept and ended (sim/tensix/risc_thread.hpp, tensix_core.hpp):
// the wait condition's storage, and which of a core's notifications end which waits (WaitsOn):
// a condition on L1 may be made true by a kernel's plain store that nothing announces, so every
// notification checks it; the compute engine's and the NoC counters' conditions only change with
// their own notifications.
#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <string>

#include "chip/arch_loader.hpp"
#include "system/system.hpp"
#include "tensix/risc_thread.hpp"
#include "tensix/tensix_core.hpp"

namespace {

using namespace tensim;

TEST(WaitCondition, CopiesASmallPlainCallableAndRefersToAnyOther) {
    int x = 1, y = 2;
    struct Ptr {
        const int* p;
        bool operator()() const { return *p == 1; }
    };
    Ptr f{&x};
    const WaitCondition copied(f);
    f.p = &y;  // the copy still reads x
    EXPECT_TRUE(copied());
    x = 3;
    EXPECT_FALSE(copied());

    // Not trivially copyable: referred to, so a later change of the callable shows.
    struct Owning {
        std::string s;
        bool operator()() const { return s == "yes"; }
    };
    Owning g{"no"};
    const WaitCondition owning(g);
    EXPECT_FALSE(owning());
    g.s = "yes";
    EXPECT_TRUE(owning());

    // Too large to copy: referred to as well.
    struct Wide {
        std::array<int, 8> v{};
        bool operator()() const { return v[7] == 1; }
    };
    Wide w;
    const WaitCondition wide(w);
    EXPECT_FALSE(wide());
    w.v[7] = 1;
    EXPECT_TRUE(wide());

    // A lambda capturing an address and a value, as the wait sites write them.
    uint32_t word = 0;
    const WaitCondition lambda([p = &word, v = 5u] { return *p >= v; });
    EXPECT_FALSE(lambda());
    word = 5;
    EXPECT_TRUE(lambda());
}

// Three RISCs of one core wait on a condition that any notification makes true, each with a
// different WaitsOn; TRISC1 notifies the core three times, 100 cycles apart: an L1 change, a
// compute-engine change, any change. TRISC2 waits on anything for a time the engine's comes at.
TEST(Waits, EachNotificationEndsTheWaitsItCanEnd) {
    auto sys = std::make_unique<System>(load_system("n150"));
    TensixCore& core = sys->chip(0).worker(0, 0);
    core.clear_firmware_state();
    std::array<Cycle, 5> woke{};
    int done = 0;
    auto launch = [&](Risc r, std::function<void()> body) {
        KernelLaunch l;
        l.entry = std::move(body);
        l.kernel_name = "waits";
        core.thread(r).launch(std::move(l), [&] {
            if (++done == 5) System::stop_run();
        });
    };
    auto waiter = [&](Risc r, WaitsOn on) {
        launch(r, [&, r, on] {
            RiscThread& t = *RiscThread::current();
            t.sync();  // past the kernel's start, so the wait blocks before the first change
            // Holds after any notification; ends when one that checks it comes.
            t.wait_until([c = &core, seen = core.changes()] { return c->changes() != seen; },
                         WaitInfo{WaitInfo::other}, on);
            woke[static_cast<size_t>(r)] = t.now();
        });
    };
    waiter(Risc::BRISC, WaitsOn::engine);
    waiter(Risc::NCRISC, WaitsOn::noc_counters);
    waiter(Risc::TRISC0, WaitsOn::anything);
    Cycle t0 = 0;
    launch(Risc::TRISC1, [&] {
        RiscThread& t = *RiscThread::current();
        t.advance(1000);  // after every waiter has blocked
        t.sync();
        t0 = t.now();
        core.notify_l1_changed();
        t.advance(100);
        t.sync();
        core.notify_engine_changed();
        t.advance(100);
        t.sync();
        core.notify_changed();
        woke[static_cast<size_t>(Risc::TRISC1)] = t.now();
    });
    // TRISC2 waits on anything until the engine's change: a condition on L1 is checked on every
    // notification, the engine's too (a kernel's plain store to L1 is announced by none).
    launch(Risc::TRISC2, [&] {
        RiscThread& t = *RiscThread::current();
        t.sync();
        t.wait_until([c = &core, &t0] { return t0 != 0 && c->clock().now() >= t0 + 100; },
                     WaitInfo{WaitInfo::other});
        woke[static_cast<size_t>(Risc::TRISC2)] = t.now();
    });
    sys->run_until([&] { return done == 5; }, 100'000);
    ASSERT_EQ(done, 5);
    ASSERT_NE(t0, 0u);
    EXPECT_EQ(woke[static_cast<size_t>(Risc::TRISC0)], t0);        // the L1 change
    EXPECT_EQ(woke[static_cast<size_t>(Risc::BRISC)], t0 + 100);   // the engine's
    EXPECT_EQ(woke[static_cast<size_t>(Risc::TRISC2)], t0 + 100);  // the engine's, on anything
    EXPECT_EQ(woke[static_cast<size_t>(Risc::NCRISC)], t0 + 200);  // only any change
    EXPECT_EQ(woke[static_cast<size_t>(Risc::TRISC1)], t0 + 200);
}

}  // namespace
