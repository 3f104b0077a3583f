// Devices, the process-wide cluster behind them, buffers and the command queue.
#include <fmt/format.h>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <map>
#include <optional>

#include "chip/arch_loader.hpp"
#include "common/error.hpp"
#include "common/low_memory.hpp"
#include "eth/eth_tile.hpp"
#include "host/device_impl.hpp"
#include "host/program_impl.hpp"
#include "tensim/host/mesh.hpp"

namespace tensim::host {

namespace {

uint64_t g_cycle_limit = 0;
std::optional<NumericsMode> g_numerics;

std::string default_system() {
    const char* s = std::getenv("TENSIM_SYSTEM");
    return s && *s ? s : "n150";
}

class Device final : public tt::tt_metal::IDevice {
public:
    Device(System& sys, int id) : m_impl(sys, id), m_cq(*this) {}
    tt::tt_metal::CommandQueue& command_queue(size_t cq_id) override {
        if (cq_id != 0)
            throw HostError(
                fmt::format("device {}: command queue {} does not exist (one queue)", id(), cq_id));
        return m_cq;
    }
    CoreCoord compute_with_storage_grid_size() const override { return logical_grid_size(); }
    CoreCoord logical_grid_size() const override {
        const auto& c = m_impl_c().system().config();
        return {static_cast<size_t>(c.grid_x()), static_cast<size_t>(c.grid_y())};
    }
    CoreCoord worker_core_from_logical_core(const CoreCoord& lc) const override {
        NocXY xy = m_impl_c().chip().worker(static_cast<int>(lc.x), static_cast<int>(lc.y)).xy();
        return {static_cast<size_t>(xy.x), static_cast<size_t>(xy.y)};
    }
    std::vector<CoreCoord> worker_cores_from_logical_cores(
        const std::vector<CoreCoord>& cores) const override {
        std::vector<CoreCoord> out;
        for (const auto& c : cores) out.push_back(worker_core_from_logical_core(c));
        return out;
    }
    tt::ARCH arch() const override { return tt::ARCH::WORMHOLE_B0; }
    tt::tt_metal::chip_id_t id() const override { return m_impl_c().chip_id(); }
    uint32_t num_dram_channels() const override {
        return static_cast<uint32_t>(m_impl_c().system().config().chip.dram.channels);
    }
    uint32_t l1_size_per_core() const override {
        return m_impl_c().system().config().chip.tensix.l1_size_bytes();
    }
    tt::tt_metal::DeviceAddr dram_size_per_channel() const override {
        return m_impl_c().system().config().chip.dram.channel_size_bytes;
    }
    int num_hw_cqs() const override { return 1; }
    bool is_initialized() const override { return true; }
    DeviceImpl& impl() override { return m_impl; }

private:
    DeviceImpl& m_impl_c() const { return const_cast<DeviceImpl&>(m_impl); }
    DeviceImpl m_impl;
    tt::tt_metal::CommandQueue m_cq;
};

// The simulated system and the devices open on it. Built at the first CreateDevice, torn down
// when the last device closes, so the next CreateDevice may choose another system.
struct Cluster {
    std::string requested = default_system();
    std::vector<std::string> overrides;
    std::unique_ptr<System> system;
    std::map<int, std::unique_ptr<Device>> devices;
    std::optional<SystemConfig> config;  // of `requested`, loaded while no device is open
};

Cluster& cluster() {
    static Cluster c;
    return c;
}

}  // namespace

DeviceImpl& impl_of(tt::tt_metal::IDevice& device) { return device.impl(); }

DeviceImpl* find_device(uint64_t serial) {
    for (auto& [id, d] : cluster().devices)
        if (d->impl().serial() == serial) return &d->impl();
    return nullptr;
}

NumericsMode numerics_mode() {
    if (g_numerics) return *g_numerics;
    const char* s = std::getenv("TENSIM_NUMERICS");
    return s && *s ? parse_numerics_mode(s) : NumericsMode::faithful;
}

const SystemConfig& system_config() {
    auto& c = cluster();
    if (c.system) return c.system->config();
    if (!c.config) c.config = load_system(c.requested, c.overrides);
    return *c.config;
}

uint64_t cycle_limit() {
    if (g_cycle_limit) return g_cycle_limit;
    if (const char* s = std::getenv("TENSIM_CYCLE_LIMIT")) return std::strtoull(s, nullptr, 10);
    return 2'000'000'000ull;
}

DeviceImpl::DeviceImpl(System& system, int chip_id) : m_system(system), m_chip_id(chip_id) {
    static uint64_t next_serial = 1;
    m_serial = next_serial++;
    const ChipConfig& c = system.config().chip;
    m_dram = std::make_unique<BankAllocator>(
        fmt::format("chip{} DRAM", chip_id), c.dram.unreserved_base_bytes,
        c.dram.channel_size_bytes, c.noc.dram_alignment_bytes, false);
    m_l1 = std::make_unique<BankAllocator>(
        fmt::format("chip{} L1", chip_id), c.tensix.l1_unreserved_base_bytes,
        c.tensix.l1_size_bytes(), c.noc.l1_alignment_bytes, true);
}

BankAllocator& DeviceImpl::allocator(tt::tt_metal::BufferType type) {
    switch (type) {
        case tt::tt_metal::BufferType::DRAM:
            return *m_dram;
        case tt::tt_metal::BufferType::L1:
        case tt::tt_metal::BufferType::L1_SMALL:
            return *m_l1;
        default:
            throw HostError("buffers of this type (system memory, trace) are not modelled");
    }
}

uint32_t DeviceImpl::num_banks(tt::tt_metal::BufferType type) {
    return chip().num_banks(type == tt::tt_metal::BufferType::DRAM);
}

uint64_t DeviceImpl::alignment(tt::tt_metal::BufferType type) {
    return m_system.chip(m_chip_id).bank_page_alignment(type == tt::tt_metal::BufferType::DRAM);
}

template <typename Fn>
void DeviceImpl::for_each_page_piece(const tt::tt_metal::Buffer& b, uint64_t offset, uint64_t size,
                                     Fn&& fn) {
    if (offset + size > b.size())
        throw HostError(
            fmt::format("buffer access [{}, {}) beyond its {} B", offset, offset + size, b.size()));
    uint64_t page = b.page_size();
    for (uint64_t pos = offset; pos < offset + size;) {
        uint64_t id = pos / page, in_page = pos % page;
        uint64_t n = std::min(page - in_page, offset + size - pos);
        auto [bank, addr] = b.page_location(static_cast<uint32_t>(id));
        fn(bank, addr + in_page, pos - offset, n);
        pos += n;
    }
}

void DeviceImpl::write_buffer(const tt::tt_metal::Buffer& b, const void* src, uint64_t offset,
                              uint64_t size) {
    flush_programs();  // queued programs write before this transfer sees memory
    if (!m_system.is_local(m_chip_id)) return;  // its owner keeps its bytes (partition.hpp)
    const uint8_t* s = static_cast<const uint8_t*>(src);
    for_each_page_piece(
        b, offset, size, [&](uint32_t bank, uint64_t addr, uint64_t pos, uint64_t n) {
            if (b.is_dram())
                chip().dram().channel(chip().dram_banks()[bank].channel).write(addr, s + pos, n);
            else
                low_memory_write(chip().workers()[bank]->l1() + addr, s + pos, n);
        });
}

void DeviceImpl::read_buffer(const tt::tt_metal::Buffer& b, void* dst, uint64_t offset,
                             uint64_t size) {
    flush_programs();  // queued programs write before this transfer sees memory
    uint8_t* d = static_cast<uint8_t*>(dst);
    for_each_page_piece(
        b, offset, size, [&](uint32_t bank, uint64_t addr, uint64_t pos, uint64_t n) {
            if (b.is_dram())
                chip().dram().channel(chip().dram_banks()[bank].channel).read(addr, d + pos, n);
            else
                std::memcpy(d + pos, chip().workers()[bank]->l1() + addr, n);
        });
    from_owner(d, size);
}

namespace {
TensixCore& l1_core(Chip& chip, const CoreCoord& lc, bool eth) {
    return eth ? chip.eth(static_cast<int>(lc.y)).core()
               : chip.worker(static_cast<int>(lc.x), static_cast<int>(lc.y));
}
}  // namespace

void DeviceImpl::write_l1(const CoreCoord& lc, uint32_t addr, const void* src, size_t n, bool eth) {
    flush_programs();  // queued programs write before this transfer sees memory
    TensixCore& c = l1_core(chip(), lc, eth);
    if (uint64_t(addr) + n > c.l1_size())
        throw HostError(fmt::format("L1 write [{}, +{}) beyond L1 of {}", addr, n, c.name()));
    if (!m_system.is_local(m_chip_id)) return;  // its owner keeps its bytes (partition.hpp)
    low_memory_write(c.l1() + addr, src, n);
}

void DeviceImpl::read_l1(const CoreCoord& lc, uint32_t addr, void* dst, size_t n, bool eth) {
    flush_programs();  // queued programs write before this transfer sees memory
    TensixCore& c = l1_core(chip(), lc, eth);
    if (uint64_t(addr) + n > c.l1_size())
        throw HostError(fmt::format("L1 read [{}, +{}) beyond L1 of {}", addr, n, c.name()));
    std::memcpy(dst, c.l1() + addr, n);
    from_owner(static_cast<uint8_t*>(dst), n);
}

void DeviceImpl::from_owner(uint8_t* dst, uint64_t n) {
    // Split over ranks, only the chip's owner simulates it: its bytes replace this rank's.
    Partition* part = m_system.partition();
    if (!part) return;
    const auto got = part->from_owner(m_chip_id, std::vector<uint8_t>(dst, dst + n));
    if (n) std::memcpy(dst, got.data(), n);
}

}  // namespace tensim::host

