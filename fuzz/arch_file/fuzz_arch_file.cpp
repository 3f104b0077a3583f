// libFuzzer harness: an architecture or board file (sim/arch/*.json, docs/systems.md) read by
// tensim::load_system, as `--system FILE` reads it. Seeds: the shipped files and small variants
// (fuzz/arch_file/corpus). A finding is anything but a ConfigError (fuzz_common.hpp).
#include <cstdint>

#include "../fuzz_common.hpp"
#include "chip/arch_loader.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    tensim_fuzz::use_tree_arch_dir();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string& file = tensim_fuzz::as_file(data, size, ".json");
    try {
        const tensim::SystemConfig cfg = tensim::load_system(file);
        // What a run writes beside its stats must read back to a configuration too.
        (void)tensim::to_json(cfg).dump();
    } catch (const tensim::ConfigError&) {
    }
    return 0;
}
