// Round 14 probe: deliberately broken kernels and host calls. Each test runs the mistake, then a
// correct program on the same device (the process and device survived).
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <string>
#include <tt-metalium/host_api.hpp>
#include <vector>

#include "tensim/error.hpp"

using namespace tt;
using namespace tt::tt_metal;

namespace {

// "ok" or "<type>: <message>" of what `fn` threw.
std::string outcome(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const tensim::KernelCompileError& e) {
        return std::string("KernelCompileError: ") + e.what();
    } catch (const tensim::HostError& e) {
        return std::string("HostError: ") + e.what();
    } catch (const tensim::KernelError& e) {
        return std::string("KernelError: ") + e.what();
    } catch (const tensim::DeadlockError& e) {
        return std::string("DeadlockError: ") + e.what();
    } catch (const tensim::ConfigError& e) {
        return std::string("ConfigError: ") + e.what();
    } catch (const tensim::InternalError& e) {
        return std::string("InternalError: ") + e.what();
    } catch (const std::exception& e) {
        return std::string("UNTYPED std::exception: ") + e.what();
    }
    return "ok";
}

class Probe : public ::testing::Test {
protected:
    void SetUp() override { device = CreateDevice(0); }
    void TearDown() override {
        if (device) CloseDevice(device);
    }

    // One core, a 2-page CB c_0 of 2 KiB pages, `src` on BRISC.
    Program dm(const std::string& src, std::vector<uint32_t> args = {}) {
        Program p = CreateProgram();
        cb(p);
        KernelHandle k = CreateKernelFromString(p, src, core, DataMovementConfig{});
        if (!args.empty()) SetRuntimeArgs(p, k, core, args);
        return p;
    }
    void cb(Program& p, uint8_t index = 0) {
        CreateCircularBuffer(p, core,
                             CircularBufferConfig(4096, {{index, tt::DataFormat::Float16_b}})
                                 .set_page_size(index, 2048));
    }
    std::string run(Program& p) {
        return outcome([&] { EnqueueProgram(device->command_queue(), p, true); });
    }
    // Records what happened (RecordProperty: in --gtest_output=xml) and checks it: `type` is
    // the start of the outcome ("KernelError", "ok", ...), each of `parts` a piece of it.
    void check(const std::string& what, const std::string& type,
               std::initializer_list<const char*> parts) {
        report(what);
        EXPECT_EQ(what.rfind(type, 0), 0u) << what;
        for (const char* part : parts) EXPECT_NE(what.find(part), std::string::npos) << what;
    }
    void report(const std::string& what) {
        std::printf("PROBE %s: %s\n",
                    ::testing::UnitTest::GetInstance()->current_test_info()->name(), what.c_str());
        RecordProperty("outcome", what);
    }
    void still_works() {
        Program p = dm(R"(#include "dataflow_api.h"
void kernel_main() { cb_reserve_back(0, 1); cb_push_back(0, 1); cb_wait_front(0, 1); cb_pop_front(0, 1); })");
        std::string o = run(p);
        std::printf("PROBE %s: next program: %s\n",
                    ::testing::UnitTest::GetInstance()->current_test_info()->name(), o.c_str());
        EXPECT_EQ(o, "ok");
    }

    IDevice* device = nullptr;
    CoreCoord core{0, 0};
};

// ---- kernels ----

TEST_F(Probe, K01_ComputeKernelCompileError) {
    Program p = CreateProgram();
    cb(p);
    CreateKernelFromString(p, R"(#include "compute_kernel_api.h"
namespace NAMESPACE {
void MAIN {
    int x = undeclared_in_compute;
}
})",
                           core, ComputeConfig{});
    check(run(p), "KernelCompileError", {".cpp:4:", "undeclared_in_compute"});
    still_works();
}

TEST_F(Probe, K02_ReaderFileCompileError) {
    const std::string path = ::testing::TempDir() + "probe_reader_bad.cpp";
    std::ofstream(path) << "#include \"dataflow_api.h\"\nvoid kernel_main() {\n  int a = 1\n}\n";
    Program p = CreateProgram();
    cb(p);
    CreateKernel(p, path, core, ReaderDataMovementConfig{});
    check(run(p), "KernelCompileError", {"probe_reader_bad.cpp:4:"});
    still_works();
}

