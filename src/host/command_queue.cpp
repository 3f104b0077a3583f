// The command queue: commands run in order; a transfer or a blocking command runs to completion
// in its Enqueue call, a non-blocking EnqueueProgram when the host next waits.
#include <fmt/format.h>

#include "common/error.hpp"
#include "common/log.hpp"
#include "host/device_impl.hpp"

namespace tt::tt_metal {

using tensim::HostError;

namespace detail_enqueue {
Buffer& deref(const BufferRef& b) {
    if (auto r = std::get_if<std::reference_wrapper<Buffer>>(&b)) return r->get();
    const auto& p = std::get<std::shared_ptr<Buffer>>(b);
    if (!p) throw HostError("null buffer");
    return *p;
}
void check_host_size(const Buffer& b, size_t bytes, const char* call) {
    if (bytes < b.size())
        throw HostError(
            fmt::format("{}: host data holds {} B but the buffer is {} B", call, bytes, b.size()));
    // tt-metal writes buffer.size() bytes from data() and ignores the rest; so does tensim, but
    // the rest is usually a mistake (a wrong buffer or shape), so it is said.
    if (bytes > b.size())
        tensim::log::host().warn(
            "{}: host data holds {} B but the buffer is {} B; the last {} B "
            "are not written",
            call, bytes, b.size(), bytes - b.size());
}
}  // namespace detail_enqueue

namespace {
Buffer& checked(CommandQueue& cq, const BufferRef& ref, const char* call) {
    Buffer& b = detail_enqueue::deref(ref);
    if (!b.is_allocated()) throw HostError(fmt::format("{}: buffer was deallocated", call));
    if (b.device_serial() != tensim::host::impl_of(*cq.device()).serial())
        throw HostError(fmt::format(
            "{}: buffer belongs to another device, or to a device that was closed", call));
    return b;
}
}  // namespace

void EnqueueWriteBuffer(CommandQueue& cq, const BufferRef& buffer, const void* src, bool) {
    Buffer& b = checked(cq, buffer, "EnqueueWriteBuffer");
    tensim::host::impl_of(*cq.device()).write_buffer(b, src, 0, b.size());
}

void EnqueueReadBuffer(CommandQueue& cq, const BufferRef& buffer, void* dst, bool) {
    Buffer& b = checked(cq, buffer, "EnqueueReadBuffer");
    tensim::host::impl_of(*cq.device()).read_buffer(b, dst, 0, b.size());
}

void EnqueueWriteSubBuffer(CommandQueue& cq, const BufferRef& buffer, const void* src,
                           DeviceAddr offset, DeviceAddr size, bool) {
    tensim::host::impl_of(*cq.device())
        .write_buffer(checked(cq, buffer, "EnqueueWriteSubBuffer"), src, offset, size);
}

void EnqueueReadSubBuffer(CommandQueue& cq, const BufferRef& buffer, void* dst, DeviceAddr offset,
                          DeviceAddr size, bool) {
    tensim::host::impl_of(*cq.device())
        .read_buffer(checked(cq, buffer, "EnqueueReadSubBuffer"), dst, offset, size);
}

// A non-blocking enqueue queues the program; it launches at the next call that must wait, together
// with the programs queued on other devices (launch.cpp).
void EnqueueProgram(CommandQueue& cq, Program& program, bool blocking) {
    tensim::host::impl_of(*cq.device()).enqueue_program(program, blocking);
}

void Finish(CommandQueue&) { tensim::host::flush_programs(); }

}  // namespace tt::tt_metal
