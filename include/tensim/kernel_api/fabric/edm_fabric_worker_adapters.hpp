// The worker side of a fabric connection (TT-Metal's tt::tt_fabric::WorkerToFabricEdmSender,
// tt_metal/fabric/hw/inc/edm_fabric/edm_fabric_worker_adapters.hpp): a Tensix kernel writes a
// packet (payload, then its 48 B header) into a free buffer slot of its sender channel on the
// fabric router (an ERISC on this chip) over the NoC, then bumps the channel's packet counter;
// the router reports over the NoC how many packets it has taken, which frees slots (credits).
// Same names and call order as TT-Metal:
//
//   auto c =
//   tt::tt_fabric::WorkerToFabricEdmSender::build_from_args<ProgrammableCoreType::TENSIX>(i);
//   c.open();
//   c.wait_for_empty_write_slot();
//   c.send_payload_without_header_non_blocking_from_address(l1_src, bytes);
//   c.send_payload_flush_blocking_from_address((uint32_t)header, sizeof(PacketHeader));
//   c.close();
//
// The connection's runtime args come from tensim::fabric::Fabric::append_connection_rt_args.
// A payload larger than the channel's slot (the configured max payload) is a KernelError naming
// the chip, core and kernel line. One worker per channel per program.
#pragma once
#include <cstdint>
#include <cstdio>

#include "../dataflow_api.h"
#include "fabric_edm_packet_header.hpp"
#include "fabric_router_layout.h"
#include "tensim_fabric.h"

namespace tt::tt_fabric {

struct WorkerToFabricEdmSender {
    uint32_t edm_noc_x = 0, edm_noc_y = 0;  // the router's NoC coordinates
    uint32_t base = 0;                      // its control block
    uint32_t channel = 0;                   // our sender channel
    uint32_t num_slots = 0, slot_bytes = 0;
    volatile uint32_t* taken = nullptr;  // our semaphore: packets the router has taken
    uint32_t sent = 0;                   // packets we have written
    uint32_t pending_payload = 0;        // payload bytes written for the packet being built

    template <ProgrammableCoreType core_type = ProgrammableCoreType::TENSIX>
    static WorkerToFabricEdmSender build_from_args(
        std::size_t& arg_idx, const tensim::kapi::Loc& loc = tensim::kapi::Loc::current()) {
        WorkerToFabricEdmSender s;
        s.edm_noc_x = get_arg_val<uint32_t>(arg_idx++, loc);
        s.edm_noc_y = get_arg_val<uint32_t>(arg_idx++, loc);
        s.base = get_arg_val<uint32_t>(arg_idx++, loc);
        s.channel = get_arg_val<uint32_t>(arg_idx++, loc);
        s.num_slots = get_arg_val<uint32_t>(arg_idx++, loc);
        s.slot_bytes = get_arg_val<uint32_t>(arg_idx++, loc);
        s.taken = reinterpret_cast<volatile uint32_t*>(
            get_semaphore<core_type>(get_arg_val<uint32_t>(arg_idx++, loc)));
        return s;
    }

    uint32_t max_payload_bytes() const { return slot_bytes - sizeof(PacketHeader); }

    // Tells the router where to report the slots it frees: our NoC coordinates and semaphore.
    void open(const tensim::kapi::Loc& loc = tensim::kapi::Loc::current()) {
        const uint32_t info = base + tensim::fabric_layout::producer_info(channel);
        const uint32_t words[3] = {my_x[0], my_y[0],
                                   tensim::kapi::fabric_l1_offset(
                                       static_cast<uint32_t>(reinterpret_cast<uintptr_t>(taken)))};
        for (uint32_t i = 0; i < 3; ++i)
            noc_inline_dw_write(get_noc_addr(edm_noc_x, edm_noc_y, info + 4 * i), words[i], 0xF,
                                noc_index, loc);
    }
    // Waits until the router has taken every packet we sent.
    void close(const tensim::kapi::Loc& loc = tensim::kapi::Loc::current()) {
        noc_semaphore_wait_min(taken, sent, loc);
        noc_async_write_barrier(noc_index, loc);
    }