TEST_F(Probe, K03_CbIndexPast32) {
    Program p = dm(R"(#include "dataflow_api.h"
void kernel_main() { cb_wait_front(40, 1); })");
    check(run(p), "KernelError", {"(line 2)", "CB index 40 out of range"});
    still_works();
}

TEST_F(Probe, K04_ReserveMorePagesThanTheCbHolds) {
    Program p = dm(R"(#include "dataflow_api.h"
void kernel_main() { cb_reserve_back(0, 3); cb_push_back(0, 3); })");
    check(run(p), "KernelError", {"(line 2)", "holds only 2 pages"});
    still_works();
}

TEST_F(Probe, K05_WaitMorePagesThanTheCbHolds) {
    Program p = dm(R"(#include "dataflow_api.h"
void kernel_main() { cb_wait_front(0, 3); })");
    check(run(p), "KernelError", {"(line 2)", "holds only 2 pages"});
    still_works();
}

TEST_F(Probe, K06_ComputeWaitNeverSatisfied) {
    Program p = CreateProgram();
    cb(p);
    CreateKernelFromString(p, R"(#include "compute_kernel_api.h"
namespace NAMESPACE {
void MAIN {
    cb_wait_front(0, 1);
}
})",
                           core, ComputeConfig{});
    check(run(p), "DeadlockError", {"TRISC0", ".cpp:4: cb_wait_front(0, 1)"});
    still_works();
}

TEST_F(Probe, K07_SemaphoreWaitNeverSatisfiedOneCore) {
    Program p = CreateProgram();
    cb(p);
    uint32_t sem = CreateSemaphore(p, CoreRange(core, core), 0);
    KernelHandle k = CreateKernelFromString(p, R"(#include "dataflow_api.h"
void kernel_main() {
    volatile uint32_t* s = (volatile uint32_t*)get_semaphore(get_arg_val<uint32_t>(0));
    noc_semaphore_wait(s, 5);
})",
                                            core, DataMovementConfig{});
    SetRuntimeArgs(p, k, core, {sem});
    check(run(p), "DeadlockError", {"BRISC", ".cpp:4: noc_semaphore_wait", "waiting for 5"});
    still_works();
}

TEST_F(Probe, K08_NocReadFromDramPastItsEnd) {
    // DRAM tile of bank 0 at noc0 (0,0); an address past any DRAM channel.
    Program p = dm(R"(#include "dataflow_api.h"
void kernel_main() {
    noc_async_read(get_noc_addr_from_bank_id<true>(0, 0xFFFFF000u), get_write_ptr(0), 2048);
    noc_async_read_barrier();
})");
    check(run(p), "KernelError", {"outside DRAM group 0"});
    still_works();
}

TEST_F(Probe, K09_NocReadIntoLocalAddressPastL1) {
    Program p = dm(R"(#include "dataflow_api.h"
void kernel_main() {
    noc_async_read(get_noc_addr(1, 1, 0x20000), 0x200000, 64);
    noc_async_read_barrier();
})");
    check(run(p), "KernelError", {"read destination L1 address 0x200000"});
    still_works();
}

TEST_F(Probe, K10_NocWriteFromLocalAddressPastL1) {
    Program p = dm(R"(#include "dataflow_api.h"
void kernel_main() {
    noc_async_write(0x300000, get_noc_addr(1, 1, 0x20000), 64);
    noc_async_write_barrier();
})");
    check(run(p), "KernelError", {"write source L1 address 0x300000"});
    still_works();
}

TEST_F(Probe, K11_NocReadPastTheCbsEnd) {
    // 3 pages into a 2-page CB: on silicon, silent overwrite of whatever follows.
    Program p = dm(R"(#include "dataflow_api.h"
void kernel_main() {
    cb_reserve_back(0, 1);
    noc_async_read(get_noc_addr(1, 1, 0x20000), get_write_ptr(0), 3 * 2048);
    noc_async_read_barrier();
    cb_push_back(0, 1);
})");
    check(run(p), "ok", {});
    still_works();
}

TEST_F(Probe, K12_RuntimeArgPastWhatWasSet) {
    Program p = dm(R"(#include "dataflow_api.h"
void kernel_main() { volatile uint32_t v = get_arg_val<uint32_t>(5); (void)v; })",
                   {7});
    check(run(p), "ok", {});
    still_works();
}

