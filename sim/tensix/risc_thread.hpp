// One baby RISC-V of a Tensix core, as a persistent firmware thread: it waits for a launch, runs
// the kernel's native code, reports done. Modelled: the cost of each kernel-API call (from
// RiscConfig), the kernel's own code between calls (its basic blocks' instructions by class,
// counted by src/kernel_api/code_cost.cpp and charged here as local time), blocking on CBs,
// semaphores and NoC barriers, outstanding NoC transactions, the device profiler's markers. A
// TRISC's code runs ahead of the engine work it queued (as on silicon, where it only pushes
// instructions to the coprocessor) and takes time only beyond that work, or after a real wait.
// Abstracted: branch prediction and load-use scheduling of the kernel's code; the depth of the
// Tensix instruction queue (run-ahead is bounded only by the thread's waits). Costs come from
// sim/arch/*.json "risc".
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <new>
#include <optional>
#include <source_location>
#include <string>
#include <systemc>
#include <type_traits>
#include <vector>

#include "common/clock.hpp"
#include "common/trace.hpp"
#include "tensim/kernel_api/tensim_abi.h"
#include "tensix/kernel_guard.hpp"
#include "tensix/l1_view.hpp"

namespace tensim {

class TensixCore;
class Params;

struct RiscConfig {
    Cycle noc_cmd_issue_cycles =
        24;  // cycles per NoC packet issued; calibrated (noc_latencies.yaml)
    // Of the calibration loop's cycles per packet, its own code (increment, compare-and-branch):
    // added to the issue cost where a kernel's code is not charged (ERISC, or code_cost false).
    Cycle noc_cmd_loop_code_cycles = 2;
    Cycle noc_barrier_cycles = 35;    // cycles to leave a barrier once counters settle; calibrated
    Cycle cb_api_cycles = 10;         // cycles per CB call; inferred (MMIO >= 7 cycles, ISA)
    Cycle semaphore_api_cycles = 10;  // cycles per semaphore call; inferred (L1 load >= 8, ISA)
    Cycle kernel_start_cycles = 100;  // cycles from launch to kernel_main; inferred
    // The kernel's own code, per instruction by class (ISA BabyRISCV/README.md).
    Cycle code_plain_cycles = 1;       // ALU op, move, local-RAM access: one instruction per cycle
    Cycle code_branch_cycles = 1;      // a correctly predicted branch, jump, call or return
    Cycle code_mul_cycles = 2;         // mul: the Integer Unit is held two cycles
    Cycle code_div_cycles = 20;        // div/rem: 6-33 cycles by the dividend; a mid value
    Cycle code_l1_load_cycles = 8;     // a load from L1 whose value is used next (latency >= 8)
    Cycle code_l1_store_cycles = 5;    // a store to L1 (sustained: one per five cycles)
    Cycle code_local_load_cycles = 2;  // a load from the RISC's local data RAM (latency 2)
    bool code_cost = true;  // whether a kernel's own code takes time (off: only API costs)
    uint32_t stack_bytes = 1u << 20;  // B per kernel thread (SystemC's 256 KiB overflows silently)
    void load(Params& p);             // tensix_config.cpp
    bool operator==(const RiscConfig&) const = default;
};

enum class Risc : uint8_t { BRISC = 0, NCRISC = 1, TRISC0 = 2, TRISC1 = 3, TRISC2 = 4 };
const char* risc_name(Risc r);

// The local view a RISC keeps of one circular buffer (TT-Metal's LocalCBInterface).
struct LocalCb {
    bool configured = false;
    uint32_t fifo_addr = 0;  // L1 offset of the first page
    uint32_t fifo_size = 0;  // B
    uint32_t page_size = 0;  // B
    uint32_t num_pages = 0;
    uint32_t rd_ptr = 0;       // L1 offset of the front
    uint32_t wr_ptr = 0;       // L1 offset of the back
    uint32_t wr_tile_ptr = 0;  // pages packed since the last push (the packer's next position)
    uint8_t data_format = 0xff;
    // On an L1 buffer (set_globally_allocated_address): its pages already hold the buffer's data,
    // so a kernel may read and pop them with no producer's push, as tt-metal's vecadd_sharding
    // does.
    bool on_buffer = false;
};

// What a kernel is doing when it blocks; formatted only when a deadlock report needs it.
struct WaitInfo {
    enum Kind {
        none,
        cb_reserve,
        cb_wait,
        semaphore_eq,
        semaphore_min,
        read_barrier,
        write_barrier,
        writes_flushed,
        atomic_barrier,
        full_barrier,
        src_free,
        src_full,
        dst_free,
        dst_committed,
        other,
        eth,  // an ERISC waiting on an L1 word the link writes (erisc_info, a buffer flag)
        kinds
    };
    Kind kind = none;
    uint32_t cb = 0;     // CB index, semaphore L1 offset, or NoC of a barrier
    uint32_t count = 0;  // pages, or semaphore value waited for
    const char* file = nullptr;
    uint32_t line = 0;
    // A wait of `kind` on `cb` for `count`, blocked at the kernel line `loc`.
    static WaitInfo at(Kind kind, uint32_t cb, uint32_t count, const std::source_location& loc) {
        return {kind, cb, count, loc.file_name(), loc.line()};
    }
};

// Short name of what a wait is for ("cb_wait", "src_full", ...), for stall statistics.
const char* wait_kind_name(WaitInfo::Kind k);

// The condition a RISC waits for (RiscThread::wait_until): a plain function and the few words it
// reads, kept by the core while the thread is blocked, so that the checks made on each change of
// the core (TensixCore::notify_changed) read the state itself, not the blocked thread's stack, and
// a wait builds no std::function. A callable that is trivially copyable and fits is copied (write
// wait sites' lambdas to capture the state's address and the values compared, not [&]); any other
// is referred to, which is safe because wait_until returns only when the wait has ended.
class WaitCondition {
public:
    template <typename F,
              typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, WaitCondition>>>
    WaitCondition(const F& f) {  // NOLINT: implicit, so that wait_until takes a lambda
        if constexpr (sizeof(F) <= kBytes && alignof(F) <= alignof(void*) &&
                      std::is_trivially_copyable_v<F>) {
            ::new (static_cast<void*>(m_data)) F(f);
            m_test = [](const void* d) { return static_cast<bool>((*static_cast<const F*>(d))()); };
        } else {
            const F* p = &f;
            std::memcpy(m_data, &p, sizeof p);
            m_test = [](const void* d) {
                const F* q;
                std::memcpy(&q, d, sizeof q);
                return static_cast<bool>((*q)());
            };
        }
    }
    WaitCondition() = default;
    bool operator()() const { return m_test(m_data); }

private:
    static constexpr size_t kBytes = 24;
    bool (*m_test)(const void*) = [](const void*) { return false; };
    alignas(void*) unsigned char m_data[kBytes]{};
};

// Which changes of a core can make a wait's condition true. Conditions on L1 words (CB counters,
// semaphores) are checked on every change: kernels also store to L1 directly, unseen. The others
// read state that only tensim changes, each change followed by its notification: the compute
// engine's Src/Dst handshakes (TensixCore::notify_engine_changed), and the RISC's NoC counters
// (decremented only by a NoC completion, which notifies every waiter).
enum class WaitsOn : uint8_t { anything, engine, noc_counters };

// NoC transaction ids per NoC (NOC_MAX_TRANSACTION_ID = 0xF, TT-Metal noc_parameters.h).
constexpr uint32_t kNocTrids = 16;

// Outstanding NoC work of one RISC, decremented by completion callbacks.
struct NocCounters {
    uint32_t reads = 0;           // reads whose data has not landed
    uint32_t writes_unacked = 0;  // non-posted writes without ack
    uint32_t writes_unsent = 0;   // writes whose data has not left the core
    uint32_t atomics = 0;         // atomics without ack
    // The same reads and non-posted writes by the transaction id they were tagged with (the
    // NIU's NIU_MST_REQS_OUTSTANDING_ID / write-ack counters per id).
    std::array<uint32_t, kNocTrids> reads_by_trid{};
    std::array<uint32_t, kNocTrids> writes_unacked_by_trid{};
    bool idle() const {
        return reads == 0 && writes_unacked == 0 && writes_unsent == 0 && atomics == 0;
    }
};

// What the RISC last programmed into its NoC command buffers and that later commands reuse, as
// the NIU registers keep it: the packet tag (transaction id) of the read and the write buffer,
// and the DRAM-sharded read state (bank address, page size, VC) that *_with_state reads take.
struct NocCmdBufs {
    uint32_t read_trid = 0, write_trid = 0;
    uint64_t read_state_addr = 0;  // NoC address of the bank's local address 0
    uint32_t read_state_size = 0;  // bytes per *_with_state read; 0: no state set
    uint32_t read_state_vc = 0;    // request VC (not timed: the NoC model has no VCs on reads)
};

// One entry of the device profiler's buffer (tt-metal's kernel_profiler markers): a zone's start
// or end, timestamped data, or an event, at a simulated cycle.
struct ProfilerMarker {
    enum Type : uint8_t { zone_start, zone_end, ts_data, ts_event };
    Type type = zone_start;
    Cycle time = 0;
    uint64_t data = 0;
    std::string name;
    std::string file;
    uint32_t line = 0;
};
const char* profiler_marker_type_name(ProfilerMarker::Type t);  // "ZONE_START", ...

// What one launch of a kernel on this RISC needs.
struct KernelLaunch {
    std::function<void()> entry;  // the kernel's compiled entry point
    // [begin, end) of the entry's machine code (kernel_guard::code_range_of): a fault there is
    // the kernel's own, and the watchdog stops a kernel only there.
    uint64_t code_begin = 0, code_end = 0;
    std::string kernel_name;  // path of the kernel source, for messages
    uint32_t num_runtime_args = 0;
    uint32_t num_common_runtime_args = 0;
    std::array<LocalCb, NUM_CIRCULAR_BUFFERS>
        cbs{};  // this core's CBs as the firmware sets them up
};

class RiscThread {
public:
    RiscThread(TensixCore& core, Risc risc, const RiscConfig& cfg);
    ~RiscThread();
    RiscThread(const RiscThread&) = delete;
    RiscThread& operator=(const RiscThread&) = delete;

