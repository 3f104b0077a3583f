#include "noc/routing.hpp"

#include <map>

#include "common/error.hpp"

namespace tensim {

namespace {
// A function-local static, so registration from other files' static initialisers is safe.
std::map<std::string, RoutingFactory>& registry() {
    static std::map<std::string, RoutingFactory> r;
    return r;
}
}  // namespace

bool register_routing(const std::string& name, RoutingFactory factory) {
    return registry().emplace(name, std::move(factory)).second;
}

bool routing_known(const std::string& name) { return registry().count(name) != 0; }

std::unique_ptr<RoutingPolicy> make_routing(const std::string& name, const NocConfig& cfg,
                                            int noc_id) {
    auto it = registry().find(name);
    if (it == registry().end()) {
        std::string known;
        for (const auto& [n, _] : registry()) known += " " + n;
        throw ConfigError("noc.routing: unknown routing policy '" + name + "' (known:" + known +
                          ")");
    }
    return it->second(cfg, noc_id);
}

}  // namespace tensim
