// The MPI transport of a partitioned system (sim/system/partition.hpp): MPI_COMM_WORLD, and the
// one collective a partition needs as MPI_Allgather of the sizes then MPI_Allgatherv of the bytes.
// Built against Open MPI when CMake finds it (option TENSIM_MPI); otherwise init_mpi says so.
#include <cstdlib>
#include <memory>

#include "common/error.hpp"
#include "system/partition.hpp"
#include "system/sync_stats.hpp"
#include "tensim/scaleout.hpp"

#ifdef TENSIM_HAVE_MPI
#include <mpi.h>
#endif

namespace tensim::scaleout {

namespace {
int g_rank = 0, g_ranks = 1;
bool g_active = false;

#ifdef TENSIM_HAVE_MPI
class MpiTransport : public Transport {
public:
    int rank() const override { return g_rank; }
    int size() const override { return g_ranks; }
    std::vector<std::vector<uint8_t>> allgather(const std::vector<uint8_t>& mine) override {
        const int n = static_cast<int>(mine.size());
        std::vector<int> sizes(static_cast<size_t>(g_ranks)), displs(sizes.size());
        MPI_Allgather(&n, 1, MPI_INT, sizes.data(), 1, MPI_INT, MPI_COMM_WORLD);
        int total = 0;
        for (size_t r = 0; r < sizes.size(); ++r) displs[r] = total, total += sizes[r];
        std::vector<uint8_t> all(static_cast<size_t>(total));
        MPI_Allgatherv(mine.data(), n, MPI_BYTE, all.data(), sizes.data(), displs.data(), MPI_BYTE,
                       MPI_COMM_WORLD);
        std::vector<std::vector<uint8_t>> out;
        for (size_t r = 0; r < sizes.size(); ++r)
            out.emplace_back(all.begin() + displs[r], all.begin() + displs[r] + sizes[r]);
        return out;
    }
};

void finalize() {
    int done = 0;
    MPI_Finalized(&done);
    if (!done) MPI_Finalize();
}
#endif
}  // namespace

bool available() {
#ifdef TENSIM_HAVE_MPI
    return true;
#else
    return false;
#endif
}

void init_mpi() {
    if (g_active) return;
#ifdef TENSIM_HAVE_MPI
    int inited = 0;
    MPI_Initialized(&inited);
    if (!inited) {
        MPI_Init(nullptr, nullptr);
        std::atexit(finalize);
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &g_ranks);
    g_active = true;
    set_transport(std::make_shared<MpiTransport>());
#else
    throw ConfigError(
        "this tensim was built without MPI (install libopenmpi-dev and reconfigure with "
        "-DTENSIM_MPI=ON)");
#endif
}

bool active() { return g_active; }
uint64_t sync_rounds() { return sync_stats().rounds; }
double sync_seconds() { return sync_stats().exchange_s; }
int rank() { return g_rank; }
int ranks() { return g_ranks; }

}  // namespace tensim::scaleout