    // The thread whose kernel code is running now (set whenever a kernel thread resumes).
    static RiscThread* current();

    // Host side: start `launch` at the current simulated time; `on_done` runs when the kernel has
    // returned and its NoC traffic has settled (or it failed/aborted).
    void launch(KernelLaunch launch, std::function<void()> on_done);
    // Unblocks a running kernel by unwinding it (after an error elsewhere, or a deadlock).
    void abort();
    // Ends the firmware process (after aborting any kernel); finished() once it has returned.
    void shutdown();
    bool finished() const { return m_finished; }
    bool running() const { return m_running; }
    bool waiting() const { return m_wait.kind != WaitInfo::none; }
    const WaitInfo& wait_info() const { return m_wait; }
    Cycle wait_since() const { return m_wait_since; }
    // Cycles this launch spent blocked, by what it waited for.
    const std::array<Cycle, WaitInfo::kinds>& stall_cycles() const { return m_stall; }
    // Cycles this launch spent working (API calls, engine time, kernel start): every cycle from
    // start to end is either busy or a stall.
    Cycle busy_cycles() const { return m_busy; }
    // Of those, the cycles of the kernel's own code between API calls (code_hidden of them ran
    // while engines worked, so took no time of their own).
    Cycle code_cycles() const { return m_code - m_code_hidden; }
    Cycle code_hidden_cycles() const { return m_code_hidden; }
    trace::Track track() const;  // this thread's timeline track
    Cycle start_cycle() const { return m_start; }
    Cycle end_cycle() const { return m_end; }
    // How the last launch failed (null if it did not), rethrown with its type by the host.
    std::exception_ptr error() const { return m_error; }