TEST_F(Probe, K13_RuntimeArgWithNoneSet) {
    Program p = dm(R"(#include "dataflow_api.h"
void kernel_main() { volatile uint32_t v = get_arg_val<uint32_t>(0); (void)v; })");
    check(run(p), "ok", {});
    still_works();
}

TEST_F(Probe, K14_GetArgValOnComputeKernelPastSet) {
    Program p = CreateProgram();
    cb(p);
    KernelHandle k = CreateKernelFromString(p, R"(#include "compute_kernel_api.h"
namespace NAMESPACE {
void MAIN {
    volatile uint32_t v = get_arg_val<uint32_t>(3);
    (void)v;
}
})",
                                            core, ComputeConfig{});
    SetRuntimeArgs(p, k, core, {1});
    check(run(p), "ok", {});
    still_works();
}

TEST_F(Probe, K15_CommonArgPastSet) {
    Program p = CreateProgram();
    cb(p);
    KernelHandle k = CreateKernelFromString(p, R"(#include "dataflow_api.h"
void kernel_main() { volatile uint32_t v = get_common_arg_val<uint32_t>(4); (void)v; })",
                                            core, DataMovementConfig{});
    SetCommonRuntimeArgs(p, k, {1, 2});
    check(run(p), "ok", {});
    still_works();
}

// A field wider than DPRINT's 64-byte format buffer sent the bytes past its end (snprintf returns
// the length it wanted): a NUL and stack bytes, which cut the rest of the line ("|end") from the
// output. Now the value is formatted alone and padded after: it always appears in full.
TEST_F(Probe, K16_DprintWideField) {
    Program p = dm(R"(#include "dataflow_api.h"
#include "debug/dprint.h"
void kernel_main() {
    DPRINT << SETW(200) << 42u << "|end" << ENDL();
    DPRINT << SETW(0) << FIXED() << SETPRECISION(300) << 1.5f << "|end" << ENDL();
    DPRINT << SETW(-5) << 7u << "|end" << ENDL();
    DPRINT << SETW(1 << 30) << -3 << "|end" << ENDL();
})");
    testing::internal::CaptureStdout();
    const std::string o = run(p);
    const std::string printed = testing::internal::GetCapturedStdout();
    check(o, "ok", {});
    const std::string fields[] = {
        std::string(198, ' ') + "42", "1.5" + std::string(299, '0'),
        "7    ",  // a negative width pads after the value, as printf's "%*" does
        std::string(4094, ' ') + "-3",  // the width capped at DebugPrinter::kMaxWidth (4096)
    };
    size_t lines = 0;
    for (size_t at = 0; (at = printed.find("BRISC @", at)) != std::string::npos; ++lines) {
        const size_t text = printed.find("] ", at) + 2, end = printed.find('\n', text);
        const std::string line = printed.substr(text, end - text);
        ASSERT_LT(lines, 4u) << printed;
        EXPECT_EQ(line, fields[lines] + "|end") << "line " << lines;
        at = end;
    }
    EXPECT_EQ(lines, 4u) << printed;
    still_works();
}

TEST_F(Probe, K17_DprintNullString) {
#if defined(__SANITIZE_ADDRESS__)
    // A sanitized kernel (tools/sanitize.sh) stops at UBSan's report of strlen(nullptr) first.
    GTEST_SKIP() << "UBSan reports the null string before the kernel touches address 0";
#endif
    Program p = dm(R"(#include "dataflow_api.h"
#include "debug/dprint.h"
void kernel_main() { const char* volatile s = nullptr; DPRINT << s << ENDL(); })");
    check(run(p), "KernelError", {"address 0x0"});
    still_works();
}

TEST_F(Probe, K18_DprintSliceOutsideTheTile) {
    Program p = dm(R"(#include "dataflow_api.h"
#include "debug/dprint.h"
void kernel_main() {
    cb_reserve_back(0, 1);
    cb_push_back(0, 1);
    cb_wait_front(0, 1);
    DPRINT << TSLICE(0, 0, SliceRange{0, 64, 32, 0, 64, 32}) << ENDL();
})");
    check(run(p), "KernelError", {"(line 7)", "TSLICE"});
    still_works();
}

