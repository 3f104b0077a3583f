// A system: the chips of a board (n150, n300, ...) and the SystemC run control above them.
// One SystemC kernel serves the whole process and is never stopped: systems are plain objects
// whose firmware threads are spawned dynamically and shut down (their processes return) when the
// system is destroyed, so a process can open and close devices many times (docs/architecture.md).
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "chip/chip.hpp"
#include "chip/chip_config.hpp"
#include "common/low_memory.hpp"
#include "system/partition.hpp"

namespace tensim {

class System {
public:
    explicit System(const SystemConfig& cfg);
    ~System();
    System(const System&) = delete;
    System& operator=(const System&) = delete;

    const SystemConfig& config() const { return m_cfg; }
    int num_chips() const { return static_cast<int>(m_chips.size()); }
    Chip& chip(int i) { return *m_chips.at(static_cast<size_t>(i)); }
    Cycle now() const { return m_cfg.chip.clock.now(); }

    // Runs the simulation until done() holds; the owner of `done` calls stop_run() when it may
    // have become true. Throws DeadlockError with a report of every waiting thread when nothing
    // can move, or when `limit_cycles` pass first.
    // `tick`, when given, is called about every tick_cycles of simulated time (for progress).
    void run_until(const std::function<bool()>& done, Cycle limit_cycles,
                   const std::function<void()>& tick = {}, Cycle tick_cycles = 10000);
    static void stop_run();  // ask the current run_until to look at done() again
    // One line per waiting thread: chip, core, RISC, kernel line, what it waits on, since when.
    std::string waiting_report();

    // The host memory that holds every core's L1 (see system.cpp, "L1 below 4 GiB").
    const LowMemory& l1_memory() const { return *m_l1; }

    // Split over ranks (a Transport was set when the system was built): which rank simulates
    // which chip, and the synchronised run. nullptr in one process.
    Partition* partition() { return m_part.get(); }
    bool is_local(int chip) const { return !m_part || m_part->local(chip); }

private:
    SystemConfig m_cfg;
    std::unique_ptr<LowMemory> m_l1;  // before the chips: they point into it
    std::vector<std::unique_ptr<Chip>> m_chips;
    std::unique_ptr<Partition> m_part;
};

}  // namespace tensim
