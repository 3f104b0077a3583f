// The runtime args the reduce-scatter worker kernels share (reader, compute, writer), in order.
// A step handles one slice j of this worker's pages [q0, q1) of a slice (row = q / Cs, column =
// q % Cs): own pages from the input (own_src 0) or from the other direction's result (1, line
// only), plus (recv) the partial that arrived from the previous chip in this direction, whose
// pages come `arrival` slices into what this worker receives; the sum (or the own pages alone)
// goes on to the next chip (dst 0), to the output (1) or to the other direction (2).
#pragma once
#include <cstdint>

namespace ccl_rs {
enum Arg : uint32_t {
    in_addr,
    in_dram,
    out_addr,
    out_dram,
    tmp_addr,
    inter_addr,
    page,
    pages_per_packet,
    in_cols,
    slice_cols,
    inter_cols,
    dir,
    chips,
    q0,
    q1,
    recv_sem,
    tmp_sem,
    self_x,
    self_y,
    other_x,
    other_y,
    sync_every,
    num_steps,
    steps  // then 5 words per step, then the fabric args
};
enum StepWord : uint32_t { s_slice, s_own_src, s_recv, s_arrival, s_dst, step_words };
enum Dst : uint32_t { to_next = 0, to_out = 1, to_tmp = 2 };
}  // namespace ccl_rs
