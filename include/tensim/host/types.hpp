// Small host-side enums and aliases of TT-Metalium (buffer_types.hpp, kernel_types.hpp,
// base_types.hpp, circular_buffer_constants.h), in the namespaces TT-Metalium puts them.
#pragma once
#include <fmt/format.h>

#include <cstdint>
#include <string_view>

#include "tensim/host/core_coord.hpp"
#include "tensim/host/data_format.hpp"

namespace tt {
enum class ARCH { GRAYSKULL = 1, WORMHOLE_B0 = 3, BLACKHOLE = 4, Invalid = 0xff };
}  // namespace tt

// Semaphore values shared by host and kernels (TT-Metalium hostdevcommon/common_values.hpp).
constexpr static uint32_t INVALID = 0;
constexpr static uint32_t VALID = 1;

namespace tt::tt_metal {

using chip_id_t = int;
using ChipId = int;
using DeviceAddr = uint64_t;
using KernelHandle = uint32_t;
using CBHandle = uintptr_t;

enum class BufferType { DRAM, L1, SYSTEM_MEMORY, L1_SMALL, TRACE };
enum class TensorMemoryLayout {
    INTERLEAVED,
    SINGLE_BANK,
    HEIGHT_SHARDED,
    WIDTH_SHARDED,
    BLOCK_SHARDED
};
enum class ShardOrientation { ROW_MAJOR, COL_MAJOR };
enum class CoreType { WORKER, ETH, PCIE, ARC, DRAM, ACTIVE_ETH, IDLE_ETH, ROUTER_ONLY, TENSIX };

enum class DataMovementProcessor { RISCV_0 = 0, RISCV_1 = 1 };
enum NOC : uint8_t { RISCV_0_default = 0, RISCV_1_default = 1, NOC_0 = 0, NOC_1 = 1 };
enum NOC_MODE : uint8_t { DM_DEDICATED_NOC = 0, DM_DYNAMIC_NOC = 1 };
enum class KernelBuildOptLevel { O1, O2, O3, O0, Os, Ofast, Oz };
enum class Eth { SENDER = 0, RECEIVER = 1, IDLE = 2 };

// Where the dispatch firmware runs (TT-Metalium dispatch_core_common.hpp). tensim dispatches from
// the host model, so the choice takes no cores; it is kept so programs can pass and read it.
enum class DispatchCoreType : uint32_t { WORKER, ETH, COUNT };
enum class DispatchCoreAxis { ROW, COL, COUNT };
class DispatchCoreConfig {
public:
    DispatchCoreConfig() = default;
    DispatchCoreConfig(DispatchCoreType type) : m_type(type) {}
    DispatchCoreConfig(DispatchCoreType type, DispatchCoreAxis axis) : m_type(type), m_axis(axis) {}
    DispatchCoreType get_dispatch_core_type() const { return m_type; }
    void set_dispatch_core_type(DispatchCoreType type) { m_type = type; }
    DispatchCoreAxis get_dispatch_core_axis() const { return m_axis; }
    void set_dispatch_core_axis(DispatchCoreAxis axis) { m_axis = axis; }
    bool operator==(const DispatchCoreConfig&) const = default;

private:
    DispatchCoreType m_type = DispatchCoreType::WORKER;
    DispatchCoreAxis m_axis = DispatchCoreAxis::ROW;
};

// A sub-device of a device's cores and a set of them (TT-Metalium sub_device_types.hpp, strong
// types there: *id reads the value). Without a loaded manager a device has one, id 0.
struct SubDeviceId {
    uint8_t id = 0;
    uint8_t operator*() const { return id; }
    bool operator==(const SubDeviceId&) const = default;
};
struct SubDeviceManagerId {
    uint64_t id = 0;
    uint64_t operator*() const { return id; }
    bool operator==(const SubDeviceManagerId&) const = default;
};

}  // namespace tt::tt_metal

// TT-Metalium keeps MathFidelity and UnpackToDestMode global; they come from data_format.hpp.

// fmt::format("{}", layout) prints the enumerator's name, as TT-Metalium's reflection does.
namespace tensim::host {
std::string_view enum_name(tt::tt_metal::TensorMemoryLayout v);
std::string_view enum_name(tt::tt_metal::BufferType v);
std::string_view enum_name(tt::tt_metal::ShardOrientation v);
}  // namespace tensim::host
template <>
struct fmt::formatter<tt::tt_metal::TensorMemoryLayout> : fmt::formatter<std::string_view> {
    template <typename Context>
    auto format(tt::tt_metal::TensorMemoryLayout v, Context& ctx) const {
        return fmt::formatter<std::string_view>::format(tensim::host::enum_name(v), ctx);
    }
};
template <>
struct fmt::formatter<tt::tt_metal::BufferType> : fmt::formatter<std::string_view> {
    template <typename Context>
    auto format(tt::tt_metal::BufferType v, Context& ctx) const {
        return fmt::formatter<std::string_view>::format(tensim::host::enum_name(v), ctx);
    }
};
template <>
struct fmt::formatter<tt::tt_metal::ShardOrientation> : fmt::formatter<std::string_view> {
    template <typename Context>
    auto format(tt::tt_metal::ShardOrientation v, Context& ctx) const {
        return fmt::formatter<std::string_view>::format(tensim::host::enum_name(v), ctx);
    }
};