    // ---- used by the kernel API implementation, on this thread ----
    TensixCore& core() { return m_core; }
    Risc risc() const { return m_risc; }
    const RiscConfig& config() const { return m_cfg; }
    // Cycles per NoC packet this RISC programs: noc_cmd_issue_cycles, plus the issuing loop's
    // code where that code is not charged as kernel code.
    Cycle noc_issue_cycles() const;
    const KernelLaunch& kernel() const { return m_launch; }
    LocalCb& cb(uint32_t index);
    // L1 offset of runtime arg `idx` (common: the kernel's common args); a KernelError naming
    // file:line past the args the host set (silicon would return a stale word).
    uint32_t runtime_arg_offset(uint32_t idx, bool common, const char* file, uint32_t line) const;
    NocCounters& noc_counters(int noc) { return m_noc[noc]; }
    NocCmdBufs& noc_cmd_bufs(int noc) { return m_cmd_bufs[noc]; }
    const NocCmdBufs& noc_cmd_bufs(int noc) const { return m_cmd_bufs[noc]; }
    bool noc_idle() const { return m_noc[0].idle() && m_noc[1].idle(); }
    // Adds private work to local time; sync() makes it visible before anything others observe.
    void advance(Cycle cycles) { m_local += cycles; }
    // The kernel's own instructions since the last call (the trace-pc hook, code_cost.cpp). A
    // TRISC runs ahead of the engines it feeds (it only pushes instructions into the Tensix
    // instruction queue): its code first spends the engine work queued and not yet waited for,
    // and only the rest takes time.
    void advance_code(Cycle cycles) {
        const Cycle hidden = std::min(cycles, m_run_ahead);
        m_run_ahead -= hidden;
        m_local += cycles - hidden;
        m_code += cycles;
        m_code_hidden += hidden;
    }
    // Engine work this thread drives (ComputeEngine::run): takes time as advance() does, and the
    // thread's later code runs during it.
    void advance_engine(Cycle cycles) { m_local += cycles, m_run_ahead += cycles; }
    // Device profiler: markers are kept only while profiling is on ($TT_METAL_DEVICE_PROFILER,
    // as on tt-metal, or set_profiling); the host drains them (ReadDeviceProfilerResults).
    static bool profiling();
    static void set_profiling(bool on);
    void add_marker(ProfilerMarker m) { m_markers.push_back(std::move(m)); }
    std::vector<ProfilerMarker> take_markers() { return std::move(m_markers); }
    // Makes local time simulated time: returns at now() (at once when there is none).
    void sync() {
        if (m_local != 0) sleep_local();
    }
    Cycle now() const;  // simulated cycle including local time
    // Blocks until pred() holds, re-checking whenever this core's state changes (those changes
    // `on` names). pred runs in whichever context changed the state, so it may only read state,
    // never wait.
    void wait_until(WaitCondition pred, const WaitInfo& what, WaitsOn on = WaitsOn::anything);
    // Resumes the thread blocked in wait_until (at the current time, after what is already due):
    // its core calls it when the thread's condition holds or the thread was aborted. Waking only
    // those spares a context switch per waiter and change (most waiters of a core wait for
    // something else).
    void wake();
    std::string& dprint_buffer() { return m_dprint; }  // text of the DPRINT line being built
    // "core (x,y) BRISC kernel k.cpp:42": where a kernel error happened.
    std::string where(const char* file = nullptr, uint32_t line = 0) const;

private:
    void sleep_local();  // sync()'s work: switches out until the local time has passed
    void firmware();
    void spawn();  // starts the firmware process (at the first launch)
    // The firmware's own stack and context, resumed by the Scheduler (risc_thread.cpp).
    struct Fiber;
    std::unique_ptr<Fiber> m_fiber;

