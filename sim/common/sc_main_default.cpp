// libsystemc refers to sc_main. Host programs (examples, the CLI, user programs) have their own
// main() and drive SystemC through the host API, so they need no sc_main; this weak one satisfies
// the linker. Test binaries define a real sc_main, which takes precedence.
#include <cstdio>

extern "C" __attribute__((weak)) int sc_main(int, char**) {
    std::fprintf(stderr,
                 "tensim: this program has no sc_main; host programs use their own main()\n");
    return 1;
}
