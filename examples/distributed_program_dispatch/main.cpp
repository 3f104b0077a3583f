// distributed_program_dispatch: programs over a mesh of chips (the [N] mesh API). First one program
// broadcast to every chip (a 2x2 core range storing a value per core), then a workload with a
// different program on each chip, all launched at one cycle and of different lengths.
// Usage: distributed_program_dispatch [RxC]; the system is $TENSIM_SYSTEM, else n300, and the mesh
// the system's whole chip mesh unless given.
#include <cstdio>
#include <cstdlib>
#include <tt-metalium/distributed.hpp>
#include <tt-metalium/host_api.hpp>
#include <vector>

using namespace tt::tt_metal;
using namespace tt::tt_metal::distributed;

namespace {

constexpr uint32_t kWordAddr = 256 * 1024;  // an L1 word each core writes
const char* kKernel = "examples/distributed_program_dispatch/kernels/store_value.cpp";

MeshShape mesh_shape(int argc, char** argv) {
    unsigned r = 0, c = 0;
    if (argc > 1 && std::sscanf(argv[1], "%ux%u", &r, &c) == 2) return MeshShape(r, c);
    return system_mesh_shape();
}

Program store_program(const CoreRange& cores, uint32_t base_value, uint32_t delay) {
    Program program = CreateProgram();
    KernelHandle k = CreateKernel(program, kKernel, cores, DataMovementConfig{});
    for (const CoreCoord& core : cores)
        SetRuntimeArgs(program, k, core,
                       {base_value + uint32_t(core.y * 2 + core.x), kWordAddr, delay});
    return program;
}

uint32_t word_at(IDevice* chip, const CoreCoord& core) {
    std::vector<uint32_t> w;
    detail::ReadFromDeviceL1(chip, core, kWordAddr, 4, w);
    return w.at(0);
}

}  // namespace

int main(int argc, char** argv) {
    if (!std::getenv("TENSIM_SYSTEM")) tensim::set_system("n300");
    auto mesh = MeshDevice::create(MeshDeviceConfig(mesh_shape(argc, argv)));
    MeshCommandQueue& cq = mesh->mesh_command_queue();
    const CoreRange cores(CoreCoord{0, 0}, CoreCoord{1, 1});
    bool pass = true;

    // 1. One program on every chip of the mesh.
    MeshWorkload broadcast;
    broadcast.add_program(MeshCoordinateRange(mesh->shape()), store_program(cores, 100, 1));
    EnqueueMeshWorkload(cq, broadcast, false);
    Finish(cq);
    for (IDevice* chip : mesh->get_devices())
        for (const CoreCoord& core : cores)
            pass &= word_at(chip, core) == 100 + core.y * 2 + core.x;
    const uint64_t broadcast_cycles = tensim::last_program_stats(mesh.get()).device_cycles;

    // 2. A different program on each chip: chip i stores 1000 * (i + 1) after i + 1 delay reads.
    MeshWorkload per_chip;
    uint32_t i = 0;
    for (const MeshCoordinate& coord : MeshCoordinateRange(mesh->shape())) {
        per_chip.add_program(MeshCoordinateRange(coord, coord),
                             store_program(cores, 1000 * (i + 1), 4 * (i + 1)));
        ++i;
    }
    EnqueueMeshWorkload(cq, per_chip, true);
    i = 0;
    const auto& first = tensim::last_program_stats(mesh->get_device({0, 0}));
    const uint64_t launch = first.launch_cycle;
    for (const MeshCoordinate& coord : MeshCoordinateRange(mesh->shape())) {
        IDevice* chip = mesh->get_device(coord);
        pass &= word_at(chip, {0, 0}) == 1000 * (i + 1);
        pass &= tensim::last_program_stats(chip).launch_cycle == launch;  // all started together
        ++i;
    }
    const auto& span = tensim::last_program_stats(mesh.get());
    std::printf(
        "distributed_program_dispatch: %s; broadcast %llu cycles; per-chip programs launched at "
        "cycle %llu, mesh span %llu cycles (%.2f us)\n",
        mesh->to_string().c_str(), static_cast<unsigned long long>(broadcast_cycles),
        static_cast<unsigned long long>(launch),
        static_cast<unsigned long long>(span.device_cycles), span.device_time_us);
    pass &= mesh->close();
    std::printf("%s\n", pass ? "PASS" : "FAIL");
    return pass ? 0 : 1;
}
