// Program construction: kernels, CBs, semaphores and runtime args (TT-Metalium host_api.hpp).
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "common/error.hpp"
#include "host/program_impl.hpp"
#include "jit/kernel_build.hpp"
#include "tensix/l1_map.hpp"

namespace tt::tt_metal {

using tensim::HostError;
using tensim::host::ProgramImpl;

uint32_t& RuntimeArgsData::operator[](size_t i) {
    if (i >= rt_args_count)
        throw HostError(
            fmt::format("runtime arg index {} out of range ({} args set)", i, rt_args_count));
    return rt_args_data[i];
}
const uint32_t& RuntimeArgsData::operator[](size_t i) const {
    return const_cast<RuntimeArgsData&>(*this)[i];
}

Program::Program() : m_impl(std::make_unique<ProgramImpl>()) {}
Program::~Program() = default;
Program::Program(Program&&) noexcept = default;
Program& Program::operator=(Program&&) noexcept = default;

Program CreateProgram() { return Program(); }

ReaderDataMovementConfig::ReaderDataMovementConfig(std::vector<uint32_t> args,
                                                   std::map<std::string, std::string> defs,
                                                   KernelBuildOptLevel opt) {
    processor = DataMovementProcessor::RISCV_1;
    noc = NOC::RISCV_0_default;
    compile_args = std::move(args);
    defines = std::move(defs);
    opt_level = opt;
}

WriterDataMovementConfig::WriterDataMovementConfig(std::vector<uint32_t> args,
                                                   std::map<std::string, std::string> defs,
                                                   KernelBuildOptLevel opt) {
    processor = DataMovementProcessor::RISCV_0;
    noc = NOC::RISCV_1_default;
    compile_args = std::move(args);
    defines = std::move(defs);
    opt_level = opt;
}

KernelHandle CreateKernel(
    Program& program, const std::string& file_name, const CoreSpec& core_spec,
    const std::variant<DataMovementConfig, ComputeConfig, EthernetConfig>& config) {
    tensim::host::KernelDef k;
    k.name = file_name;
    k.source_path = tensim::jit::resolve_kernel_path(file_name);
    k.cores = tensim::host::to_range_set(core_spec);
    k.config = config;
    k.compute = std::holds_alternative<ComputeConfig>(config);
    // An Ethernet kernel runs on the ERISC of each logical Ethernet core (0, channel) it names.
    k.eth = std::holds_alternative<EthernetConfig>(config);
    k.risc = k.compute ? 2
             : k.eth   ? 0
                       : static_cast<int>(std::get<DataMovementConfig>(config).processor);
    ProgramImpl& p = tensim::host::impl_of(program);
    p.kernels.push_back(std::move(k));
    return static_cast<KernelHandle>(p.kernels.size() - 1);
}

KernelHandle CreateKernelFromString(
    Program& program, const std::string& kernel_src_code, const CoreSpec& core_spec,
    const std::variant<DataMovementConfig, ComputeConfig, EthernetConfig>& config) {
    // The source goes to a file in the kernel cache, named by its content, and builds from there.
    namespace fs = std::filesystem;
    fs::path dir = fs::path(tensim::jit::cache_dir()) / "sources";
    fs::create_directories(dir);
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : kernel_src_code) h = (h ^ c) * 1099511628211ull;
    fs::path file = dir / fmt::format("kernel_{:016x}.cpp", h);
    if (!fs::exists(file)) {  // whole or not at all: another process may build it at once
        const fs::path tmp = file.string() + fmt::format(".tmp{}", ::getpid());
        std::ofstream(tmp) << kernel_src_code;
        fs::rename(tmp, file);
    }
    return CreateKernel(program, file.string(), core_spec, config);
}

CBHandle CreateCircularBuffer(Program& program, const CoreSpec& core_spec,
                              const CircularBufferConfig& config) {
    ProgramImpl& p = tensim::host::impl_of(program);
    p.cbs.push_back({tensim::host::to_range_set(core_spec), config});
    return static_cast<CBHandle>(p.cbs.size());  // 1-based so that 0 is never a handle
}

namespace {
tensim::host::CbDef& cb_def(Program& program, CBHandle h, const char* call) {
    auto& cbs = tensim::host::impl_of(program).cbs;
    if (h == 0 || h > cbs.size())
        throw HostError(fmt::format("{}: no circular buffer with handle {}", call, h));
    return cbs[h - 1];
}
}  // namespace

const CircularBufferConfig& GetCircularBufferConfig(Program& program, CBHandle h) {
    return cb_def(program, h, "GetCircularBufferConfig").config;
}
void UpdateCircularBufferTotalSize(Program& program, CBHandle h, uint32_t total_size) {
    cb_def(program, h, "UpdateCircularBufferTotalSize").config.set_total_size(total_size);
}
void UpdateCircularBufferPageSize(Program& program, CBHandle h, uint8_t index, uint32_t page_size) {
    cb_def(program, h, "UpdateCircularBufferPageSize").config.set_page_size(index, page_size);
}
void UpdateDynamicCircularBufferAddress(Program& program, CBHandle h, const Buffer& buffer) {
    cb_def(program, h, "UpdateDynamicCircularBufferAddress")
        .config.set_globally_allocated_address(buffer);
}

