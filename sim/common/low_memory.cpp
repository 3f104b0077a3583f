#include "common/low_memory.hpp"

#include <fmt/format.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <utility>

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
    uint64_t* known_zero;  // LowMemory::m_known_zero: exactly the pages mapped read-only
    uint64_t pages;
    int64_t runs;                   // maximal runs of known_zero pages (a VMA each)
    uint64_t view_begin, view_end;  // pages mapped a second time (the L1 view): none known-zero
    bool keep;                      // known-zero pages may be kept (false after a failure)
};
constexpr int kMaxRegistered = 8;
Registered g_registered[kMaxRegistered] = {};
bool g_write_faults = false;  // a SIGSEGV handler calls low_memory_write_fault
int64_t g_run_cap = -1;       // -1: not read yet
LowMemoryStats g_stats;

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
    m_known_zero.assign(m_known_data.size(), 0);
    for (Registered& r : g_registered)
        if (!r.data) {
            r = {m_data,
                 m_size,
                 m_fd,
                 m_known_data.data(),
                 m_known_zero.data(),
                 bytes / page_size(),
                 0,
                 0,
                 0,
                 true};
            break;
        }
}

LowMemory::~LowMemory() {
    for (Registered& r : g_registered)
        if (r.fd == m_fd) {  // also after release(): the fd is closed below
            // A released mapping stays, and what points into it may still store: all writable.
            if (!m_data && r.runs)
                mprotect(const_cast<uint8_t*>(r.data), r.size, PROT_READ | PROT_WRITE);
            g_stats.runs -= r.runs;
            r = {};
        }
    if (m_data) munmap(m_data, m_size);
    close(m_fd);
}

}  // namespace tensim

