#include "common/low_memory.hpp"

#include <fmt/format.h>
#include <sys/mman.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "common/error.hpp"

namespace tensim {

namespace {

uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }

void* try_map(uint64_t at, size_t bytes) {
    const int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE;
    void* p = mmap(reinterpret_cast<void*>(at), bytes, PROT_READ | PROT_WRITE, flags, -1, 0);
    if (p == MAP_FAILED) return nullptr;
    if (reinterpret_cast<uint64_t>(p) != at) {  // a kernel before 4.17 treats the flag as a hint
        munmap(p, bytes);
        return nullptr;
    }
    return p;
}

}  // namespace

std::vector<LowRange> free_low_ranges(uint64_t min_addr) {
    std::vector<LowRange> used;
    FILE* f = std::fopen("/proc/self/maps", "r");
    if (!f) return {};
    char line[512];
    while (std::fgets(line, sizeof line, f)) {
        uint64_t b = 0, e = 0;
        if (std::sscanf(line, "%" SCNx64 "-%" SCNx64, &b, &e) == 2) used.push_back({b, e});
    }
    std::fclose(f);
    std::sort(used.begin(), used.end(),
              [](const LowRange& a, const LowRange& b) { return a.begin < b.begin; });
    std::vector<LowRange> out;
    uint64_t at = min_addr;
    for (const LowRange& u : used) {
        if (u.begin >= kLowMemoryLimit) break;
        if (u.begin > at) out.push_back({at, u.begin});
        at = std::max(at, u.end);
    }
    if (at < kLowMemoryLimit) out.push_back({at, kLowMemoryLimit});
    return out;
}

LowMemory::LowMemory(size_t bytes, uint64_t min_addr, uint64_t align) : m_size(bytes) {
    // First fit over the holes /proc/self/maps shows; another mapping may appear between reading
    // the map and mapping (MAP_FIXED_NOREPLACE then fails), so read it again a few times.
    uint64_t largest = 0;
    for (int attempt = 0; attempt < 4 && !m_data; ++attempt) {
        largest = 0;
        for (const LowRange& r : free_low_ranges(min_addr)) {
            const uint64_t at = align_up(r.begin, align);
            if (at >= r.end) continue;
            largest = std::max(largest, r.end - at);
            if (r.end - at < bytes) continue;
            if (void* p = try_map(at, bytes)) {
                m_data = static_cast<uint8_t*>(p);
                break;
            }
        }
    }
    // Without /proc (or if the map lied), probe aligned addresses in 16 MiB steps.
    for (uint64_t at = align_up(min_addr, align); !m_data && at + bytes <= kLowMemoryLimit;
         at = align_up(at + (16ull << 20), align))
        if (void* p = try_map(at, bytes)) m_data = static_cast<uint8_t*>(p);
    if (!m_data)
        throw ConfigError(fmt::format(
            "cannot map {} MiB below 4 GiB for simulated L1: the largest free range there is {} "
            "MiB",
            bytes >> 20, largest >> 20));
}

LowMemory::~LowMemory() {
    if (m_data) munmap(m_data, m_size);
}

}  // namespace tensim
