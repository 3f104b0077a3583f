// The MPI transport of a partitioned system (sim/system/partition.hpp) on MPI_COMM_WORLD: the
// all-gather as MPI_Allgather of the sizes then MPI_Allgatherv of the bytes; the reduction of a
// round's headers as one MPI_Allreduce (MIN); the deliveries point to point between link
// neighbours (MPI_Isend, then MPI_Probe for the size and MPI_Recv).
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
    std::vector<uint64_t> min_over_ranks(std::vector<uint64_t> v) override {
        MPI_Allreduce(MPI_IN_PLACE, v.data(), static_cast<int>(v.size()), MPI_UINT64_T, MPI_MIN,
                      MPI_COMM_WORLD);
        return v;
    }
    std::vector<std::vector<uint8_t>> exchange_with(
        const std::vector<int>& peers, const std::vector<std::vector<uint8_t>>& out) override {
        constexpr int kTag = 7;  // MPI keeps messages between a pair with one tag in order
        std::vector<MPI_Request> sends(peers.size());
        for (size_t i = 0; i < peers.size(); ++i)
            MPI_Isend(out[i].data(), static_cast<int>(out[i].size()), MPI_BYTE, peers[i], kTag,
                      MPI_COMM_WORLD, &sends[i]);
        std::vector<std::vector<uint8_t>> in(peers.size());
        for (size_t i = 0; i < peers.size(); ++i) {
            MPI_Status st;
            MPI_Probe(peers[i], kTag, MPI_COMM_WORLD, &st);
            int n = 0;
            MPI_Get_count(&st, MPI_BYTE, &n);
            in[i].resize(static_cast<size_t>(n));
            MPI_Recv(in[i].data(), n, MPI_BYTE, peers[i], kTag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        }
        MPI_Waitall(static_cast<int>(sends.size()), sends.data(), MPI_STATUSES_IGNORE);
        return in;
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
uint64_t sync_bytes() { return sync_stats().bytes_sent; }
int rank() { return g_rank; }
int ranks() { return g_ranks; }

}  // namespace tensim::scaleout
