// A test fixture with a scratch directory of its own and a kernel cache inside it
// (<root>/cache, through TENSIM_CACHE), so kernel builds start cold and leave the user's cache
// alone; TENSIM_CACHE is restored and the directory removed afterwards.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <tt-metalium/host_api.hpp>

class PrivateCacheTest : public ::testing::Test {
protected:
    // `name` tells concurrent test binaries' directories apart.
    explicit PrivateCacheTest(const std::string& name)
        : root(std::filesystem::temp_directory_path() / (name + "_" + std::to_string(::getpid()))) {
    }

    void SetUp() override {
        std::filesystem::remove_all(root);
        std::filesystem::create_directories(root);
        if (const char* c = std::getenv("TENSIM_CACHE")) saved = c;
        setenv("TENSIM_CACHE", (root / "cache").c_str(), 1);
        device = tt::tt_metal::CreateDevice(0);
    }
    void TearDown() override {
        tt::tt_metal::CloseDevice(device);
        if (saved)
            setenv("TENSIM_CACHE", saved->c_str(), 1);
        else
            unsetenv("TENSIM_CACHE");
        std::filesystem::remove_all(root);
    }

    const std::filesystem::path root;
    std::optional<std::string> saved;
    tt::tt_metal::IDevice* device = nullptr;
};
