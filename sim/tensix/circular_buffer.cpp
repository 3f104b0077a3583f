#include "tensix/circular_buffer.hpp"

#include <fmt/format.h>

#include "common/error.hpp"
#include "tensix/l1_map.hpp"
#include "tensix/tensix_core.hpp"

namespace tensim {

void CircularBuffer::unusable(RiscThread& t, uint32_t cb, const std::source_location& loc,
                              const char* call) {
    std::string what;
    if (cb >= l1_map::kMaxCbs)
        what = call ? fmt::format("{}: CB index {} out of range (0..{})", call, cb,
                                  l1_map::kMaxCbs - 1)
                    : fmt::format("CB index {} out of range (0..{})", cb, l1_map::kMaxCbs - 1);
    else
        what = call ? fmt::format("{}: CB {} is not configured on this core (CreateCircularBuffer)",
                                  call, cb)
                    : fmt::format("CB {} is not configured on this core", cb);
    throw KernelError(fmt::format("{}: {}", t.where(loc.file_name(), loc.line()), what));
}

void CircularBuffer::fail(const std::string& what) const {
    throw KernelError(fmt::format("{}: {}", m_t.where(m_loc.file_name(), m_loc.line()), what));
}

void CircularBuffer::check_pages(uint32_t n, const char* call) const {
    if (n > m_cb.num_pages)
        fail(fmt::format("{}(cb {}, {}): the CB holds only {} pages; this would wait forever", call,
                         m_index, n, m_cb.num_pages));
}

// Moves a FIFO pointer by n pages; it wraps only on hitting the end exactly, as on TT-Metal.
uint32_t CircularBuffer::advance_ptr(uint32_t ptr, uint32_t n, const char* call) const {
    uint32_t end = m_cb.fifo_addr + m_cb.fifo_size;
    ptr += n * m_cb.page_size;
    if (ptr > end)
        fail(fmt::format(
            "{}(cb {}, {}): runs past the end of the CB; its {} pages must be a multiple "
            "of the pages moved at once",
            call, m_index, n, m_cb.num_pages));
    return ptr == end ? m_cb.fifo_addr : ptr;
}

void CircularBuffer::reserve_back(uint32_t n) {
    check_pages(n, "cb_reserve_back");
    m_t.advance(m_t.config().cb_api_cycles);
    // free_pages() >= n, on the counter words themselves (num_pages is this thread's, unchanged
    // while it waits).
    m_t.wait_until([recv = &received(), acked = &acked(), pages = m_cb.num_pages,
                    n] { return pages - (*recv - *acked) >= n; },
                   WaitInfo::at(WaitInfo::cb_reserve, m_index, n, m_loc));
}

void CircularBuffer::push_back(uint32_t n) {
    m_t.advance(m_t.config().cb_api_cycles);
    m_t.sync();
    if (occupied() + n > m_cb.num_pages)
        fail(fmt::format(
            "cb_push_back(cb {}, {}) beyond reserved pages: the CB already holds {} of {} "
            "pages (reserve with cb_reserve_back first)",
            m_index, n, occupied(), m_cb.num_pages));
    m_cb.wr_ptr = advance_ptr(m_cb.wr_ptr, n, "cb_push_back");
    m_cb.wr_tile_ptr = 0;
    received() += n;
    m_t.core().notify_l1_changed();
}

void CircularBuffer::wait_front(uint32_t n) {
    check_pages(n, "cb_wait_front");
    m_t.advance(m_t.config().cb_api_cycles);
    m_t.wait_until([recv = &received(), acked = &acked(), n] { return *recv - *acked >= n; },
                   WaitInfo::at(WaitInfo::cb_wait, m_index, n, m_loc));
}

void CircularBuffer::pop_front(uint32_t n) {
    m_t.advance(m_t.config().cb_api_cycles);
    m_t.sync();
    if (n > occupied() && !m_cb.on_buffer)
        fail(
            fmt::format("cb_pop_front(cb {}, {}) beyond waited pages: the CB holds only {} pages "
                        "(wait with cb_wait_front first)",
                        m_index, n, occupied()));
    m_cb.rd_ptr = advance_ptr(m_cb.rd_ptr, n, "cb_pop_front");
    acked() += n;
    m_t.core().notify_l1_changed();
}

bool CircularBuffer::pages_reservable_at_back(uint32_t n) {
    m_t.advance(m_t.config().cb_api_cycles);
    m_t.sync();
    return free_pages() >= n;
}

bool CircularBuffer::pages_available_at_front(uint32_t n) {
    m_t.advance(m_t.config().cb_api_cycles);
    m_t.sync();
    return occupied() >= n;
}

uint32_t CircularBuffer::fifo_at(uint32_t ptr, uint32_t bytes) const {
    return m_cb.fifo_addr + (ptr - m_cb.fifo_addr + bytes) % m_cb.fifo_size;
}

void CircularBuffer::not_waited(uint32_t index) const {
    fail(fmt::format(
        "tile index {} of CB {} is beyond the {} pages at its front (cb_wait_front first)", index,
        m_index, occupied()));
}

}  // namespace tensim
