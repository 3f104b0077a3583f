// The stats facility (sim/common/stats.hpp): counters registered by address, formulas evaluated at
// dump time, groups shown only once used, hidden stats, folded figures, reset.
#include <gtest/gtest.h>

#include "common/stats.hpp"

namespace tensim::stats {
namespace {

// A block as the simulator writes one: counters beside the members, registered in the constructor.
struct Link {
    uint64_t bytes = 0;
    uint64_t busy_cycles = 0;
    Group g;
    explicit Link(const std::string& path) : g(path) {
        g.shown_if(bytes)
            .counter("bytes", bytes, "B", "bytes carried")
            .folds_into(figure::noc_bytes, Fold::sum)
            .counter("busy_cycles", busy_cycles, "cycles", "cycles reserved")
            .formula(
                "utilization",
                [this](const Window& w) { return double(busy_cycles) / w.elapsed_cycles; }, "1",
                "busy / elapsed")
            .folds_into(figure::noc_util, Fold::max);
    }
};

TEST(StatGroup, RegistersWithUnitAndDescription) {
    Link l("chip0.noc0.link_1_1_east");
    const nlohmann::json c = l.g.catalogue();
    ASSERT_EQ(c.size(), 3u);
    EXPECT_EQ(c["chip0.noc0.link_1_1_east.bytes"]["unit"], "B");
    EXPECT_EQ(c["chip0.noc0.link_1_1_east.busy_cycles"]["desc"], "cycles reserved");
    EXPECT_EQ(c["chip0.noc0.link_1_1_east.utilization"]["unit"], "1");
}

TEST(StatGroup, CountersAreReadAndFormulasEvaluatedAtDump) {
    Group chip("chip0");
    Link a("chip0.a"), b("chip0.b"), idle("chip0.idle");
    chip.add(a.g);
    chip.add(b.g);
    chip.add(idle.g);
    // Counted after registration: the group holds addresses, not values.
    a.bytes = 96;
    a.busy_cycles = 30;
    b.bytes = 64;
    b.busy_cycles = 60;

    const Dump d = chip.dump(Window{200});
    EXPECT_EQ(d.values["chip0.a.bytes"], 96);
    EXPECT_TRUE(d.values["chip0.a.bytes"].is_number_unsigned());  // counters stay integers
    EXPECT_DOUBLE_EQ(d.values["chip0.a.utilization"].get<double>(), 0.15);
    EXPECT_DOUBLE_EQ(d.values["chip0.b.utilization"].get<double>(), 0.3);
    EXPECT_FALSE(d.values.contains("chip0.idle.bytes"));  // never used: not shown
    EXPECT_EQ(d.values.size(), 6u);
    EXPECT_DOUBLE_EQ(d.figure(figure::noc_bytes), 160.0);  // sum
    EXPECT_DOUBLE_EQ(d.figure(figure::noc_util), 0.3);     // max
    EXPECT_EQ(d.figure(figure::dram_util), 0.0);           // nothing folded into it

    // Another window, same counters: the formula follows the window.
    EXPECT_DOUBLE_EQ(chip.dump(Window{600}).values["chip0.b.utilization"].get<double>(), 0.1);

    const nlohmann::json g = d.grouped();
    EXPECT_EQ(g["chip0.a"]["busy_cycles"], 30);
    EXPECT_EQ(g.size(), 2u);
}

TEST(StatGroup, HiddenStatsFoldButAreNotDumped) {
    uint64_t sub = 3 << 16, visible = 1;
    Group g("dram.ch0");
    g.counter("busy_sub", sub, "1/65536 cycles", "as kept")
        .hidden()
        .counter("accesses", visible, "accesses", "served")
        .formula(
            "busy_cycles", [&](const Window&) { return double(sub) / 65536; }, "cycles", "busy")
        .folds_into(figure::dram_util, Fold::max);
    const Dump d = g.dump(Window{});
    EXPECT_FALSE(d.values.contains("dram.ch0.busy_sub"));
    EXPECT_DOUBLE_EQ(d.values["dram.ch0.busy_cycles"].get<double>(), 3.0);
    EXPECT_DOUBLE_EQ(d.figure(figure::dram_util), 3.0);
    EXPECT_TRUE(g.catalogue().contains("dram.ch0.busy_sub"));  // still registered, still reset
    g.reset();
    EXPECT_EQ(sub, 0u);
}

TEST(StatGroup, ResetZeroesCountersBelowAndFormulasFollow) {
    Group chip("chip0");
    Link a("chip0.a");
    chip.add(a.g);
    a.bytes = 10;
    a.busy_cycles = 5;
    chip.reset();
    EXPECT_EQ(a.bytes, 0u);
    EXPECT_EQ(a.busy_cycles, 0u);
    EXPECT_TRUE(chip.dump(Window{}).values.empty());  // unused again
    a.bytes = 1;
    const Dump d = chip.dump(Window{10});
    EXPECT_EQ(d.values["chip0.a.busy_cycles"], 0);
    EXPECT_DOUBLE_EQ(d.values["chip0.a.utilization"].get<double>(), 0.0);
}

TEST(StatGroup, QualifyingBeforeAnyStatIsAnInternalError) {
    Group g("x");
    EXPECT_ANY_THROW(g.hidden());
}

}  // namespace
}  // namespace tensim::stats
