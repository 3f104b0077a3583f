// Simulated L1 below 4 GiB (sim/common/low_memory, sim/system/system.cpp): mappings land in the
// low 4 GiB above their floor and aligned, first fit over the holes; a Galaxy's 2048 Tensix and
// 512 Ethernet windows tile one mapping at exact strides, and an address taken on one chip names
// the same L1 offset on another; an L1 size that cannot fit is a ConfigError naming the system.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "chip/arch_loader.hpp"
#include "common/error.hpp"
#include "common/low_memory.hpp"
#include "system/system.hpp"
#include "tensix/l1_view.hpp"

namespace {

using namespace tensim;

uint64_t addr(const void* p) { return reinterpret_cast<uintptr_t>(p); }

uint64_t largest_hole(uint64_t floor) {
    uint64_t l = 0;
    for (const LowRange& r : free_low_ranges(floor)) l = std::max(l, r.size());
    return l;
}

TEST(LowMemory, MapsBelow4GiBAlignedAboveItsFloorAndOutOfTheHoles) {
    const uint64_t floor = 48ull << 20, align = 1ull << 20;
    LowMemory a(40 << 20, floor, align), b(8 << 20, floor, align);
    for (const LowMemory* m : {&a, &b}) {
        EXPECT_GE(addr(m->data()), floor);
        EXPECT_LE(addr(m->data()) + m->size(), kLowMemoryLimit);
        EXPECT_EQ(addr(m->data()) % align, 0u);
        for (const LowRange& r : free_low_ranges(0))  // the map shows it taken
            EXPECT_TRUE(addr(m->data()) + m->size() <= r.begin || addr(m->data()) >= r.end);
    }
    EXPECT_TRUE(addr(a.data()) + a.size() <= addr(b.data()) ||
                addr(b.data()) + b.size() <= addr(a.data()));
    a.data()[a.size() - 1] = 7;  // writable to its last byte
    EXPECT_EQ(a.data()[0], 0);
}

TEST(LowMemory, MoreThanTheLargestHoleIsAConfigError) {
    const uint64_t largest = largest_hole(1 << 20);
    ASSERT_GT(largest, 0u);
    try {
        LowMemory m(largest + (1 << 20), 1 << 20, 1 << 16);
        FAIL() << "mapped more than the largest hole";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find(std::to_string(largest >> 20) + " MiB"),
                  std::string::npos)
            << e.what();
    }
}

// Hole-aware copies (low_memory_write/read/zero/untouched): zeros never fault an untouched page
// in, and every reader sees exactly the bytes a plain memcpy would have left. Pages are checked
// with lseek(SEEK_DATA) on the memfd, the same test the copies use, so the test counts on the
// kernel reporting holes; the values are checked regardless.
bool is_hole(const LowMemory& m, const uint8_t* p, size_t n) {
    const off_t off = static_cast<off_t>(p - m.data());
    const off_t d = lseek(m.fd(), off, SEEK_DATA);
    return d < 0 || d >= off + static_cast<off_t>(n);
}

