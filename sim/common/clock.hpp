// Clock domains: a period that turns integer cycles into the Scheduler's picoseconds (and those
// into SystemC time where the Scheduler drives sc_start). Internals speak cycles of a named
// domain; nothing here ticks.
#pragma once
#include <cstdint>
#include <systemc>

namespace tensim {

using Cycle = uint64_t;

// SystemC time of `ps` picoseconds. With SystemC's default resolution of 1 ps (tensim never sets
// another) that is the raw value, without the conversion from a double and a unit that sc_time's
// constructor does (a cost on every timed wait and notification).
inline sc_core::sc_time ps_to_time(uint64_t ps) {
    static const bool ps_resolution = sc_core::sc_time(1, sc_core::SC_PS).value() == 1;
    return ps_resolution ? sc_core::sc_time::from_value(ps)
                         : sc_core::sc_time(static_cast<double>(ps), sc_core::SC_PS);
}

// The simulated time in picoseconds: the Scheduler's (scheduler.hpp), which runs ahead of
// SystemC's within an activation of its method.
uint64_t sim_now_ps();

struct ClockDomain {
    double freq_mhz = 1000.0;  // MHz

    uint64_t period_ps() const { return static_cast<uint64_t>(1e6 / freq_mhz + 0.5); }
    // Cycles elapsed at the Scheduler's time (rounded down).
    Cycle now() const { return sim_now_ps() / period_ps(); }
    double cycles_to_us(Cycle c) const { return static_cast<double>(c) / freq_mhz; }
};

}  // namespace tensim
