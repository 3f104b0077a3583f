// The Tensix coprocessor of one core as the three TRISC threads see it: two SrcA/SrcB banks
// between the unpackers and the FPU, Dst in halves (or whole) between math and the packers, the
// engines' costs, and the engines themselves (Unpacker, Fpu, Sfpu, Packer), each holding the
// configuration the compute API's init calls set. Modelled: the bank and Dst handshakes, per-tile
// engine time from the architecture file, real tile data in the numerics mode of the run.
// Abstracted: instruction-level pipelining inside an engine, Dst read-after-write stalls, L1 bank
// conflicts with the NoC. Numbers: sim/arch/*.json "compute" and "sfpu" (ISA UNPACR_Regular.md,
// MatrixUnit.md, Packers).
#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "tensim/kernel_api/tensim_abi.h"
#include "tensix/fpu.hpp"
#include "tensix/math_worker.hpp"
#include "tensix/packer.hpp"
#include "tensix/sfpi_cost.hpp"
#include "tensix/sfpu.hpp"
#include "tensix/unpacker.hpp"

namespace tensim::numerics {
// As in numerics/formats.hpp and numerics/sfpu.hpp.
using Tile = std::array<float, 1024>;
using SfpuOp = abi::SfpuOp;
using SfpuBinaryOp = abi::SfpuBinaryOp;
}  // namespace tensim::numerics

namespace tensim {

class RiscThread;
class TensixCore;
class Params;

struct ComputeEngineConfig {
    double unpack_bytes_per_cycle = 64;           // B/cycle, UNPACR x4 (ISA)
    double unpack_slow_bytes_per_cycle = 16;      // B/cycle for BFP2 (ISA)
    double unpack_combined_bytes_per_cycle = 80;  // B/cycle, both unpackers together (ISA L1.md)
    Cycle unpack_setup_cycles_per_face = 2;       // cycles (ISA)
    Cycle unpack_call_cycles = 13;           // cycles per unpack call (unpacker setup); calibrated
    Cycle fpu_matmul_cycles_per_phase = 16;  // cycles/tile (TTM GEMM_FLOPS.md)
    Cycle fpu_matmul_call_cycles = 13;       // cycles per matmul call (MOP setup); calibrated
    Cycle fpu_eltwise_cycles = 8;            // cycles/tile (ISA MatrixUnit.md)
    Cycle fpu_datacopy_cycles = 8;           // cycles/tile, inferred
    Cycle fpu_reduce_cycles_per_phase = 4;   // cycles/tile (TTM matrix_engine.md)
    double pack_bytes_per_cycle = 64;        // B/cycle (ISA L1.md)
    Cycle pack_setup_cycles_per_face = 2;    // cycles, inferred
    Cycle pack_l1_acc_cycles_per_write = 2;  // cycles per 16 B written (ISA Packers)
    Cycle trisc_api_cycles = 4;              // cycles per compute API call, inferred
    std::map<numerics::SfpuOp, std::array<Cycle, 2>> sfpu_cycles;  // per op: {approx, precise}
    SfpiCosts sfpi;                      // per SFPI instruction class ("sfpu"."sfpi")
    void load(Params& compute_section);  // tensix_config.cpp
    void load_sfpu(Params& sfpu_section);
    bool operator==(const ComputeEngineConfig&) const = default;
};

// How tile data is computed: as silicon does, in fp32 everywhere, or not at all (timing only).
// Cycle counts are identical in all three.
enum class NumericsMode { faithful, fast, timing };
const char* numerics_mode_name(NumericsMode m);
NumericsMode parse_numerics_mode(const std::string& s);  // throws ConfigError

// Settings of the compute kernel running on this core (TT-Metal ComputeConfig).
struct ComputeSettings {
    int fidelity_phases = 4;
    bool fp32_dest_acc = false;
    bool dst_full_sync = false;
    bool approx = false;
    NumericsMode numerics = NumericsMode::faithful;
};

class ComputeEngine {
public:
    ComputeEngine(const ComputeEngineConfig& cfg, TensixCore& core);
    ~ComputeEngine();                      // waits for this core's tile math on the MathWorker
    void reset(const ComputeSettings& s);  // at each launch
    const ComputeEngineConfig& config() const { return m_cfg; }
    const ComputeSettings& settings() const { return m_set; }
    bool computes() const { return m_set.numerics != NumericsMode::timing; }
    bool faithful() const { return m_set.numerics == NumericsMode::faithful; }
    // Where matmul calls go: the MathWorker (faithful numerics; fast when asked), else nullptr
    // (inline on the simulation thread).
    MathWorker* math_worker() const {
        return faithful() ? MathWorker::get() : MathWorker::for_fast();
    }
    bool fp32_dst() const {
        return m_set.fp32_dest_acc || !faithful();
    }  // Dst precision of the math
    int phases() const {
        return faithful() ? m_set.fidelity_phases : 4;
    }  // fidelity of the numerics
    TensixCore& core() { return m_core; }

    // ---- the engines, each with the state its init calls set ----
    Unpacker& unpacker() { return m_unpacker; }
    Fpu& fpu() { return m_fpu; }
    Sfpu& sfpu() { return m_sfpu; }
    Packer& packer() { return m_packer; }

