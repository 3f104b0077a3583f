// Traces, events, two command queues and sub-devices of a mesh device (src/host/mesh_trace.cpp):
// a captured workload runs only when replayed, as often as replayed; the rules TT-Metal enforces
// on capture, replay and sub-device managers are HostErrors here.
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <string>
#include <tt-metalium/distributed.hpp>
#include <tt-metalium/host_api.hpp>
#include <tt-metalium/sub_device.hpp>
#include <vector>

#include "host_error.hpp"
#include "tensim/error.hpp"
#include "tensim/host/tensim.hpp"

using namespace tt::tt_metal;
using namespace tt::tt_metal::distributed;
using tensim::HostError;

namespace {

constexpr uint32_t kWord = 400 * 1024;  // the L1 word the kernel adds to
const CoreCoord kCore{1, 1};

// A workload whose kernel adds its runtime arg to kWord of kCore (an L1 pointer, as on silicon).
MeshWorkload add_workload(MeshDevice& mesh, uint32_t add) {
    Program p = CreateProgram();
    KernelHandle k = CreateKernelFromString(p, R"(#include "dataflow_api.h"
void kernel_main() {
    volatile uint32_t* word = reinterpret_cast<volatile uint32_t*>(400 * 1024);
    *word = *word + get_arg_val<uint32_t>(0);
})",
                                            kCore, DataMovementConfig{});
    SetRuntimeArgs(p, k, kCore, {add});
    MeshWorkload w;
    w.add_program(MeshCoordinateRange(mesh.shape()), std::move(p));
    return w;
}

uint32_t word(MeshDevice& mesh) {
    std::vector<uint32_t> v;
    detail::ReadFromDeviceL1(mesh.get_device(MeshCoordinate(0, 0)), kCore, kWord, 4, v);
    return v.at(0);
}

void set_word(MeshDevice& mesh, uint32_t value) {
    std::vector<uint32_t> v{value};
    detail::WriteToDeviceL1(mesh.get_device(MeshCoordinate(0, 0)), kCore, kWord, v);
}

class MeshTrace : public ::testing::Test {
protected:
    void SetUp() override {
        tensim::set_numerics("timing");
        mesh = MeshDevice::create_unit_mesh(0, 0, 1 << 20, 2);
    }
    void TearDown() override {
        mesh->close();
        tensim::set_numerics("faithful");
    }
    std::shared_ptr<MeshDevice> mesh;
};

TEST_F(MeshTrace, CapturedWorkloadsRunOnlyWhenReplayed) {
    set_word(*mesh, 5);
    MeshWorkload add3 = add_workload(*mesh, 3), add10 = add_workload(*mesh, 10);
    MeshCommandQueue& cq = mesh->mesh_command_queue(0);
    const MeshTraceId id = BeginTraceCapture(mesh.get(), 0);
    EXPECT_EQ(mesh->capturing_trace(0), id);
    EnqueueMeshWorkload(cq, add3, false);
    EnqueueMeshWorkload(cq, add10, false);
    mesh->end_mesh_trace(0, id);
    Finish(cq);
    EXPECT_EQ(word(*mesh), 5u);  // capture runs nothing
    mesh->replay_mesh_trace(0, id, true);
    EXPECT_EQ(word(*mesh), 5u + 13u);
    mesh->replay_mesh_trace(0, id, false);
    Finish(cq);
    EXPECT_EQ(word(*mesh), 5u + 2 * 13u);
    EnqueueMeshWorkload(cq, add3, true);  // outside a capture a workload runs at once
    EXPECT_EQ(word(*mesh), 5u + 2 * 13u + 3u);
    mesh->release_mesh_trace(id);
    EXPECT_NE(error_of([&] { mesh->replay_mesh_trace(0, id, true); }).find("not captured"),
              std::string::npos);
}

