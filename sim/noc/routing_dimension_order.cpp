// Dimension-order routing on a torus of unidirectional rings: all hops along one axis, then all
// along the other, each following its ring. Wormhole: NoC0 goes x (east) first then y (south),
// NoC1 y (north) first then x (west) (ISA NoC/README.md); the order per NoC is noc.axis_order.
#include "noc/noc.hpp"
#include "noc/routing.hpp"

namespace tensim {

namespace {

class DimensionOrder : public RoutingPolicy {
public:
    explicit DimensionOrder(bool x_first) : m_x_first(x_first) {}

    std::vector<int> route(const NocTopology& t, NocXY src, NocXY dst) const override {
        std::vector<int> links;
        NocXY p = src;
        auto walk_x = [&] {
            for (int n = ((dst.x - p.x) * t.step_x % t.grid_x + t.grid_x) % t.grid_x; n > 0; --n) {
                links.push_back(t.x_link(p));
                p.x = (p.x + t.step_x + t.grid_x) % t.grid_x;
            }
        };
        auto walk_y = [&] {
            for (int n = ((dst.y - p.y) * t.step_y % t.grid_y + t.grid_y) % t.grid_y; n > 0; --n) {
                links.push_back(t.y_link(p));
                p.y = (p.y + t.step_y + t.grid_y) % t.grid_y;
            }
        };
        if (m_x_first) {
            walk_x();
            walk_y();
        } else {
            walk_y();
            walk_x();
        }
        return links;
    }

private:
    bool m_x_first;
};

[[maybe_unused]] const bool registered =
    register_routing("dimension_order", [](const NocConfig& cfg, int noc_id) {
        return std::make_unique<DimensionOrder>(cfg.nocs.at(static_cast<size_t>(noc_id)).x_first);
    });

}  // namespace

}  // namespace tensim
