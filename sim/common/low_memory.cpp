#include "common/low_memory.hpp"

#include <fmt/format.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "common/error.hpp"

namespace tensim {

namespace {

uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }

// The live LowMemory mappings, for low_memory_file_of. A fixed table of plain words, so a signal
// handler may read it; a process holds one System (rarely two) at a time.
struct Registered {
    const uint8_t* data;
    size_t size;
    int fd;
};
constexpr int kMaxRegistered = 8;
Registered g_registered[kMaxRegistered] = {};

void* try_map(uint64_t at, size_t bytes, int fd) {
    const int flags = MAP_SHARED | MAP_NORESERVE | MAP_FIXED_NOREPLACE;
    void* p = mmap(reinterpret_cast<void*>(at), bytes, PROT_READ | PROT_WRITE, flags, fd, 0);
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

bool low_memory_file_of(const void* p, int* fd, uint64_t* offset) {
    const auto* b = static_cast<const uint8_t*>(p);
    for (const Registered& r : g_registered)
        if (r.data && b >= r.data && b < r.data + r.size) {
            *fd = r.fd;
            *offset = static_cast<uint64_t>(b - r.data);
            return true;
        }
    return false;
}

LowMemory::LowMemory(size_t bytes, uint64_t min_addr, uint64_t align) : m_size(bytes) {
    // A memfd rather than anonymous memory: pages are still zero-filled on first touch, and the
    // same bytes can be mapped a second time at a core's plain L1 offsets.
    m_fd = memfd_create("tensim-l1", MFD_CLOEXEC);
    if (m_fd < 0 || ftruncate(m_fd, static_cast<off_t>(bytes)) != 0) {
        if (m_fd >= 0) close(m_fd);
        throw ConfigError(
            fmt::format("cannot create a {} MiB memory file for simulated L1", bytes >> 20));
    }
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
            if (void* p = try_map(at, bytes, m_fd)) {
                m_data = static_cast<uint8_t*>(p);
                break;
            }
        }
    }
    // Without /proc (or if the map lied), probe aligned addresses in 16 MiB steps.
    for (uint64_t at = align_up(min_addr, align); !m_data && at + bytes <= kLowMemoryLimit;
         at = align_up(at + (16ull << 20), align))
        if (void* p = try_map(at, bytes, m_fd)) m_data = static_cast<uint8_t*>(p);
    if (!m_data) {
        close(m_fd);
        throw ConfigError(fmt::format(
            "cannot map {} MiB below 4 GiB for simulated L1: the largest free range there is {} "
            "MiB",
            bytes >> 20, largest >> 20));
    }
    for (Registered& r : g_registered)
        if (!r.data) {
            r = {m_data, m_size, m_fd};
            break;
        }
}

LowMemory::~LowMemory() {
    for (Registered& r : g_registered)
        if (r.fd == m_fd) r = {};  // also after release(): the fd is closed below
    if (m_data) munmap(m_data, m_size);
    close(m_fd);
}

}  // namespace tensim
