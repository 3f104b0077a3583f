// tensim-kernel-pch ROOT KERNEL_API: precompiles the kernel headers under KERNEL_API (the include
// root kernels are compiled against) into ROOT, as the build (build/lib/tensim-kernel-pch) and
// `cmake --install` (<prefix>/<libdir>/tensim-kernel-pch) do. See src/jit/kernel_pch.hpp.
#include <cstdio>
#include <exception>

#include "jit/kernel_build.hpp"

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: tensim-kernel-pch ROOT KERNEL_API\n");
        return 2;
    }
    try {
        tensim::jit::build_kernel_pchs(argv[1], argv[2]);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "tensim-kernel-pch: %s\n", e.what());
        return 1;
    }
    return 0;
}