uint32_t CreateSemaphore(Program& program, const std::variant<CoreRange, CoreRangeSet>& core_spec,
                         uint32_t initial_value, CoreType core_type) {
    if (core_type != CoreType::WORKER)
        throw HostError("CreateSemaphore: only worker-core semaphores are modelled");
    CoreRangeSet cores = std::holds_alternative<CoreRange>(core_spec)
                             ? CoreRangeSet(std::get<CoreRange>(core_spec))
                             : std::get<CoreRangeSet>(core_spec);
    ProgramImpl& p = tensim::host::impl_of(program);
    // The smallest id free on every core of the range, as TT-Metal picks it.
    uint32_t id = 0;
    for (bool clash = true; clash;) {
        clash = false;
        for (const auto& s : p.semaphores)
            if (s.id == id && s.cores.intersects(cores)) {
                clash = true;
                ++id;
                break;
            }
    }
    if (id >= tensim::l1_map::kMaxSemaphores)
        throw HostError(
            fmt::format("CreateSemaphore on {}: all {} semaphores of these cores are taken",
                        cores.str(), tensim::l1_map::kMaxSemaphores));
    p.semaphores.push_back({cores, id, initial_value});
    return id;
}

namespace {
void set_args(tensim::host::KernelDef& k, const CoreCoord& c, std::span<const uint32_t> args) {
    if (!k.cores.contains(c))
        throw HostError(
            fmt::format("SetRuntimeArgs: kernel {} does not run on core {}", k.name, c.str()));
    if (args.size() > tensim::l1_map::kMaxRuntimeArgs)
        throw HostError(fmt::format("SetRuntimeArgs: {} args for kernel {} on core {}; at most {}",
                                    args.size(), k.name, c.str(), tensim::l1_map::kMaxRuntimeArgs));
    auto& blk = k.args[c];
    if (!blk) blk = std::make_unique<tensim::host::ArgBlock>();
    std::copy(args.begin(), args.end(), blk->words.begin());
    blk->view.rt_args_count = args.size();
}
}  // namespace

void SetRuntimeArgs(const Program& program, KernelHandle kernel, const CoreSpec& core_spec,
                    std::span<const uint32_t> runtime_args) {
    auto& k = tensim::host::impl_of(program).kernel(kernel, "SetRuntimeArgs");
    const CoreRangeSet cores = tensim::host::to_range_set(core_spec);
    for (const auto& range : cores.ranges())
        for (const auto& c : range) set_args(k, c, runtime_args);
}

void SetRuntimeArgs(const Program& program, KernelHandle kernel, const CoreSpec& core_spec,
                    std::initializer_list<uint32_t> runtime_args) {
    SetRuntimeArgs(program, kernel, core_spec,
                   std::span<const uint32_t>(runtime_args.begin(), runtime_args.size()));
}

void SetRuntimeArgs(const Program& program, KernelHandle kernel,
                    const std::vector<CoreCoord>& cores,
                    const std::vector<std::vector<uint32_t>>& runtime_args) {
    if (cores.size() != runtime_args.size())
        throw HostError(fmt::format("SetRuntimeArgs: {} cores but {} argument lists", cores.size(),
                                    runtime_args.size()));
    auto& k = tensim::host::impl_of(program).kernel(kernel, "SetRuntimeArgs");
    for (size_t i = 0; i < cores.size(); ++i) set_args(k, cores[i], runtime_args[i]);
}

void SetCommonRuntimeArgs(const Program& program, KernelHandle kernel,
                          std::span<const uint32_t> runtime_args) {
    auto& k = tensim::host::impl_of(program).kernel(kernel, "SetCommonRuntimeArgs");
    if (runtime_args.size() > tensim::l1_map::kMaxRuntimeArgs)
        throw HostError(fmt::format("SetCommonRuntimeArgs: {} args for kernel {}; at most {}",
                                    runtime_args.size(), k.name, tensim::l1_map::kMaxRuntimeArgs));
    std::copy(runtime_args.begin(), runtime_args.end(), k.common_args.words.begin());
    k.common_args.view.rt_args_count = runtime_args.size();
}

void SetCommonRuntimeArgs(const Program& program, KernelHandle kernel,
                          std::initializer_list<uint32_t> runtime_args) {
    SetCommonRuntimeArgs(program, kernel,
                         std::span<const uint32_t>(runtime_args.begin(), runtime_args.size()));
}

RuntimeArgsData& GetRuntimeArgs(const Program& program, KernelHandle kernel,
                                const CoreCoord& core) {
    auto& k = tensim::host::impl_of(program).kernel(kernel, "GetRuntimeArgs");
    auto it = k.args.find(core);
    if (it == k.args.end())
        throw HostError(fmt::format("GetRuntimeArgs: no runtime args set for kernel {} on core {}",
                                    k.name, core.str()));
    return it->second->view;
}

RuntimeArgsData& GetCommonRuntimeArgs(const Program& program, KernelHandle kernel) {
    return tensim::host::impl_of(program).kernel(kernel, "GetCommonRuntimeArgs").common_args.view;
}

}  // namespace tt::tt_metal

namespace tensim::host {

ProgramImpl& impl_of(const tt::tt_metal::Program& program) {
    // A moved-from Program holds nothing: every call on it used to dereference null.
    if (!program.m_impl)
        throw HostError("Program: used after it was moved from (std::move leaves it empty)");
    return *program.m_impl;
}

KernelDef& ProgramImpl::kernel(tt::tt_metal::KernelHandle h, const char* call) {
    if (h >= kernels.size())
        throw HostError(fmt::format("{}: no kernel with handle {} in this program", call, h));
    return kernels[h];
}

CoreRangeSet to_range_set(const tt::tt_metal::CoreSpec& spec) {
    if (auto c = std::get_if<CoreCoord>(&spec)) return CoreRangeSet(CoreRange(*c));
    if (auto r = std::get_if<CoreRange>(&spec)) return CoreRangeSet(*r);
    return std::get<CoreRangeSet>(spec);
}

}  // namespace tensim::host
