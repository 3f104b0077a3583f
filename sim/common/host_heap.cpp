#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <mutex>

#include "tensim/host/tensim.hpp"

namespace tensim {

// Page faults are the cost here: a first touch of a 4 KiB page costs ~12.5 us of CPU on this
// project's virtual machines (docs/performance.md), and a simulation's containers (NoC link
// intervals, the Scheduler's slots, payload buffers) grow through thousands of them. glibc's own
// `glibc.malloc.hugetlb=1` tunable does the same, but only when set before the process starts.
void reserve_host_heap(size_t bytes) {
    constexpr uintptr_t kHuge = 2 << 20;           // x86-64's transparent huge page
    constexpr size_t kMaxBytes = size_t(1) << 29;  // the trim threshold below is an int
    static std::mutex mutex;
    static size_t kept = 0;  // the most any call asked to keep: thresholds are only raised
    const std::lock_guard<std::mutex> lock(mutex);
    bytes = std::min(bytes, kMaxBytes);
    if (bytes > kept) {
        kept = bytes;
        // Freed blocks up to 32 MiB (glibc's largest mmap threshold) stay in the heap, and the
        // heap returns its top to the system only past twice what was asked for.
        mallopt(M_MMAP_THRESHOLD, 32 << 20);
        mallopt(M_TRIM_THRESHOLD, static_cast<int>(2 * kept));
    }
    const size_t top = mallinfo2().keepcost;  // the heap's free top
    if (top >= bytes) return;
    const auto lo = reinterpret_cast<uintptr_t>(sbrk(0));
    // A block one byte larger than the top grows the heap by the pad; it must not be mmapped.
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TOP_PAD, static_cast<int>(bytes));
    void* volatile grow = malloc(top + 1);  // volatile: kept
    free(grow);
    mallopt(M_TOP_PAD, 128 << 10);  // glibc's defaults
    mallopt(M_MMAP_MAX, 65536);
    const auto hi = reinterpret_cast<uintptr_t>(sbrk(0));
    const uintptr_t a = (lo + kHuge - 1) & ~(kHuge - 1), b = hi & ~(kHuge - 1);
    if (b > a) madvise(reinterpret_cast<void*>(a), b - a, MADV_HUGEPAGE);
}

}  // namespace tensim
