// The library's side of the microbenchmarks: one open device and the architecture it was built
// from (Session), the placement helpers every benchmark shares, and the benchmarks that take a
// Session so calibration can run many on one device. Internal: tools use tensim/bench.hpp.
#pragma once
#include <optional>
#include <string>
#include <tt-metalium/host_api.hpp>

#include "chip/arch_loader.hpp"
#include "common/error.hpp"
#include "tensim/bench.hpp"

namespace tensim::bench {

// One open device (the system tensim::set_system chose, n150 by default) and the architecture it
// was built from, for placing cores and banks and for timing kernels. The benchmarks below open
// one each; the overloads taking a Session share one across many runs (tensim calibrate).
class Session {
public:
    Session();
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    tt::tt_metal::IDevice* device() const { return m_device; }
    const SystemConfig& config() const { return m_cfg; }
    uint64_t kernel_start_cycles() const { return m_cfg.chip.risc.kernel_start_cycles; }
    double clock_ghz() const { return m_cfg.chip.clock.freq_mhz / 1000.0; }

    Xy noc_xy(
        Xy logical) const;  // NoC0 tile of a logical worker; throws HostError outside the grid
    Xy bank_xy(int bank, int noc = 0) const;  // endpoint (NoC0 coordinates) of a DRAM bank on `noc`
    int num_banks() const;
    int num_workers() const { return m_cfg.grid_x() * m_cfg.grid_y(); }
    Xy worker(int index) const {
        return {index % m_cfg.grid_x(), index / m_cfg.grid_x()};
    }  // row-major

    // Cycles from kernel_main's first call to its end for the kernel on `core` run by `risc`
    // ("BRISC", "NCRISC", "TRISC0".."TRISC2") in the last program.
    uint64_t kernel_cycles(Xy core, const std::string& risc) const;
    // First kernel_main call to the last kernel's end, over every kernel of the last program.
    uint64_t program_cycles() const;

private:
    SystemConfig m_cfg;
    tt::tt_metal::IDevice* m_device;
};

NocLatencyResult noc_latency(Session& s, const NocLatencyOptions& opt);
NocPatternResult noc_pattern(Session& s, const NocPatternOptions& opt);
DramTrafficResult dram_traffic(Session& s, const DramTrafficOptions& opt);

// Kernel paths are relative to the source root; the runtime resolves them.
inline const char* const kTransactionsKernel = "kernels/bench/noc_transactions.cpp";
inline const char* const kPatternKernel = "kernels/bench/noc_pattern.cpp";

// Same row or same column, but not the same tile.
inline bool same_axis(Xy a, Xy b) { return (a.x == b.x) != (a.y == b.y); }

inline CoreCoord coord(Xy c) { return {static_cast<size_t>(c.x), static_cast<size_t>(c.y)}; }

// The logical worker nearest to NoC0 tile `to` whose NoC0 position passes `ok`.
template <typename Ok>
Xy nearest_worker(const Session& s, Xy to, Ok ok) {
    std::optional<Xy> best;
    for (int i = 0; i < s.num_workers(); ++i) {
        const Xy w = s.worker(i), xy = s.noc_xy(w);
        if (ok(xy) && (!best || distance(xy, to) < distance(s.noc_xy(*best), to))) best = w;
    }
    if (!best) throw tensim::HostError("bench: no worker core fits the requested placement");
    return *best;
}

template <typename Ok>
int nearest_bank(const Session& s, Xy to, Ok ok) {
    int best = -1;
    for (int b = 0; b < s.num_banks(); ++b)
        if (ok(s.bank_xy(b)) &&
            (best < 0 || distance(s.bank_xy(b), to) < distance(s.bank_xy(best), to)))
            best = b;
    if (best < 0) throw tensim::HostError("bench: no DRAM bank fits the requested placement");
    return best;
}

}  // namespace tensim::bench
