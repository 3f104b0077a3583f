// Data-movement microbenchmarks (`tensim bench`, and the calibration cases built on them). Each one
// runs real kernels (kernels/bench/) on a simulated board (n150 by default) through the TT-Metalium
// host API and times them from the per-kernel start/end cycles of tensim::last_program_stats, minus
// the firmware's kernel start cost (risc.kernel_start_cycles of the loaded architecture), i.e.
// "first issue to barrier end".
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

int distance(Xy a, Xy b);  // Manhattan, in whatever coordinates both are given

// The microbenchmarks below open their own device; calibration shares one across many runs
// through the library's internal Session (src/bench/session.hpp).
class Session;

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

// Sustained NoC bandwidth patterns of TT-Metal's data-movement tests, seen from one central core
// (logical (0,0), or for the DRAM patterns the worker next to DRAM bank 0): it issues
// `transactions` transactions of `transaction_bytes` in total, round-robin over its peers, then
// waits on one barrier; bytes_per_cycle is the payload it moved over first issue to barrier end.
enum class NocPattern {
    one_to_one,            // write to one peer core's L1
    one_from_one,          // read from one peer core's L1
    one_to_all_unicast,    // write to each of `peers` cores, one unicast each
    one_to_all_multicast,  // multicast to a rectangle of `peers` cores (the whole grid: sender
                           // included)
    one_from_all,          // read from each of `peers` cores
    dram_read,             // read from the DRAM bank next to the core
    dram_write,            // write to the DRAM bank next to the core
};
std::optional<NocPattern> parse_noc_pattern(const std::string& name);
const char* noc_pattern_name(NocPattern p);
struct NocPatternOptions {
    NocPattern pattern = NocPattern::one_to_one;
    int peers = 1;  // peer cores (ignored by the DRAM patterns)
    uint32_t transaction_bytes = 8192;
    uint32_t transactions = 256;  // in total, over all peers (multicast: one per transaction)
    int noc = 0;
    bool same_axis = true;  // one_to_one / one_from_one: the peer shares a row
};
struct NocPatternResult {
    NocPatternOptions options;
    Xy core, core_noc;  // logical, NoC0
    int peers = 0;      // cores (or banks) reached
    uint64_t bytes = 0;
    uint64_t cycles = 0;
    double bytes_per_cycle = 0;
};

// Many cores streaming from (or to) DRAM at once, each `bytes_per_core` in `transaction_bytes`
// requests to one bank, one barrier at the end: aggregate bandwidth over the whole program.
// Placement pairs cores with channels, an equal number per channel (the first cores % channels
// channels get one more):
//   adjacent: each channel in turn takes the free worker fewest hops from its endpoint along the
//             route the data takes on the chosen NoC (bank -> core for reads, core -> bank for
//             writes), the nearest on the grid among equals;
//   careful:  likewise, but a worker whose data route would push a NoC link past its bandwidth
//             (counting each stream at its share of the channel) is taken only if no other is left;
//   random:   `cores` workers drawn at random (fixed seed), paired with channels at random.
enum class DramPlacement { adjacent, careful, random };
std::optional<DramPlacement> parse_dram_placement(const std::string& name);
const char* dram_placement_name(DramPlacement p);
struct DramTrafficOptions {
    bool write = false;
    int channels = 12;  // banks 0..channels-1
    int cores = 12;
    int noc = 0;
    uint64_t bytes_per_core = 1 << 20;
    uint32_t transaction_bytes = 8192;
    DramPlacement placement = DramPlacement::adjacent;
    uint32_t seed = 1;
    bool dynamic_vc = false;  // writes on router-picked VCs (NOC_DYNAMIC_VC) instead of VC 1
};
struct DramTrafficResult {
    DramTrafficOptions options;
    std::vector<std::pair<Xy, int>> pairs;  // logical core, bank
    uint64_t bytes = 0;                     // over all cores
    uint64_t cycles = 0;                    // first kernel start to last kernel end
    double bytes_per_cycle = 0;
    double gbytes_per_s = 0;  // at the architecture's clock
};

// Ethernet between two chips: ERISC kernels on one user link of the chosen system (it needs two
// chips; n150 has none), in the structure of TT-Metal's ethernet microbenchmark
// (test_all_ethernet_links, ethernet_write_worker_latency_ubench_{sender,receiver}.cpp): buffer
// slots each holding a packet and its 16 B sync word, sent in one TX command; the receiver acks
// each slot by sending the word back (latency: the whole slot, a symmetric round trip).
struct EthStreamOptions {
    uint32_t packet_bytes = 4096;  // rounded up to whole 16 B Ethernet words
    uint32_t slots = 16;           // a ring that keeps one slot empty (at least 2)
    uint32_t rounds = 256;         // bandwidth: rounds of one packet per slot
    bool bidirectional = false;    // both ERISCs send and receive at once
    bool to_worker = false;        // the receiver NoC-writes each packet to a worker's L1 first
    std::optional<int> channel;    // chip 0's Ethernet channel; default its first user link
    std::string system;            // name or file; default the one tensim::set_system chose
};
struct EthLink {
    int chip = 0, channel = 0;            // sender (side 0)
    int peer_chip = 0, peer_channel = 0;  // receiver (side 1)
};
struct EthLatencyResult {
    EthLink link;
    uint32_t packet_bytes = 0;
    uint64_t round_trip_cycles = 0;  // the sender's: send to the returned slot's arrival
};
struct EthBandwidthResult {
    EthLink link;
    uint32_t packet_bytes = 0;
    uint64_t packets = 0;        // per direction
    uint64_t cycles = 0;         // the slower sender's: first send to last ack
    double bytes_per_cycle = 0;  // per direction
    double gbytes_per_s = 0;     // at the architecture's clock
};
EthLatencyResult eth_latency(const EthStreamOptions& opt = {});
EthBandwidthResult eth_bandwidth(const EthStreamOptions& opt = {});

}  // namespace tensim::bench
