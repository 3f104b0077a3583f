// Clock domains: a period used to convert integer cycles to SystemC time at one boundary.
// Internals speak cycles of a named domain; nothing here ticks.
#pragma once
#include <cstdint>
#include <systemc>

namespace tensim {

using Cycle = uint64_t;

struct ClockDomain {
    double freq_mhz = 1000.0;  // MHz

    uint64_t period_ps() const { return static_cast<uint64_t>(1e6 / freq_mhz + 0.5); }
    sc_core::sc_time to_time(Cycle c) const {
        return sc_core::sc_time(static_cast<double>(c * period_ps()), sc_core::SC_PS);
    }
    // Cycles elapsed at SystemC time t (rounded down).
    Cycle to_cycles(const sc_core::sc_time& t) const {
        return static_cast<Cycle>(t.value() / period_ps());
    }
    Cycle now() const { return to_cycles(sc_core::sc_time_stamp()); }
    double cycles_to_us(Cycle c) const { return static_cast<double>(c) / freq_mhz; }
};

}  // namespace tensim
