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
    std::vector<uint64_t> m_known_zero;  // one bit per page: a hole, mapped read-only (below)
};

// Copies that leave untouched pages untouched. A page of the memfd nothing has touched is a hole:
// it reads as zeros, and touching it costs a page fault (a zeroed page, its page-table entry).
// Writing zeros into a hole changes nothing a later read returns, so low_memory_write skips the
// parts of `dst` that are holes where `src` is all zeros; low_memory_read returns zeros for holes
// without faulting them in. Holes are found with lseek(SEEK_DATA) on the memfd (shmem counts a
// swapped-out page as data), and pages once seen holding data are remembered, so copies into
// live pages cost no system call. Exact for every reader: a kernel's pointer, the L1 view and the
// NoC all see the same bytes. Outside any LowMemory both are plain memcpy.
//
// Known-zero pages: a hole lseek found is remembered without trusting it (a kernel's plain store,
// the packer, the host may write it without telling low_memory): its whole pages are mapped
// read-only (one mprotect per hole run), so the first store into one faults, and the SIGSEGV
// handler of the L1 view (sim/tensix/l1_view.cpp) calls low_memory_write_fault, which forgets
// the page and maps it writable again before the store retries. Later copies over known-zero
// pages need no system call. Writers low_memory knows unprotect explicitly. Only once a handler
// that calls low_memory_write_fault is installed (low_memory_enable_write_faults), and at most
// a bounded number of read-only runs (each splits a VMA; vm.max_map_count): past it, and
// for a core's L1 while the L1 view maps it a second time (stores there do not fault), holes
// are found with lseek as before. The bookkeeping is plain words: every store into L1 (kernels'
// fibers, the packer, the NoC, the host) comes from the simulation thread; the MathWorker's
// threads never touch L1.
void low_memory_write(uint8_t* dst, const void* src, size_t n);
void low_memory_read(void* dst, const uint8_t* src, size_t n);
// Stores n zeros at p, skipping holes.
void low_memory_zero(uint8_t* p, size_t n);
// True when [p, p + n) lies in a LowMemory and is all holes (so reads as zeros).
bool low_memory_untouched(const uint8_t* p, size_t n);

// The LowMemory holding host address `p` (its memfd and the file offset of `p`); false when none
// does. Async-signal-safe: the L1 view's fault handler calls it.
bool low_memory_file_of(const void* p, int* fd, uint64_t* offset);

// Makes [p, p + n) writable ahead of a direct store into it (no fault): for writers that take a
// pointer into L1, such as the NoC's atomics and inline writes.
void low_memory_writable(uint8_t* p, size_t n);
// Async-signal-safe, for a SIGSEGV handler: when `addr` lies in a known-zero page of a
// LowMemory, forgets that page and maps it writable; true then (the faulting store retries).
bool low_memory_write_fault(const void* addr);
// Called once a SIGSEGV handler that calls low_memory_write_fault first is installed: from then
// on known-zero pages are kept (not before: a store into one would crash).
void low_memory_enable_write_faults();
// Async-signal-safe. [p, p + n) of a LowMemory is (or stops being, p = null) mapped a second
// time where stores do not fault: its known-zero pages are forgotten and none are kept there
// until low_memory_view(nullptr, 0). One such range at a time.
void low_memory_view(const void* p, size_t n);
// Known-zero bookkeeping, for tests and measurements.
struct LowMemoryStats {
    uint64_t protect_calls = 0;    // mprotect(PROT_READ) of hole runs
    uint64_t unprotect_calls = 0;  // mprotect(PROT_READ | PROT_WRITE), faults included
    uint64_t write_faults = 0;     // stores that faulted on a known-zero page
    uint64_t lseeks = 0;           // lseek(SEEK_DATA) calls
    uint64_t capped = 0;           // holes left unprotected: the run cap was reached
    int64_t runs = 0;              // read-only runs now, over every LowMemory
};
LowMemoryStats low_memory_stats();
// The most read-only runs kept per LowMemory (default: a 32nd of vm.max_map_count).
int64_t low_memory_set_run_cap(int64_t runs);  // returns the cap it replaces

}  // namespace tensim