TEST(LowMemory, ZeroCopiesLeaveUntouchedPagesUntouchedAndKeepEveryValue) {
    const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    LowMemory m(64 * page, 48ull << 20, 1 << 16);
    uint8_t* a = m.data() + 3 * page + 100;  // straddles pages 3..5
    const size_t n = 2 * page;
    std::vector<uint8_t> zeros(n, 0), data(n), back(n, 0xff);
    for (size_t i = 0; i < n; ++i) data[i] = static_cast<uint8_t>(i * 7 + 1);

    EXPECT_TRUE(low_memory_untouched(a, n));
    low_memory_write(a, zeros.data(), n);  // zeros into holes: nothing touched
    low_memory_zero(a, n);
    low_memory_read(back.data(), a, n);  // a read of holes gives zeros, touches nothing
    EXPECT_EQ(back, zeros);
    EXPECT_TRUE(is_hole(m, m.data() + 3 * page, 3 * page));
    EXPECT_TRUE(low_memory_untouched(a, n));

    // Data lands, is read back, and zeros written over it clear it (its pages are live now).
    low_memory_write(a, data.data(), n);
    EXPECT_FALSE(low_memory_untouched(a, n));
    low_memory_read(back.data(), a, n);
    EXPECT_EQ(back, data);
    low_memory_write(a + 10, zeros.data(), 100);
    EXPECT_EQ(a[9], data[9]);
    EXPECT_EQ(a[10], 0);
    EXPECT_EQ(a[109], 0);
    EXPECT_EQ(a[110], data[110]);

    // A store through a plain pointer (as a kernel makes) is never missed: the page is data to
    // lseek, so zeros written over it land and reads see it.
    uint8_t* b = m.data() + 20 * page;
    b[page + 5] = 42;  // page 21 only
    EXPECT_FALSE(low_memory_untouched(b, 2 * page));
    EXPECT_TRUE(low_memory_untouched(b, page));
    std::vector<uint8_t> two(2 * page, 0xff);
    low_memory_read(two.data(), b, two.size());
    EXPECT_EQ(two[page + 5], 42);
    EXPECT_EQ(two[0], 0);
    low_memory_zero(b, 2 * page);
    EXPECT_EQ(b[page + 5], 0);
    EXPECT_TRUE(is_hole(m, b, page));  // page 20 was a hole and stays one
    b[page + 6] = 9;
    low_memory_write(b + page, zeros.data(), 100);
    EXPECT_EQ(b[page + 6], 0);

    // Outside any LowMemory the copies are plain.
    std::vector<uint8_t> plain(n, 0xee);
    low_memory_write(plain.data(), zeros.data(), n);
    EXPECT_EQ(plain, zeros);
    EXPECT_FALSE(low_memory_untouched(plain.data(), n));
}

