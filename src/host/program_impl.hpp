// What a Program holds on the host side until it is launched.
#pragma once
#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "jit/kernel_build.hpp"
#include "tensim/host/program.hpp"
#include "tensix/l1_map.hpp"

namespace tensim::host {

// Runtime args of one kernel on one core, at a stable address (RuntimeArgsData points here).
struct ArgBlock {
    std::array<uint32_t, l1_map::kMaxRuntimeArgs> words{};
    tt::tt_metal::RuntimeArgsData view;
    ArgBlock() { view.rt_args_data = words.data(); }
};

struct KernelDef {
    std::string name;         // as given to CreateKernel (or "<string>")
    std::string source_path;  // resolved
    CoreRangeSet cores;
    std::variant<tt::tt_metal::DataMovementConfig, tt::tt_metal::ComputeConfig,
                 tt::tt_metal::EthernetConfig>
        config;
    bool compute = false;  // a compute kernel runs on TRISC0-2, a data-movement one on `risc`
    bool eth = false;      // an Ethernet kernel: `cores` are logical Ethernet cores, its ERISCs
    // A persistent kernel (a fabric router) serves the others: the program ends when its other
    // kernels have, and it is then stopped, as TT-Metal's persistent fabric outlives each op.
    bool persistent = false;
    int risc = 0;  // 0 BRISC, 1 NCRISC
    std::map<CoreCoord, std::unique_ptr<ArgBlock>> args;
    ArgBlock common_args;
    std::vector<std::shared_ptr<const jit::KernelBinary>> binaries;  // one per RISC it runs on
    // The RISCs this kernel occupies on each of its cores.
    std::vector<int> riscs() const {
        return compute ? std::vector<int>{2, 3, 4} : std::vector<int>{risc};
    }
};

struct CbDef {
    CoreRangeSet cores;
    tt::tt_metal::CircularBufferConfig config;
};

struct SemaphoreDef {
    CoreRangeSet cores;
    uint32_t id = 0;
    uint32_t initial_value = 0;
};

struct ProgramImpl {
    std::string name;  // set_program_name; empty: named after its kernels
    std::vector<KernelDef> kernels;
    std::vector<CbDef> cbs;
    std::vector<SemaphoreDef> semaphores;

    KernelDef& kernel(tt::tt_metal::KernelHandle h, const char* call);
};

// All cores of a CoreSpec, row-major.
CoreRangeSet to_range_set(const tt::tt_metal::CoreSpec& spec);

}  // namespace tensim::host