TEST_F(MeshTrace, CaptureRulesAreErrors) {
    auto buf = MeshBuffer::create(ReplicatedBufferConfig{2048},
                                  DeviceLocalBufferConfig{.page_size = 2048}, mesh.get());
    std::vector<uint32_t> data(512, 7);
    const MeshTraceId id = BeginTraceCapture(mesh.get(), 0);
    // No transfers on the capturing queue; the other queue is free.
    EXPECT_NE(error_of([&] {
                  EnqueueWriteMeshBuffer(mesh->mesh_command_queue(0), buf, data);
              }).find("capturing trace"),
              std::string::npos);
    EnqueueWriteMeshBuffer(mesh->mesh_command_queue(1), buf, data);
    EXPECT_NE(error_of([&] { BeginTraceCapture(mesh.get(), 0); }).find("already capturing"),
              std::string::npos);
    EXPECT_NE(error_of([&] { mesh->replay_mesh_trace(0, id, true); }).find("not ended"),
              std::string::npos);
    EXPECT_NE(error_of([&] { mesh->end_mesh_trace(1, id); }).find("not capturing"),
              std::string::npos);
    mesh->end_mesh_trace(0, id);
    // Traces live in the trace region: a mesh opened without one cannot capture.
    mesh->close();
    mesh = MeshDevice::create_unit_mesh(0);
    EXPECT_NE(error_of([&] { BeginTraceCapture(mesh.get(), 0); }).find("trace_region_size"),
              std::string::npos);
}

TEST_F(MeshTrace, EventsOrderTwoQueues) {
    EXPECT_EQ(mesh->num_hw_cqs(), 2);
    EXPECT_NE(error_of([&] { mesh->mesh_command_queue(2); }).find("2 command queue"),
              std::string::npos);
    auto buf = MeshBuffer::create(ReplicatedBufferConfig{2048},
                                  DeviceLocalBufferConfig{.page_size = 2048}, mesh.get());
    std::vector<uint32_t> data(512);
    for (uint32_t i = 0; i < data.size(); ++i) data[i] = i * 3 + 1;
    MeshCommandQueue& io = mesh->mesh_command_queue(1);
    MeshCommandQueue& work = mesh->mesh_command_queue(0);
    EnqueueWriteMeshBuffer(io, buf, data);
    const MeshEvent written = io.enqueue_record_event();
    const MeshEvent second = io.enqueue_record_event_to_host();
    EXPECT_EQ(written.mesh_cq_id(), 1u);
    EXPECT_EQ(written.device(), mesh.get());
    EXPECT_NE(written.id(), second.id());
    EXPECT_EQ(written.device_range(), MeshCoordinateRange(mesh->shape()));
    work.enqueue_wait_for_event(written);
    std::vector<uint32_t> back;
    EnqueueReadMeshBuffer(work, back, buf);
    EXPECT_EQ(back, data);
    EventSynchronize(second);
    EXPECT_TRUE(EventQuery(second));
}

TEST_F(MeshTrace, SubDeviceManagersSplitTheCores) {
    EXPECT_EQ(mesh->num_sub_devices(), 1u);
    const CoreCoord grid = mesh->compute_with_storage_grid_size();
    EXPECT_EQ(mesh->num_worker_cores(HalProgrammableCoreType::TENSIX, SubDeviceId{0}),
              grid.x * grid.y);
    SubDevice a(std::array{CoreRangeSet(CoreRange({0, 0}, {0, 0}))});
    SubDevice b(std::array{CoreRangeSet(CoreRange({1, 1}, {2, 1}))});
    const SubDeviceManagerId id = mesh->create_sub_device_manager({a, b}, 3200);
    mesh->load_sub_device_manager(id);
    EXPECT_EQ(mesh->get_active_sub_device_manager_id(), id);
    EXPECT_EQ(mesh->get_sub_device_ids().size(), 2u);
    EXPECT_EQ(mesh->worker_cores(HalProgrammableCoreType::TENSIX, SubDeviceId{1}),
              CoreRangeSet(CoreRange({1, 1}, {2, 1})));
    EXPECT_EQ(mesh->num_worker_cores(HalProgrammableCoreType::TENSIX, SubDeviceId{1}), 2u);
    EXPECT_NE(error_of([&] { mesh->remove_sub_device_manager(id); }).find("is loaded"),
              std::string::npos);
    SubDevice overlap(std::array{CoreRangeSet(CoreRange({0, 0}, {1, 1}))});
    EXPECT_NE(error_of([&] {
                  mesh->create_sub_device_manager({a, overlap}, 0);
              }).find("in two sub-devices"),
              std::string::npos);
    SubDevice outside(std::array{CoreRangeSet(CoreRange({0, grid.y}, {0, grid.y}))});
    EXPECT_NE(error_of([&] { mesh->create_sub_device_manager({outside}, 0); }).find("outside"),
              std::string::npos);
    mesh->clear_loaded_sub_device_manager();
    EXPECT_EQ(mesh->num_sub_devices(), 1u);
    mesh->remove_sub_device_manager(id);
}

}  // namespace
