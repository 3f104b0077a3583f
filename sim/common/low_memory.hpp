// Host memory below 4 GiB, so that 32-bit simulated addresses can double as host pointers.
#pragma once
#include <cstddef>
#include <cstdint>

namespace tensim {

class LowMemory {
public:
    explicit LowMemory(size_t bytes);  // zero-filled lazily; throws InternalError if none is free
    ~LowMemory();
    LowMemory(const LowMemory&) = delete;
    LowMemory& operator=(const LowMemory&) = delete;
    uint8_t* data() const { return m_data; }
    size_t size() const { return m_size; }

private:
    uint8_t* m_data = nullptr;
    size_t m_size = 0;
};

}  // namespace tensim
