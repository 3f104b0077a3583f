// What an SFPI instruction costs the SFPU of a Wormhole Tensix: cycles per instruction class.
// Modelled: issue at one instruction per cycle (VectorUnit.md IPC 1) and the MAD unit's 2-cycle
// latency exposed to the next dependent instruction. Abstracted: SFPLOADMACRO co-issue, the
// compiler's scheduling of independent work into MAD shadows. Numbers: sim/arch/*.json
// "sfpu"."sfpi" (tt-isa-documentation WormholeB0 VectorUnit.md).
#pragma once
#include <array>

#include "common/clock.hpp"
#include "tensim/kernel_api/tensim_sfpi.h"

namespace tensim {

class Params;

struct SfpiCosts {
    Cycle load_cycles = 1;    // cycles per SFPLOAD (VectorUnit.md: IPC 1, latency 1)
    Cycle store_cycles = 1;   // cycles per SFPSTORE (VectorUnit.md)
    Cycle loadi_cycles = 1;   // cycles per SFPLOADI (VectorUnit.md)
    Cycle simple_cycles = 1;  // cycles per simple-unit op (VectorUnit.md)
    Cycle mad_cycles = 2;     // cycles per MAD-unit op (VectorUnit.md latency 2, dependent use)
    Cycle cc_cycles = 1;      // cycles per predication op (VectorUnit.md)
    Cycle face_cycles = 2;    // cycles per face step of the params helpers (two SETRWC)
    void load(Params& sfpi_section);  // tensix_config.cpp
    Cycle cycles(const abi::SfpiCounts& c) const;
    bool operator==(const SfpiCosts&) const = default;
};

}  // namespace tensim