namespace tensim {

namespace {

// The LowMemory holding all of [p, p + n), n >= 1. Async-signal-safe (plain words).
Registered* registered_of(const uint8_t* p, size_t n) {
    for (Registered& r : g_registered)
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

bool bit(const uint64_t* bits, uint64_t i) { return bits[i / 64] >> (i % 64) & 1; }
bool known(const Registered& r, uint64_t page) { return bit(r.known_data, page); }
void set_known(const Registered& r, uint64_t page) {
    r.known_data[page / 64] |= 1ull << (page % 64);
}
bool known_zero(const Registered& r, uint64_t page) { return bit(r.known_zero, page); }

// Bits [a, b) of `bits` as a word-wise mask: fn(word index, mask).
template <typename Fn>
void for_each_word(uint64_t a, uint64_t b, Fn&& fn) {
    for (uint64_t w = a / 64; w * 64 < b; ++w) {
        const uint64_t lo = std::max(a, w * 64) - w * 64, hi = std::min(b, w * 64 + 64) - w * 64;
        fn(w, (hi == 64 ? ~0ull : (1ull << hi) - 1) & ~((1ull << lo) - 1));
    }
}

// How many i in [a, b] have known_zero[i] != known_zero[i - 1] (a page before 0 or at `pages`
// counts as 0): twice the runs, over the whole bitmap.
uint64_t transitions(const Registered& r, uint64_t a, uint64_t b) {
    uint64_t n = 0;
    for_each_word(a, b + 1, [&](uint64_t w, uint64_t mask) {
        const uint64_t prev = r.known_zero[w] << 1 | (w ? r.known_zero[w - 1] >> 63 : 0);
        n += static_cast<uint64_t>(__builtin_popcountll((r.known_zero[w] ^ prev) & mask));
    });
    return n;
}

// Sets known_zero[a, b) to v, keeping r.runs. Async-signal-safe.
void set_zero_bits(Registered& r, uint64_t a, uint64_t b, bool v) {
    const int64_t before = static_cast<int64_t>(transitions(r, a, b));
    for_each_word(a, b, [&](uint64_t w, uint64_t mask) {
        r.known_zero[w] = v ? r.known_zero[w] | mask : r.known_zero[w] & ~mask;
    });
    const int64_t delta = (static_cast<int64_t>(transitions(r, a, b)) - before) / 2;
    r.runs += delta;
    g_stats.runs += delta;
}

uint8_t* page_addr(const Registered& r, uint64_t page) {
    return const_cast<uint8_t*>(r.data) + page * page_size();
}

// Every page writable again and none kept: when an mprotect failed (the VMA limit).
void give_up(Registered& r) {
    mprotect(page_addr(r, 0), r.size, PROT_READ | PROT_WRITE);
    set_zero_bits(r, 0, r.pages, false);
    r.keep = false;
}

// Forgets the known-zero pages in [a, b) and maps them writable (one call). Async-signal-safe.
void unprotect(Registered& r, uint64_t a, uint64_t b) {
    uint64_t first = b, last = a;  // the known-zero pages' span
    for_each_word(a, b, [&](uint64_t w, uint64_t mask) {
        if (const uint64_t m = r.known_zero[w] & mask) {
            first = std::min<uint64_t>(first, w * 64 + static_cast<uint64_t>(__builtin_ctzll(m)));
            last = w * 64 + 63 - static_cast<uint64_t>(__builtin_clzll(m)) + 1;
        }
    });
    if (first >= last) return;
    if (mprotect(page_addr(r, first), (last - first) * page_size(), PROT_READ | PROT_WRITE) != 0)
        return give_up(r);
    ++g_stats.unprotect_calls;
    set_zero_bits(r, first, last, false);
}

// Remembers pages [a, b), all holes, as known-zero and maps them read-only, unless the view
// maps them or the run cap is reached.
void protect_holes(Registered& r, uint64_t a, uint64_t b) {
    if (!g_write_faults || !r.keep) return;
    if (a < r.view_end && r.view_begin < b) {  // the parts outside the view
        if (a < r.view_begin) protect_holes(r, a, r.view_begin);
        if (r.view_end < b) protect_holes(r, r.view_end, b);
        return;
    }
    for_each_word(a, b, [&](uint64_t w, uint64_t mask) {  // up to the first page already kept
        if (const uint64_t m = r.known_zero[w] & mask)
            b = std::min<uint64_t>(b, w * 64 + static_cast<uint64_t>(__builtin_ctzll(m)));
    });
    if (a >= b) return;
    // The transitions at a and b after; none inside.
    const int64_t before = static_cast<int64_t>(transitions(r, a, b));
    const int64_t after = (a > 0 && known_zero(r, a - 1) ? 0 : 1) + (known_zero(r, b) ? 0 : 1);
    if (r.runs + (after - before) / 2 > g_run_cap) {
        ++g_stats.capped;
        return;
    }
    // A failure may have changed part of the range: every page writable again, none kept.
    if (mprotect(page_addr(r, a), (b - a) * page_size(), PROT_READ) != 0) return give_up(r);
    ++g_stats.protect_calls;
    set_zero_bits(r, a, b, true);
}

// Splits [off, off + n) of r's file into consecutive data and hole segments: fn(off, len, hole),
// which returns false to stop. A range lseek cannot classify is data (copied as usual). A hole
// lseek finds is kept as known-zero pages (protect_holes) where it may be.
template <typename Fn>
void for_each_segment(Registered& r, uint64_t off, size_t n, Fn&& fn) {
    const uint64_t ps = page_size(), end = off + n;
    for (uint64_t pos = off; pos < end;) {
        uint64_t page = pos / ps;
        if (known(r, page)) {
            const uint64_t page_end = std::min(end, (page + 1) * ps);
            if (!fn(pos, page_end - pos, false)) return;
            pos = page_end;
            continue;
        }
        if (known_zero(r, page)) {
            while (++page * ps < end && known_zero(r, page)) {
            }
            const uint64_t hole_end = std::min(end, page * ps);
            if (!fn(pos, hole_end - pos, true)) return;
            pos = hole_end;
            continue;
        }
        ++g_stats.lseeks;
        off_t d = lseek(r.fd, static_cast<off_t>(pos), SEEK_DATA);
        if (d < 0 && errno != ENXIO) {
            fn(pos, end - pos, false);
            return;
        }
        if (d < 0) d = static_cast<off_t>(r.size);  // ENXIO: no data at or after pos
        if (static_cast<uint64_t>(d) > pos) {       // a hole up to d
            protect_holes(r, page, static_cast<uint64_t>(d) / ps);
            const uint64_t hole_end = std::min(end, static_cast<uint64_t>(d));
            if (!fn(pos, hole_end - pos, true)) return;
            pos = hole_end;
            continue;
        }
        set_known(r, page);
        const uint64_t page_end = std::min(end, (page + 1) * ps);
        if (!fn(pos, page_end - pos, false)) return;
        pos = page_end;
    }
}

}  // namespace

void low_memory_write(uint8_t* dst, const void* src, size_t n) {
    Registered* r = n ? registered_of(dst, n) : nullptr;
    if (!r || !all_zero(src, n)) {
        if (r) {  // those pages hold data now: writable, and known
            const uint64_t ps = page_size(), off = static_cast<uint64_t>(dst - r->data);
            const uint64_t first = off / ps, last = (off + n - 1) / ps;
            unprotect(*r, first, last + 1);
            for (uint64_t p = first; p <= last; ++p) set_known(*r, p);
        }
        std::memcpy(dst, src, n);
        return;
    }
    low_memory_zero(dst, n);
}

void low_memory_zero(uint8_t* p, size_t n) {
    Registered* r = n ? registered_of(p, n) : nullptr;
    if (!r) {
        std::memset(p, 0, n);
        return;
    }
    for_each_segment(*r, static_cast<uint64_t>(p - r->data), n,
                     [&](uint64_t off, uint64_t len, bool hole) {
                         if (!hole) std::memset(const_cast<uint8_t*>(r->data) + off, 0, len);
                         return true;
                     });
}

bool low_memory_untouched(const uint8_t* p, size_t n) {
    Registered* r = n ? registered_of(p, n) : nullptr;
    if (!r) return false;
    const uint64_t ps = page_size(), off = static_cast<uint64_t>(p - r->data);
    for (uint64_t page = off / ps; page <= (off + n - 1) / ps; ++page)
        if (known(*r, page)) return false;
    bool zero = true;
    for_each_segment(*r, off, n, [&](uint64_t, uint64_t, bool hole) { return zero = hole; });
    return zero;
}

void low_memory_read(void* dst, const uint8_t* src, size_t n) {
    Registered* r = n ? registered_of(src, n) : nullptr;
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
        return true;
    });
}

