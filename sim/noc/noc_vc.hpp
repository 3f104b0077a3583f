// The virtual channel a NoC request asks for: a static VC number, or dynamic allocation by the
// routers. TT-Metal sets NOC_CMD_VC_STATIC with NOC_UNICAST_WRITE_VC (1) on every write; a command
// without that bit lets each router hand the packet any free VC. Source: ISA NoC/README.md.
#pragma once
#include <cstdint>

namespace tensim {

struct NocVc {
    bool dynamic = false;
    uint8_t number = 1;  // the static VC (0..15); ignored when dynamic
};

}  // namespace tensim
