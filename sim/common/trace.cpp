#include "common/trace.hpp"

namespace tensim::trace {

namespace {
Sink* g_sink = nullptr;
}

const char* lane_name(Lane l) {
    static const char* names[] = {"brisc",  "ncrisc", "trisc0",  "trisc1",  "trisc2",
                                  "unpack", "fpu",    "sfpu",    "pack",    "noc",
                                  "dram",   "erisc",  "eth_noc", "eth_link"};
    return names[static_cast<int>(l)];
}

Sink* sink() { return g_sink; }
void set_sink(Sink* s) { g_sink = s; }

}  // namespace tensim::trace