// A tile index past the CB's pages read L1 beyond the CB (only negative ones were refused). The
// CB holds 2 pages; after one pop the read pointer is at page 1, so only tile 0 lies before the
// CB's end (TT-Metal reads ptr + tile * page size, without wrapping).
TEST_F(Probe, K18b_DprintSliceTilePastTheCb) {
    auto kernel = [](const char* pop, const char* tile) {
        return std::string(R"(#include "dataflow_api.h"
#include "debug/dprint.h"
void kernel_main() {
    cb_reserve_back(0, 2);
    cb_push_back(0, 2);
    cb_wait_front(0, 2);
    )") + pop + R"(
    DPRINT << TSLICE(0, )" +
               tile + R"(, SliceRange::h0_w0_32(), TSLICE_INPUT_CB, TSLICE_RD_PTR, false) << ENDL();
})";
    };
    Program fits = dm(kernel("", "1"));
    check(run(fits), "ok", {});
    for (const char* tile : {"2", "900", "-1", "0x7fffffff"}) {
        Program p = dm(kernel("", tile));
        check(run(p), "KernelError", {"(line 8)", "TSLICE(cb 0, tile", "2 pages"});
    }
    Program wrapped = dm(kernel("cb_pop_front(0, 1);", "1"));
    check(run(wrapped), "KernelError", {"(line 8)", "TSLICE(cb 0, tile 1)", "read pointer"});
    Program last = dm(kernel("cb_pop_front(0, 1);", "0"));
    check(run(last), "ok", {});
    still_works();
}

TEST_F(Probe, K19_SemaphoreIdNeverCreated) {
    Program p = dm(R"(#include "dataflow_api.h"
void kernel_main() { volatile uint32_t* s = (volatile uint32_t*)get_semaphore(7); *s = 1; })");
    check(run(p), "ok", {});
    still_works();
}

TEST_F(Probe, K20_NoKernelMain) {
    Program p = dm(R"(#include "dataflow_api.h"
void kernel_mian() {})");
    check(run(p), "KernelCompileError", {"kernel_mian"});
    still_works();
}

TEST_F(Probe, K21_CompileArgNotGiven) {
    Program p = dm(R"(#include "dataflow_api.h"
void kernel_main() { constexpr uint32_t n = get_compile_time_arg_val(2); volatile uint32_t v = n; (void)v; })");
    check(run(p), "KernelCompileError", {"compile_time_args.h"});
    still_works();
}

TEST_F(Probe, K22_CopyTilePastWaitedPages) {
    Program p = CreateProgram();
    cb(p, 0);
    cb(p, 16);
    CreateKernelFromString(p, R"(#include "dataflow_api.h"
void kernel_main() { cb_reserve_back(0, 1); cb_push_back(0, 1); })",
                           core, DataMovementConfig{});
    CreateKernelFromString(p, R"(#include "compute_kernel_api.h"
#include "compute_kernel_api/tile_move_copy.h"
namespace NAMESPACE {
void MAIN {
    copy_tile_init(0);
    cb_wait_front(0, 1);
    tile_regs_acquire();
    copy_tile(0, 5, 0);
    tile_regs_commit();
    tile_regs_wait();
    cb_reserve_back(16, 1);
    pack_tile(0, 16);
    cb_push_back(16, 1);
    tile_regs_release();
    cb_pop_front(0, 1);
}
})",
                           core, ComputeConfig{});
    check(run(p), "KernelError", {"TRISC0", "(line 8)", "tile index 5 of CB 0"});
    still_works();
}

TEST_F(Probe, K23_PackTileDstIndexPastDst) {
    Program p = CreateProgram();
    cb(p, 16);
    CreateKernelFromString(p, R"(#include "compute_kernel_api.h"
namespace NAMESPACE {
void MAIN {
    tile_regs_acquire();
    tile_regs_commit();
    tile_regs_wait();
    cb_reserve_back(16, 1);
    pack_tile(40, 16);
    cb_push_back(16, 1);
    tile_regs_release();
}
})",
                           core, ComputeConfig{});
    check(run(p), "KernelError", {"TRISC2", "Dst index 40"});
    still_works();
}

// ---- host API ----

