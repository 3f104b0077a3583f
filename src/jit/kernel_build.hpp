// Kernel build: a kernel source becomes a shared object compiled by the host C++ compiler, with
// compile-time args, defines and the per-CB data formats baked in, as TT-Metal's JIT does. Builds
// are cached on disk by a hash of the flags and of every file the compile read (GCC's -MD list,
// with their contents); a manifest of those files (sizes and modification times) lets a later run
// find the object without compiling. The kernel API's macro-free part is precompiled
// (kernel_pch.hpp).
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tensim/kernel_api/tensim_abi.h"

namespace tensim::jit {

struct KernelBuildSpec {
    std::string source_path;   // resolved, absolute
    std::string display_name;  // as the user named it, for messages
    std::string
        processor;  // "brisc", "ncrisc", "erisc", or "trisc0".."trisc2" (parts of a compute kernel)
    uint8_t noc = 0;
    uint8_t noc_mode = 0;
    std::vector<uint32_t> compile_args;
    std::map<std::string, uint32_t> named_compile_args;
    std::map<std::string, std::string> defines;
    std::array<uint8_t, NUM_CIRCULAR_BUFFERS> cb_formats{};  // 0xff where no CB is configured
    std::string opt_level = "-O2";
};

class KernelBinary {
public:
    KernelBinary(void* handle, void (*entry)(), std::string path);
    ~KernelBinary();
    KernelBinary(const KernelBinary&) = delete;
    KernelBinary& operator=(const KernelBinary&) = delete;
    void run() const { m_entry(); }
    const std::string& path() const { return m_path; }
    // [begin, end) of the object's machine code, for the crash handlers (kernel_guard.hpp).
    uint64_t code_begin() const { return m_code_begin; }
    uint64_t code_end() const { return m_code_end; }

private:
    void* m_handle;
    void (*m_entry)();
    std::string m_path;
    uint64_t m_code_begin = 0, m_code_end = 0;
};

// Compiles (or finds in the cache) and loads the kernel. Throws KernelCompileError with the
// compiler's diagnostics, naming the kernel file and line.
std::shared_ptr<const KernelBinary> build(const KernelBuildSpec& spec);

// build() for every spec, in parallel: identical specs build once, and up to $TENSIM_BUILD_JOBS
// (default: the machine's hardware threads) compile at the same time. Results are in the order of
// `specs`; the first failure in that order is rethrown after all have finished. While anything
// compiles, a line "building N kernels" is shown on stderr if it is a terminal.
std::vector<std::shared_ptr<const KernelBinary>> build_all(
    const std::vector<KernelBuildSpec>& specs);

// TT-Metal's kernel path lookup: as given (absolute or relative to the working directory), then
// under the root directory ($TT_METAL_HOME, else tensim's data root: the installed share/tensim,
// or the source tree in a build tree; see common/data_paths.hpp), then under each entry of
// $TT_METAL_KERNEL_PATH. Throws HostError naming every place it looked.
std::string resolve_kernel_path(const std::string& path);

// Precompiles the kernel headers (kernel_pch.hpp) into `root` for kernels built against the kernel
// API headers at `kernel_api`, at each kind's default optimisation level (data movement -O2,
// compute -O3, Ethernet -Os; kernel_config.hpp). Kernels at other levels parse the headers.
// Run at build and install time (tensim-kernel-pch).
void build_kernel_pchs(const std::string& root, const std::string& kernel_api);

// The directory of the precompiled header a build of `spec` would use, or "" when it would parse
// the headers (none for its flags, out of date, or TENSIM_KERNEL_PCH=0).
std::string kernel_pch_dir(const KernelBuildSpec& spec);

// Where built kernels are kept: $TENSIM_CACHE, else $XDG_CACHE_HOME/tensim, else ~/.cache/tensim.
std::string cache_dir();

}  // namespace tensim::jit
