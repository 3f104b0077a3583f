// What the libFuzzer harnesses share: the shipped architecture files as the only ones a name
// resolves to, an input handed over as a file (the readers under test take a path, as the CLI
// does), and the rule for what counts as a finding.
//
// Rule: a reader may refuse any input, but only with the typed error it documents
// (tensim::ConfigError, and tensim::HostError for a file it cannot open). Any other exception
// (a raw nlohmann::json::type_error, std::out_of_range, ...) escapes the harness, and libFuzzer
// reports it as a crash, as it does for a sanitizer report, a timeout or an out-of-memory.
#pragma once
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace tensim_fuzz {

// Names resolve to the tree's own sim/arch (FUZZ_ARCH_DIR is set by fuzz/CMakeLists.txt), never
// to an installed copy.
inline void use_tree_arch_dir() { ::setenv("TENSIM_ARCH_DIR", FUZZ_ARCH_DIR, 1); }

// The input written to a file of this process's own (rewritten on every call, removed at exit).
inline const std::string& as_file(const uint8_t* data, size_t size, const char* suffix) {
    static const std::string path = [&] {
        const char* tmp = std::getenv("TMPDIR");
        return std::string(tmp && *tmp ? tmp : "/tmp") + "/tensim-fuzz-" +
               std::to_string(::getpid()) + suffix;
    }();
    // Removed when libFuzzer ends the run (-max_total_time, -runs: exit()); registered after the
    // path exists, so it runs before the path's destructor. A crash leaves it: libFuzzer keeps the
    // input in its artifact anyway.
    static const bool removed_at_exit = [] {
        std::atexit([] { std::remove(path.c_str()); });
        return true;
    }();
    (void)removed_at_exit;
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) std::abort();  // not the input's fault: the harness cannot run
    if (size && std::fwrite(data, 1, size, f) != size) std::abort();
    std::fclose(f);
    return path;
}

}  // namespace tensim_fuzz
