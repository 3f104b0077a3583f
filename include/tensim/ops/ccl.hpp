// tensim::ops collectives over several chips: all_gather, reduce_scatter, all_reduce, all_to_all,
// run as TT-NN runs them on a T3000 with the fabric (ttnn/cpp/ttnn/operations/experimental/ccl/,
// shared/reference/llm_layers.md section 2): per chip, per direction and per link one worker core
// whose reader streams pages into a CB and whose writer feeds the fabric router on the Ethernet
// core (kernels/fabric/), packet by packet with credits; routers forward packets from chip to
// chip; reductions happen in a compute kernel on the receiving chip.
//
// A multi-chip tensor is one Tensor per chip (`std::vector<Tensor>`), in the order the chain of
// the collective runs (line: chip 0 .. n-1; ring: and back to 0); neighbours must share
// num_links Ethernet links (tensim::fabric::Fabric::find_chain finds such an order). All shards
// have the same shape, dtype and memory config; the op works along the last dimension (columns,
// TT-NN's dim 3), which must be a whole number of tiles per chip.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tensim/fabric.hpp"
#include "tensim/ops/tensor.hpp"

namespace tensim::ops {

enum class CclOp { all_gather, reduce_scatter, all_reduce, all_to_all };
std::string ccl_op_name(CclOp op);
CclOp parse_ccl_op(const std::string& name);  // std::invalid_argument

struct CclConfig {
    fabric::Topology topology = fabric::Topology::line;
    uint32_t num_links = 1;          // 1..4 links per neighbour pair, each with its own workers
    uint32_t max_payload_bytes = 0;  // fabric packet payload; 0 = the eth default (4352 B)
    std::optional<MemoryConfig> out_mem;  // interleaved DRAM or L1; unset = the input's
    // Router firmware cycles per packet; 0 = tensim's calibrated default (fabric.hpp).
    uint32_t router_packet_cycles = 0;
};

struct CclPlan {
    CclOp op = CclOp::all_gather;
    fabric::Topology topology = fabric::Topology::line;
    uint32_t num_devices = 0, num_links = 0;
    uint32_t page_bytes = 0, pages_per_packet = 0, packet_payload_bytes = 0;
    uint32_t workers_per_chip = 0;
    uint32_t sender_slots = 0, receiver_slots = 0;
    uint64_t device_cycles = 0;  // launch to the last kernel's end on the slowest chip
    double device_time_us = 0;
    std::string why;
    std::string describe() const;
};

// Each chip's [b, r, c] becomes [b, r, n*c]: chip i's columns land at block i on every chip.
std::vector<Tensor> all_gather(const std::vector<Tensor>& in, const CclConfig& cfg = {},
                               CclPlan* plan_out = nullptr);
// Each chip's [b, r, c] (c a multiple of n tiles) becomes [b, r, c/n]: chip i keeps column block
// i of the sum over chips.
std::vector<Tensor> reduce_scatter(const std::vector<Tensor>& in, const CclConfig& cfg = {},
                                   CclPlan* plan_out = nullptr);
// Each chip's [b, r, c] becomes the sum over chips (reduce_scatter then all_gather, as TT-NN's
// composite all_reduce on Wormhole); the plan's time is the two ops' sum.
std::vector<Tensor> all_reduce(const std::vector<Tensor>& in, const CclConfig& cfg = {},
                               CclPlan* plan_out = nullptr);
// Column block j of chip i's [b, r, c] becomes column block i of chip j's output [b, r, c].
std::vector<Tensor> all_to_all(const std::vector<Tensor>& in, const CclConfig& cfg = {},
                               CclPlan* plan_out = nullptr);

// One collective of `bytes` (nccl-tests convention: all_gather the gathered output, the others
// each chip's buffer) on `num_devices` chips of the current system (tensim::set_system), in a
// line or ring the system's links allow, on [1, 32, c] tensors of `dtype` (c rounded up to whole
// tiles per chip). Opens and closes the devices. Values are random and checked against the host
// reference unless numerics are `timing`.
struct CclBenchResult {
    CclPlan plan;
    uint64_t bytes = 0;         // as the convention counts them, after rounding to tiles
    std::vector<int> chips;     // the chain, by chip id
    double device_time_us = 0;  // the op (all_reduce: both phases)
    double algbw_gbps = 0;      // bytes / time
    double busbw_gbps = 0;      // algbw x nccl-tests' factor ((n-1)/n, all_reduce 2(n-1)/n)
    double link_gbps = 0;       // per link and direction, as TT-Metal's CCL report normalises
    std::optional<double> max_abs_error;  // against the host reference, when values were checked
};
CclBenchResult run_ccl(CclOp op, uint32_t num_devices, uint64_t bytes, DType dtype,
                       const CclConfig& cfg, uint32_t seed = 0);

// Host references (fp64 accumulation) on row-major [b][r][c] data, one vector per chip.
std::vector<std::vector<float>> all_gather_reference(const std::vector<std::vector<float>>& in,
                                                     const Shape& shape);
std::vector<std::vector<float>> reduce_scatter_reference(const std::vector<std::vector<float>>& in,
                                                         const Shape& shape);
std::vector<std::vector<float>> all_reduce_reference(const std::vector<std::vector<float>>& in,
                                                     const Shape& shape);
std::vector<std::vector<float>> all_to_all_reference(const std::vector<std::vector<float>>& in,
                                                     const Shape& shape);

}  // namespace tensim::ops
