// TT-Metalium <tt-metalium/sub_device.hpp>: a sub-device is a set of a device's cores that runs
// programs on its own. tensim models one sub-device holding every core (SubDeviceId{0}); the type
// exists so programs naming it compile.
#pragma once
#include <array>
#include <tensim/host/core_coord.hpp>
#include <tensim/host/types.hpp>
#include <tt_stl/assert.hpp>  // TT-Metalium's headers make TT_FATAL / TT_THROW visible
#include <vector>

namespace tt::tt_metal {

enum class HalProgrammableCoreType { TENSIX = 0, ACTIVE_ETH = 1, IDLE_ETH = 2 };

class SubDevice {
public:
    SubDevice(const std::vector<CoreRangeSet>& cores) : m_cores(cores) {}
    SubDevice(std::initializer_list<CoreRangeSet> cores) : m_cores(cores) {}
    const CoreRangeSet& cores(HalProgrammableCoreType type) const {
        static const CoreRangeSet none;
        const auto i = static_cast<size_t>(type);
        return i < m_cores.size() ? m_cores[i] : none;
    }

private:
    std::vector<CoreRangeSet> m_cores;
};

}  // namespace tt::tt_metal
