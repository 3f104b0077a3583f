// What the NoC's transaction layer (noc/transactions.hpp) needs of the two ends of a transaction.
// An Endpoint is the memory behind a tile's NIU, as the NIU's slave side sees it: it resolves a
// local address, serves reads, commits writes, and holds the bytes. A NocInitiator is the issuing
// side: a RISC that programs NoC commands and counts what is outstanding. Implemented by Tensix L1
// (sim/tensix) and DRAM tiles (sim/dram); an Ethernet or PCIe tile is one more Endpoint.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <source_location>
#include <string>
#include <tuple>

#include "common/clock.hpp"
#include "common/trace.hpp"
#include "noc/noc_xy.hpp"
#include "noc/port_buffer.hpp"

namespace tensim {

// The input buffer of the router port in front of an endpoint, and the VC a packet holds in it.
// An endpoint slower than a link lets write data wait there (PortBuffer); a fast one ignores it.
struct RouterPort {
    PortBuffer& buffer;
    uint64_t vc;
};

class Endpoint {
public:
    virtual ~Endpoint() = default;

    // ---- the contract ----
    // Where [local, local + size) lands in this endpoint (an offset into its storage), or nullopt
    // when that range is not all inside its memory.
    virtual std::optional<uint64_t> resolve(uint64_t local, uint32_t size) const = 0;
    struct ReadTiming {
        Cycle first;  // the first byte can leave
        Cycle ready;  // the last byte has been read
    };
    // A read request for `bytes` at `offset` arriving at `t`.
    virtual ReadTiming serve_read(uint64_t offset, uint32_t bytes, Cycle t) = 0;
    // Cycles from a write packet's arrival until the endpoint commits it (its bytes become
    // visible).
    virtual Cycle write_commit_delay() const = 0;
    // Times a write of `bytes` at `offset` committed at `t` (its bytes already stored); returns the
    // cycle its ack may leave.
    virtual Cycle commit_write(uint64_t offset, uint32_t bytes, Cycle t, RouterPort port) = 0;

    // ---- the bytes ----
    virtual void read_bytes(uint64_t offset, void* dst, size_t n) const = 0;
    virtual void write_bytes(uint64_t offset, const void* src, size_t n) = 0;
    // True only when [offset, offset + n) is known, without touching it, to read as zeros (memory
    // nothing was written to); the NoC then carries no payload copy (`timing` numerics moves
    // zeros almost everywhere). False is always a correct answer.
    virtual bool reads_zero(uint64_t offset, size_t n) const {
        (void)offset, (void)n;
        return false;
    }
    // Stores n zeros at `offset`; memory that already reads as zeros may be left untouched.
    virtual void write_zeros(uint64_t offset, size_t n);
    // The 32-bit word an atomic or inline write updates; nullptr when the endpoint takes none.
    virtual uint32_t* word(uint64_t offset) {
        (void)offset;
        return nullptr;
    }
    // Its state changed by a NoC delivery (wakes whatever waits on it).
    virtual void changed() {}

    // ---- reporting ----
    // "that core's L1 (1499136 B)": what a NoC address outside resolve() missed.
    virtual std::string describe() const = 0;
    // The timeline track of the memory at `offset` (a core's NoC lane, a DRAM channel).
    virtual trace::Track track(uint64_t offset) const = 0;
    // Forgets timing reservations (the traffic that made them was dropped).
    virtual void clear_reservations() {}
};

// The issuing side of a NoC transaction.
class NocInitiator {
public:
    enum class Counter { reads, writes_unacked, writes_unsent, atomics };
    virtual ~NocInitiator() = default;
    virtual NocXY xy() const = 0;
    // The initiator's own memory (the source of writes, the destination of reads).
    virtual Endpoint& local() = 0;
    // Requests issued in the same cycle are served in this order (core row, column, RISC).
    virtual std::tuple<int, int, int> order() const = 0;
    virtual Cycle issue_cycles() const = 0;  // per packet programmed
    // Outstanding work: +n when issued, -1 at each completion (which wakes waiters).
    virtual void count(int noc, Counter c, int delta) = 0;
    // NoC transaction ids (Wormhole NIU: 16 per NoC, NOC_MAX_TRANSACTION_ID 0xF in TT-Metal's
    // noc_parameters.h). The id the initiator's read (`reads`) or write (`writes_unacked`)
    // command buffer tags its requests with now, and the per-id outstanding count it keeps; the
    // NIU decrements the id's count before the plain one, so a barrier on the id sees it first.
    // Initiators without ids (the default) tag everything 0 and count nothing per id.
    virtual uint32_t trid(int noc, Counter c) const { return 0; }
    virtual void count_trid(int noc, Counter c, uint32_t trid, int delta) {}
    // "core (x,y) BRISC kernel k.cpp": where a transaction error happened.
    virtual std::string where() const = 0;
    // The kernel line whose command is being issued, set by the kernel API for the command's
    // duration (null otherwise): warnings about a command name it, once per line.
    const std::source_location* call_site = nullptr;
    // where(), with the kernel line of call_site when there is one.
    virtual std::string where_called() const { return where(); }
};

}  // namespace tensim