TEST_F(Probe, H01_KernelPathIsADirectory) {
    Program p = CreateProgram();
    check(outcome([&] { CreateKernel(p, ::testing::TempDir(), core, DataMovementConfig{}); }),
          "HostError", {"doesn't exist"});
    still_works();
}

TEST_F(Probe, H02_CbPageSizeNotDividingTotal) {
    Program p = CreateProgram();
    check(outcome([&] {
              CreateCircularBuffer(
                  p, core,
                  CircularBufferConfig(5000, {{CBIndex::c_0, tt::DataFormat::Float16_b}})
                      .set_page_size(CBIndex::c_0, 2048));
              CreateKernelFromString(p, "#include \"dataflow_api.h\"\nvoid kernel_main() {}\n",
                                     core, DataMovementConfig{});
              EnqueueProgram(device->command_queue(), p, true);
          }),
          "HostError", {"5000 B", "2048 B"});
    still_works();
}

TEST_F(Probe, H03_CbPageSizeZero) {
    Program p = CreateProgram();
    check(outcome([&] {
              CreateCircularBuffer(
                  p, core,
                  CircularBufferConfig(4096, {{CBIndex::c_0, tt::DataFormat::Float16_b}})
                      .set_page_size(CBIndex::c_0, 0));
              CreateKernelFromString(p, "#include \"dataflow_api.h\"\nvoid kernel_main() {}\n",
                                     core, DataMovementConfig{});
              EnqueueProgram(device->command_queue(), p, true);
          }),
          "HostError", {"page size 0 B"});
    still_works();
}

TEST_F(Probe, H04_CbIndexPast32InConfig) {
    Program p = CreateProgram();
    check(outcome([&] {
              CreateCircularBuffer(p, core,
                                   CircularBufferConfig(4096, {{40, tt::DataFormat::Float16_b}})
                                       .set_page_size(40, 2048));
              CreateKernelFromString(p, "#include \"dataflow_api.h\"\nvoid kernel_main() {}\n",
                                     core, DataMovementConfig{});
              EnqueueProgram(device->command_queue(), p, true);
          }),
          "HostError", {"CB index 40 out of range"});
    still_works();
}

TEST_F(Probe, H05_SameCbIndexTwiceOnACore) {
    Program p = CreateProgram();
    check(outcome([&] {
              cb(p, 0);
              cb(p, 0);
              CreateKernelFromString(p, "#include \"dataflow_api.h\"\nvoid kernel_main() {}\n",
                                     core, DataMovementConfig{});
              EnqueueProgram(device->command_queue(), p, true);
          }),
          "HostError", {"index 0 is configured twice on core (0,0)"});
    still_works();
}

TEST_F(Probe, H06_BufferOfSizeZero) {
    check(outcome([&] {
              CreateBuffer(InterleavedBufferConfig{device, 0, 2048, BufferType::DRAM});
          }),
          "HostError", {"size 0 B"});
    still_works();
}

TEST_F(Probe, H07_BufferPageSizeZero) {
    check(outcome([&] {
              CreateBuffer(InterleavedBufferConfig{device, 4096, 0, BufferType::DRAM});
          }),
          "HostError", {"page_size 0 B"});
    still_works();
}

TEST_F(Probe, H08_BufferPageSizeNotDividingSize) {
    check(outcome([&] {
              CreateBuffer(InterleavedBufferConfig{device, 5000, 2048, BufferType::DRAM});
          }),
          "HostError", {"size 5000 B"});
    still_works();
}

TEST_F(Probe, H09_ReadSubBufferPastTheEnd) {
    auto buf = CreateBuffer(InterleavedBufferConfig{device, 4 * 2048, 2048, BufferType::DRAM});
    std::vector<uint8_t> host(8192);
    check(outcome([&] {
              EnqueueReadSubBuffer(device->command_queue(), buf, host.data(), 6144, 4096, true);
          }),
          "HostError", {"[6144, 10240) beyond its 8192 B"});
    still_works();
}