    // ---- SrcA/SrcB banks: the unpacker fills one while the FPU drains the other ----
    struct SrcBank {
        std::vector<numerics::Tile> a,
            b;  // operands for SrcA and SrcB; only the first na / nb are held
        // Matmul operands the unpacker left as bf16 bytes for the tile math to decode
        // (raw_a: a's first na tiles are in raw_a_tiles; raw_b likewise).
        std::vector<RawBf16Tile> raw_a_tiles, raw_b_tiles;
        uint32_t na = 0, nb = 0;
        bool raw_a = false, raw_b = false;
        bool full = false;
        bool keeps_tiles = true;  // false in timing numerics: nothing reads or writes the tiles
        // Holds na SrcA and nb SrcB tiles from now on. Storage only grows, so the per-call cost
        // is not an allocation or a fill of tiles; a timing run allocates none (zero-filled
        // tiles were page faults of a few MiB per program on a 64-core grid).
        void hold(uint32_t a_tiles, uint32_t b_tiles) {
            if (keeps_tiles && a.size() < a_tiles) a.resize(a_tiles);
            if (keeps_tiles && b.size() < b_tiles) b.resize(b_tiles);
            na = a_tiles, nb = b_tiles;
            raw_a = raw_b = false;
        }
        void decode_raw();  // decodes raw operands into a and b
    };
    SrcBank& unpack_begin(RiscThread& t);        // waits for a free bank; the caller fills it
    void unpack_end(RiscThread& t, Cycle cost);  // the unpacker's time, then the bank is full
    // Waits for a full bank. Only a matmul (`raw_ok`) takes raw operands: for the others they
    // are decoded here.
    SrcBank& math_begin(RiscThread& t, bool raw_ok = false);
    void math_end(RiscThread& t, Cycle cost);  // the FPU's time, then the bank is free

    // ---- Dst: math and pack own halves in turn (tile_regs_acquire/commit/wait/release) ----
    uint32_t dst_capacity() const;  // tiles per half (or whole Dst in full-sync mode)
    void dst_acquire(RiscThread& t);
    void dst_commit(RiscThread& t);
    void dst_wait(RiscThread& t);
    void dst_release(RiscThread& t);
    // Whether math holds its half (acquired, not committed) / pack holds its (waited, not
    // released).
    bool math_holds_dst() const { return m_half[m_math_half] == Half::math; }
    bool pack_holds_dst() const { return m_half[m_pack_half] == Half::pack; }
    // Dst tile `idst` of the half this thread (math or pack) owns; KernelError when not owned or
    // beyond capacity. `written` tracks tiles written since the half was acquired.
    numerics::Tile& dst(RiscThread& t, uint32_t idst, bool& written);
    // dst() for the `n` tiles from `idst` (marked written) into out[0..n), without waiting for
    // this core's outstanding tile math (math_worker.hpp): one matmul call's, which queues more
    // math on the same Dst, in order.
    void dst_tiles_for_math_job(RiscThread& t, uint32_t idst, uint32_t n,
                                std::array<numerics::Tile*, 16>& out);
    // dst[r * ct + col] += b[r] x a[col] (b: the bank's SrcB tiles, a: its SrcA tiles), the tile
    // products of one matmul call: a job for math_worker() when there is one, else inline.
    void matmul_tiles(SrcBank& bank, const std::array<numerics::Tile*, 16>& dst, uint32_t rt,
                      uint32_t ct);
    // Waits for this core's tile math on the MathWorker (computing queued jobs meanwhile).
    void math_sync();

    // ---- costs ----
    // The two unpackers work in parallel (0 -> SrcA, 1 -> SrcB) within their shared L1 bandwidth.
    Cycle unpack_cycles(std::span<const abi::DataFormat> a_formats,
                        std::span<const abi::DataFormat> b_formats) const;
    Cycle pack_cycles(abi::DataFormat format, bool l1_acc) const;
    Cycle sfpu_cycles(numerics::SfpuOp op, bool approx) const;
    Cycle sfpu_binary_cycles(numerics::SfpuBinaryOp op) const;

    // Busy cycles per engine since the last reset_stats (for utilisation).
    struct Stats {
        Cycle unpack = 0, fpu = 0, sfpu = 0, pack = 0;
    };
    Stats& stats() { return m_stats; }
    enum class Unit { unpack, fpu, sfpu, pack };
    // `t` drives `unit` for `cost` cycles from its current (local) time: counted in the stats,
    // shown on the unit's trace lane, added to t's local time.
    void run(RiscThread& t, Unit unit, Cycle cost);
    void reset_stats() { m_stats = Stats{}; }

private:
    enum class Half { free, math, committed, pack };
    [[noreturn]] void dst_misuse(RiscThread& t, uint32_t idst, bool math) const;
    // unpack_cycles' last formats (SrcA's, then SrcB's) and cost.
    struct UnpackMemo {
        std::array<abi::DataFormat, 32> formats{};
        size_t na = ~size_t{0}, nb = 0;
        Cycle cost = 0;
    };
    mutable UnpackMemo m_unpack_memo;
    // pack_cycles' last arguments and cost.
    struct PackMemo {
        abi::DataFormat format = abi::DataFormat::Invalid;
        bool l1_acc = false, set = false;
        Cycle cost = 0;
    };
    mutable PackMemo m_pack_memo;
    ComputeEngineConfig m_cfg;
    TensixCore& m_core;
    ComputeSettings m_set;
    std::array<SrcBank, 2> m_banks;
    int m_unpack_bank = 0, m_math_bank = 0;
    std::array<Half, 2> m_half{Half::free, Half::free};
    int m_math_half = 0, m_pack_half = 0;
    std::array<std::vector<numerics::Tile>, 2> m_dst;
    std::array<std::vector<bool>, 2> m_written;
    numerics::Tile m_timing_dst{};  // every Dst tile in timing numerics, which never touches it
    Stats m_stats;
    MathWorker::Lane m_math;  // this core's tile math jobs
    Unpacker m_unpacker{*this};
    Fpu m_fpu{*this};
    Sfpu m_sfpu{*this};
    Packer m_packer{*this};
};

}  // namespace tensim
