// A multi-chip system split over MPI ranks (docs/scale-out.md). Every rank runs the same host
// program; each simulates its block of chips, and Ethernet packets that cross ranks travel as
// messages with their timestamps. Cycles are those of the one-process run.
#pragma once
#include <cstdint>

namespace tensim::scaleout {

// Starts MPI (once per process; finalised at exit) and splits every system opened from now on
// over the ranks of MPI_COMM_WORLD. Throws ConfigError when the library was built without MPI.
void init_mpi();
// Whether init_mpi ran, this process's rank and the number of ranks (0 and 1 before).
bool active();
int rank();
int ranks();
// Synchronisation rounds this process ran and the wall seconds it spent exchanging (waiting for
// the other ranks included), over all runs so far.
uint64_t sync_rounds();
double sync_seconds();
// Bytes of Ethernet deliveries this process sent to other ranks (point to point), over all runs.
uint64_t sync_bytes();
// Whether the library was built with MPI (the TENSIM_MPI CMake option and an MPI found).
bool available();

}  // namespace tensim::scaleout
