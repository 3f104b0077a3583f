// The trace sink that writes Chrome trace-event JSON, which ui.perfetto.dev and chrome://tracing
// open: a process per core (and one per chip for DRAM channels and NoC load), a thread per RISC,
// engine and the NoC port; zones as complete events, NoC packets as flows between instants, NoC
// load as counters. Keeps what its filter admits, up to a cap; a capped trace says so.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/trace.hpp"
#include "tensim/host/tensim.hpp"

namespace tensim::report {

class PerfettoTrace : public trace::Sink {
public:
    explicit PerfettoTrace(const RunOutputs& filter);

    bool wants(const trace::Track& t) const override;
    void zone(const trace::Track& track, std::string_view name, Cycle begin, Cycle end,
              std::string_view detail) override;
    void transfer(const trace::Track& from, Cycle sent, const trace::Track& to, Cycle arrived,
                  int noc, uint32_t bytes) override;

    void set_clock_mhz(double mhz) { m_mhz = mhz; }
    // Writes the JSON; returns a warning when events were dropped at the cap ("" otherwise).
    std::string write(const std::string& path) const;
    uint64_t events() const { return m_zones.size() + 4 * m_transfers.size(); }

private:
    struct Zone {
        trace::Track track;
        uint32_t name, detail;  // indices into m_strings
        Cycle begin, end;
    };
    struct Transfer {
        trace::Track from, to;
        Cycle sent, arrived;
        uint32_t bytes;
        int noc;
    };
    bool admit(Cycle begin, Cycle end);
    uint32_t intern(std::string_view s);

    RunOutputs m_filter;
    double m_mhz = 1000;
    std::vector<Zone> m_zones;
    std::vector<Transfer> m_transfers;
    std::vector<std::string> m_strings;
    std::map<std::string, uint32_t, std::less<>> m_string_index;
    bool m_capped = false;
    Cycle m_capped_at = 0;
};

}  // namespace tensim::report
