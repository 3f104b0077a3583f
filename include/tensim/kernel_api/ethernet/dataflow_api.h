// The ERISC data-movement API of TT-Metalium (tt_metal/hw/inc/ethernet/dataflow_api.h) for
// Ethernet kernels: the whole Tensix data-movement API (NoC reads and writes, semaphores, args)
// plus sends over the Ethernet link and the erisc_info channel handshake. Same names, arguments
// and meaning as TT-Metal: a send is a series of TX commands of num_bytes_per_send bytes each
// (16 B by default, as on silicon; pass the size to send in one command); the handshake is a
// 16 B word per channel (bytes_sent, receiver_ack) that each side writes into the other's L1.
// Waits block in the simulator (a hang names the kernel line) instead of spinning.
#pragma once
#include <cstdint>

#include "../dataflow_api.h"
#include "../tensim_eth.h"

// One channel's handshake words, at the same L1 address on both ends of a link.
struct eth_channel_sync_t {
    volatile uint32_t bytes_sent;
    volatile uint32_t receiver_ack;
    volatile uint32_t reserved_0_;
    volatile uint32_t reserved_1_;
};
struct erisc_info_t {
    eth_channel_sync_t channels[8];
};
// TT-Metal's `erisc_info` global: this ERISC's handshake block in L1.
#define erisc_info (reinterpret_cast<erisc_info_t*>(::tensim::kapi::eth_info_addr()))

namespace internal_ {
// One TX command of `num_words` 16 B words from local word address `src_word_addr` to the remote
// word address `dst_word_addr` (addresses >> 4), on TX queue `q_num`.
inline void eth_send_packet(uint32_t q_num, uint32_t src_word_addr, uint32_t dst_word_addr,
                            uint32_t num_words,
                            std::source_location loc = std::source_location::current()) {
    (void)q_num;  // tensim models one TX queue per port
    tensim::kapi::eth_send(src_word_addr << 4, dst_word_addr << 4, num_words << 4, loc);
}
inline void eth_send_packet_unsafe(uint32_t q_num, uint32_t src_word_addr, uint32_t dst_word_addr,
                                   uint32_t num_words,
                                   std::source_location loc = std::source_location::current()) {
    eth_send_packet(q_num, src_word_addr, dst_word_addr, num_words, loc);
}
inline bool eth_txq_is_busy(uint32_t q_num) {
    (void)q_num;
    return tensim::kapi::eth_txq_busy();
}
}  // namespace internal_

inline void run_routing(std::source_location loc = std::source_location::current()) {
    tensim::kapi::eth_poll(loc);
}

namespace tensim::kapi::eth_detail {
// The 16 B-aligned word address of a handshake field, as the remote sees it (same layout).
inline uint32_t word_of(volatile uint32_t* p) {
    return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(p)) >> 4;
}
inline void send_sync_word(volatile uint32_t* field, const Loc& loc) {
    const uint32_t w = word_of(field);
    internal_::eth_send_packet(0, w, w, 1, loc);
}
}  // namespace tensim::kapi::eth_detail

inline bool eth_txq_is_busy() { return tensim::kapi::eth_txq_busy(); }

inline void wait_for_eth_txq_cmd_space(uint32_t wait_min = 0,
                                       std::source_location loc = std::source_location::current()) {
    (void)wait_min;
    while (eth_txq_is_busy()) run_routing(loc);
}

inline void eth_noc_semaphore_wait(volatile tt_l1_ptr uint32_t* sem_addr, uint32_t val,
                                   uint32_t wait_min = 0,
                                   std::source_location loc = std::source_location::current()) {
    (void)wait_min;
    tensim::kapi::eth_wait_word(sem_addr, val, tensim::kapi::EthCond::eq, loc);
}
inline void eth_noc_semaphore_wait_min(volatile tt_l1_ptr uint32_t* sem_addr, uint32_t val,
                                       uint32_t wait_min = 0,
                                       std::source_location loc = std::source_location::current()) {
    (void)wait_min;
    tensim::kapi::eth_wait_word(sem_addr, val, tensim::kapi::EthCond::ge, loc);
}
inline void eth_noc_async_read_barrier(std::source_location loc = std::source_location::current()) {
    noc_async_read_barrier(noc_index, loc);
}
inline void eth_noc_async_write_barrier(
    std::source_location loc = std::source_location::current()) {
    noc_async_write_barrier(noc_index, loc);
}

