// NoC transfers whose source and destination differ in their offset within the NoC's word (16 B
// for every source in tensim; sim/noc/transactions.cpp, place_words): silicon moves the data
// anyway, each byte keeping its place within its word. The test compares the bytes that land with a
// host model of that rule and checks that each kernel line warns once, naming its line. An address
// outside every memory is still an error (tests/host/test_errors.cpp, NocAddressBeyondRemoteL1).
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <algorithm>
#include <cstring>
#include <sstream>
#include <string>
#include <tt-metalium/host_api.hpp>
#include <vector>

#include "common/log.hpp"

using namespace tt;
using namespace tt::tt_metal;

namespace {

// Four 64 B transfers, each from `base + s_off` (or the DRAM buffer + s_off) to its own
// destination region at `+ d_off`: a read of this core's L1 through the NoC, a write, a
// multicast to this core alone (loopback), a read of DRAM bank 0.
constexpr const char* kKernel = R"(#include "dataflow_api.h"
void kernel_main() {
    const uint32_t base = get_arg_val<uint32_t>(0), dram = get_arg_val<uint32_t>(1);
    const uint32_t s_off = get_arg_val<uint32_t>(2), d_off = get_arg_val<uint32_t>(3);
    const uint32_t x = my_x[noc_index], y = my_y[noc_index];
    noc_async_read(get_noc_addr(x, y, base + s_off), base + 1024 + d_off, 64);
    noc_async_read_barrier();
    noc_async_write(base + s_off, get_noc_addr(x, y, base + 2048 + d_off), 64);
    noc_async_write_barrier();
    noc_async_write_multicast_loopback_src(base + s_off, get_noc_multicast_addr(x, y, x, y, base + 3072 + d_off), 64, 1);
    noc_async_write_barrier();
    noc_async_read(get_noc_addr_from_bank_id<true>(0, dram + s_off), base + 4096 + d_off, 64);
    noc_async_read_barrier();
})";
constexpr uint32_t kBase = 400 * 1024;  // 32 B-aligned, free L1 (as test_l1_pointers)
constexpr uint32_t kSize = 64, kRegion = 1024, kSentinel = 0xEE;

uint8_t pattern(uint32_t i) { return uint8_t(i * 7 + 3); }

// The rule: the source sends the words holding [s, s + n); destination byte k gets the source
// byte at align_down(s) + d % word + k while that lies inside the words sent, else keeps `dst`.
std::vector<uint8_t> model(const std::vector<uint8_t>& src, uint32_t s, uint32_t d, uint32_t n,
                           uint32_t word, std::vector<uint8_t> dst) {
    const uint32_t first = s / word * word, end = (s + n + word - 1) / word * word;
    for (uint32_t k = 0; k < n; ++k)
        if (first + d % word + k < end) dst[d + k] = src[first + d % word + k];
    return dst;
}

std::vector<uint8_t> bytes_of(const std::vector<uint32_t>& w) {
    std::vector<uint8_t> b(w.size() * 4);
    std::memcpy(b.data(), w.data(), b.size());
    return b;
}
std::vector<uint32_t> words_of(const std::vector<uint8_t>& b) {
    std::vector<uint32_t> w(b.size() / 4);
    std::memcpy(w.data(), b.data(), b.size());
    return w;
}

// The 1-based line of `kKernel` holding `text`.
uint32_t line_of(const std::string& text) {
    const std::string src = kKernel;
    const size_t at = src.find(text);
    return 1 + uint32_t(std::count(src.begin(), src.begin() + long(at), '\n'));
}

class NocAlignment : public ::testing::Test {
protected:
    void SetUp() override {
        device = CreateDevice(0);
        dram = CreateBuffer(InterleavedBufferConfig{device, kRegion, kRegion, BufferType::DRAM});
        std::vector<uint8_t> d(kRegion);
        for (uint32_t i = 0; i < kRegion; ++i) d[i] = pattern(i + 101);
        dram_bytes = d;
        EnqueueWriteBuffer(device->command_queue(), dram, words_of(d), true);
    }
    void TearDown() override { CloseDevice(device); }