    TensixCore& m_core;
    Risc m_risc;
    RiscConfig m_cfg;
    bool m_launch_pending = false;
    bool m_running = false;
    bool m_abort = false;
    bool m_shutdown = false;
    bool m_finished = false;  // the firmware process has returned
    bool m_spawned = false;   // the firmware process exists
    KernelLaunch m_launch;
    std::function<void()> m_on_done;
    NocCounters m_noc[2];  // per NoC: barriers wait on their own NoC only
    NocCmdBufs m_cmd_bufs[2];
    Cycle m_local = 0;
    Cycle m_start = 0, m_end = 0;
    WaitInfo m_wait;
    Cycle m_wait_since = 0;
    std::array<Cycle, WaitInfo::kinds> m_stall{};
    Cycle m_busy = 0;
    Cycle m_code = 0;
    Cycle m_code_hidden = 0;
    Cycle m_run_ahead = 0;  // engine work queued by this TRISC that its code has not yet spent
    std::vector<ProfilerMarker> m_markers;
    std::exception_ptr m_error;
    std::string m_dprint;
    void run_entry();
    // Marks this thread as the one running kernel code (it starts or resumes), or not.
    void resumed();
    void suspended();
    sigjmp_buf m_escape;      // a kernel's touch outside its L1 or crash unwinds here (l1_view.hpp,
                              // kernel_guard.hpp)
    l1_view::Owner m_view{};  // this core's L1 as the plain-address view maps it
    kernel_guard::Running m_guard{};  // this kernel as the crash handlers see it
};

}  // namespace tensim
