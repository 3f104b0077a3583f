// Sub-devices, traces and events of a mesh device (TT-Metalium sub_device.hpp, mesh_event.hpp,
// distributed.hpp BeginTraceCapture and MeshDevice::*_mesh_trace).
//
// What is modelled: the API's state and its rules, as TT-Metal enforces them (sub-devices inside
// the worker grid and disjoint; a trace captured on one queue, complete before replay, not
// replayed while capturing; no transfers on a capturing queue; a trace region to hold traces).
// What is abstracted: tensim runs the commands of all queues in the order the host issues them,
// so an event or a wait orders nothing that is not already ordered, and a replayed trace runs its
// workloads as EnqueueMeshWorkload would. Host dispatch time is not simulated (docs/compat.md), so
// a trace saves none; a trace holds the workloads themselves, not a copy of their commands.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "common/error.hpp"
#include "host/device_impl.hpp"
#include "tensim/host/mesh.hpp"

namespace tt::tt_metal::distributed {

using tensim::HostError;

// ---- events ----

MeshEvent MeshCommandQueue::enqueue_record_event(
    std::span<const SubDeviceId> /*sub_device_ids*/,
    const std::optional<MeshCoordinateRange>& device_range) {
    m_device.check_open();
    const MeshCoordinateRange whole(m_device.shape());
    if (device_range && !whole.contains(*device_range))
        throw HostError(fmt::format("enqueue_record_event: range {} lies outside the {} mesh",
                                    to_string(*device_range), to_string(m_device.shape())));
    return MeshEvent(++m_device.m_next_event, &m_device, m_id, device_range.value_or(whole));
}

MeshEvent MeshCommandQueue::enqueue_record_event_to_host(
    std::span<const SubDeviceId> sub_device_ids,
    const std::optional<MeshCoordinateRange>& device_range) {
    return enqueue_record_event(sub_device_ids, device_range);
}

void MeshCommandQueue::enqueue_wait_for_event(const MeshEvent& sync_event) {
    m_device.check_open();
    if (sync_event.device() != &m_device)
        throw HostError("enqueue_wait_for_event: the event was recorded on another mesh");
}

void MeshCommandQueue::finish(std::span<const SubDeviceId> sub_device_ids) {
    Finish(*this, sub_device_ids);
}

void EventSynchronize(const MeshEvent& event) {
    if (!event.device() || !event.device()->is_initialized())
        throw HostError("EventSynchronize: the event's mesh was closed");
    tensim::host::flush_programs();
}

bool EventQuery(const MeshEvent& event) {
    EventSynchronize(event);  // commands finish in issue order: by the time anyone asks, it ran
    return true;
}

void Synchronize(MeshDevice* device, std::optional<uint8_t> cq_id,
                 std::span<const SubDeviceId> sub_device_ids) {
    if (!device) throw HostError("Synchronize: null mesh device");
    Finish(device->mesh_command_queue(cq_id), sub_device_ids);
}

// ---- sub-devices ----

SubDeviceManagerId MeshDevice::create_sub_device_manager(
    std::initializer_list<SubDevice> sub_devices, DeviceAddr local_l1_size) {
    return create_sub_device_manager(
        std::span<const SubDevice>(sub_devices.begin(), sub_devices.size()), local_l1_size);
}

SubDeviceManagerId MeshDevice::create_sub_device_manager(std::span<const SubDevice> sub_devices,
                                                         DeviceAddr /*local_l1_size*/) {
    check_open();
    if (sub_devices.empty()) throw HostError("create_sub_device_manager: no sub-devices given");
    const CoreCoord grid = compute_with_storage_grid_size();
    std::set<std::pair<size_t, size_t>> taken;
    std::vector<std::vector<CoreRangeSet>> manager;
    for (size_t i = 0; i < sub_devices.size(); ++i) {
        const CoreRangeSet& cores = sub_devices[i].cores(HalProgrammableCoreType::TENSIX);
        for (const CoreRange& r : cores.ranges())
            for (size_t y = r.start_coord.y; y <= r.end_coord.y; ++y)
                for (size_t x = r.start_coord.x; x <= r.end_coord.x; ++x) {
                    if (x >= grid.x || y >= grid.y)
                        throw HostError(fmt::format(
                            "create_sub_device_manager: sub-device {} core ({}, {}) lies outside "
                            "the {}x{} worker grid",
                            i, x, y, grid.x, grid.y));
                    if (!taken.insert({x, y}).second)
                        throw HostError(fmt::format(
                            "create_sub_device_manager: core ({}, {}) is in two sub-devices", x,
                            y));
                }
        manager.push_back({cores, sub_devices[i].cores(HalProgrammableCoreType::ACTIVE_ETH),
                           sub_devices[i].cores(HalProgrammableCoreType::IDLE_ETH)});
    }
    const uint64_t id = m_next_manager++;
    m_managers[id] = std::move(manager);
    return SubDeviceManagerId{id};
}

void MeshDevice::load_sub_device_manager(SubDeviceManagerId id) {
    check_open();
    if (*id != 0 && !m_managers.count(*id))
        throw HostError(fmt::format("load_sub_device_manager: no sub-device manager {}", *id));
    tensim::host::flush_programs();  // TT-Metal waits for the running programs before switching
    m_active_manager = id;
    const size_t n = *id == 0 ? 1 : m_managers.at(*id).size();
    m_sub_device_ids.clear();
    for (size_t i = 0; i < n; ++i) m_sub_device_ids.push_back(SubDeviceId{uint8_t(i)});
    m_stall_group = m_sub_device_ids;
}

void MeshDevice::remove_sub_device_manager(SubDeviceManagerId id) {
    if (id == m_active_manager && *id != 0)
        throw HostError(
            fmt::format("remove_sub_device_manager: manager {} is loaded; clear it first", *id));
    if (!m_managers.erase(*id))
        throw HostError(fmt::format("remove_sub_device_manager: no sub-device manager {}", *id));
}

void MeshDevice::clear_loaded_sub_device_manager() { load_sub_device_manager({0}); }

const std::vector<SubDeviceId>& MeshDevice::get_sub_device_ids() const { return m_sub_device_ids; }

uint32_t MeshDevice::num_sub_devices() const {
    return static_cast<uint32_t>(m_sub_device_ids.size());
}

CoreRangeSet MeshDevice::worker_cores(HalProgrammableCoreType core_type,
                                      SubDeviceId sub_device_id) const {
    if (*sub_device_id >= num_sub_devices())
        throw HostError(
            fmt::format("worker_cores: sub-device {} of {}", *sub_device_id, num_sub_devices()));
    if (*m_active_manager != 0)
        return m_managers.at(*m_active_manager)[*sub_device_id].at(static_cast<size_t>(core_type));
    if (core_type != HalProgrammableCoreType::TENSIX) return CoreRangeSet();
    const CoreCoord grid = compute_with_storage_grid_size();
    return CoreRangeSet(CoreRange({0, 0}, {grid.x - 1, grid.y - 1}));
}

uint32_t MeshDevice::num_worker_cores(HalProgrammableCoreType core_type,
                                      SubDeviceId sub_device_id) const {
    return worker_cores(core_type, sub_device_id).num_cores();
}

const std::vector<SubDeviceId>& MeshDevice::get_sub_device_stall_group() const {
    return m_stall_group;
}

void MeshDevice::set_sub_device_stall_group(std::span<const SubDeviceId> sub_device_ids) {
    for (const SubDeviceId& s : sub_device_ids)
        if (*s >= num_sub_devices())
            throw HostError(fmt::format("set_sub_device_stall_group: sub-device {} of {}", *s,
                                        num_sub_devices()));
    m_stall_group.assign(sub_device_ids.begin(), sub_device_ids.end());
}

void MeshDevice::reset_sub_device_stall_group() { m_stall_group = m_sub_device_ids; }

// ---- traces ----

std::optional<MeshTraceId> MeshDevice::capturing_trace(uint32_t cq_id) const {
    auto it = m_capturing.find(cq_id);
    if (it == m_capturing.end()) return std::nullopt;
    return MeshTraceId{it->second};
}

MeshTraceId MeshDevice::begin_mesh_trace(uint8_t cq_id) {
    const MeshTraceId id{m_next_trace++};
    begin_mesh_trace(cq_id, id);
    return id;
}

void MeshDevice::begin_mesh_trace(uint8_t cq_id, const MeshTraceId& trace_id) {
    check_open();
    mesh_command_queue(cq_id);  // checks the queue exists
    if (m_trace_region_size == 0)
        throw HostError(
            "begin_mesh_trace: the mesh was opened with trace_region_size 0; traces live in the "
            "trace region (MeshDevice::create's third argument)");
    if (m_capturing.count(cq_id))
        throw HostError(fmt::format("begin_mesh_trace: queue {} is already capturing trace {}",
                                    cq_id, m_capturing.at(cq_id)));
    if (m_traces.count(*trace_id))
        throw HostError(fmt::format("begin_mesh_trace: trace {} exists", *trace_id));
    m_traces[*trace_id] = Trace{cq_id, false, {}};
    m_capturing[cq_id] = *trace_id;
    m_next_trace = std::max(m_next_trace, *trace_id + 1);
}

void MeshDevice::record_in_trace(const MeshTraceId& trace_id, MeshWorkload& workload) {
    m_traces.at(*trace_id).workloads.push_back(&workload);
}

void MeshDevice::end_mesh_trace(uint8_t cq_id, const MeshTraceId& trace_id) {
    auto it = m_capturing.find(cq_id);
    if (it == m_capturing.end() || it->second != *trace_id)
        throw HostError(
            fmt::format("end_mesh_trace: queue {} is not capturing trace {}", cq_id, *trace_id));
    m_capturing.erase(it);
    m_traces.at(*trace_id).complete = true;
}

void MeshDevice::replay_mesh_trace(uint8_t cq_id, const MeshTraceId& trace_id, bool blocking) {
    check_open();
    auto it = m_traces.find(*trace_id);
    if (it == m_traces.end() || !it->second.complete)
        throw HostError(
            fmt::format("replay_mesh_trace: trace {} was not captured (or not ended)", *trace_id));
    if (m_capturing.count(cq_id))
        throw HostError(fmt::format("replay_mesh_trace: queue {} is capturing a trace", cq_id));
    MeshCommandQueue& cq = mesh_command_queue(cq_id);
    for (MeshWorkload* w : it->second.workloads) EnqueueMeshWorkload(cq, *w, false);
    if (blocking) Finish(cq);
}

void MeshDevice::release_mesh_trace(const MeshTraceId& trace_id) {
    for (const auto& [cq, id] : m_capturing)
        if (id == *trace_id)
            throw HostError(fmt::format("release_mesh_trace: trace {} is being captured", id));
    if (!m_traces.erase(*trace_id))
        throw HostError(fmt::format("release_mesh_trace: no trace {}", *trace_id));
}

MeshTraceId BeginTraceCapture(MeshDevice* device, uint8_t cq_id) {
    if (!device) throw HostError("BeginTraceCapture: null mesh device");
    return device->begin_mesh_trace(cq_id);
}

}  // namespace tt::tt_metal::distributed