TEST_F(Probe, H10_TooManyRuntimeArgs) {
    Program p = CreateProgram();
    cb(p);
    KernelHandle k = CreateKernelFromString(
        p, "#include \"dataflow_api.h\"\nvoid kernel_main() {}\n", core, DataMovementConfig{});
    std::vector<uint32_t> args(400, 1);
    check(outcome([&] {
              SetRuntimeArgs(p, k, core, args);
              EnqueueProgram(device->command_queue(), p, true);
          }),
          "HostError", {"400 args", "at most 341"});
    still_works();
}

TEST_F(Probe, H11_RuntimeArgsForAnUnknownKernelHandle) {
    Program p = CreateProgram();
    check(outcome([&] { SetRuntimeArgs(p, 99, core, {1, 2}); }), "HostError", {"handle 99"});
    still_works();
}

TEST_F(Probe, H12_RuntimeArgsOnACoreWithoutTheKernel) {
    Program p = CreateProgram();
    cb(p);
    KernelHandle k = CreateKernelFromString(
        p, "#include \"dataflow_api.h\"\nvoid kernel_main() {}\n", core, DataMovementConfig{});
    check(outcome([&] {
              SetRuntimeArgs(p, k, CoreCoord{3, 3}, {1, 2});
              EnqueueProgram(device->command_queue(), p, true);
          }),
          "HostError", {"does not run on core (x=3,y=3)"});
    still_works();
}

TEST_F(Probe, H13_EnqueueTheSameProgramTwice) {
    Program p = dm(R"(#include "dataflow_api.h"
void kernel_main() { cb_reserve_back(0, 1); cb_push_back(0, 1); })");
    std::string a = run(p);
    uint64_t c1 = tensim::last_program_stats(device).device_cycles;
    std::string b = run(p);
    uint64_t c2 = tensim::last_program_stats(device).device_cycles;
    report(a + " / " + b + " cycles " + std::to_string(c1) + " " + std::to_string(c2));
    EXPECT_EQ(a, "ok");
    EXPECT_EQ(b, "ok");
    EXPECT_EQ(c1, c2);
    still_works();
}

TEST_F(Probe, H14_CloseDeviceTwice) {
    IDevice* d = device;
    CloseDevice(d);
    device = nullptr;
    check(outcome([&] { CloseDevice(d); }), "ok", {});
    device = CreateDevice(0);
    still_works();
}

TEST_F(Probe, H15_BufferUsedAfterItsDeviceClosed) {
    auto buf = CreateBuffer(InterleavedBufferConfig{device, 4 * 2048, 2048, BufferType::DRAM});
    CloseDevice(device);
    device = CreateDevice(0);
    std::vector<uint32_t> v(2048, 1);
    std::string w = outcome([&] { EnqueueWriteBuffer(device->command_queue(), buf, v, true); });
    std::string r = outcome([&] { EnqueueReadBuffer(device->command_queue(), buf, v, true); });
    std::string d = outcome([&] { buf.reset(); });
    report("write: " + w + " | read: " + r + " | release: " + d);
    EXPECT_NE(w.find("HostError: EnqueueWriteBuffer: buffer belongs to another device"),
              std::string::npos)
        << w;
    EXPECT_NE(r.find("HostError: EnqueueReadBuffer: buffer belongs to another device"),
              std::string::npos)
        << r;
    EXPECT_EQ(d, "ok");
    still_works();
}

TEST_F(Probe, H15b_BufferReleasedAfterItsDeviceClosed) {
    auto buf = CreateBuffer(InterleavedBufferConfig{device, 4 * 2048, 2048, BufferType::DRAM});
    CloseDevice(device);
    device = nullptr;
    std::string d = outcome([&] { buf.reset(); });
    check("release: " + d, "release: ok", {});
    device = CreateDevice(0);
    still_works();
}

// detail::WriteToBuffer / ReadFromBuffer took the queue from Buffer::device(), a deleted device
// once it was closed: a segfault in the caller's code.
TEST_F(Probe, H15c_WriteToBufferAfterItsDeviceClosed) {
    auto buf = CreateBuffer(InterleavedBufferConfig{device, 4 * 2048, 2048, BufferType::DRAM});
    CloseDevice(device);
    device = CreateDevice(0);
    std::vector<uint32_t> v(2048, 1);
    check(outcome([&] { detail::WriteToBuffer(buf, v); }), "HostError",
          {"WriteToBuffer: the buffer's device was closed"});
    check(outcome([&] { detail::ReadFromBuffer(buf, v); }), "HostError",
          {"ReadFromBuffer: the buffer's device was closed"});
    buf.reset();
    still_works();
}

