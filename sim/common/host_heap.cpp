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
    // Blocks of `bytes`, held, until one comes from the top (ends near the break), which grows
    // the heap; freed, that block rejoins the top. A free block elsewhere in the heap can serve
    // the first ones: one just past the top's size was served so, the heap never grew, and a
    // timing matmul faulted 1,800 more 4 KiB pages. Not mmapped.
    if (mallinfo2().keepcost < bytes) {  // the heap's free top
        mallopt(M_MMAP_MAX, 0);
        void* held[4] = {};
        for (void*& p : held) {
            p = malloc(bytes);
            const auto brk = reinterpret_cast<uintptr_t>(sbrk(0));
            if (!p || reinterpret_cast<uintptr_t>(p) + bytes + (1 << 20) >= brk) break;
        }
        for (void* p : held) free(p);
        mallopt(M_MMAP_MAX, 65536);  // glibc's default
    }
    // The whole free top, grown here or already there (a large block freed before): a top left
    // unadvised faulted its 4 KiB pages one by one (1,800 more faults in a timing matmul).
    const auto hi = reinterpret_cast<uintptr_t>(sbrk(0));
    const uintptr_t lo = hi - mallinfo2().keepcost;
    const uintptr_t a = (lo + kHuge - 1) & ~(kHuge - 1), b = hi & ~(kHuge - 1);
    if (b > a) madvise(reinterpret_cast<void*>(a), b - a, MADV_HUGEPAGE);
}

}  // namespace tensim
