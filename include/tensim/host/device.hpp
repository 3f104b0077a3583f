// Devices and command queues (TT-Metalium device.hpp, host_api.hpp, command_queue.hpp).
// A device is one chip of the simulated system (n150 by default; see tensim/host/tensim.hpp).
// Commands run in order as they are enqueued: a program runs to completion inside
// EnqueueProgram, so blocking and non-blocking calls behave the same.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <tuple>
#include <unordered_set>
#include <variant>
#include <vector>

#include "tensim/host/allocator.hpp"
#include "tensim/host/buffer.hpp"
#include "tensim/host/program.hpp"
#include "tensim/host/types.hpp"

namespace tt::tt_metal {
class IDevice;
}
namespace tensim::host {
class DeviceImpl;
// Inside the library only (declared for the friend below; defined in src/host/device.cpp).
DeviceImpl& impl_of(tt::tt_metal::IDevice& device);
}  // namespace tensim::host

namespace tt::tt_metal {

class CommandQueue;

class IDevice {
public:
    virtual ~IDevice() = default;
    virtual CommandQueue& command_queue(size_t cq_id = 0) = 0;
    virtual CoreCoord compute_with_storage_grid_size() const = 0;
    virtual CoreCoord logical_grid_size() const = 0;
    virtual CoreCoord worker_core_from_logical_core(const CoreCoord& logical_core) const = 0;
    virtual std::vector<CoreCoord> worker_cores_from_logical_cores(
        const std::vector<CoreCoord>& cores) const = 0;
    virtual tt::ARCH arch() const = 0;
    virtual chip_id_t id() const = 0;
    virtual uint32_t num_dram_channels() const = 0;
    virtual uint32_t l1_size_per_core() const = 0;
    virtual DeviceAddr dram_size_per_channel() const = 0;
    virtual int num_hw_cqs() const = 0;
    virtual bool is_initialized() const = 0;

    // ---- Ethernet cores: logical CoreCoord(0, channel), as TT-Metal numbers them ----
    // (Defined once in device.cpp over the device's chip, so every IDevice has them.)
    // Cores with a link; `skip_reserved_tunnel_cores` leaves out those of links reserved for
    // dispatch.
    virtual std::unordered_set<CoreCoord> get_active_ethernet_cores(
        bool skip_reserved_tunnel_cores = false) const;
    virtual std::unordered_set<CoreCoord> get_inactive_ethernet_cores() const;
    virtual bool is_active_ethernet_core(CoreCoord logical_core,
                                         bool skip_reserved_tunnel_cores = false) const;
    virtual bool is_inactive_ethernet_core(CoreCoord logical_core) const;
    // NoC0 coordinates of a logical Ethernet core.
    virtual CoreCoord ethernet_core_from_logical_core(const CoreCoord& logical_core) const;
    // The chip and logical Ethernet core at the other end of this core's link.
    virtual std::tuple<chip_id_t, CoreCoord> get_connected_ethernet_core(CoreCoord eth_core) const;