// ---- tensim.hpp ---------------------------------------------------------------------------------

namespace tensim {

void set_system(const std::string& name_or_file, const std::vector<std::string>& overrides) {
    auto& c = host::cluster();
    if (!c.devices.empty()) throw HostError("set_system: close every device first");
    load_system(name_or_file, overrides);  // validate now, so a bad name or key fails here
    c.requested = name_or_file;
    c.overrides = overrides;
    c.config.reset();
}

std::string system_name() { return host::cluster().requested; }

void set_cycle_limit(uint64_t cycles) { host::g_cycle_limit = cycles; }

void set_numerics(const std::string& mode) { host::g_numerics = parse_numerics_mode(mode); }
std::string numerics_mode_name() { return numerics_mode_name(host::numerics_mode()); }

void set_program_name(tt::tt_metal::Program& program, const std::string& name) {
    tensim::host::impl_of(program).name = name;
}

const ProgramStats& last_program_stats(tt::tt_metal::IDevice* device) {
    if (!device) throw HostError("last_program_stats: null device");
    if (auto* mesh = dynamic_cast<tt::tt_metal::distributed::MeshDevice*>(device))
        return last_program_stats(mesh);  // the span of its last workload (mesh.hpp)
    return tensim::host::impl_of(*device).last_stats();
}

void write_stats_json(tt::tt_metal::IDevice* device, const std::string& path) {
    if (!device) throw HostError("write_stats_json: null device");
    std::ofstream out(path);
    if (!out) throw HostError("write_stats_json: cannot write " + path);
    out << tensim::host::impl_of(*device).stats_json().dump(2) << "\n";
}

}  // namespace tensim

