// A system split over ranks (docs/scale-out.md): which chips this process simulates, and the
// conservative synchronisation that keeps every rank's SystemC kernel in step with the others.
// Modelled: Ethernet packets that cross the partition, sent to the receiving chip's rank with the
// cycle they drain into its L1; windows bounded by the lookahead, the smallest one-way latency of
// a link that crosses ranks (a packet sent at T drains at T + latency or later, as SST's
// conservative sync assumes); the end of a run as the latest end over ranks, which every rank then
// reaches. Abstracted: how bytes travel between ranks (a Transport: MPI in src/scaleout), and a
// failure on one rank ends the run everywhere.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.hpp"

namespace tensim {

// What a partition needs from the ranks: who we are, an all-gather, and (by default built on it)
// a reduction and a point-to-point exchange between neighbours.
class Transport {
public:
    virtual ~Transport() = default;
    virtual int rank() const = 0;
    virtual int size() const = 0;
    // Every rank passes its bytes and receives every rank's, indexed by rank.
    virtual std::vector<std::vector<uint8_t>> allgather(const std::vector<uint8_t>& mine) = 0;
    // The per-element minimum over ranks (every rank passes as many).
    virtual std::vector<uint64_t> min_over_ranks(std::vector<uint64_t> v);
    // Sends out[i] to peers[i] and returns what each peer sent here, in the same order. Peers
    // are symmetric (a rank that names r is named by r) and each pair exchanges every call.
    virtual std::vector<std::vector<uint8_t>> exchange_with(
        const std::vector<int>& peers, const std::vector<std::vector<uint8_t>>& out);
};

// The transport every System built from now on splits its chips over (nullptr: one process).
void set_transport(std::shared_ptr<Transport> t);
Transport* transport();

// One Ethernet delivery crossing ranks: `bytes` land at L1 `offset` of chip `chip`'s tile
// E<channel> when cycle `drained` begins.
struct RemoteDelivery {
    Cycle drained = 0;
    int32_t chip = 0, channel = 0;
    uint64_t offset = 0;
    std::vector<uint8_t> bytes;
};

class System;

class Partition {
public:
    // Chips go to ranks in contiguous blocks of ids (chip c on rank c * ranks / chips), so a
    // mesh's rows stay together.
    Partition(System& sys, Transport& t);

    int rank() const { return m_t.rank(); }
    int ranks() const { return m_t.size(); }
    int owner(int chip) const { return m_owner.at(static_cast<size_t>(chip)); }
    bool local(int chip) const { return owner(chip) == rank(); }
    Cycle lookahead() const { return m_lookahead; }

    // Queues a delivery for the rank that owns its chip; sent at the end of the window. The
    // sender's time is `now`; the drain must lie a lookahead later.
    void send(RemoteDelivery d, Cycle now);

    // Runs this rank until done() holds on every rank; all ranks end at the latest end. When
    // failed() holds on some rank, the others throw an Error naming it and that rank returns
    // (its own error is the one to report).
    void run_until(const std::function<bool()>& done, const std::function<bool()>& failed,
                   Cycle limit_cycles);
    // Moves every rank's time to the latest rank's (after work whose length differs by rank).
    void align_time();
    // The per-element maximum over ranks.
    std::vector<uint64_t> max_over_ranks(std::vector<uint64_t> v);
    // Host reads: `mine` as read here from chip `chip`'s memory, replaced by the owner's bytes
    // (only the owner simulates the chip). Every rank calls it at the same point of the host
    // program (SPMD), as every rank runs the same host program; the owner's bytes reach all.
    std::vector<uint8_t> from_owner(int chip, std::vector<uint8_t> mine);

    // Rounds (windows) run so far, for the report in docs/scale-out.md.
    uint64_t windows() const { return m_windows; }
    // The ranks this one shares an Ethernet link with: the only ones deliveries go to or come from.
    const std::vector<int>& peers() const { return m_peers; }

private:
    struct Header;
    struct Summary;
    Summary exchange(const Header& mine);
    void deliver(const RemoteDelivery& d);

    System& m_sys;
    Transport& m_t;
    std::vector<int> m_owner;
    Cycle m_lookahead = 0;
    std::vector<int> m_peers;
    std::vector<RemoteDelivery> m_outbox;
    uint64_t m_windows = 0;
};

}  // namespace tensim