    // The device's allocator as TT-Metalium shows it (alignments); made at the first call.
    const std::unique_ptr<Allocator>& allocator() const;

private:
    mutable std::unique_ptr<Allocator> m_allocator;
    // tensim's side of the device: reached only inside the library (host, ops and bench through
    // tensim::host::impl_of); programs and tools see the device through the API above.
    friend tensim::host::DeviceImpl& tensim::host::impl_of(IDevice& device);
    virtual tensim::host::DeviceImpl& impl() = 0;
};

class CommandQueue {
public:
    explicit CommandQueue(IDevice& device) : m_device(device) {}
    IDevice* device() { return &m_device; }
    uint32_t id() const { return 0; }

private:
    IDevice& m_device;
};

IDevice* CreateDevice(chip_id_t device_id, uint8_t num_hw_cqs = 1, size_t l1_small_size = 0,
                      size_t trace_region_size = 0,
                      const DispatchCoreConfig& dispatch_core_config = {},
                      const std::vector<uint32_t>& l1_bank_remap = {}, size_t worker_l1_size = 0);
bool CloseDevice(IDevice* device);
size_t GetNumAvailableDevices();
size_t GetNumPCIeDevices();

using BufferRef = std::variant<std::reference_wrapper<Buffer>, std::shared_ptr<Buffer>>;

void EnqueueWriteBuffer(CommandQueue& cq, const BufferRef& buffer, const void* src, bool blocking);
void EnqueueReadBuffer(CommandQueue& cq, const BufferRef& buffer, void* dst, bool blocking);
void EnqueueWriteSubBuffer(CommandQueue& cq, const BufferRef& buffer, const void* src,
                           DeviceAddr offset, DeviceAddr size, bool blocking);
void EnqueueReadSubBuffer(CommandQueue& cq, const BufferRef& buffer, void* dst, DeviceAddr offset,
                          DeviceAddr size, bool blocking);

namespace detail_enqueue {
Buffer& deref(const BufferRef& b);
void check_host_size(const Buffer& b, size_t bytes, const char* call);
// The queue of the open device that holds `b`; a HostError naming `call` once it was closed
// (Buffer::device() then points at a deleted device).
CommandQueue& queue_of(const Buffer& b, const char* call);
}  // namespace detail_enqueue

template <typename T>
void EnqueueWriteBuffer(CommandQueue& cq, const BufferRef& buffer, const std::vector<T>& src,
                        bool blocking) {
    detail_enqueue::check_host_size(detail_enqueue::deref(buffer), src.size() * sizeof(T),
                                    "EnqueueWriteBuffer");
    EnqueueWriteBuffer(cq, buffer, static_cast<const void*>(src.data()), blocking);
}
template <typename T>
void EnqueueWriteBuffer(CommandQueue& cq, const BufferRef& buffer, std::vector<T>& src,
                        bool blocking) {
    EnqueueWriteBuffer(cq, buffer, static_cast<const std::vector<T>&>(src), blocking);
}
template <typename T>
void EnqueueWriteBuffer(CommandQueue& cq, const BufferRef& buffer,
                        const std::shared_ptr<std::vector<T>>& src, bool blocking) {
    EnqueueWriteBuffer(cq, buffer, *src, blocking);
}
template <typename T>
void EnqueueReadBuffer(CommandQueue& cq, const BufferRef& buffer, std::vector<T>& dst,
                       bool blocking) {
    Buffer& b = detail_enqueue::deref(buffer);
    dst.resize((b.size() + sizeof(T) - 1) / sizeof(T));
    EnqueueReadBuffer(cq, buffer, static_cast<void*>(dst.data()), blocking);
}

void EnqueueProgram(CommandQueue& cq, Program& program, bool blocking);
void Finish(CommandQueue& cq);

namespace detail {
template <typename T>
void WriteToBuffer(Buffer& buffer, const std::vector<T>& host_buffer) {
    EnqueueWriteBuffer(detail_enqueue::queue_of(buffer, "WriteToBuffer"), std::ref(buffer),
                       host_buffer, true);
}
template <typename T>
void WriteToBuffer(const std::shared_ptr<Buffer>& buffer, const std::vector<T>& host_buffer) {
    WriteToBuffer(*buffer, host_buffer);
}
template <typename T>
void ReadFromBuffer(Buffer& buffer, std::vector<T>& host_buffer) {
    EnqueueReadBuffer(detail_enqueue::queue_of(buffer, "ReadFromBuffer"), std::ref(buffer),
                      host_buffer, true);
}
template <typename T>
void ReadFromBuffer(const std::shared_ptr<Buffer>& buffer, std::vector<T>& host_buffer) {
    ReadFromBuffer(*buffer, host_buffer);
}
void LaunchProgram(IDevice* device, Program& program, bool wait_until_cores_done = true,
                   bool force_slow_dispatch = false);
void CompileProgram(IDevice* device, Program& program, bool force_slow_dispatch = false);
// `core_type` ETH addresses the L1 of Ethernet core (0, channel), as TT-Metal's do.
bool WriteToDeviceL1(IDevice* device, const CoreCoord& logical_core, uint32_t address,
                     std::vector<uint32_t>& host_buffer, CoreType core_type = CoreType::WORKER);
bool ReadFromDeviceL1(IDevice* device, const CoreCoord& logical_core, uint32_t address,
                      uint32_t size, std::vector<uint32_t>& host_buffer,
                      CoreType core_type = CoreType::WORKER);
}  // namespace detail

}  // namespace tt::tt_metal
