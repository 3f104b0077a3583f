#include "common/low_memory.hpp"

#include <sys/mman.h>

#include <string>

#include "common/error.hpp"

namespace tensim {

LowMemory::LowMemory(size_t bytes) : m_size(bytes) {
    const int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
    // MAP_32BIT places the mapping in the first 2 GiB; beyond that, probe fixed addresses below 4
    // GiB.
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, flags | MAP_32BIT, -1, 0);
    for (uint64_t hint = 1ull << 31; p == MAP_FAILED && hint + bytes <= (1ull << 32);
         hint += 1ull << 28)
        p = mmap(reinterpret_cast<void*>(hint), bytes, PROT_READ | PROT_WRITE,
                 flags | MAP_FIXED_NOREPLACE, -1, 0);
    if (p == MAP_FAILED || reinterpret_cast<uint64_t>(p) + bytes > (1ull << 32))
        throw InternalError("cannot map " + std::to_string(bytes >> 20) +
                            " MiB of L1 below 4 GiB (too many cores open at once?)");
    m_data = static_cast<uint8_t*>(p);
}

LowMemory::~LowMemory() { munmap(m_data, m_size); }

}  // namespace tensim
