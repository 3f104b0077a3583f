// Host memory below 4 GiB, so that 32-bit simulated addresses can double as host pointers.
//
// A kernel gets L1 addresses from the API (get_write_ptr, get_semaphore, ...) as uint32_t and
// dereferences them; tensim makes that work by placing every core's L1 at a host address below
// 4 GiB. A system maps all its cores' L1 as one LowMemory (sim/system/system.cpp), so a 32-chip
// Galaxy (3.1 GiB of L1) fits in the one contiguous hole the process has there. The mapping is a
// shared memfd, so one core's L1 can also be viewed at its plain offsets (sim/tensix/l1_view.hpp).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace tensim {

// A range [begin, end) of host addresses.
struct LowRange {
    uint64_t begin = 0, end = 0;
    uint64_t size() const { return end - begin; }
};

constexpr uint64_t kLowMemoryLimit = 1ull << 32;

// The unmapped ranges of [min_addr, 4 GiB) in this process, lowest first, from /proc/self/maps;
// empty when that file cannot be read.
std::vector<LowRange> free_low_ranges(uint64_t min_addr);

class LowMemory {
public:
    // Maps `bytes` (zero-filled lazily, no swap reserved) at the lowest free address in
    // [min_addr, 4 GiB) aligned to `align` (a power of two, at least the page size). Returns
    // normally or throws ConfigError saying what was needed and the largest free range.
    LowMemory(size_t bytes, uint64_t min_addr, uint64_t align);
    ~LowMemory();
    LowMemory(const LowMemory&) = delete;
    LowMemory& operator=(const LowMemory&) = delete;
    uint8_t* data() const { return m_data; }
    size_t size() const { return m_size; }
    int fd() const { return m_fd; }       // the memfd behind the mapping (offset 0 = data())
    void release() { m_data = nullptr; }  // leave the mapping (objects that point into it leak)

private:
    uint8_t* m_data = nullptr;
    size_t m_size = 0;
    int m_fd = -1;
    std::vector<uint64_t> m_known_data;  // one bit per page: seen holding data (never cleared)
};

// Copies that leave untouched pages untouched. A page of the memfd nothing has touched is a hole:
// it reads as zeros, and touching it costs a page fault (a zeroed page, its page-table entry).
// Writing zeros into a hole changes nothing a later read returns, so low_memory_write skips the
// parts of `dst` that are holes where `src` is all zeros; low_memory_read returns zeros for holes
// without faulting them in. Holes are found with lseek(SEEK_DATA) on the memfd (shmem counts a
// swapped-out page as data), and pages once seen holding data are remembered, so copies into
// live pages cost no system call. Exact for every reader: a kernel's pointer, the L1 view and the
// NoC all see the same bytes. Outside any LowMemory both are plain memcpy.
void low_memory_write(uint8_t* dst, const void* src, size_t n);
void low_memory_read(void* dst, const uint8_t* src, size_t n);
// Stores n zeros at p, skipping holes.
void low_memory_zero(uint8_t* p, size_t n);
// True when [p, p + n) lies in a LowMemory and is all holes (so reads as zeros).
bool low_memory_untouched(const uint8_t* p, size_t n);

// The LowMemory holding host address `p` (its memfd and the file offset of `p`); false when none
// does. Async-signal-safe: the L1 view's fault handler calls it.
bool low_memory_file_of(const void* p, int* fd, uint64_t* offset);

}  // namespace tensim
