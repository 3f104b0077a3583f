// One circular buffer of a core as one RISC sees it: TT-Metal's CB protocol on the page counters
// in L1 (pages_received written by the producer, pages_acked by the consumer) and the thread's
// local FIFO pointers. Modelled: cumulative waits on the counters, pointer wrap, the misuse checks
// (push beyond reserved, pop beyond waited, a wait for more pages than the CB holds, a move that
// runs past the CB's end). Abstracted: the MMIO of the counter registers (a fixed cost per call).
// Numbers: sim/arch/*.json "risc.cb_api_cycles".
#pragma once
#include <cstdint>
#include <source_location>
#include <string>

#include "tensix/l1_map.hpp"
#include "tensix/risc_thread.hpp"
#include "tensix/tensix_core.hpp"

namespace tensim {

class CircularBuffer {
public:
    // CB `index` of thread `t`. A KernelError at `loc` if the index is out of range or the CB is
    // not configured on this core; `call` names the API call in the message (nullptr: compute).
    // Inline: the unpacker builds one per tile it reads.
    CircularBuffer(RiscThread& t, uint32_t index, const std::source_location& loc,
                   const char* call = nullptr)
        : m_t(t), m_index(index), m_loc(loc), m_cb(checked(t, index, loc, call)) {}

    // ---- the protocol (each charges the RISC's CB call cost) ----
    void reserve_back(uint32_t n);  // waits until n pages are free at the back
    void push_back(uint32_t n);     // publishes n pages to the consumer
    void wait_front(uint32_t n);    // waits until n pages are available at the front
    void pop_front(uint32_t n);     // frees n pages to the producer
    bool pages_reservable_at_back(uint32_t n);
    bool pages_available_at_front(uint32_t n);

    // ---- what the engines and the kernel see ----
    LocalCb& local() { return m_cb; }
    uint32_t index() const { return m_index; }
    uint32_t occupied() const { return received() - acked(); }  // pushed and not yet popped
    uint32_t free_pages() const { return m_cb.num_pages - occupied(); }
    // L1 offset of the page `index` pages after `ptr`, wrapping at the end of the FIFO.
    uint32_t page_at(uint32_t ptr, uint32_t index) const {
        uint32_t off = ptr - m_cb.fifo_addr + index * m_cb.page_size;
        return m_cb.fifo_addr + off % m_cb.fifo_size;
    }
    // L1 offset `bytes` after `ptr` in the FIFO, wrapping at its end.
    uint32_t fifo_at(uint32_t ptr, uint32_t bytes) const;
    // L1 offset of the tile `index` pages from the front, as the unpacker reads it; a KernelError
    // if the kernel has not waited for it.
    uint32_t front_tile(uint32_t index) const {
        check_front(index);
        return page_at(m_cb.rd_ptr, index);
    }
    // front_tile's check alone.
    void check_front(uint32_t index) const {
        if (index >= occupied() && !m_cb.on_buffer) not_waited(index);
    }
    [[noreturn]] void fail(const std::string& what) const;

private:
    // The thread's CB `index`, or a KernelError (out of range, not configured) from unusable().
    // RiscThread::cb is out of line; this reads the same table after the same range check.
    static LocalCb& checked(RiscThread& t, uint32_t index, const std::source_location& loc,
                            const char* call) {
        if (index < l1_map::kMaxCbs) {
            auto& c = const_cast<LocalCb&>(t.kernel().cbs[index]);
            if (c.configured) return c;
        }
        unusable(t, index, loc, call);
    }
    [[noreturn]] static void unusable(RiscThread& t, uint32_t index,
                                      const std::source_location& loc, const char* call);
    [[noreturn]] void not_waited(uint32_t index) const;
    uint32_t& received() const { return m_t.core().word(l1_map::cb_received(m_index)); }
    uint32_t& acked() const { return m_t.core().word(l1_map::cb_acked(m_index)); }
    void check_pages(uint32_t n, const char* call) const;
    uint32_t advance_ptr(uint32_t ptr, uint32_t n, const char* call) const;

    RiscThread& m_t;
    uint32_t m_index;
    std::source_location m_loc;
    LocalCb& m_cb;
};

}  // namespace tensim
