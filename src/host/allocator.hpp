// Lockstep bank allocator: every allocation takes the same address range in every bank (TT-Metal's
// interleaved allocation), found first-fit in a free list. DRAM allocates bottom-up, L1 top-down
// so that circular buffers (which grow up from the unreserved base) meet buffers last.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace tensim::host {

class BankAllocator {
public:
    BankAllocator(std::string name, uint64_t base, uint64_t limit, uint64_t alignment,
                  bool top_down);
    // Returns the address of `size` bytes per bank; nullopt when they do not fit.
    std::optional<uint64_t> allocate(uint64_t size);
    // Reserves [addr, addr + size) at a caller-chosen address; false if it overlaps.
    bool allocate_at(uint64_t addr, uint64_t size);
    void free(uint64_t addr);
    uint64_t lowest_allocated() const;  // limit when empty
    uint64_t free_bytes() const;
    uint64_t largest_free_block() const;
    const std::string& name() const { return m_name; }
    uint64_t base() const { return m_base; }
    uint64_t limit() const { return m_limit; }

private:
    std::string m_name;
    uint64_t m_base, m_limit, m_align;
    bool m_top_down;
    std::map<uint64_t, uint64_t> m_used;  // address -> size
};

}  // namespace tensim::host
