// The runtime args the all-gather worker kernels share (ag_reader.cpp, ag_writer.cpp), in order.
// A worker (one per chip, direction and link) runs steps; a step moves its pages [q0, q1) of one
// chip's slice (slice page q: row q / in_cols, column q % in_cols), read from the input (src 0,
// this chip's own slice) or from this chip's output where the previous chip in the worker's
// direction wrote it (src 1). The writer sends the pages on to the next `send` chips (0: none,
// 1: the next chip, more: a multicast the routers forward) and/or writes them to this chip's
// output (local). A src-1 step reads page range [q, q + n) once the worker's
// semaphore, which counts the pages that have landed here, reaches arrive + q + n (mod 2^32).
#pragma once
#include <cstdint>

namespace ccl_ag {
enum Arg : uint32_t {
    in_addr,
    in_dram,
    out_addr,
    out_dram,
    page,
    pages_per_packet,
    in_cols,   // columns (tiles) of a chip's slice
    out_cols,  // columns (tiles) of the gathered output
    sem,       // semaphore id counting the pages that landed here (same id on every chip)
    next_x,    // NoC coordinates of the same worker core on the next chip
    next_y,
    sync_every,  // packets per arrival signal (TT-NN's chunks_per_sync)
    expect,      // pages that land here in total (the reader waits for all of them)
    num_steps,
    steps  // then step_words per step, then has_fabric and the fabric connection args
};
enum StepWord : uint32_t { s_src, s_owner, s_q0, s_q1, s_send, s_local, s_arrive, step_words };
}  // namespace ccl_ag
