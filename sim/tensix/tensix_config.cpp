// The "tensix", "risc", "compute" and "sfpu" sections of an architecture file: each config struct
// of sim/tensix declares its parameters here, once, with unit and meaning; defaults are the
// structs' in-class initialisers (Wormhole's).
#include <fmt/format.h>

#include "common/params.hpp"
#include "numerics/sfpu.hpp"
#include "tensix/l1_map.hpp"
#include "tensix/tensix_core.hpp"

namespace tensim {

void TensixConfig::load(Params& t) {
    t.constant("l1_size_kib", "KiB", l1_size_kib, "L1 SRAM per core");
    t.constant("l1_unreserved_base_bytes", "B", l1_unreserved_base_bytes,
               "first L1 byte above firmware state");
    t.constant("l1_access_latency_cycles", "cycles", l1_access_latency_cycles,
               "NIU to L1 at a NoC target");
    t.constant("noc_l1_read_bytes_per_cycle", "B/cycle", noc_l1_read_bytes_per_cycle,
               "L1 read port streaming into the NoC");
    t.constant("max_kernels_per_core", "kernels", max_kernels_per_core,
               "kernels one core runs per program");
    t.constant("num_semaphores", "semaphores", num_semaphores, "semaphores per core");
    t.constant("riscs", "RISCs", riscs, "RISC-V cores per Tensix (BRISC, NCRISC, TRISC0-2)");
    t.require(l1_size_bytes() > l1_unreserved_base_bytes, "l1_size_kib",
              fmt::format("L1 of {} KiB leaves no room above the reserved {} B", l1_size_kib,
                          l1_unreserved_base_bytes));
    t.require(l1_size_kib <= 64 * 1024, "l1_size_kib", "must be at most 64 MiB");
    t.require(noc_l1_read_bytes_per_cycle > 0, "noc_l1_read_bytes_per_cycle", "must be positive");
    t.require(num_semaphores <= l1_map::kMaxSemaphores, "num_semaphores",
              fmt::format("tensim's firmware layout holds at most {} semaphores",
                          l1_map::kMaxSemaphores));
    // The firmware model runs one thread per RISC with a fixed role (l1_map::kNumRiscs).
    t.require(
        riscs == l1_map::kNumRiscs, "riscs",
        fmt::format("tensim's firmware model has exactly {} RISCs per Tensix", l1_map::kNumRiscs));
    t.require(
        l1_map::end <= l1_unreserved_base_bytes, "l1_unreserved_base_bytes",
        fmt::format(
            "must leave room for tensim's firmware state ({} B: {} CBs, {} semaphores, {} args)",
            l1_map::end, l1_map::kMaxCbs, l1_map::kMaxSemaphores, l1_map::kMaxRuntimeArgs));
}

void RiscConfig::load(Params& r) {
    r.constant("noc_cmd_issue_cycles", "cycles", noc_cmd_issue_cycles,
               "a RISC programming one NoC packet");
    r.constant("noc_cmd_loop_code_cycles", "cycles", noc_cmd_loop_code_cycles,
               "the issuing loop's own code, where kernel code is not charged");
    r.constant("noc_barrier_cycles", "cycles", noc_barrier_cycles,
               "leaving a NoC barrier once counters settle");
    r.constant("cb_api_cycles", "cycles", cb_api_cycles, "one CB call");
    r.constant("semaphore_api_cycles", "cycles", semaphore_api_cycles, "one semaphore call");
    r.constant("kernel_start_cycles", "cycles", kernel_start_cycles, "launch to kernel_main");
    r.constant("code_plain_cycles", "cycles", code_plain_cycles,
               "one plain instruction of a kernel's own code");
    r.constant("code_branch_cycles", "cycles", code_branch_cycles, "one branch, jump or call");
    r.constant("code_mul_cycles", "cycles", code_mul_cycles, "one integer multiply");
    r.constant("code_div_cycles", "cycles", code_div_cycles, "one integer divide or remainder");
    r.constant("code_l1_load_cycles", "cycles", code_l1_load_cycles,
               "one load through a pointer (L1)");
    r.constant("code_l1_store_cycles", "cycles", code_l1_store_cycles,
               "one store through a pointer (L1)");
    r.constant("code_local_load_cycles", "cycles", code_local_load_cycles,
               "one load from the RISC's local data RAM");
    r.constant("code_cost", "flag", code_cost, "whether a kernel's own code takes time");
}

void ComputeEngineConfig::load(Params& cp) {
    cp.constant("unpack_bytes_per_cycle", "B/cycle", unpack_bytes_per_cycle,
                "one unpacker's L1 fetch");
    cp.constant("unpack_slow_bytes_per_cycle", "B/cycle", unpack_slow_bytes_per_cycle,
                "unpacking BFP2 data");
    cp.constant("unpack_combined_bytes_per_cycle", "B/cycle", unpack_combined_bytes_per_cycle,
                "both unpackers together");
    cp.constant("unpack_setup_cycles_per_face", "cycles", unpack_setup_cycles_per_face,
                "address setup per face");
    cp.constant("unpack_call_cycles", "cycles", unpack_call_cycles,
                "unpacker configuration per call");
    cp.constant("fpu_matmul_cycles_per_phase", "cycles/tile", fpu_matmul_cycles_per_phase,
                "32x32x32 matmul per fidelity phase");
    cp.constant("fpu_matmul_call_cycles", "cycles", fpu_matmul_call_cycles,
                "math MOP setup per matmul call");
    cp.constant("fpu_eltwise_cycles", "cycles/tile", fpu_eltwise_cycles,
                "element-wise op per tile");
    cp.constant("fpu_datacopy_cycles", "cycles/tile", fpu_datacopy_cycles, "copy to Dst per tile");
    cp.constant("fpu_reduce_cycles_per_phase", "cycles/tile", fpu_reduce_cycles_per_phase,
                "reduce per tile and phase");
    cp.constant("pack_bytes_per_cycle", "B/cycle", pack_bytes_per_cycle, "packers writing L1");
    cp.constant("pack_setup_cycles_per_face", "cycles", pack_setup_cycles_per_face,
                "packer setup per face");
    cp.constant("pack_l1_acc_cycles_per_write", "cycles", pack_l1_acc_cycles_per_write,
                "per 16 B write with L1 accumulation");
    cp.constant("trisc_api_cycles", "cycles", trisc_api_cycles, "one compute API call on a TRISC");
    cp.require(unpack_bytes_per_cycle > 0, "unpack_bytes_per_cycle", "must be positive");
    cp.require(unpack_slow_bytes_per_cycle > 0, "unpack_slow_bytes_per_cycle", "must be positive");
    cp.require(unpack_combined_bytes_per_cycle > 0, "unpack_combined_bytes_per_cycle",
               "must be positive");
    cp.require(pack_bytes_per_cycle > 0, "pack_bytes_per_cycle", "must be positive");
}

void ComputeEngineConfig::load_sfpu(Params& sp) {
    // One key per SFPU operation: cycles per tile {approx, precise}. An operation the file does
    // not list costs numerics::sfpu_default_cost.
    for (const std::string& name : sp.keys()) {
        if (name == "sfpi") {  // per-instruction costs of kernels' own SFPI code
            Params s = sp.child("sfpi");
            sfpi.load(s);
            s.finish();
            continue;
        }
        auto op = numerics::parse_sfpu_op(name);
        sp.require(op.has_value(), "", "unknown SFPU operation '" + name + "'");
        std::array<Cycle, 2> cycles{};
        sp.constant(name.c_str(), "cycles/tile approx,precise", cycles, "SFPU cycles per tile");
        sfpu_cycles[*op] = cycles;
    }
}

}  // namespace tensim
