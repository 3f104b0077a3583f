// What the model reports for a timeline: zones on tracks (a kernel running, a wait, an engine
// busy) and transfers between tracks (NoC packets). The model only calls a sink when one is set;
// src/report writes what it receives as a Perfetto trace, with its own filters and cap.
#pragma once
#include <cstdint>
#include <string_view>

#include "common/clock.hpp"

namespace tensim::trace {

// The lanes of one Tensix core, and the track of a DRAM channel.
enum class Lane : uint8_t {
    brisc,
    ncrisc,
    trisc0,
    trisc1,
    trisc2,
    unpack,
    fpu,
    sfpu,
    pack,
    noc,
    dram,
    erisc,    // an Ethernet tile's ERISC (x is the channel)
    eth_noc,  // NoC traffic into an Ethernet tile's L1 (x is the channel)
    eth_link  // the sending direction of an Ethernet port (x is the channel)
};
const char* lane_name(Lane l);

struct Track {
    int chip = 0;
    int x = 0, y = 0;  // logical core; for Lane::dram and the Ethernet lanes, x is the channel
    Lane lane = Lane::brisc;
};

class Sink {
public:
    virtual ~Sink() = default;
    // Whether anything on this track is recorded; callers skip building names and details
    // otherwise.
    virtual bool wants(const Track& t) const = 0;
    // [begin, end) on `track`: `name` is what ran or was waited for; `detail` says more (may be
    // empty).
    virtual void zone(const Track& track, std::string_view name, Cycle begin, Cycle end,
                      std::string_view detail) = 0;
    // `bytes` left `from` at `sent` and arrived at `to` at `arrived`, on NoC `noc`.
    virtual void transfer(const Track& from, Cycle sent, const Track& to, Cycle arrived, int noc,
                          uint32_t bytes) = 0;
};

// The sink of this process (none by default).
Sink* sink();
void set_sink(Sink* s);

}  // namespace tensim::trace
