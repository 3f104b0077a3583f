// The routing policy seam: which links a packet crosses from one router to another. A policy is
// one file that defines a RoutingPolicy and registers it under the name the architecture file
// selects (`noc.routing`), e.g. routing_dimension_order.cpp. Multicast follows the union of the
// unicast routes from the source (Noc::multicast); a policy whose routes from one source do not
// form a tree still works, each router being entered by the first route that reaches it.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "noc/noc_xy.hpp"

namespace tensim {

// One NoC's wiring: a torus with one unidirectional ring per row and per column; `step_x`,
// `step_y` (+1 or -1) give the direction its links point. Link r * 2 leaves router r along x,
// link r * 2 + 1 along y.
struct NocTopology {
    int grid_x = 0, grid_y = 0;
    int step_x = 1, step_y = 1;
    int router(NocXY p) const { return p.y * grid_x + p.x; }
    int x_link(NocXY p) const { return router(p) * 2; }
    int y_link(NocXY p) const { return router(p) * 2 + 1; }
};

class RoutingPolicy {
public:
    virtual ~RoutingPolicy() = default;
    // Links a unicast packet crosses from src to dst, in order (both inside the grid).
    virtual std::vector<int> route(const NocTopology& topo, NocXY src, NocXY dst) const = 0;
};

struct NocConfig;
// Builds the policy for NoC `noc_id` of a chip configured by `cfg`.
using RoutingFactory =
    std::function<std::unique_ptr<RoutingPolicy>(const NocConfig& cfg, int noc_id)>;

// Registers a policy under `name`; call it from a static initialiser in the policy's file:
//   static const bool registered = register_routing("name", [](const NocConfig&, int) {...});
bool register_routing(const std::string& name, RoutingFactory factory);
// The policy `name` for NoC `noc_id`; ConfigError naming the known policies when there is none.
std::unique_ptr<RoutingPolicy> make_routing(const std::string& name, const NocConfig& cfg,
                                            int noc_id);
bool routing_known(const std::string& name);

}  // namespace tensim