    bool edm_has_space_for_packet() const { return sent - *taken < num_slots; }
    void wait_for_empty_write_slot(
        const tensim::kapi::Loc& loc = tensim::kapi::Loc::current()) const {
        if (sent >= num_slots) noc_semaphore_wait_min(taken, sent - num_slots + 1, loc);
    }

    // The payload goes behind the header's place in the next slot.
    void send_payload_without_header_non_blocking_from_address(
        uint32_t src, std::size_t size,
        const tensim::kapi::Loc& loc = tensim::kapi::Loc::current()) {
        check_payload(static_cast<uint32_t>(size), loc);
        noc_async_write(src, slot_noc_addr(sizeof(PacketHeader)), static_cast<uint32_t>(size),
                        noc_index, NOC_UNICAST_WRITE_VC, loc);
        pending_payload = static_cast<uint32_t>(size);
    }
    // The header completes the packet: written, then the router's counter bumped (same NoC and
    // VC, so the counter lands after the data).
    void send_payload_flush_non_blocking_from_address(
        uint32_t header, std::size_t size,
        const tensim::kapi::Loc& loc = tensim::kapi::Loc::current()) {
        const auto* h = reinterpret_cast<volatile PacketHeader*>(header);
        check_payload(h->payload_size_bytes, loc);
        noc_async_write(header, slot_noc_addr(0), static_cast<uint32_t>(size), noc_index,
                        NOC_UNICAST_WRITE_VC, loc);
        notify(loc);
    }
    void send_payload_flush_blocking_from_address(
        uint32_t header, std::size_t size,
        const tensim::kapi::Loc& loc = tensim::kapi::Loc::current()) {
        send_payload_flush_non_blocking_from_address(header, size, loc);
        noc_async_writes_flushed(noc_index, loc);
    }
    // A packet laid out contiguously (header, then payload) at `src`.
    void send_payload_non_blocking_from_address(
        uint32_t src, std::size_t size,
        const tensim::kapi::Loc& loc = tensim::kapi::Loc::current()) {
        const auto* h = reinterpret_cast<volatile PacketHeader*>(src);
        check_payload(h->payload_size_bytes, loc);
        if (size > slot_bytes) fail_size(static_cast<uint32_t>(size - sizeof(PacketHeader)), loc);
        noc_async_write(src, slot_noc_addr(0), static_cast<uint32_t>(size), noc_index,
                        NOC_UNICAST_WRITE_VC, loc);
        notify(loc);
    }
    void send_payload_blocking_from_address(
        uint32_t src, std::size_t size,
        const tensim::kapi::Loc& loc = tensim::kapi::Loc::current()) {
        send_payload_non_blocking_from_address(src, size, loc);
        noc_async_writes_flushed(noc_index, loc);
    }

private:
    uint64_t slot_noc_addr(uint32_t offset) const {
        return get_noc_addr(edm_noc_x, edm_noc_y,
                            tensim::fabric_layout::sender_slot(base, slot_bytes, num_slots, channel,
                                                               sent % num_slots) +
                                offset);
    }
    void notify(const tensim::kapi::Loc& loc) {
        noc_semaphore_inc(get_noc_addr(edm_noc_x, edm_noc_y,
                                       base + tensim::fabric_layout::sender_packets(channel)),
                          1, noc_index, NOC_UNICAST_WRITE_VC, loc);
        ++sent;
        pending_payload = 0;
    }
    void check_payload(uint32_t payload, const tensim::kapi::Loc& loc) const {
        if (payload > max_payload_bytes()) fail_size(payload, loc);
    }
    [[noreturn]] void fail_size(uint32_t payload, const tensim::kapi::Loc& loc) const {
        char msg[160];
        std::snprintf(msg, sizeof msg,
                      "fabric packet payload of %u B exceeds the max payload of %u B (router "
                      "buffer slot %u B, header %u B)",
                      payload, max_payload_bytes(), slot_bytes,
                      static_cast<uint32_t>(sizeof(PacketHeader)));
        tensim::kapi::kernel_fail(msg, loc);
    }
};

using WorkerToFabricEdmSenderImpl = WorkerToFabricEdmSender;

}  // namespace tt::tt_fabric
