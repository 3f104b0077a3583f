#include "jit/kernel_pch.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <tuple>

#include "common/error.hpp"
#include "jit/build_util.hpp"

namespace tensim::jit {

namespace fs = std::filesystem;

std::string file_digest(const std::string& path) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return "";
    using Stamp = std::tuple<std::string, int64_t, int64_t, int64_t>;
    static std::map<Stamp, std::string> digests;
    static std::mutex mutex;
    const Stamp stamp{path, st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec};
    {
        std::lock_guard<std::mutex> lock(mutex);
        if (auto it = digests.find(stamp); it != digests.end()) return it->second;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) return "";
    const std::string bytes = read_file(path);
    const std::string digest = fmt::format("{:016x}.{}", fnv1a(bytes), bytes.size());
    std::lock_guard<std::mutex> lock(mutex);
    digests[stamp] = digest;
    return digest;
}

std::vector<std::string> dependency_files(const std::string& depfile) {
    // "target: a b \<newline> c": words separated by unescaped blanks; "\ " is a space in a name.
    std::vector<std::string> files;
    std::string word;
    bool target = true;
    auto flush = [&] {
        if (!word.empty()) {
            if (target && word.back() == ':') {
                target = false;
            } else if (!target) {
                files.push_back(word);
            }
        }
        word.clear();
    };
    for (size_t i = 0; i < depfile.size(); ++i) {
        const char c = depfile[i];
        if (c == '\\' && i + 1 < depfile.size() && (depfile[i + 1] == '\n')) {
            flush();
            ++i;
        } else if (c == '\\' && i + 1 < depfile.size() &&
                   (depfile[i + 1] == ' ' || depfile[i + 1] == '#')) {
            word += depfile[++i];
        } else if (c == '$' && i + 1 < depfile.size() && depfile[i + 1] == '$') {
            word += depfile[++i];
        } else if (c == ' ' || c == '\t' || c == '\n') {
            flush();
        } else {
            word += c;
        }
    }
    flush();
    return files;
}

namespace pch {

namespace {

constexpr const char* kStampMagic = "tensim-kernel-pch 1";

// One directory per (compiler, flags, header): flags differ by optimisation level and sanitizers.
fs::path variant_dir(const std::string& root, const std::string& cxx, const std::string& flags,
                     const std::string& header) {
    return fs::path(root) / fmt::format("{:016x}", fnv1a(header, fnv1a(flags, fnv1a(cxx))));
}

// The stamp beside the precompiled header: what it was built with, then "digest\tpath" for each
// file it was made from.
std::string stamp_head(const std::string& cxx, const std::string& flags,
                       const std::string& header) {
    return fmt::format("{}\n{}\n{}\n{}\n", kStampMagic, cxx, flags, header);
}

std::unique_ptr<Found> check(const fs::path& dir, const std::string& head,
                             const std::string& header) {
    std::error_code ec;
    if (!fs::is_regular_file(dir / (header + ".gch"), ec)) return nullptr;
    const std::string stamp = read_file(dir / "stamp");
    if (stamp.rfind(head, 0) != 0) return nullptr;
    auto found = std::make_unique<Found>();
    found->include_dir = dir.string();
    std::istringstream in(stamp.substr(head.size()));
    std::string line;
    while (std::getline(in, line)) {
        const size_t tab = line.find('\t');
        if (tab == std::string::npos) return nullptr;
        const std::string digest = line.substr(0, tab), path = line.substr(tab + 1);
        if (file_digest(path) != digest) return nullptr;
        found->files[path] = digest;
    }
    return found->files.empty() ? nullptr : std::move(found);
}

}  // namespace

std::string header_for(const std::string& processor) {
    return processor == "trisc1" ? "tensim_kernel_pch_math.h" : "tensim_kernel_pch.h";
}

const Found* find(const std::string& root, const std::string& cxx, const std::string& flags,
                  const std::string& header) {
    static std::map<std::string, std::unique_ptr<Found>> checked;
    static std::mutex mutex;
    const fs::path dir = variant_dir(root, cxx, flags, header);
    std::lock_guard<std::mutex> lock(mutex);
    auto it = checked.find(dir.string());
    if (it == checked.end())
        it =
            checked.emplace(dir.string(), check(dir, stamp_head(cxx, flags, header), header)).first;
    return it->second.get();
}

void build(const std::string& root, const std::string& cxx, const std::string& flags,
           const std::string& kernel_api, const std::string& header) {
    const fs::path dir = variant_dir(root, cxx, flags, header);
    fs::create_directories(dir);
    const fs::path gch = dir / (header + ".gch"), deps = dir / "deps";
    const std::string tmp = gch.string() + ".tmp" + tmp_suffix();
    std::string stamp;
    // A header written while it was precompiled may have been read with its old text: again
    // (twice at most).
    for (int attempt = 0;; ++attempt) {
        const uint64_t started = now_ns();
        std::string out;
        if (run(fmt::format("{} {} -x c++-header {} -MD -MF {} -MT pch -o {}", cxx, flags,
                            quote((fs::path(kernel_api) / header).string()), quote(deps.string()),
                            quote(tmp)),
                out) != 0) {
            std::error_code ec;
            fs::remove(tmp, ec);
            throw InternalError(fmt::format("cannot precompile {}:\n{}", header, out));
        }
        stamp = stamp_head(cxx, flags, header);
        bool written = false;
        for (const std::string& f : dependency_files(read_file(deps))) {
            stamp += fmt::format("{}\t{}\n", file_digest(f), f);
            written = written || modified_since(f, started);
        }
        if (!written || attempt == 2) break;
    }
    fs::remove(deps);
    // The old stamp goes first: a reader never pairs a new header with the old stamp.
    fs::remove(dir / "stamp");
    fs::rename(tmp, gch);
    publish_text(dir / "stamp", stamp);
}

}  // namespace pch
}  // namespace tensim::jit
