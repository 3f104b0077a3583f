// What the synchronisation of a partitioned system costs (sim/system/partition.cpp), over the
// process so far: rounds run and wall seconds spent in the exchange, waiting for the slowest rank
// included. docs/scale-out.md's measurements read it (`tensim ccl --mpi --json`).
#pragma once
#include <cstdint>

namespace tensim {

struct SyncStats {
    uint64_t rounds = 0;
    double exchange_s = 0;
    uint64_t bytes_sent = 0;  // deliveries' messages this rank sent (headers and framing included)
};
SyncStats sync_stats();

}  // namespace tensim
