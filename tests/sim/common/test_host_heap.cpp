// reserve_host_heap: room at the heap's top, on huge pages, for what a simulation grows.
#include <gtest/gtest.h>
#include <malloc.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

#include "tensim/host/tensim.hpp"

namespace {

// The VmFlags line of the mapping in /proc/self/smaps that holds address `a` ("" if none does).
std::string vm_flags_of(uintptr_t a) {
    std::ifstream smaps("/proc/self/smaps");
    std::string line;
    bool inside = false;
    while (std::getline(smaps, line)) {
        unsigned long lo = 0, hi = 0;
        if (std::sscanf(line.c_str(), "%lx-%lx ", &lo, &hi) == 2 && line.find(' ') > 8)
            inside = a >= lo && a < hi;
        else if (inside && line.rfind("VmFlags:", 0) == 0)
            return line;
    }
    return "";
}

TEST(HostHeap, ReserveLeavesRoomAtTheTopOnHugePages) {
#if defined(__SANITIZE_ADDRESS__)
    GTEST_SKIP() << "ASan's allocator is not glibc's heap";
#endif
    if (access("/sys/kernel/mm/transparent_hugepage/enabled", R_OK) != 0)
        GTEST_SKIP() << "this kernel has no transparent huge pages";
    constexpr size_t bytes = 24 << 20;
    tensim::reserve_host_heap(bytes);
    EXPECT_GE(mallinfo2().keepcost, bytes);  // the top chunk: free, not given back
    // The room stays after a free at the top (the trim threshold is above it).
    void* q = malloc(1 << 20);
    free(q);
    EXPECT_GE(mallinfo2().keepcost, bytes);
    // A block taken from that room lies in a range advised for huge pages.
    void* p = malloc(4 << 20);
    ASSERT_NE(p, nullptr);
    const std::string flags = vm_flags_of(reinterpret_cast<uintptr_t>(p) + (3 << 20));
    free(p);
    EXPECT_NE(flags.find(" hg"), std::string::npos) << flags;
}

// A top already as large as the request (a large block freed before the call) is advised too,
// not left to fault in 4 KiB pages.
TEST(HostHeap, ReserveAdvisesATopThatIsAlreadyLarge) {
#if defined(__SANITIZE_ADDRESS__)
    GTEST_SKIP() << "ASan's allocator is not glibc's heap";
#endif
    if (access("/sys/kernel/mm/transparent_hugepage/enabled", R_OK) != 0)
        GTEST_SKIP() << "this kernel has no transparent huge pages";
    // Grow the heap's top by 64 MiB without advice, as a freed block would leave it.
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TOP_PAD, 64 << 20);
    void* volatile grow = malloc(mallinfo2().keepcost + 1);
    free(grow);
    mallopt(M_TOP_PAD, 128 << 10);
    mallopt(M_MMAP_MAX, 65536);
    ASSERT_GE(mallinfo2().keepcost, size_t(32) << 20);
    const uintptr_t probe = reinterpret_cast<uintptr_t>(sbrk(0)) - (3 << 20);
    if (vm_flags_of(probe).find(" hg") != std::string::npos)
        GTEST_SKIP() << "the heap's top was advised already (an earlier test in this process)";
    tensim::reserve_host_heap(24 << 20);
    const std::string flags = vm_flags_of(probe);
    EXPECT_NE(flags.find(" hg"), std::string::npos) << flags;
}

}  // namespace
