// libFuzzer harness: the `--set KEY=VALUE` overrides (tensim::load_system's `overrides`, applied
// to a shipped board before it is validated). Input: one override per line; the first line names
// the board (n150, n300, t3000, galaxy, wormhole_b0), as `--system` would. Seeds in
// fuzz/set_override/corpus. A finding is anything but a ConfigError (fuzz_common.hpp).
#include <cstdint>
#include <string>
#include <vector>

#include "../fuzz_common.hpp"
#include "chip/arch_loader.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    tensim_fuzz::use_tree_arch_dir();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::vector<std::string> lines(1);
    for (size_t i = 0; i < size; ++i) {
        if (data[i] == '\n')
            lines.emplace_back();
        else
            lines.back() += static_cast<char>(data[i]);
    }
    // Only the shipped boards: a path here would make this the arch-file harness again.
    static const char* const kBoards[] = {"n150", "n300", "t3000", "galaxy", "wormhole_b0"};
    std::string board = "n150";
    for (const char* b : kBoards)
        if (lines.front() == b) board = b;
    const std::vector<std::string> overrides(lines.begin() + 1, lines.end());
    try {
        (void)tensim::load_system(board, overrides);
    } catch (const tensim::ConfigError&) {
    }
    return 0;
}
