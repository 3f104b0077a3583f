// `tensim bench`: data-movement microbenchmarks. Each one runs real kernels (kernels/bench/) on a
// simulated board (n150 by default) through the TT-Metalium host API and times them from the
// per-kernel start/end cycles of tensim::last_program_stats, minus the firmware's kernel start
// cost (risc.kernel_start_cycles of the loaded architecture), i.e. "first issue to barrier end".
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tensim::bench {

struct Xy {
    int x = 0;
    int y = 0;
};

// One core streams `bytes` from one DRAM bank, `transaction_bytes` per read, one read barrier
// per CB batch of `batch_bytes` (the CB holds two batches).
struct DramReadOptions {
    uint64_t bytes = 1 << 20;
    uint32_t transaction_bytes = 8192;
    uint32_t batch_bytes = 128 << 10;
    std::optional<Xy> core;   // logical; default: the worker nearest the bank's endpoint
    std::optional<int> bank;  // default: the bank nearest the core (bank 0 if no core is given)
};
struct DramReadResult {
    Xy core, core_noc;  // logical, NoC0
    int bank = 0;
    Xy bank_noc;
    uint64_t bytes = 0;
    uint32_t transaction_bytes = 0;
    uint32_t transactions_per_batch = 0;
    uint64_t kernel_cycles = 0;  // first issue to the last barrier's end
    double bytes_per_cycle = 0;
};
DramReadResult dram_read(const DramReadOptions& opt = {});

// Logical core (0,0) issues `transactions` reads or writes of `transaction_bytes` to one peer and
// waits on the barrier. The peer is the nearest core sharing its row (same_axis) or sharing
// neither row nor column, or the nearest DRAM bank under the same rule.
struct NocLatencyOptions {
    bool write = false;
    bool dram = false;
    uint32_t transaction_bytes = 64;
    uint32_t transactions = 1;
    bool same_axis = false;
};
struct NocLatencyResult {
    NocLatencyOptions options;
    Xy core_noc, peer_noc;
    int bank = -1;                // DRAM peer only
    uint64_t latency_cycles = 0;  // first issue to barrier end
    double cycles_per_transaction = 0;
};
NocLatencyResult noc_latency(const NocLatencyOptions& opt);

// Sustained bandwidth between logical cores (0,0) and (1,0): one_to_one writes to the neighbour,
// one_from_one reads from it.
struct NocBandwidthOptions {
    bool write = true;  // one_to_one; false: one_from_one
    uint32_t transaction_bytes = 8192;
    uint32_t transactions = 256;
};
struct NocBandwidthResult {
    NocBandwidthOptions options;
    Xy core_noc, peer_noc;
    uint64_t bytes = 0;
    uint64_t cycles = 0;
    double bytes_per_cycle = 0;
};
NocBandwidthResult noc_bandwidth(const NocBandwidthOptions& opt = {});

// Two reads on row 0 whose NoC0 responses cross one common link and nothing else in common
// (distinct sources, readers, L1 ports): (0,0) -> (3,0) alone, then with (1,0) -> (2,0) beside it.
struct SharedLinkResult {
    uint32_t transaction_bytes = 0;
    uint32_t transactions = 0;
    std::string shared_link;  // NoC0 link both response streams cross
    uint64_t one_reader_cycles = 0;
    uint64_t two_readers_cycles = 0;  // the slower of the two readers
    double ratio = 0;
};
SharedLinkResult shared_link(uint32_t transaction_bytes = 8192, uint32_t transactions = 64);

// Every noc_latency case of a calibration file (shared/calibration/noc_latency.json format),
// simulated and compared with its measured value.
struct CalibrationRow {
    std::string id;
    NocLatencyOptions options;
    double measured_cycles = 0;
    uint64_t predicted_cycles = 0;
    double error_pct = 0;  // (predicted / measured - 1) * 100
};
std::vector<CalibrationRow> calibrate_noc(const std::string& file);

}  // namespace tensim::bench