void low_memory_writable(uint8_t* p, size_t n) {
    if (Registered* r = n ? registered_of(p, n) : nullptr) {
        const uint64_t ps = page_size(), off = static_cast<uint64_t>(p - r->data);
        unprotect(*r, off / ps, (off + n - 1) / ps + 1);
    }
}

bool low_memory_write_fault(const void* addr) {
    const auto* b = static_cast<const uint8_t*>(addr);
    Registered* r = registered_of(b, 1);
    if (!r) return false;
    const uint64_t page = static_cast<uint64_t>(b - r->data) / page_size();
    if (!known_zero(*r, page)) return false;
    ++g_stats.write_faults;
    unprotect(*r, page, page + 1);
    return true;
}

void low_memory_enable_write_faults() {
    if (g_run_cap < 0) {
        int64_t max_maps = 65530;  // the kernel's default
        if (FILE* f = std::fopen("/proc/sys/vm/max_map_count", "r")) {
            long long v = 0;
            if (std::fscanf(f, "%lld", &v) == 1 && v > 0) max_maps = v;
            std::fclose(f);
        }
        // A read-only run and the writable gap after it are two VMAs, the handler's unprotects
        // split runs further, and up to eight LowMemories share the limit: a 32nd of it.
        g_run_cap = max_maps / 32;
    }
    g_write_faults = true;
}

void low_memory_view(const void* p, size_t n) {
    for (Registered& r : g_registered) r.view_begin = r.view_end = 0;
    const auto* b = static_cast<const uint8_t*>(p);
    if (Registered* r = b ? registered_of(b, 1) : nullptr) {
        const uint64_t ps = page_size(), off = static_cast<uint64_t>(b - r->data);
        r->view_begin = off / ps;
        r->view_end = std::min(r->pages, (off + n + ps - 1) / ps);
        unprotect(*r, r->view_begin, r->view_end);
    }
}

LowMemoryStats low_memory_stats() { return g_stats; }

int64_t low_memory_set_run_cap(int64_t runs) { return std::exchange(g_run_cap, runs); }

}  // namespace tensim
