// Where the library's data files are: the architecture and system files, the bundled kernels, the
// model presets and the kernel API headers the JIT compiles kernels against. They are found
// relative to the loaded library itself, so an installed tree can be moved; nothing of the source
// tree is compiled in. In the build tree a marker next to the library (tensim-source-tree) names
// the source tree, whose files are then used in place.
#pragma once
#include <string>

namespace tensim {

struct DataPaths {
    std::string root;        // kernel paths like "kernels/matmul/reader.cpp" are relative to it
    std::string arch;        // architecture and system files (*.json)
    std::string presets;     // model presets (<name>/config.json)
    std::string kernel_api;  // the include root of kernels (dataflow_api.h, api/, ...)
    std::string include;     // the host headers' root (tt-metalium/, tensim/)
    std::string kernel_pch;  // precompiled kernel headers (src/jit/kernel_pch.hpp)
};

// Installed: <libdir>/../share/tensim/{., arch, models/presets} and <libdir>/../include{/tensim/
// kernel_api,}. Build tree: <source>/{., sim/arch, models/presets, include/tensim/kernel_api,
// include}. Either way the precompiled kernel headers are built ones: <libdir>/tensim-kernel-pch.
// Environment overrides (TT_METAL_HOME, TENSIM_ARCH_DIR, TENSIM_MODELS_DIR) are applied by the
// users of each path, not here.
const DataPaths& data_paths();

}  // namespace tensim