// ---- host_api: devices, buffers, queue ----------------------------------------------------------

namespace tt::tt_metal {

using tensim::HostError;

IDevice* CreateDevice(chip_id_t device_id, uint8_t num_hw_cqs, size_t, size_t,
                      const DispatchCoreConfig&, const std::vector<uint32_t>&,
                      size_t worker_l1_size) {
    auto& c = tensim::host::cluster();
    if (num_hw_cqs != 1)
        throw HostError(
            fmt::format("CreateDevice: {} command queues requested; tensim has one", num_hw_cqs));
    if (!c.system)
        c.system = std::make_unique<tensim::System>(tensim::load_system(c.requested, c.overrides));
    int n = c.system->num_chips();
    if (device_id < 0 || device_id >= n) {
        bool none_open = c.devices.empty();
        if (none_open) c.system.reset();
        throw HostError(
            fmt::format("CreateDevice({}): system {} has {} device(s)", device_id, c.requested, n));
    }
    if (c.devices.count(device_id))
        throw HostError(fmt::format("CreateDevice({}): device already open", device_id));
    if (worker_l1_size && worker_l1_size != c.system->config().chip.tensix.l1_size_bytes())
        throw HostError(
            "CreateDevice: worker_l1_size differs from the architecture; set tensix.l1_size_kib "
            "instead");
    auto dev = std::make_unique<tensim::host::Device>(*c.system, device_id);
    IDevice* p = dev.get();
    c.devices[device_id] = std::move(dev);
    return p;
}

bool CloseDevice(IDevice* device) {
    auto& c = tensim::host::cluster();
    for (auto it = c.devices.begin(); it != c.devices.end(); ++it)
        if (it->second.get() == device) {
            // Programs still queued run first (closing waits for them, as TT-Metal's does); the
            // device closes even when one of them fails.
            std::exception_ptr failed;
            try {
                tensim::host::flush_programs();
            } catch (...) {
                failed = std::current_exception();
            }
            c.devices.erase(it);
            if (c.devices.empty()) c.system.reset();
            tensim::write_run_outputs();
            if (failed) std::rethrow_exception(failed);
            return true;
        }
    return false;
}

namespace detail_enqueue {
CommandQueue& queue_of(const Buffer& b, const char* call) {
    for (auto& [id, d] : tensim::host::cluster().devices)
        if (tensim::host::impl_of(*d).serial() == b.device_serial()) return d->command_queue(0);
    throw HostError(fmt::format("{}: the buffer's device was closed", call));
}
}  // namespace detail_enqueue

size_t GetNumAvailableDevices() {
    const auto& c = tensim::host::cluster();
    return static_cast<size_t>(tensim::load_system(c.requested, c.overrides).num_chips);
}
size_t GetNumPCIeDevices() { return 1; }

namespace detail {
void LaunchProgram(IDevice* device, Program& program, bool wait_until_cores_done, bool) {
    tensim::host::impl_of(*device).enqueue_program(program, wait_until_cores_done);
}
void CompileProgram(IDevice*, Program&, bool) {}
namespace {
bool is_eth(CoreType t) {
    return t == CoreType::ETH || t == CoreType::ACTIVE_ETH || t == CoreType::IDLE_ETH;
}
}  // namespace
bool WriteToDeviceL1(IDevice* device, const CoreCoord& core, uint32_t address,
                     std::vector<uint32_t>& host_buffer, CoreType core_type) {
    tensim::host::impl_of(*device).write_l1(core, address, host_buffer.data(),
                                            host_buffer.size() * 4, is_eth(core_type));
    return true;
}
bool ReadFromDeviceL1(IDevice* device, const CoreCoord& core, uint32_t address, uint32_t size,
                      std::vector<uint32_t>& host_buffer, CoreType core_type) {
    host_buffer.resize((size + 3) / 4);
    tensim::host::impl_of(*device).read_l1(core, address, host_buffer.data(), size,
                                           is_eth(core_type));
    return true;
}
}  // namespace detail

// ---- Ethernet cores of any IDevice (a MeshDevice answers for its device at (0, 0)) ----------

namespace {
tensim::Chip& chip_of(const IDevice& d) {
    return tensim::host::impl_of(const_cast<IDevice&>(d)).chip();
}
// The Ethernet tile of logical Ethernet core (0, channel).
tensim::EthTile& eth_tile(const IDevice& d, const CoreCoord& lc) {
    tensim::Chip& ch = chip_of(d);
    if (lc.x != 0 || lc.y >= static_cast<size_t>(ch.num_eth()))
        throw HostError(fmt::format("chip{}: ({},{}) is not a logical Ethernet core (0, 0..{})",
                                    ch.id(), lc.x, lc.y, ch.num_eth() - 1));
    return ch.eth(static_cast<int>(lc.y));
}
}  // namespace

std::unordered_set<CoreCoord> IDevice::get_active_ethernet_cores(bool skip_reserved) const {
    std::unordered_set<CoreCoord> out;
    for (const auto& e : chip_of(*this).eth_tiles())
        if (e->connected() && !(skip_reserved && e->reserved_for_dispatch()))
            out.insert(CoreCoord(0, static_cast<size_t>(e->channel())));
    return out;
}

std::unordered_set<CoreCoord> IDevice::get_inactive_ethernet_cores() const {
    std::unordered_set<CoreCoord> out;
    for (const auto& e : chip_of(*this).eth_tiles())
        if (!e->connected()) out.insert(CoreCoord(0, static_cast<size_t>(e->channel())));
    return out;
}

bool IDevice::is_active_ethernet_core(CoreCoord c, bool skip_reserved) const {
    return get_active_ethernet_cores(skip_reserved).count(c) > 0;
}

bool IDevice::is_inactive_ethernet_core(CoreCoord c) const {
    return get_inactive_ethernet_cores().count(c) > 0;
}

CoreCoord IDevice::ethernet_core_from_logical_core(const CoreCoord& lc) const {
    const tensim::NocXY xy = eth_tile(*this, lc).xy();
    return CoreCoord(static_cast<size_t>(xy.x), static_cast<size_t>(xy.y));
}

std::tuple<chip_id_t, CoreCoord> IDevice::get_connected_ethernet_core(CoreCoord c) const {
    const tensim::EthTile& e = eth_tile(*this, c);
    if (!e.connected())
        throw HostError(fmt::format("chip{}: Ethernet core (0,{}) has no link", e.chip_id(), c.y));
    return {e.peer()->chip_id(), CoreCoord(0, static_cast<size_t>(e.peer()->channel()))};
}

}  // namespace tt::tt_metal