// ---- sends -------------------------------------------------------------------------------------

// Payload in commands of num_bytes_per_send bytes, then channel 0's byte count grows locally (the
// receiver learns it from eth_wait_for_receiver_done's sync word or an explicit signal).
inline void eth_send_bytes(uint32_t src_addr, uint32_t dst_addr, uint32_t num_bytes,
                           uint32_t num_bytes_per_send = 16,
                           uint32_t num_bytes_per_send_word_size = 1,
                           std::source_location loc = std::source_location::current()) {
    for (uint32_t sent = 0; sent < num_bytes; sent += num_bytes_per_send)
        internal_::eth_send_packet(0, (src_addr + sent) >> 4, (dst_addr + sent) >> 4,
                                   num_bytes_per_send_word_size, loc);
    erisc_info->channels[0].bytes_sent += num_bytes;
}

inline void eth_send_bytes_over_channel_payload_only(
    uint32_t src_addr, uint32_t dst_addr, uint32_t num_bytes, uint32_t num_bytes_per_send = 16,
    uint32_t num_bytes_per_send_word_size = 1,
    std::source_location loc = std::source_location::current()) {
    for (uint32_t sent = 0; sent < num_bytes; sent += num_bytes_per_send)
        internal_::eth_send_packet(0, (src_addr + sent) >> 4, (dst_addr + sent) >> 4,
                                   num_bytes_per_send_word_size, loc);
}
inline void eth_send_bytes_over_channel_payload_only_unsafe(
    uint32_t src_addr, uint32_t dst_addr, uint32_t num_bytes, uint32_t num_bytes_per_send = 16,
    uint32_t num_bytes_per_send_word_size = 1,
    std::source_location loc = std::source_location::current()) {
    eth_send_bytes_over_channel_payload_only(src_addr, dst_addr, num_bytes, num_bytes_per_send,
                                             num_bytes_per_send_word_size, loc);
}

// The second half of a send: tells the receiver `num_bytes` arrived on `channel`.
inline void eth_send_payload_complete_signal_over_channel(
    uint32_t channel, uint32_t num_bytes,
    std::source_location loc = std::source_location::current()) {
    erisc_info->channels[channel].bytes_sent = num_bytes;
    erisc_info->channels[channel].receiver_ack = 0;
    tensim::kapi::eth_detail::send_sync_word(&erisc_info->channels[channel].bytes_sent, loc);
}

inline void eth_send_bytes_over_channel(
    uint32_t src_addr, uint32_t dst_addr, uint32_t num_bytes, uint32_t channel,
    uint32_t num_bytes_per_send = 16, uint32_t num_bytes_per_send_word_size = 1,
    std::source_location loc = std::source_location::current()) {
    eth_send_bytes_over_channel_payload_only(src_addr, dst_addr, num_bytes, num_bytes_per_send,
                                             num_bytes_per_send_word_size, loc);
    eth_send_payload_complete_signal_over_channel(channel, num_bytes, loc);
}

// ---- sender side: waiting for the receiver ----------------------------------------------------

// Sends channel 0's byte count, then waits until the receiver has cleared it (eth_receiver_done).
inline void eth_wait_for_receiver_done(uint32_t wait_min = 0,
                                       std::source_location loc = std::source_location::current()) {
    (void)wait_min;
    tensim::kapi::eth_detail::send_sync_word(&erisc_info->channels[0].bytes_sent, loc);
    tensim::kapi::eth_wait_word(&erisc_info->channels[0].bytes_sent, 0, tensim::kapi::EthCond::eq,
                                loc);
}
// Waits until the receiver has cleared channel 0 (the count was already signalled).
inline void eth_wait_receiver_done(uint32_t wait_min = 0,
                                   std::source_location loc = std::source_location::current()) {
    (void)wait_min;
    tensim::kapi::eth_wait_word(&erisc_info->channels[0].bytes_sent, 0, tensim::kapi::EthCond::eq,
                                loc);
}
inline bool eth_is_receiver_channel_send_acked(uint32_t channel) {
    return erisc_info->channels[channel].receiver_ack != 0;
}
inline bool eth_is_receiver_channel_send_done(uint32_t channel) {
    return erisc_info->channels[channel].bytes_sent == 0;
}
inline void eth_wait_for_receiver_channel_done(
    uint32_t channel, std::source_location loc = std::source_location::current()) {
    tensim::kapi::eth_wait_word(&erisc_info->channels[channel].bytes_sent, 0,
                                tensim::kapi::EthCond::eq, loc);
}
inline void eth_clear_sender_channel_ack(uint32_t channel) {
    erisc_info->channels[channel].receiver_ack = 0;
}

