#include "common/data_paths.hpp"

#include <dlfcn.h>

#include <filesystem>
#include <fstream>

#include "common/error.hpp"

namespace tensim {

namespace fs = std::filesystem;

namespace {

// The directory of the shared object holding this function: libtensim.so, wherever it was loaded.
fs::path library_dir() {
    Dl_info info{};
    if (dladdr(reinterpret_cast<const void*>(&library_dir), &info) == 0 || !info.dli_fname)
        throw InternalError("cannot locate libtensim (dladdr failed)");
    return fs::weakly_canonical(fs::path(info.dli_fname)).parent_path();
}

std::string normal(const fs::path& p) { return p.lexically_normal().string(); }

DataPaths find_paths() {
    const fs::path lib = library_dir();
    std::ifstream marker(lib / "tensim-source-tree");
    std::string src;
    if (marker && std::getline(marker, src) && !src.empty()) {
        const fs::path s(src);
        return {normal(s),
                normal(s / "sim/arch"),
                normal(s / "models/presets"),
                normal(s / "include/tensim/kernel_api"),
                normal(s / "include"),
                normal(lib / "tensim-kernel-pch")};
    }
    const fs::path data = lib / TENSIM_LIB_TO_DATA, include = lib / TENSIM_LIB_TO_INCLUDE;
    return {normal(data),
            normal(data / "arch"),
            normal(data / "models/presets"),
            normal(include / "tensim/kernel_api"),
            normal(include),
            normal(lib / "tensim-kernel-pch")};
}

}  // namespace

const DataPaths& data_paths() {
    static const DataPaths paths = find_paths();
    return paths;
}

}  // namespace tensim
