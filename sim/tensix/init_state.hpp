// The configuration the compute API's init calls leave in the Tensix engines, and the check that
// an op runs under the configuration meant for it. Modelled: which init call (and kernel line) set
// each piece of engine state, so that a mismatch can name both lines. Abstracted: the registers
// and MOP programs that hold the state on silicon. Numbers: none.
#pragma once
#include <cstdint>
#include <source_location>
#include <string>

#include "tensim/kernel_api/tensim_abi.h"

namespace tensim {

class RiscThread;
using SrcLoc = std::source_location;

// A data format's name for init-check messages ("Float16_b", or "an unknown format").
inline const char* format_name(tt::DataFormat f) {
    const char* n = abi::format_name(f);
    return n ? n : "an unknown format";
}

// The init call that last set a piece of engine state: its API name and kernel line. Unset
// (call == nullptr) when no init call has set it since the launch.
struct InitSite {
    const char* call = nullptr;
    const char* file = nullptr;
    uint32_t line = 0;
    bool set() const { return call != nullptr; }
    std::string describe() const;  // "mm_init at k.cpp:18", or "no init call"
};
inline InitSite init_site(const char* call, const SrcLoc& loc) {
    return {call, loc.file_name(), loc.line()};
}

// Check mode: an op that runs under state an init call set for a different op (or that no init
// call set) is a KernelError naming the op's line and the init call's line. Off by default, when
// the op runs under the stale state as silicon does. On with TENSIM_CHECK=init (a comma-separated
// list; "init" among its entries) or set_init_check(true), which overrides the environment.
bool init_check_enabled();
void set_init_check(bool enabled);
// Re-reads TENSIM_CHECK (at each launch, so that the check is not a getenv per op).
void refresh_init_check_from_env();

// Raises the check's KernelError: `op` at `loc` needs `expected`, but the engine holds
// `configured`, set by `site`.
[[noreturn]] void init_mismatch(const RiscThread& t, const char* op, const SrcLoc& loc,
                                const std::string& expected, const std::string& configured,
                                const InitSite& site);

}  // namespace tensim
