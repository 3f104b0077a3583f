// tensim's side of a device: the chip it drives, its allocators, and program launch.
#pragma once
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "host/allocator.hpp"
#include "report/run_report.hpp"
#include "system/system.hpp"
#include "tensim/host/device.hpp"
#include "tensim/host/tensim.hpp"

namespace tensim::host {

// Launches every program queued on any device (non-blocking EnqueueProgram) at the same cycle and
// runs them to the end: programs of different chips run concurrently. Host calls that must see
// their effects (transfers, Finish, stats) call it first (launch.cpp).
void flush_programs();

class DeviceImpl {
public:
    DeviceImpl(System& system, int chip_id);
    System& system() { return m_system; }
    Chip& chip() { return m_system.chip(m_chip_id); }
    int chip_id() const { return m_chip_id; }
    uint64_t serial() const { return m_serial; }  // unique per opened device in this process

    BankAllocator& allocator(tt::tt_metal::BufferType type);
    uint32_t num_banks(tt::tt_metal::BufferType type);
    uint64_t alignment(tt::tt_metal::BufferType type);
    // Host copies of a buffer's bytes [offset, offset + size), page by page over its banks.
    void write_buffer(const tt::tt_metal::Buffer& b, const void* src, uint64_t offset,
                      uint64_t size);
    void read_buffer(const tt::tt_metal::Buffer& b, void* dst, uint64_t offset, uint64_t size);
    // A worker's L1, or with `eth` the L1 of Ethernet core (0, channel).
    void write_l1(const CoreCoord& logical, uint32_t addr, const void* src, size_t n,
                  bool eth = false);
    void read_l1(const CoreCoord& logical, uint32_t addr, void* dst, size_t n, bool eth = false);

    // Checks a program, places its CBs, builds its kernels and queues it for this device; a
    // blocking enqueue then runs every queued program (launch.cpp).
    void enqueue_program(tt::tt_metal::Program& program, bool blocking);
    void run_program(tt::tt_metal::Program& program) { enqueue_program(program, true); }
    // Records the stats of this device's program that just ended (launch.cpp).
    void finish_program(ProgramStats stats);
    // The last program's stats (queued programs run first).
    const ProgramStats& last_stats() {
        flush_programs();
        return m_last;
    }
    nlohmann::json stats_json();  // the stats document of the last program
    const stats::Dump& last_chip_stats() const { return m_last_chip_stats; }

private:
    // A partitioned system: the n bytes at dst, read here, become the chip's owner's
    // (partition.hpp).
    void from_owner(uint8_t* dst, uint64_t n);
    template <typename Fn>
    void for_each_page_piece(const tt::tt_metal::Buffer& b, uint64_t offset, uint64_t size,
                             Fn&& fn);

    System& m_system;
    int m_chip_id;
    uint64_t m_serial;
    std::unique_ptr<BankAllocator> m_dram, m_l1;
    ProgramStats m_last;
    stats::Dump m_last_chip_stats;  // for write_stats_json
};

// impl_of(IDevice&) (tensim/host/device.hpp) is how the library reaches a device's DeviceImpl.

// The open device with this serial, or nullptr once it is closed.
DeviceImpl* find_device(uint64_t serial);
// Numerics of compute kernels in this process ($TENSIM_NUMERICS or tensim::set_numerics).
NumericsMode numerics_mode();
// Process-wide cycle limit for one program.
uint64_t cycle_limit();
// The configuration of the system devices open on (or the next CreateDevice opens), for meshes.
const SystemConfig& system_config();
// Whether a program is queued on this device and not yet launched (launch.cpp).
bool program_queued(const DeviceImpl& device);

}  // namespace tensim::host