// Known-zero pages: a hole lseek found is kept read-only, so later copies over it need no lseek,
// and a store through a plain pointer (a kernel's) faults once into low_memory_write_fault, which
// makes the page writable; every reader then sees the stored bytes.
TEST(LowMemory, KnownZeroPagesCostNoSystemCallAndStoresIntoThemAreSeen) {
    if (!l1_view::install()) GTEST_SKIP() << "no SIGSEGV handler passes faults to low_memory";
    const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    LowMemory m(64 * page, 48ull << 20, 1 << 16);
    uint8_t* a = m.data() + 8 * page;
    std::vector<uint8_t> back(2 * page, 0xff), zeros(2 * page, 0);

    const LowMemoryStats s0 = low_memory_stats();
    EXPECT_TRUE(low_memory_untouched(a, 2 * page));  // one lseek: the rest of the file is a hole
    const LowMemoryStats s1 = low_memory_stats();
    EXPECT_EQ(s1.lseeks, s0.lseeks + 1);
    EXPECT_EQ(s1.protect_calls, s0.protect_calls + 1);
    EXPECT_EQ(s1.runs, s0.runs + 1);
    low_memory_read(back.data(), a, 2 * page);
    low_memory_zero(a + 100, page);
    low_memory_write(a, zeros.data(), 2 * page);
    EXPECT_TRUE(low_memory_untouched(a + page, page));
    EXPECT_EQ(back, zeros);
    EXPECT_EQ(low_memory_stats().lseeks, s1.lseeks);  // all known zero: no system call
    EXPECT_TRUE(is_hole(m, a, 2 * page));

    // A plain store into a known-zero page: one fault, then the page is data to every reader.
    a[page + 5] = 42;
    const LowMemoryStats s2 = low_memory_stats();
    EXPECT_EQ(s2.write_faults, s1.write_faults + 1);
    EXPECT_EQ(s2.runs, s1.runs + 1);  // the run is split in two
    EXPECT_FALSE(low_memory_untouched(a, 2 * page));
    EXPECT_TRUE(low_memory_untouched(a, page));
    low_memory_read(back.data(), a, 2 * page);
    EXPECT_EQ(back[page + 5], 42);
    EXPECT_EQ(back[page + 4], 0);
    a[page + 6] = 43;  // writable now: no second fault
    EXPECT_EQ(low_memory_stats().write_faults, s2.write_faults);
    low_memory_zero(a, 2 * page);  // lands on the data page
    EXPECT_EQ(a[page + 5], 0);

    // A known writer unprotects without a fault.
    uint8_t* c = m.data() + 30 * page;
    EXPECT_TRUE(low_memory_untouched(c, page));
    std::vector<uint8_t> data(page + 10);
    for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 13 + 1);
    const LowMemoryStats s3 = low_memory_stats();
    low_memory_write(c + 7, data.data(), data.size());  // pages 30 and 31
    EXPECT_EQ(low_memory_stats().write_faults, s3.write_faults);
    EXPECT_EQ(low_memory_stats().unprotect_calls, s3.unprotect_calls + 1);
    low_memory_read(back.data(), c + 7, data.size());
    EXPECT_TRUE(std::equal(data.begin(), data.end(), back.begin()));

    // The fault entry, directly: a known-zero page is made writable once; nothing else is its.
    uint8_t* d = m.data() + 40 * page;
    EXPECT_TRUE(low_memory_untouched(d, page));
    EXPECT_TRUE(low_memory_write_fault(d + 3));
    EXPECT_FALSE(low_memory_write_fault(d + 3));
    d[3] = 1;                                           // no fault: writable
    EXPECT_FALSE(low_memory_write_fault(c));            // a data page
    EXPECT_FALSE(low_memory_write_fault(back.data()));  // outside any LowMemory
    EXPECT_FALSE(low_memory_untouched(d, page));

    // A second mapping of the same pages (as the L1 view makes): while it is registered no page
    // in it is kept known-zero, so a store through it is seen.
    uint8_t* e = m.data() + 50 * page;
    EXPECT_TRUE(low_memory_untouched(e, 4 * page));
    auto* alias = static_cast<uint8_t*>(mmap(nullptr, 4 * page, PROT_READ | PROT_WRITE, MAP_SHARED,
                                             m.fd(), static_cast<off_t>(50 * page)));
    ASSERT_NE(alias, MAP_FAILED);
    low_memory_view(e, 4 * page);
    const LowMemoryStats s4 = low_memory_stats();
    EXPECT_TRUE(low_memory_untouched(e, page));
    EXPECT_TRUE(low_memory_untouched(e, page));
    EXPECT_EQ(low_memory_stats().lseeks, s4.lseeks + 2);  // not kept while viewed
    alias[page + 9] = 5;
    EXPECT_FALSE(low_memory_untouched(e, 4 * page));
    low_memory_read(back.data(), e, 2 * page);
    EXPECT_EQ(back[page + 9], 5);
    low_memory_view(nullptr, 0);
    munmap(alias, 4 * page);
    e[page + 9] = 6;  // writable, no fault
    EXPECT_EQ(e[page + 9], 6);

    // The cap: past it holes are not kept (each copy asks lseek again), values the same.
    LowMemory m2(8 * page, 48ull << 20, 1 << 16);
    low_memory_write(m2.data() + 4 * page, data.data(), 10);  // page 4 is data
    struct RestoreCap {
        int64_t cap;
        ~RestoreCap() { low_memory_set_run_cap(cap); }
    } restore{low_memory_set_run_cap(0)};
    uint8_t* f = m2.data() + 2 * page;
    const LowMemoryStats s5 = low_memory_stats();
    low_memory_read(back.data(), f, page);
    low_memory_read(back.data(), f, page);
    const LowMemoryStats s6 = low_memory_stats();
    EXPECT_EQ(s6.lseeks, s5.lseeks + 2);
    EXPECT_EQ(s6.capped, s5.capped + 2);
    EXPECT_EQ(s6.runs, s5.runs);
    f[10] = 3;  // writable: never protected
    low_memory_read(back.data(), f, page);
    EXPECT_EQ(back[10], 3);
    EXPECT_EQ(low_memory_stats().write_faults, s5.write_faults);
}

