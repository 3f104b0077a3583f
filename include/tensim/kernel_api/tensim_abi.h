// The kernel ABI: the types that cross between kernel code and the simulator. Kernel headers
// (tensim_kernel.h, compute_kernel_api.h), the host API (tensim/host/data_format.hpp) and the model
// (sim/tensix, sim/numerics) all include this one header, so a DataFormat or an SFPU op means the
// same value on both sides. Plain C++: no SystemC, no host headers, no library calls.
// Values follow TT-Metalium (tt_backend_api_types.hpp, base_types.hpp, llk_defs.h) where it has
// them.
#pragma once
#include <cstdint>

// The firmware's region of zeros in L1 that kernels fill tiles from over the NoC (TT-Metal
// dev_mem_map.h: MEM_ZEROS_BASE, MEM_ZEROS_SIZE 512 on Wormhole). Its place is tensim's own
// (sim/tensix/l1_map.hpp, in the reserved bottom of L1; zeroed for each program).
#define MEM_ZEROS_SIZE 512
#define MEM_ZEROS_BASE 0x138C0

namespace tt {

// Tile data formats. Values are the hardware encodings of the unpacker/packer config registers.
enum class DataFormat : uint8_t {
    Float32 = 0,
    Float16 = 1,
    Bfp8 = 2,
    Bfp4 = 3,
    Tf32 = 4,
    Float16_b = 5,
    Bfp8_b = 6,
    Bfp4_b = 7,
    Int32 = 8,
    UInt16 = 9,
    Lf8 = 10,
    Bfp2 = 11,
    Int8 = 14,
    Bfp2_b = 15,
    UInt32 = 24,
    Fp8_e4m3 = 0x1A,
    UInt8 = 30,
    RawUInt8 = 0xf0,
    RawUInt16 = 0xf1,
    RawUInt32 = 0xf2,
    Invalid = 0xff,
};

// Circular buffer indices; a core has NUM_CIRCULAR_BUFFERS of them (TT-Metal
// circular_buffer_constants.h), the size of the firmware's CB tables in L1.
enum CBIndex : uint8_t {
    c_0,
    c_1,
    c_2,
    c_3,
    c_4,
    c_5,
    c_6,
    c_7,
    c_8,
    c_9,
    c_10,
    c_11,
    c_12,
    c_13,
    c_14,
    c_15,
    c_16,
    c_17,
    c_18,
    c_19,
    c_20,
    c_21,
    c_22,
    c_23,
    c_24,
    c_25,
    c_26,
    c_27,
    c_28,
    c_29,
    c_30,
    c_31,
    SIZE
};

}  // namespace tt

constexpr uint32_t NUM_CIRCULAR_BUFFERS = tt::CBIndex::SIZE;

enum class MathFidelity : uint8_t {
    LoFi = 0,
    HiFi2 = 2,
    HiFi3 = 3,
    HiFi4 = 4,
    Invalid = 0xff,
};