TEST_F(Probe, H16_SemaphoreOnCoresOutsideTheGrid) {
    Program p = CreateProgram();
    check(outcome([&] {
              CreateSemaphore(p, CoreRange({0, 0}, {9, 9}), 0);
              CreateKernelFromString(p, "#include \"dataflow_api.h\"\nvoid kernel_main() {}\n",
                                     core, DataMovementConfig{});
              EnqueueProgram(device->command_queue(), p, true);
          }),
          "HostError", {"outside the 8x8 worker grid"});
    still_works();
}

TEST_F(Probe, H17_CoreRangeStartAfterEnd) {
    Program p = CreateProgram();
    check(outcome([&] {
              CreateKernelFromString(p, "#include \"dataflow_api.h\"\nvoid kernel_main() {}\n",
                                     CoreRange({3, 3}, {1, 1}), DataMovementConfig{});
              EnqueueProgram(device->command_queue(), p, true);
          }),
          "UNTYPED std::exception", {"precedes start"});
    still_works();
}

TEST_F(Probe, H18_TwoComputeKernelsOnOneCore) {
    Program p = CreateProgram();
    check(outcome([&] {
              CreateKernelFromString(
                  p, "#include \"compute_kernel_api.h\"\nnamespace NAMESPACE { void MAIN {} }\n",
                  core, ComputeConfig{});
              CreateKernelFromString(
                  p, "#include \"compute_kernel_api.h\"\nnamespace NAMESPACE { void MAIN { } }\n",
                  core, ComputeConfig{});
              EnqueueProgram(device->command_queue(), p, true);
          }),
          "HostError", {"two kernels on the TRISCs"});
    still_works();
}

TEST_F(Probe, H19_EnqueueAMovedFromProgram) {
    Program p = dm(R"(#include "dataflow_api.h"
void kernel_main() {})");
    Program q = std::move(p);
    check(run(p), "HostError", {"moved from"});
    still_works();
}

TEST_F(Probe, H20_GetRuntimeArgsOnACoreWithNone) {
    Program p = CreateProgram();
    KernelHandle k = CreateKernelFromString(
        p, "#include \"dataflow_api.h\"\nvoid kernel_main() {}\n", core, DataMovementConfig{});
    check(outcome([&] {
              RuntimeArgsData& a = GetRuntimeArgs(p, k, CoreCoord{5, 5});
              (void)a[3];
          }),
          "HostError", {"no runtime args set"});
    still_works();
}

TEST_F(Probe, H21_UpdateCbWithABadHandle) {
    Program p = CreateProgram();
    check(outcome([&] { UpdateCircularBufferTotalSize(p, 42, 4096); }), "HostError", {"handle 42"});
    still_works();
}

TEST_F(Probe, H22_CreateDeviceNegativeId) {
    check(outcome([&] { CreateDevice(-1); }), "HostError", {"CreateDevice(-1)"});
    still_works();
}

TEST_F(Probe, H23_ReadIntoNullBuffer) {
    // A shared_ptr<Buffer> that is null.
    std::shared_ptr<Buffer> none;
    std::vector<uint32_t> v;
    check(outcome([&] { EnqueueReadBuffer(device->command_queue(), none, v, true); }), "HostError",
          {"null buffer"});
    still_works();
}

TEST_F(Probe, H24_CbAtAnL1BufferSmallerThanTheCb) {
    auto l1 = CreateBuffer(InterleavedBufferConfig{device, 64 * 2048, 2048, BufferType::L1});
    Program p = CreateProgram();
    check(outcome([&] {
              CreateCircularBuffer(
                  p, core,
                  CircularBufferConfig(8 * 2048, {{CBIndex::c_0, tt::DataFormat::Float16_b}}, *l1)
                      .set_page_size(CBIndex::c_0, 2048));
              CreateKernelFromString(p, "#include \"dataflow_api.h\"\nvoid kernel_main() {}\n",
                                     core, DataMovementConfig{});
              EnqueueProgram(device->command_queue(), p, true);
          }),
          "HostError", {"16384 B but its buffer holds 2048 B"});
    still_works();
}

}  // namespace
