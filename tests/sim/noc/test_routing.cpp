// The routing policy seam and the serialisation rule: a policy registered in one place is chosen
// by name from the configuration and decides the links; an unknown name is a ConfigError; the
// framings of the one serialisation function agree where they must and differ where they may.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "noc/noc.hpp"
#include "noc/routing.hpp"
#include "noc/serialisation.hpp"

namespace tensim {
namespace {

// A test policy: y first on every NoC, whatever axis_order says.
class YFirst : public RoutingPolicy {
public:
    std::vector<int> route(const NocTopology& t, NocXY src, NocXY dst) const override {
        std::vector<int> links;
        NocXY p = src;
        while (p.y != dst.y) {
            links.push_back(t.y_link(p));
            p.y = (p.y + t.step_y + t.grid_y) % t.grid_y;
        }
        while (p.x != dst.x) {
            links.push_back(t.x_link(p));
            p.x = (p.x + t.step_x + t.grid_x) % t.grid_x;
        }
        return links;
    }
};

[[maybe_unused]] const bool registered = register_routing(
    "test_y_first", [](const NocConfig&, int) { return std::make_unique<YFirst>(); });

TEST(NocRouting, ARegisteredPolicyIsChosenByName) {
    NocConfig cfg;
    EXPECT_EQ(Noc(cfg, 0, "noc0").link_name(Noc(cfg, 0, "noc0").route({1, 1}, {3, 4}).front()),
              "noc0.link_1_1_east");
    cfg.routing = "test_y_first";
    Noc noc(cfg, 0, "noc0");
    const std::vector<int> r = noc.route({1, 1}, {3, 4});
    ASSERT_EQ(r.size(), 5u);
    EXPECT_EQ(noc.link_name(r.front()), "noc0.link_1_1_south");
    EXPECT_EQ(noc.link_name(r.back()), "noc0.link_2_4_east");
    // Timing follows the policy's route: same hop count, so the same uncontended latency.
    Noc reference(NocConfig{}, 0, "noc0");
    EXPECT_EQ(noc.send({1, 1}, {3, 4}, 64, 0), reference.send({1, 1}, {3, 4}, 64, 0));
}

TEST(NocRouting, UnknownPolicyIsAConfigError) {
    NocConfig cfg;
    cfg.routing = "no_such_policy";
    EXPECT_THROW(Noc(cfg, 0, "noc0"), ConfigError);
    EXPECT_TRUE(routing_known("dimension_order"));
}

TEST(Serialisation, FramingsAgreeAtOneFlitPerCycle) {
    // Wormhole: 32 B flits at 32 B/cycle, where the NIU's header + payload estimate and the
    // routers' whole flits give the same cycles for every payload.
    for (uint32_t p : {1u, 16u, 31u, 32u, 33u, 100u, 2048u, 8191u, 8192u})
        EXPECT_EQ(serialisation_cycles(p, 32, 32.0, Framing::header_and_payload),
                  serialisation_cycles(p, 32, 32.0, Framing::whole_flits))
            << p;
    EXPECT_EQ(serialisation_cycles(8192, 32, 32.0, Framing::whole_flits), 257u);
    // At other rates they may differ: 100 B is 4 data flits (160 B with the header), not 132 B.
    EXPECT_EQ(serialisation_cycles(100, 32, 28.1, Framing::header_and_payload), 5u);
    EXPECT_EQ(serialisation_cycles(100, 32, 28.1, Framing::whole_flits), 6u);
    EXPECT_EQ(serialisation_cycles(100, 32, 28.1, Framing::payload), 4u);
    // Floating-point noise does not add a cycle; nothing takes less than one.
    EXPECT_EQ(serialisation_cycles(222, 22.2), 10u);
    EXPECT_EQ(serialisation_cycles(1, 64.0), 1u);
}

}  // namespace
}  // namespace tensim
