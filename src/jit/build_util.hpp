// Small helpers the kernel build (kernel_build.cpp) and its precompiled headers (kernel_pch.cpp)
// share: hashing, shell quoting, running the compiler, atomic file writes.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace tensim::jit {

uint64_t fnv1a(const std::string& s, uint64_t h = 1469598103934665603ull);

// `s` quoted for the shell.
std::string quote(const std::string& s);

// The words of a command line as the shell splits them: blanks separate, '...' and "..." quote,
// a backslash escapes. Nothing is expanded.
std::vector<std::string> split_words(const std::string& cmd);

// Runs a command line (split_words, no shell), returning its exit status and combined output.
int run(const std::string& cmd, std::string& output);

std::string read_file(const std::filesystem::path& p);

// Suffix of temporary files: unique per process and thread (build_all compiles in threads).
std::string tmp_suffix();

// Writes `text` to `path` through a private temporary and a rename: a reader sees the whole file
// or none.
void publish_text(const std::filesystem::path& path, const std::string& text);

// Nanoseconds since the epoch (CLOCK_REALTIME, the clock of file times).
uint64_t now_ns();

// Whether `path` was modified at or after `started` (now_ns()), less 5 ms: file times come from the
// kernel's coarse clock, which can lag. A compile that read such a file may have read its old text.
bool modified_since(const std::string& path, uint64_t started);

}  // namespace tensim::jit
