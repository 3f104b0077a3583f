// The two unpackers of a Tensix core (unpacker 0 -> SrcA, unpacker 1 -> SrcB): they read tiles
// from the front of CBs in L1, convert them to the Src register format and fill a Src bank for
// the FPU. Modelled: the configuration the init calls set (the L1 format each unpacker expects,
// the unpack mode of the op class, SrcA transpose, SrcB broadcast) and its use by every unpack,
// stale or not; the cost per unpack call. Abstracted: the THCON registers and unpack MOPs that
// hold this state on silicon, tile-size and x-dim registers (taken from the format).
// Numbers: sim/arch/*.json "compute.unpack_*" (ISA UNPACR_Regular.md).
#pragma once
#include <array>
#include <cstdint>
#include <span>

#include "tensim/kernel_api/tensim_abi.h"
#include "tensix/init_state.hpp"

namespace tensim {

class ComputeEngine;
class RiscThread;

using UnpackMode = abi::UnpackMode;
using CbTile = abi::CbTile;
const char* unpack_mode_name(UnpackMode m);

class Unpacker {
public:
    explicit Unpacker(ComputeEngine& engine) : m_engine(engine) {}
    void reset();  // power-on state at each launch: nothing configured

    // ---- init calls (TRISC0) ----
    // Hardware configure / reconfig_data_format: operand 0 (SrcA) or 1 (SrcB) expects `cb`'s
    // format from now on. A CB that is not configured on the core leaves the format as it was.
    void configure_format(RiscThread& t, int operand, uint32_t cb, const InitSite& site);
    void init(UnpackMode mode, bool transpose, abi::BroadcastType bcast, const InitSite& site);

    // ---- ops (TRISC0): each fills the next Src bank ----
    // `need_transpose`: the op transposes by definition (transpose_wh_tile) rather than taking
    // what the init call set (copy_tile); `bcast`: the broadcast the op asks for.
    void unary(RiscThread& t, CbTile a, const char* op, bool need_transpose,
               abi::BroadcastType bcast, const SrcLoc& loc);
    void binary(RiscThread& t, CbTile a, CbTile b, abi::BroadcastType bcast, const char* op,
                const SrcLoc& loc);
    // binary_dest_reuse_tiles: Dst becomes one operand; the CB tile goes to the other Src.
    void dest_reuse(RiscThread& t, CbTile x, bool into_srca, const SrcLoc& loc);
    // in1 tiles go to SrcA, in0 tiles to SrcB (MVMUL: Dst += SrcB x SrcA).
    void matmul(RiscThread& t, std::span<const CbTile> in1, std::span<const CbTile> in0,
                bool transpose, const char* op, const SrcLoc& loc);
    void reduce(RiscThread& t, CbTile a, CbTile scaler, const SrcLoc& loc);
    // Tile `tile` of a row-major block `block_tiles` tiles wide at the front of `cb`.
    void tilize(RiscThread& t, uint32_t cb, uint32_t block_tiles, uint32_t tile, const SrcLoc& loc);

private:
    struct Need {
        UnpackMode mode;
        int transpose;  // -1: either
        abi::BroadcastType bcast;
    };
    void check_mode(const RiscThread& t, const char* op, const SrcLoc& loc, const Need& need) const;
    // The format `operand` reads `cb` as: the configured one (stale or not), the CB's own when no
    // init call configured it. Check mode (`check`: init_check_enabled()): they must agree.
    abi::DataFormat format_for(RiscThread& t, int operand, uint32_t cb, const char* op,
                               const SrcLoc& loc, bool check) const;
    [[noreturn]] void format_mismatch(RiscThread& t, int operand, uint32_t cb, abi::DataFormat own,
                                      const char* op, const SrcLoc& loc) const;
    void fill(RiscThread& t, std::span<const CbTile> a, std::span<const CbTile> b, const char* op,
              const SrcLoc& loc);

    ComputeEngine& m_engine;
    std::array<abi::DataFormat, 2> m_format{abi::DataFormat::Invalid, abi::DataFormat::Invalid};
    std::array<InitSite, 2> m_format_site;
    UnpackMode m_mode = UnpackMode::none;
    bool m_transpose = false;  // SrcA transposed (within and across faces)
    abi::BroadcastType m_bcast =
        abi::BroadcastType::NONE;  // broadcast of the operand (SrcB, or SrcA in unary mode)
    InitSite m_mode_site;
};

}  // namespace tensim
