// Where tensim's firmware keeps per-core state inside the reserved bottom of L1 (below
// tensix.l1_unreserved_base_bytes). The layout is tensim's own; TT-Metal's differs, and kernels
// only ever see these addresses through the kernel API. All offsets are L1 byte offsets.
#pragma once
#include <cstdint>

#include "tensim/kernel_api/tensim_abi.h"

namespace tensim::l1_map {

constexpr uint32_t kMaxCbs = NUM_CIRCULAR_BUFFERS;
constexpr uint32_t kMaxSemaphores = 16;
constexpr uint32_t kNumRiscs = 5;
constexpr uint32_t kMaxRuntimeArgs = 341;
constexpr uint32_t kArgBlockBytes = 1376;  // 341 words rounded up to 16 B

// Per CB: pages_received (written by the producer), pages_acked (written by the consumer).
constexpr uint32_t cb_counters = 0x10000;
constexpr uint32_t cb_counter_bytes = 16;
// Semaphores: one 32-bit word per 16 B slot (L1 alignment), so NoC atomics hit one word each.
constexpr uint32_t semaphores = cb_counters + kMaxCbs * cb_counter_bytes;
constexpr uint32_t semaphore_bytes = 16;
// Runtime args, unique per RISC, then common per RISC.
constexpr uint32_t runtime_args = semaphores + kMaxSemaphores * semaphore_bytes;
constexpr uint32_t common_runtime_args = runtime_args + kNumRiscs * kArgBlockBytes;
// The zero region kernels read tiles of zeros from (MEM_ZEROS_BASE in the kernel ABI).
constexpr uint32_t zeros = common_runtime_args + kNumRiscs * kArgBlockBytes;
static_assert(zeros == MEM_ZEROS_BASE, "MEM_ZEROS_BASE must follow the argument blocks");
constexpr uint32_t end = zeros + MEM_ZEROS_SIZE;

constexpr uint32_t cb_received(uint32_t cb) { return cb_counters + cb * cb_counter_bytes; }
constexpr uint32_t cb_acked(uint32_t cb) { return cb_counters + cb * cb_counter_bytes + 4; }
constexpr uint32_t semaphore(uint32_t id) { return semaphores + id * semaphore_bytes; }
constexpr uint32_t rta(uint32_t risc) { return runtime_args + risc * kArgBlockBytes; }
constexpr uint32_t crta(uint32_t risc) { return common_runtime_args + risc * kArgBlockBytes; }

}  // namespace tensim::l1_map
