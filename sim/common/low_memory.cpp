#include "common/low_memory.hpp"

#include <fmt/format.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "common/error.hpp"

namespace tensim {

namespace {

uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }

size_t page_size() {
    static const size_t s = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    return s;
}

// The live LowMemory mappings, for low_memory_file_of. A fixed table of plain words, so a signal
// handler may read it; a process holds one System (rarely two) at a time.
struct Registered {
    const uint8_t* data;
    size_t size;
    int fd;
    uint64_t* known_data;  // LowMemory::m_known_data
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
    m_known_data.assign((bytes / page_size() + 64) / 64, 0);
    for (Registered& r : g_registered)
        if (!r.data) {
            r = {m_data, m_size, m_fd, m_known_data.data()};
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

namespace tensim {

namespace {

const Registered* registered_of(const uint8_t* p, size_t n) {
    for (const Registered& r : g_registered)
        if (r.data && p >= r.data && n <= r.size &&
            p - r.data <= static_cast<ptrdiff_t>(r.size - n))
            return &r;
    return nullptr;
}

bool all_zero(const void* p, size_t n) {
    // 64-byte steps, so non-zero data (every mode but `timing`) is rejected at its first block.
    const auto* b = static_cast<const uint8_t*>(p);
    size_t i = 0;
    for (; i + 64 <= n; i += 64) {
        uint64_t w[8];
        std::memcpy(w, b + i, sizeof w);
        if (w[0] | w[1] | w[2] | w[3] | w[4] | w[5] | w[6] | w[7]) return false;
    }
    uint8_t any = 0;
    for (; i < n; ++i) any |= b[i];
    return any == 0;
}

bool known(const Registered& r, uint64_t page) {
    return r.known_data[page / 64] >> (page % 64) & 1;
}
void set_known(const Registered& r, uint64_t page) {
    r.known_data[page / 64] |= 1ull << (page % 64);
}

// Splits [off, off + n) of r's file into consecutive data and hole segments: fn(off, len, hole).
// A range lseek cannot classify is data (copied as usual).
template <typename Fn>
void for_each_segment(const Registered& r, uint64_t off, size_t n, Fn&& fn) {
    const uint64_t ps = page_size(), end = off + n;
    for (uint64_t pos = off; pos < end;) {
        const uint64_t page = pos / ps, page_end = std::min(end, (page + 1) * ps);
        if (known(r, page)) {
            fn(pos, page_end - pos, false);
            pos = page_end;
            continue;
        }
        const off_t d = lseek(r.fd, static_cast<off_t>(pos), SEEK_DATA);
        if (d < 0) {  // ENXIO: no data at or after pos
            fn(pos, end - pos, errno == ENXIO);
            return;
        }
        if (static_cast<uint64_t>(d) > pos) {  // a hole up to d
            const uint64_t hole_end = std::min(end, static_cast<uint64_t>(d));
            fn(pos, hole_end - pos, true);
            pos = hole_end;
            continue;
        }
        set_known(r, page);
        fn(pos, page_end - pos, false);
        pos = page_end;
    }
}

}  // namespace

void low_memory_write(uint8_t* dst, const void* src, size_t n) {
    const Registered* r = n ? registered_of(dst, n) : nullptr;
    if (!r || !all_zero(src, n)) {
        std::memcpy(dst, src, n);
        if (r) {  // those pages hold data now
            const uint64_t ps = page_size(), off = static_cast<uint64_t>(dst - r->data);
            for (uint64_t p = off / ps; p <= (off + n - 1) / ps; ++p) set_known(*r, p);
        }
        return;
    }
    low_memory_zero(dst, n);
}

void low_memory_zero(uint8_t* p, size_t n) {
    const Registered* r = n ? registered_of(p, n) : nullptr;
    if (!r) {
        std::memset(p, 0, n);
        return;
    }
    for_each_segment(*r, static_cast<uint64_t>(p - r->data), n,
                     [&](uint64_t off, uint64_t len, bool hole) {
                         if (!hole) std::memset(const_cast<uint8_t*>(r->data) + off, 0, len);
                     });
}

bool low_memory_untouched(const uint8_t* p, size_t n) {
    const Registered* r = n ? registered_of(p, n) : nullptr;
    if (!r) return false;
    const uint64_t ps = page_size(), off = static_cast<uint64_t>(p - r->data);
    for (uint64_t page = off / ps; page <= (off + n - 1) / ps; ++page)
        if (known(*r, page)) return false;
    const off_t d = lseek(r->fd, static_cast<off_t>(off), SEEK_DATA);
    return d < 0 ? errno == ENXIO : static_cast<uint64_t>(d) >= off + n;
}

void low_memory_read(void* dst, const uint8_t* src, size_t n) {
    const Registered* r = n ? registered_of(src, n) : nullptr;
    if (!r) {
        std::memcpy(dst, src, n);
        return;
    }
    auto* out = static_cast<uint8_t*>(dst);
    const uint64_t base = static_cast<uint64_t>(src - r->data);
    for_each_segment(*r, base, n, [&](uint64_t off, uint64_t len, bool hole) {
        if (hole)
            std::memset(out + (off - base), 0, len);
        else
            std::memcpy(out + (off - base), r->data + off, len);
    });
}

}  // namespace tensim
