// The packers of a Tensix core: they read Dst tiles, convert them to an L1 format and write them
// at the back of a CB (tiled, or as rows of a row-major block when untilizing). Modelled: the
// output format the init calls configured (used by every pack, stale or not), L1 accumulation
// (pack_reconfig_l1_acc), the packer's rounding, per-tile pack time. Abstracted: the packer
// config registers, edge masks and the per-face address counters. Numbers: sim/arch/*.json
// "compute.pack_*" (ISA L1.md, Packers).
#pragma once
#include <cstdint>

#include "tensim/kernel_api/tensim_abi.h"
#include "tensix/init_state.hpp"

namespace tensim {

class ComputeEngine;
class RiscThread;

class Packer {
public:
    explicit Packer(ComputeEngine& engine) : m_engine(engine) {}
    void reset();  // no format configured, no L1 accumulation

    // ---- init calls (TRISC2) ----
    // Hardware configure / pack_reconfig_data_format: pack in `cb`'s format from now on. A CB that
    // is not configured on the core leaves the format as it was.
    void configure_format(RiscThread& t, uint32_t cb, const InitSite& site);
    void set_l1_acc(bool enable) { m_l1_acc = enable; }

    // ---- ops (TRISC2) ----
    // Dst[idst] to page `index` past the CB's write pointer (out of order) or to the next page.
    void pack_tile(RiscThread& t, uint32_t idst, uint32_t cb, uint32_t index, bool out_of_order,
                   const SrcLoc& loc);
    // Dst[idst] to columns [32*col, 32*col+32) of rows [32*row, 32*row+32) of a row-major block
    // `row_tiles` tiles wide at the CB's back.
    void pack_untilize(RiscThread& t, uint32_t idst, uint32_t cb, uint32_t row_tiles, uint32_t row,
                       uint32_t col, const SrcLoc& loc);

private:
    // The format the packer writes `cb` in: the configured one (stale or not), the CB's own when no
    // init call configured one. Check mode: they must agree.
    abi::DataFormat format_for(RiscThread& t, uint32_t cb, const char* op, const SrcLoc& loc) const;

    ComputeEngine& m_engine;
    abi::DataFormat m_format = abi::DataFormat::Invalid;
    InitSite m_format_site;
    bool m_l1_acc = false;
};

}  // namespace tensim
