// Programs: kernels, circular buffers, semaphores and runtime args over sets of cores
// (TT-Metalium host_api.hpp / program.hpp).
#pragma once
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "tensim/host/circular_buffer_config.hpp"
#include "tensim/host/core_coord.hpp"
#include "tensim/host/kernel_config.hpp"

namespace tt::tt_metal {
class Program;
}
namespace tensim::host {
struct ProgramImpl;
// Inside the library only (declared for the friend below; defined in src/host/program.cpp).
ProgramImpl& impl_of(const tt::tt_metal::Program& program);
}  // namespace tensim::host

namespace tt::tt_metal {

// A view of one core's runtime args, as TT-Metalium's GetRuntimeArgs returns.
struct RuntimeArgsData {
    uint32_t* rt_args_data = nullptr;
    size_t rt_args_count = 0;
    uint32_t& operator[](size_t i);
    const uint32_t& operator[](size_t i) const;
    uint32_t& at(size_t i) { return (*this)[i]; }
    size_t size() const { return rt_args_count; }
    uint32_t* data() { return rt_args_data; }
};

class Program {
public:
    Program();
    ~Program();
    Program(Program&&) noexcept;
    Program& operator=(Program&&) noexcept;
    Program(const Program&) = delete;
    Program& operator=(const Program&) = delete;

    // A user tag for the program's runs (TT-Metalium: the device profiler's run id); tensim keeps
    // it for the caller and the profiler.
    void set_runtime_id(uint64_t id) { m_runtime_id = id; }
    uint64_t get_runtime_id() const { return m_runtime_id; }

private:
    // What the program holds until it is launched, reached by the library only.
    friend tensim::host::ProgramImpl& tensim::host::impl_of(const Program& program);
    std::unique_ptr<tensim::host::ProgramImpl> m_impl;
    uint64_t m_runtime_id = 0;
};

using CoreSpec = std::variant<CoreCoord, CoreRange, CoreRangeSet>;

Program CreateProgram();

KernelHandle CreateKernel(
    Program& program, const std::string& file_name, const CoreSpec& core_spec,
    const std::variant<DataMovementConfig, ComputeConfig, EthernetConfig>& config);
KernelHandle CreateKernelFromString(
    Program& program, const std::string& kernel_src_code, const CoreSpec& core_spec,
    const std::variant<DataMovementConfig, ComputeConfig, EthernetConfig>& config);

CBHandle CreateCircularBuffer(Program& program, const CoreSpec& core_spec,
                              const CircularBufferConfig& config);
const CircularBufferConfig& GetCircularBufferConfig(Program& program, CBHandle cb_handle);
void UpdateCircularBufferTotalSize(Program& program, CBHandle cb_handle, uint32_t total_size);
void UpdateCircularBufferPageSize(Program& program, CBHandle cb_handle, uint8_t buffer_index,
                                  uint32_t page_size);
void UpdateDynamicCircularBufferAddress(Program& program, CBHandle cb_handle, const Buffer& buffer);

uint32_t CreateSemaphore(Program& program, const std::variant<CoreRange, CoreRangeSet>& core_spec,
                         uint32_t initial_value, CoreType core_type = CoreType::WORKER);

void SetRuntimeArgs(const Program& program, KernelHandle kernel, const CoreSpec& core_spec,
                    std::span<const uint32_t> runtime_args);
void SetRuntimeArgs(const Program& program, KernelHandle kernel, const CoreSpec& core_spec,
                    std::initializer_list<uint32_t> runtime_args);
void SetRuntimeArgs(const Program& program, KernelHandle kernel,
                    const std::vector<CoreCoord>& core_spec,
                    const std::vector<std::vector<uint32_t>>& runtime_args);
void SetCommonRuntimeArgs(const Program& program, KernelHandle kernel,
                          std::span<const uint32_t> runtime_args);
void SetCommonRuntimeArgs(const Program& program, KernelHandle kernel,
                          std::initializer_list<uint32_t> runtime_args);
RuntimeArgsData& GetRuntimeArgs(const Program& program, KernelHandle kernel,
                                const CoreCoord& logical_core);
RuntimeArgsData& GetCommonRuntimeArgs(const Program& program, KernelHandle kernel);

}  // namespace tt::tt_metal