    // Runs the kernel with the given offsets; returns the five 1 KiB regions after it.
    std::vector<std::vector<uint8_t>> run(uint32_t s_off, uint32_t d_off,
                                          const std::string& kernel = kKernel) {
        std::vector<uint8_t> l1(5 * kRegion, uint8_t(kSentinel));
        for (uint32_t i = 0; i < kRegion; ++i) l1[i] = pattern(i);
        std::vector<uint32_t> init = words_of(l1);
        detail::WriteToDeviceL1(device, core, kBase, init);
        Program p = CreateProgram();
        KernelHandle k = CreateKernelFromString(p, kernel, core, DataMovementConfig{});
        SetRuntimeArgs(p, k, core, {kBase, uint32_t(dram->address()), s_off, d_off});
        EnqueueProgram(device->command_queue(), p, true);
        std::vector<uint32_t> w;
        detail::ReadFromDeviceL1(device, core, kBase, 5 * kRegion, w);
        const std::vector<uint8_t> b = bytes_of(w);
        std::vector<std::vector<uint8_t>> r;
        for (uint32_t i = 0; i < 5; ++i)
            r.emplace_back(b.begin() + i * kRegion, b.begin() + (i + 1) * kRegion);
        return r;
    }

    // Every destination region against the model, for source offset s_off, destination d_off.
    void check(uint32_t s_off, uint32_t d_off) {
        const auto r = run(s_off, d_off);
        const std::vector<uint8_t> blank(kRegion, uint8_t(kSentinel));
        // L1 addresses: the regions and DRAM buffer are 32 B-aligned, so offsets are the
        // addresses modulo the word.
        const auto l1 = model(r[0], s_off, d_off, kSize, 16, blank);
        EXPECT_EQ(r[1], l1) << "NoC read of L1, s_off " << s_off << " d_off " << d_off;
        EXPECT_EQ(r[2], l1) << "NoC write, s_off " << s_off << " d_off " << d_off;
        EXPECT_EQ(r[3], l1) << "NoC multicast, s_off " << s_off << " d_off " << d_off;
        EXPECT_EQ(r[4], model(dram_bytes, s_off, d_off, kSize, 16, blank))
            << "NoC read of DRAM, s_off " << s_off << " d_off " << d_off;
    }

    IDevice* device = nullptr;
    CoreCoord core{0, 0};
    std::shared_ptr<Buffer> dram;
    std::vector<uint8_t> dram_bytes;
};

TEST_F(NocAlignment, AlignedTransfersCopyExactly) {
    const auto r = run(4, 4);
    for (uint32_t k = 0; k < kSize; ++k) {
        ASSERT_EQ(r[1][4 + k], pattern(4 + k)) << k;
        ASSERT_EQ(r[2][4 + k], pattern(4 + k)) << k;
        ASSERT_EQ(r[4][4 + k], dram_bytes[4 + k]) << k;
    }
    EXPECT_EQ(r[1][3], kSentinel);
    EXPECT_EQ(r[1][4 + kSize], kSentinel);
}

TEST_F(NocAlignment, SourcePastDestinationTakesTheWordsStart) { check(4, 0); }

TEST_F(NocAlignment, DestinationPastSourceLeavesTheTailUnwritten) {
    check(0, 8);
    // The last 8 bytes have no source word: they keep what was there.
    const auto r = run(0, 8);
    EXPECT_EQ(r[1][8 + kSize - 1], kSentinel);
    EXPECT_EQ(r[1][8 + kSize - 9], pattern(kSize - 9 + 8));
}

TEST_F(NocAlignment, OtherOffsets) {
    check(16, 0);  // aligned in 16 B words: an exact copy
    check(20, 12);
}

TEST_F(NocAlignment, EachKernelLineWarnsOnceNamingIt) {
    std::ostringstream out;
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
    tensim::log::noc().sinks().push_back(sink);
    // A kernel of its own (a file named by its content): the other tests' warnings were theirs.
    const std::string kernel = std::string(kKernel) + "// the warning test\n";
    run(12, 8, kernel);
    const std::string first = out.str();
    run(12, 8, kernel);
    run(36, 2, kernel);
    tensim::log::noc().sinks().pop_back();
    const std::string all = out.str();
    EXPECT_EQ(all, first) << "a kernel line warned twice";
    for (const char* call :
         {"noc_async_read(get_noc_addr", "noc_async_write(base",
          "noc_async_write_multicast_loopback_src", "noc_async_read(get_noc_addr_from"}) {
        const std::string line = "(line " + std::to_string(line_of(call)) + ")";
        EXPECT_NE(first.find(line), std::string::npos) << call << " did not warn: " << first;
    }
    size_t warnings = 0;
    for (size_t at = first.find("misaligned"); at != std::string::npos;
         at = first.find("misaligned", at + 1))
        ++warnings;
    EXPECT_EQ(warnings, 4u) << first;
}

}  // namespace