namespace tensim::abi {

using tt::DataFormat;

constexpr bool is_block_float(DataFormat f) {
    switch (f) {
        case DataFormat::Bfp8:
        case DataFormat::Bfp8_b:
        case DataFormat::Bfp4:
        case DataFormat::Bfp4_b:
        case DataFormat::Bfp2:
        case DataFormat::Bfp2_b:
            return true;
        default:
            return false;
    }
}

// Bytes of one element; 0 for block float (elements are not whole bytes), Tf32 and Invalid.
constexpr uint32_t datum_bytes(DataFormat f) {
    switch (f) {
        case DataFormat::Float32:
        case DataFormat::Int32:
        case DataFormat::UInt32:
        case DataFormat::RawUInt32:
            return 4;
        case DataFormat::Float16:
        case DataFormat::Float16_b:
        case DataFormat::UInt16:
        case DataFormat::RawUInt16:
            return 2;
        case DataFormat::Int8:
        case DataFormat::UInt8:
        case DataFormat::Lf8:
        case DataFormat::Fp8_e4m3:
        case DataFormat::RawUInt8:
            return 1;
        default:
            return 0;
    }
}

// Bytes of one 32x32 tile in L1; block float includes its 64 shared-exponent bytes (one per 16
// elements). 0 for formats without L1 storage (Tf32, Invalid).
constexpr uint32_t tile_bytes(DataFormat f) {
    switch (f) {
        case DataFormat::Bfp8:
        case DataFormat::Bfp8_b:
            return 1024 + 64;
        case DataFormat::Bfp4:
        case DataFormat::Bfp4_b:
            return 512 + 64;
        case DataFormat::Bfp2:
        case DataFormat::Bfp2_b:
            return 256 + 64;
        default:
            return 1024 * datum_bytes(f);
    }
}

// Enumerator spelling ("Float16_b"); nullptr for a value that is not an enumerator.
constexpr const char* format_name(DataFormat f) {
    switch (f) {
        case DataFormat::Float32:
            return "Float32";
        case DataFormat::Float16:
            return "Float16";
        case DataFormat::Bfp8:
            return "Bfp8";
        case DataFormat::Bfp4:
            return "Bfp4";
        case DataFormat::Tf32:
            return "Tf32";
        case DataFormat::Float16_b:
            return "Float16_b";
        case DataFormat::Bfp8_b:
            return "Bfp8_b";
        case DataFormat::Bfp4_b:
            return "Bfp4_b";
        case DataFormat::Int32:
            return "Int32";
        case DataFormat::UInt16:
            return "UInt16";
        case DataFormat::Lf8:
            return "Lf8";
        case DataFormat::Bfp2:
            return "Bfp2";
        case DataFormat::Int8:
            return "Int8";
        case DataFormat::Bfp2_b:
            return "Bfp2_b";
        case DataFormat::UInt32:
            return "UInt32";
        case DataFormat::Fp8_e4m3:
            return "Fp8_e4m3";
        case DataFormat::UInt8:
            return "UInt8";
        case DataFormat::RawUInt8:
            return "RawUInt8";
        case DataFormat::RawUInt16:
            return "RawUInt16";
        case DataFormat::RawUInt32:
            return "RawUInt32";
        case DataFormat::Invalid:
            return "Invalid";
    }
    return nullptr;
}

// Multiplier passes per fidelity (LoFi 1 .. HiFi4 4); 0 for Invalid.
constexpr int fidelity_phases(MathFidelity f) {
    switch (f) {
        case MathFidelity::LoFi:
            return 1;
        case MathFidelity::HiFi2:
            return 2;
        case MathFidelity::HiFi3:
            return 3;
        case MathFidelity::HiFi4:
            return 4;
        default:
            return 0;
    }
}

// ---- op enums of the compute API (TT-Metal llk_defs.h spellings; the kernel header brings them
// into the global namespace, where kernels expect them)
// ----------------------------------------------
enum class BroadcastType : uint8_t { NONE = 0, COL = 1, ROW = 2, SCALAR = 3 };
enum PoolType { SUM, AVG, MAX, MIN };
enum ReduceDim { REDUCE_ROW, REDUCE_COL, REDUCE_SCALAR };
enum EltwiseBinaryType { ELWMUL, ELWDIV, ELWADD, ELWSUB, ELWLESS };
enum class EltwiseBinaryReuseDestType { NONE = 0, DEST_TO_SRCA = 1, DEST_TO_SRCB = 2 };

// What an unpack init call programs the unpackers to do (TT-Metal's llk_unpack_*_init).
enum class UnpackMode : uint8_t {
    none,    // no init call since the launch
    unary,   // llk_unpack_A: copy_tile, transpose_wh_tile, unary_bcast, untilize, dest reuse
    binary,  // llk_unpack_AB: eltwise binary and broadcast ops
    matmul,  // llk_unpack_AB_matmul
    reduce,  // llk_unpack_AB_reduce
    tilize,  // llk_unpack_tilize
};

// A tile of a CB, counted from the CB's front (what an unpack reads).
struct CbTile {
    uint32_t cb = 0;
    uint32_t index = 0;
};

// Unary SFPU ops, named as the compute-API calls that run them (exp_tile -> exp,
// add_unary_tile -> add_scalar, negative_tile -> neg).
// clang-format off
enum class SfpuOp : uint8_t {
    exp, log, recip, sqrt, rsqrt, gelu, silu, sigmoid, tanh,
    relu, relu_max, relu_min, leaky_relu,
    abs, square, power, sign, exp2, expm1, sin, cos, tan,
    ltz, gtz, lez, gez, eqz, nez,
    add_scalar, sub_scalar, mul_scalar, div_scalar, rsub_scalar, fill, neg,
    log1p, erf, erfc, asin, acos, atan, elu, hardsigmoid, floor, ceil, softplus,
};
// clang-format on

// Binary SFPU ops on two Dst tiles (add_binary_tile, ...): result = a op b, where rsub is b - a.
enum class SfpuBinaryOp : uint8_t {
    add,
    sub,
    mul,
    div,
    rsub,
    pow,
    eq,
    ne,
    lt,
    gt,
    le,
    ge,
    max,
    min
};

}  // namespace tensim::abi
