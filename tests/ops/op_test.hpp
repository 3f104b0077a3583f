// What the op tests share: uniform random host data, and a fixture with device 0 open that puts
// numerics back to the default (faithful) after each test.
#pragma once
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "tensim/host/device.hpp"
#include "tensim/host/tensim.hpp"

namespace tensim::test {

inline std::vector<float> uniform(size_t n, uint32_t seed) {
    std::mt19937 g(seed);
    std::uniform_real_distribution<float> d(-1.0f, 1.0f);
    std::vector<float> v(n);
    for (float& x : v) x = d(g);
    return v;
}

class DeviceTest : public ::testing::Test {
protected:
    void SetUp() override { dev = tt::tt_metal::CreateDevice(0); }
    void TearDown() override {
        tt::tt_metal::CloseDevice(dev);
        tensim::set_numerics("faithful");
    }
    tt::tt_metal::IDevice* dev = nullptr;
};

}  // namespace tensim::test
