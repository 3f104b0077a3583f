// What the collectives share: the fabric and per-chip programs of one op, the send-op builder
// (all_gather, all_to_all) and the plan bookkeeping. ccl.cpp builds sends, ccl_reduce.cpp the
// reduce-scatter.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <tt-metalium/host_api.hpp>
#include <vector>

#include "tensim/fabric.hpp"
#include "tensim/ops/ccl.hpp"

namespace tensim::ops::detail {

// A run of pages a worker moves: rows x cols tiles taken at column in_off of the input (in_cols
// wide) and put at column out_off of the output (out_cols wide), on this chip (range 0) or on
// the chips start .. start+range-1 hops away in the worker's direction (and, local_too, here).
struct CclSlice {
    uint32_t start = 0, range = 0;
    uint32_t in_off = 0, out_off = 0, cols = 0, in_cols = 0, out_cols = 0, rows = 0;
    bool local_too = false;  // a fabric slice also written to this chip's output (one read)
};
struct CclWork {
    std::vector<CclSlice> slices;
    std::vector<std::pair<uint32_t, uint32_t>> signals;  // {start, range} after the data
};

// The common checks on the shards; returns the fabric config the op runs with.
fabric::FabricConfig check_ccl_inputs(const std::vector<Tensor>& in, const CclConfig& cfg,
                                      const char* op);

// One op's programs over the chain: a program per chip, the fabric, launch and timing.
struct CclRun {
    std::vector<tt::tt_metal::IDevice*> chain;
    std::unique_ptr<fabric::Fabric> fab;
    std::vector<tt::tt_metal::Program> programs;
    CclRun(const std::vector<Tensor>& in, const fabric::FabricConfig& fc);
    // Adds the routers, names the programs, launches them together and fills the plan's timing.
    void run(const std::string& name, CclPlan& plan);
};

// all_gather / all_to_all: `work(pos, dir)` says what the worker of each direction moves (its
// pages are split over the links); the op's semaphore on core (0,0) counts the signals.
void build_send_op(CclRun& run, const std::vector<Tensor>& in, const std::vector<Tensor>& out,
                   uint32_t pages_per_packet,
                   const std::function<CclWork(size_t, fabric::Direction)>& work);

uint32_t pages_per_packet(uint32_t payload_bytes, uint32_t page_bytes);
void fill_plan(CclPlan& plan, CclOp op, const std::vector<Tensor>& in, const CclRun& run,
               uint32_t pages_per_packet, uint32_t workers_per_chip);

}  // namespace tensim::ops::detail
