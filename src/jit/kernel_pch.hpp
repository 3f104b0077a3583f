// Precompiled kernel headers. Most of a cold kernel build's CPU was GCC parsing the standard
// headers the kernel API includes (<string_view>, <cmath>: ~0.3 s of ~0.5 s per binary). The
// generated wrapper includes tensim_kernel_pch.h (or tensim_kernel_pch_math.h for the math TRISC)
// before any of its per-kernel macros, so one precompiled copy per flag set serves every kernel.
// They are built with tensim (tensim-kernel-pch, at build and install time) into
// <libdir>/tensim-kernel-pch/<variant>/, one variant per (compiler, flags, header), and found by
// the same name at run time. A variant records the files it was made from with their content
// hashes; one whose files changed since (an edited header in the build tree, an upgraded
// compiler's headers) is not used, and the kernel parses the headers as before. GCC itself ignores
// a precompiled header it finds invalid (-Winvalid-pch semantics), so a kernel never fails for one.
#pragma once
#include <map>
#include <string>
#include <vector>

namespace tensim::jit {

// Content hash of a file ("" when it cannot be read), kept per (path, size, modification time)
// for the process: headers are hashed once however many kernels include them.
std::string file_digest(const std::string& path);

// The files a make-style dependency file (GCC -MD) lists, the target left out.
std::vector<std::string> dependency_files(const std::string& depfile);

namespace pch {

// The header a kernel for `processor` includes first ("tensim_kernel_pch.h", or
// "tensim_kernel_pch_math.h" for trisc1).
std::string header_for(const std::string& processor);

// A usable precompiled header: the directory to put first on the include path, and the files it
// was made from with their content hashes (part of a kernel's cache key, as if parsed).
struct Found {
    std::string include_dir;
    std::map<std::string, std::string> files;  // path -> file_digest
};

// The precompiled `header` for compiling with `cxx` and `flags` under `root`, or nullptr when there
// is none or it no longer matches its files. Checked once per process and variant.
const Found* find(const std::string& root, const std::string& cxx, const std::string& flags,
                  const std::string& header);

// Builds it: `header` (a file under `kernel_api`) precompiled with `cxx` and `flags` into its
// variant directory under `root`. Throws InternalError with the compiler's output on failure.
void build(const std::string& root, const std::string& cxx, const std::string& flags,
           const std::string& kernel_api, const std::string& header);

}  // namespace pch
}  // namespace tensim::jit
