// AddressSanitizer and SystemC's coroutines: what ASan is told about each stack switch.
//
// Every SC_THREAD (every kernel's RISC thread among them) runs on a QuickThreads coroutine stack of
// its own. ASan must know which stack the code runs on: when an exception or longjmp leaves frames,
// __asan_handle_no_return clears their red zones from the stack pointer up to the top of the
// *current* stack; with wrong bounds it clears nothing ("ASan is ignoring requested
// __asan_handle_no_return"), the red zones of the abandoned frames stay poisoned, and a later call
// that places its locals there is reported as a stack-buffer overflow that never happened.
//
// Debian's SystemC 2.3.4 already annotates most switches (sc_cor_pkg_qt::yield calls
// __sanitizer_start_switch_fiber, its QuickThreads helper __sanitizer_finish_switch_fiber on the
// new stack), with two gaps this file fills, found by disassembling libsystemc-2.3.4.so and
// reproduced by tests/sim/common/test_asan_stacks.cpp:
//  - the main coroutine (the stack sc_main runs on) has no recorded bounds (a zero stack and size),
//    so a switch back to it tells ASan "stack [0, 0)": every exception thrown on the main stack
//    after a simulation leaves poison behind. Its real bounds are filled in while main is switched
//    out, and zeroed again as soon as it runs (sc_cor_qt's destructor unmaps a non-null stack);
//  - sc_cor_pkg_qt::abort, the switch away from a thread that has ended, tells ASan nothing, so the
//    next coroutine runs with the dead one's bounds. The switch is announced here and finished
//    when the coroutine resumes or next switches.
// Both are done by interposing the two exported switch functions (the vtable of sc_cor_pkg_qt in
// libsystemc refers to them by symbol, and libtensim comes before libsystemc in the lookup order),
// which then call SystemC's own. Only ASan builds contain any of this.
//
// The layout of sc_cor_qt (sysc/kernel/sc_cor_qt.h, not installed by Debian) is SystemC 2.3.4's:
// vtable, m_stack_size, m_stack, m_sp, m_pkg. A SystemC with a different layout is caught by the
// test above (its reports come back), not silently: the main coroutine's fields must read zero.

#if defined(__SANITIZE_ADDRESS__)

#include <dlfcn.h>
#include <pthread.h>
#include <sanitizer/common_interface_defs.h>
#include <sysc/kernel/sc_cor.h>

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <systemc>

namespace {

struct QtCoroutine {  // sc_core::sc_cor_qt's data members, in order (see above)
    void* vtable;
    std::size_t stack_size;
    void* stack;
    void* sp;
    void* pkg;
};

using Switch = void (*)(sc_core::sc_cor_pkg*, sc_core::sc_cor*);
constexpr const char* kYield = "_ZN7sc_core13sc_cor_pkg_qt5yieldEPNS_6sc_corE";
constexpr const char* kAbort = "_ZN7sc_core13sc_cor_pkg_qt5abortEPNS_6sc_corE";

Switch systemc_switch(const char* name) {
    void* f = dlsym(RTLD_NEXT, name);
    if (f == nullptr) {
        std::fprintf(stderr, "tensim: %s not found after libtensim (%s)\n", name, dlerror());
        std::abort();
    }
    return reinterpret_cast<Switch>(f);
}

// A switch announced by abort() that no QuickThreads helper finished (one simulation thread).
thread_local bool t_switch_pending = false;
// The coroutine running now (nullptr: the main one, before the first switch).
thread_local sc_core::sc_cor* t_current = nullptr;

void finish_pending_switch() {
    if (!t_switch_pending) return;
    t_switch_pending = false;
    __sanitizer_finish_switch_fiber(nullptr, nullptr, nullptr);
}

// The stack sc_main runs on, as ASan itself computes it at start-up (the [stack] mapping, sized by
// the stack rlimit). Read once per thread: for the main thread pthread_getattr_np reads
// /proc/self/maps, whose length grows with every L1 and kernel mapping, and a switch back to the
// main coroutine happens at every delta cycle.
struct MainStack {
    void* bottom = nullptr;
    std::size_t size = 0;
    MainStack() {
        pthread_attr_t attr;
        if (pthread_getattr_np(pthread_self(), &attr) == 0) {
            pthread_attr_getstack(&attr, &bottom, &size);
            pthread_attr_destroy(&attr);
        }
    }
};

// Written into the main coroutine while it is switched out.
void describe_main_stack(QtCoroutine* main) {
    thread_local const MainStack s;
    main->stack = s.bottom;
    main->stack_size = s.size;
}

void forget_main_stack(QtCoroutine* main) {
    main->stack = nullptr;
    main->stack_size = 0;
}

QtCoroutine* prepare_switch(sc_core::sc_cor_pkg* pkg, sc_core::sc_cor* next) {
    finish_pending_switch();
    auto* main = reinterpret_cast<QtCoroutine*>(pkg->get_main());
    if (next == pkg->get_main()) describe_main_stack(main);
    return main;
}

}  // namespace

void tensim_sc_cor_yield(sc_core::sc_cor_pkg* pkg, sc_core::sc_cor* next) __asm__(
    "_ZN7sc_core13sc_cor_pkg_qt5yieldEPNS_6sc_corE");
void tensim_sc_cor_abort(sc_core::sc_cor_pkg* pkg, sc_core::sc_cor* next) __asm__(
    "_ZN7sc_core13sc_cor_pkg_qt5abortEPNS_6sc_corE");

void tensim_sc_cor_yield(sc_core::sc_cor_pkg* pkg, sc_core::sc_cor* next) {
    static const Switch systemc_yield = systemc_switch(kYield);
    sc_core::sc_cor* self = t_current != nullptr ? t_current : pkg->get_main();
    QtCoroutine* main = prepare_switch(pkg, next);
    t_current = next;
    systemc_yield(pkg, next);  // returns when some coroutine switches back to this one
    t_current = self;
    finish_pending_switch();  // resumed by an abort
    if (self == pkg->get_main()) forget_main_stack(main);
}

void tensim_sc_cor_abort(sc_core::sc_cor_pkg* pkg, sc_core::sc_cor* next) {
    static const Switch systemc_abort = systemc_switch(kAbort);
    prepare_switch(pkg, next);
    const auto* to = reinterpret_cast<const QtCoroutine*>(next);
    // nullptr: this stack is never resumed.
    __sanitizer_start_switch_fiber(nullptr, to->stack, to->stack_size);
    t_switch_pending = true;
    t_current = next;
    systemc_abort(pkg, next);
    std::abort();  // not reached: abort never returns to the ended thread
}

#endif  // __SANITIZE_ADDRESS__
