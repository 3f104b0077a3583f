// TT-Metalium <tt-metalium/sub_device.hpp>: a sub-device is a set of a device's cores that runs
// programs on its own (one CoreRangeSet per programmable core type: Tensix, active Ethernet, idle
// Ethernet). A mesh device groups sub-devices in a manager (MeshDevice::create_sub_device_manager);
// without one loaded, sub-device 0 holds every core.
#pragma once
#include <array>
#include <cstddef>
#include <initializer_list>
#include <span>
#include <tensim/host/core_coord.hpp>
#include <tensim/host/types.hpp>
#include <tt_stl/assert.hpp>  // TT-Metalium's headers make TT_FATAL / TT_THROW visible
#include <vector>

namespace tt::tt_metal {

enum class HalProgrammableCoreType { TENSIX = 0, ACTIVE_ETH = 1, IDLE_ETH = 2 };

class SubDevice {
public:
    // TT-Metalium takes a span of CoreRangeSets (Tensix first); arrays and vectors convert.
    explicit SubDevice(std::span<const CoreRangeSet> cores) : m_cores(cores.begin(), cores.end()) {}
    template <std::size_t N>
    SubDevice(const std::array<CoreRangeSet, N>& cores) : m_cores(cores.begin(), cores.end()) {}
    SubDevice(const std::vector<CoreRangeSet>& cores) : m_cores(cores) {}
    SubDevice(std::initializer_list<CoreRangeSet> cores) : m_cores(cores) {}

    const CoreRangeSet& cores(HalProgrammableCoreType type) const {
        static const CoreRangeSet none;
        const auto i = static_cast<std::size_t>(type);
        return i < m_cores.size() ? m_cores[i] : none;
    }
    bool has_core_type(HalProgrammableCoreType type) const { return !cores(type).empty(); }
    uint32_t num_cores(HalProgrammableCoreType type) const { return cores(type).num_cores(); }

private:
    std::vector<CoreRangeSet> m_cores;
};

}  // namespace tt::tt_metal
