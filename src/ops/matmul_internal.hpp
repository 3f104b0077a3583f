// What the matmul planner and the program builder share: the facts about the device they need.
#pragma once
#include <cstdint>
#include <vector>

#include "tensim/host/core_coord.hpp"
#include "tensim/ops/matmul.hpp"

namespace tt::tt_metal {
class IDevice;
}
namespace tensim {
struct SystemConfig;
}

namespace tensim::ops::detail {

struct DeviceFacts {
    uint32_t grid_x = 0, grid_y = 0;  // compute grid
    uint64_t l1_cb_base = 0;          // first byte CBs may use
    uint64_t l1_free = 0;             // bytes between that and the lowest L1 buffer now
    uint32_t num_dram_banks = 0;
    std::vector<CoreCoord> bank_workers;  // logical worker next to each DRAM bank, by bank
    uint32_t l1_alignment = 16;
    // The architecture's compute and NoC rates the chooser's cost estimate reads
    // (sim/arch/*.json "compute" and "noc" sections; see Planner::share_cost).
    double unpack_bytes_per_cycle = 64, unpack_combined_bytes_per_cycle = 80;
    double unpack_setup_cycles_per_face = 2, unpack_call_cycles = 13;
    double fpu_matmul_cycles_per_phase = 16, fpu_matmul_call_cycles = 13;
    double niu_absorb_bytes_per_cycle = 32;
};
DeviceFacts device_facts(tt::tt_metal::IDevice* device);

// The logical core reading each DRAM bank in the DRAM-sharded program, by bank, on the first
// gx x gy workers of `sys` (matmul_placement.cpp).
std::vector<CoreCoord> dram_bank_workers(const SystemConfig& sys, uint32_t gx, uint32_t gy);

// Divisors of n in increasing order.
std::vector<uint32_t> divisors(uint32_t n);
inline uint32_t div_up(uint32_t a, uint32_t b) { return (a + b - 1) / b; }

// The cores of the compute rectangle that hold the shards of a width- or height-sharded operand or
// output in the 1D program: the first `count` cores of a w-wide rectangle, row by row.
CoreRangeSet row_major_cores(uint32_t count, uint32_t rect_w);

// Smallest rectangle holding the DRAM-sharded program's workers and the cores of `extra`.
CoreRange dram_sharded_rect(const DeviceFacts& facts, const std::vector<CoreCoord>& extra);

}  // namespace tensim::ops::detail
