#include "tensix/l1_view.hpp"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "common/low_memory.hpp"
#include "tensix/kernel_guard.hpp"

namespace tensim::l1_view {

namespace detail {
const Owner* g_owner = nullptr;
const Owner* g_mapped = nullptr;
}  // namespace detail

namespace {

// 4 MiB covers the largest L1 tensim models (Wormhole's 1.5 MiB, test chips up to 2 MiB) plus a
// guard, and stays below where a non-PIE executable loads (0x400000).
constexpr uint64_t kWantedLimit = 4ull << 20;

uint64_t g_low = 0;    // first mappable page (vm.mmap_min_addr)
uint64_t g_limit = 0;  // end of the reserved range; 0 = not installed
uint64_t g_mapped_len = 0;
uint64_t g_page = 4096;
volatile uint64_t g_fault = 0;
struct sigaction g_previous = {};

void* map_at(uint64_t at, uint64_t len, int prot, int flags, int fd, uint64_t off) {
    return mmap(reinterpret_cast<void*>(at), len, prot, flags, fd, static_cast<off_t>(off));
}

void reserve(uint64_t len) {
    map_at(g_low, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
}

// Async-signal-safe: reads plain globals, calls mmap and siglongjmp only.
void on_segv(int sig, siginfo_t* info, void* ctx) {
    // A store into an L1 page low_memory keeps read-only as known zeros: it forgets the page.
    if (low_memory_write_fault(info->si_addr)) return;
    const uint64_t a = reinterpret_cast<uint64_t>(info->si_addr);
    const Owner* o = detail::g_owner;
    // SI_KERNEL: a general-protection fault (a non-canonical address), whose si_addr is 0.
    if (o && a < g_limit && info->si_code != SI_KERNEL) {
        const uint64_t end = std::min<uint64_t>(o->size, g_limit);
        int fd = -1;
        uint64_t off = 0;
        if (a >= g_low && a < end && detail::g_mapped != o &&
            low_memory_file_of(o->l1, &fd, &off)) {
            const uint64_t len = ((end - g_low) + g_page - 1) & ~(g_page - 1);
            if (map_at(g_low, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd,
                       off + g_low) != MAP_FAILED) {
                detail::g_mapped = o;
                g_mapped_len = len;
                low_memory_view(o->l1, o->size);  // stores here do not fault
                return;                           // the access retries and lands in the core's L1
            }
        }
        if (o->escape) {
            g_fault = a;
            siglongjmp(*o->escape, 1);
        }
    }
    // Not a kernel's L1 access: a kernel's other bad access is reported as its crash
    // (kernel_guard); anything else goes to the previous handler (or the default, a crash).
    if (kernel_guard::escape(sig, info, ctx)) return;
    sigaction(SIGSEGV, &g_previous, nullptr);
}

}  // namespace

void detail::unmap() {
    reserve(g_mapped_len);
    g_mapped = nullptr;
    low_memory_view(nullptr, 0);
}

bool install() {
    static const bool ok = [] {
        FILE* f = std::fopen("/proc/sys/vm/mmap_min_addr", "r");
        unsigned long long min_addr = 65536;
        if (f) {
            if (std::fscanf(f, "%llu", &min_addr) != 1) min_addr = 65536;
            std::fclose(f);
        }
        const uint64_t page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
        g_page = page;
        g_low = std::max<uint64_t>(page, (min_addr + page - 1) & ~(page - 1));
        // The range must be free from its first page; take what is free up to kWantedLimit.
        const std::vector<LowRange> free = free_low_ranges(g_low);
        if (free.empty() || free.front().begin != g_low) return false;
        const uint64_t limit = std::min(free.front().end, kWantedLimit) & ~(page - 1);
        if (limit <= g_low) return false;
        const int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE;
        if (map_at(g_low, limit - g_low, PROT_NONE, flags, -1, 0) != reinterpret_cast<void*>(g_low))
            return false;
        struct sigaction sa = {};
        sa.sa_sigaction = on_segv;
        sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
        sigemptyset(&sa.sa_mask);
        if (sigaction(SIGSEGV, &sa, &g_previous) != 0) return false;
        g_limit = limit;
        low_memory_enable_write_faults();  // on_segv passes it the stores into known-zero pages
        return true;
    }();
    return ok;
}

uint64_t limit() { return g_limit; }

uint64_t fault_address() { return g_fault; }

}  // namespace tensim::l1_view