TEST(SystemL1, GalaxyWindowsTileOneMappingAtExactStrides) {
#if defined(__SANITIZE_ADDRESS__)
    // ASan's shadow memory starts at 2 GiB, leaving 2 GiB of the low 4 GiB where every L1 is
    // mapped; a Galaxy's needs 2.9 GiB (docs/robustness.md, "Sanitizers").
    GTEST_SKIP() << "a Galaxy's L1 does not fit below ASan's shadow memory";
#endif
    const SystemConfig cfg = load_system("galaxy");
    System sys(cfg);
    // Each window is the L1 size rounded up to 64 KiB (Wormhole's 1464 KiB to 1472 KiB)).
    const uint32_t l1 = cfg.chip.tensix.l1_size_bytes(), eth_l1 = cfg.chip.eth.l1_size_bytes();
    const uint64_t stride = (l1 + 0xffffu) & ~0xffffu, eth_stride = (eth_l1 + 0xffffu) & ~0xffffu;
    ASSERT_LT(stride - l1, 1u << 16);
    const uint64_t base = addr(sys.l1_memory().data());
    const size_t workers = size_t(cfg.grid_x()) * cfg.grid_y(), eths = cfg.chip.eth_tiles.size();
    EXPECT_EQ(sys.l1_memory().size(), cfg.num_chips * (workers * stride + eths * eth_stride));
    EXPECT_GE(base, l1);  // a plain L1 offset is never inside a window
    std::set<uint64_t> starts;
    for (int c = 0; c < sys.num_chips(); ++c) {
        Chip& chip = sys.chip(c);
        for (size_t i = 0; i < chip.workers().size(); ++i) {
            const TensixCore& core = *chip.workers()[i];
            EXPECT_EQ(core.l1_address(0), base + (c * workers + i) * stride);
            starts.insert(core.l1_address(0));
        }
        for (int ch = 0; ch < chip.num_eth(); ++ch) {
            const TensixCore& core = chip.eth(ch).core();
            EXPECT_EQ(core.l1_address(0),
                      base + cfg.num_chips * workers * stride + (c * eths + ch) * eth_stride);
            starts.insert(core.l1_address(0));
        }
    }
    EXPECT_EQ(starts.size(), size_t(cfg.num_chips) * (workers + eths));
    // An address a kernel took on chip 0 names the same offset on chip 31 (Tensix and ERISC);
    // a plain offset stays itself.
    TensixCore& first = sys.chip(0).worker(0, 0);
    TensixCore& last = sys.chip(31).worker(7, 7);
    EXPECT_EQ(last.l1_offset(first.l1_address(0x1234), 4), 0x1234u);
    EXPECT_EQ(first.l1_offset(last.l1_address(l1 - 4), 4), l1 - 4);
    EXPECT_EQ(last.l1_offset(0x1234, 4), 0x1234u);
    EXPECT_FALSE(last.l1_offset(l1 - 2, 4));
    EXPECT_EQ(sys.chip(31).eth(15).core().l1_offset(sys.chip(0).eth(0).core().l1_address(0x100), 4),
              0x100u);
}

TEST(SystemL1, AnL1ThatCannotFitNamesTheSystemChipsAndSizeAndTheNextSystemOpens) {
    const SystemConfig cfg = load_system("galaxy", {"tensix.l1_size_kib=2048"});
    try {
        System sys(cfg);
        FAIL() << "32 chips x 64 cores x 2 MiB mapped below 4 GiB";
    } catch (const ConfigError& e) {
        const std::string m = e.what();
        for (const char* s : {"system galaxy", "32 chips", "64 Tensix cores", "2048 KiB"})
            EXPECT_NE(m.find(s), std::string::npos) << s << " missing in: " << m;
        EXPECT_NE(m.find("At most tensix.l1_size_kib="), std::string::npos) << m;
    }
    System n300(load_system("n300"));
    EXPECT_EQ(n300.num_chips(), 2);
}

}  // namespace