// ---- receiver side ----------------------------------------------------------------------------

inline void eth_wait_for_bytes(uint32_t num_bytes, uint32_t wait_min = 0,
                               std::source_location loc = std::source_location::current()) {
    (void)wait_min;
    tensim::kapi::eth_wait_word(&erisc_info->channels[0].bytes_sent, num_bytes,
                                tensim::kapi::EthCond::eq, loc);
}
inline bool eth_bytes_are_available_on_channel(uint8_t channel) {
    return erisc_info->channels[channel].bytes_sent != 0;
}
inline void eth_wait_for_bytes_on_channel_sync_addr(
    uint32_t num_bytes, volatile eth_channel_sync_t* sync, uint32_t wait_min = 1000000,
    std::source_location loc = std::source_location::current()) {
    (void)wait_min;
    tensim::kapi::eth_wait_word(&sync->bytes_sent, num_bytes, tensim::kapi::EthCond::eq, loc);
}
inline void eth_wait_for_bytes_on_channel(
    uint32_t num_bytes, uint8_t channel, uint32_t wait_min = 1000000,
    std::source_location loc = std::source_location::current()) {
    eth_wait_for_bytes_on_channel_sync_addr(num_bytes, &erisc_info->channels[channel], wait_min,
                                            loc);
}
// Clears channel 0 and tells the sender (its eth_wait_for_receiver_done returns).
inline void eth_receiver_done(std::source_location loc = std::source_location::current()) {
    erisc_info->channels[0].bytes_sent = 0;
    tensim::kapi::eth_detail::send_sync_word(&erisc_info->channels[0].bytes_sent, loc);
}
inline void send_eth_receiver_channel_done(
    volatile eth_channel_sync_t* sync, std::source_location loc = std::source_location::current()) {
    sync->bytes_sent = 0;
    sync->receiver_ack = 0;
    tensim::kapi::eth_detail::send_sync_word(&sync->bytes_sent, loc);
}
inline void eth_receiver_channel_done(uint32_t channel,
                                      std::source_location loc = std::source_location::current()) {
    send_eth_receiver_channel_done(&erisc_info->channels[channel], loc);
}
// First-level ack: `ack_word_addr` is a 16 B L1 word (not the channel's own) holding {1, 1}.
inline void eth_receiver_channel_ack(uint32_t channel, uint32_t eth_transaction_ack_word_addr,
                                     std::source_location loc = std::source_location::current()) {
    erisc_info->channels[channel].receiver_ack = 1;
    reinterpret_cast<volatile uint32_t*>(eth_transaction_ack_word_addr)[1] = 1;
    internal_::eth_send_packet(
        0, eth_transaction_ack_word_addr >> 4,
        tensim::kapi::eth_detail::word_of(&erisc_info->channels[channel].receiver_ack), 1, loc);
}
inline void eth_receiver_acknowledge(uint8_t channel = 0,
                                     std::source_location loc = std::source_location::current()) {
    erisc_info->channels[channel].bytes_sent = 1;
    tensim::kapi::eth_detail::send_sync_word(&erisc_info->channels[channel].bytes_sent, loc);
}
inline void eth_wait_receiver_acknowledge(
    uint8_t channel = 0, std::source_location loc = std::source_location::current()) {
    tensim::kapi::eth_wait_word(&erisc_info->channels[channel].bytes_sent, 1,
                                tensim::kapi::EthCond::eq, loc);
}
