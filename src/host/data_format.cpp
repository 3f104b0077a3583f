#include "tensim/host/data_format.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <ostream>
#include <stdexcept>
#include <utility>

namespace {

constexpr uint32_t kTileHw = 32 * 32;
// One shared exponent byte per 16-element face row: 1024 / 16 = 64 bytes per tile.
constexpr uint32_t kBfpExponentBytes = kTileHw / 16;

std::string hex_code(tt::DataFormat format) {
    static constexpr char digits[] = "0123456789abcdef";
    const auto v = static_cast<unsigned>(format);
    return std::string("0x") + digits[(v >> 4) & 0xf] + digits[v & 0xf];
}

[[noreturn]] void throw_unsized(tt::DataFormat format, const char* what) {
    throw std::invalid_argument(std::string(what) + ": data format " + tensim::data_format_name(format) +
                                " has no defined size");
}

struct FormatName {
    std::string_view name;
    tt::DataFormat format;
};

// Lower-case spellings accepted by parse_data_format. Enumerator names come first so that
// data_format_name and parse_data_format round-trip.
constexpr std::array kFormatNames{
    FormatName{"float32", tt::DataFormat::Float32},
    FormatName{"float16", tt::DataFormat::Float16},
    FormatName{"bfp8", tt::DataFormat::Bfp8},
    FormatName{"bfp4", tt::DataFormat::Bfp4},
    FormatName{"tf32", tt::DataFormat::Tf32},
    FormatName{"float16_b", tt::DataFormat::Float16_b},
    FormatName{"bfp8_b", tt::DataFormat::Bfp8_b},
    FormatName{"bfp4_b", tt::DataFormat::Bfp4_b},
    FormatName{"int32", tt::DataFormat::Int32},
    FormatName{"uint16", tt::DataFormat::UInt16},
    FormatName{"lf8", tt::DataFormat::Lf8},
    FormatName{"bfp2", tt::DataFormat::Bfp2},
    FormatName{"int8", tt::DataFormat::Int8},
    FormatName{"bfp2_b", tt::DataFormat::Bfp2_b},
    FormatName{"uint32", tt::DataFormat::UInt32},
    FormatName{"fp8_e4m3", tt::DataFormat::Fp8_e4m3},
    FormatName{"uint8", tt::DataFormat::UInt8},
    FormatName{"rawuint8", tt::DataFormat::RawUInt8},
    FormatName{"rawuint16", tt::DataFormat::RawUInt16},
    FormatName{"rawuint32", tt::DataFormat::RawUInt32},
    FormatName{"invalid", tt::DataFormat::Invalid},
    // TTNN DataType spellings and other common aliases.
    FormatName{"bfloat16", tt::DataFormat::Float16_b},
    FormatName{"bf16", tt::DataFormat::Float16_b},
    FormatName{"fp16", tt::DataFormat::Float16},
    FormatName{"fp32", tt::DataFormat::Float32},
    FormatName{"bfloat8_b", tt::DataFormat::Bfp8_b},
    FormatName{"bfloat4_b", tt::DataFormat::Bfp4_b},
    FormatName{"bfloat2_b", tt::DataFormat::Bfp2_b},
    FormatName{"raw_uint8", tt::DataFormat::RawUInt8},
    FormatName{"raw_uint16", tt::DataFormat::RawUInt16},
    FormatName{"raw_uint32", tt::DataFormat::RawUInt32},
};

}  // namespace

namespace tt {

bool is_block_float(DataFormat format) {
    switch (format) {
        case DataFormat::Bfp8:
        case DataFormat::Bfp8_b:
        case DataFormat::Bfp4:
        case DataFormat::Bfp4_b:
        case DataFormat::Bfp2:
        case DataFormat::Bfp2_b: return true;
        default: return false;
    }
}

uint32_t datum_size(DataFormat format) {
    switch (format) {
        case DataFormat::Float32:
        case DataFormat::Int32:
        case DataFormat::UInt32:
        case DataFormat::RawUInt32: return 4;
        case DataFormat::Float16:
        case DataFormat::Float16_b:
        case DataFormat::UInt16:
        case DataFormat::RawUInt16: return 2;
        case DataFormat::Int8:
        case DataFormat::UInt8:
        case DataFormat::Lf8:
        case DataFormat::Fp8_e4m3:
        case DataFormat::RawUInt8: return 1;
        case DataFormat::Bfp8:
        case DataFormat::Bfp8_b:
        case DataFormat::Bfp4:
        case DataFormat::Bfp4_b:
        case DataFormat::Bfp2:
        case DataFormat::Bfp2_b:
            throw std::invalid_argument("datum_size: block-float format " + tensim::data_format_name(format) +
                                        " has no whole-byte datum; use tile_size");
        case DataFormat::Tf32:
        case DataFormat::Invalid: break;
    }
    throw_unsized(format, "datum_size");
}

uint32_t tile_size(DataFormat format) {
    switch (format) {
        // Mantissa bytes (sign + magnitude bits per element) plus the shared exponents.
        case DataFormat::Bfp8:
        case DataFormat::Bfp8_b: return kTileHw * 8 / 8 + kBfpExponentBytes;
        case DataFormat::Bfp4:
        case DataFormat::Bfp4_b: return kTileHw * 4 / 8 + kBfpExponentBytes;
        case DataFormat::Bfp2:
        case DataFormat::Bfp2_b: return kTileHw * 2 / 8 + kBfpExponentBytes;
        case DataFormat::Tf32:
        case DataFormat::Invalid: throw_unsized(format, "tile_size");
        default: return kTileHw * datum_size(format);
    }
}

std::ostream& operator<<(std::ostream& os, DataFormat format) { return os << tensim::data_format_name(format); }

}  // namespace tt

namespace tt::tt_metal::detail {
uint32_t TileSize(tt::DataFormat format) { return tt::tile_size(format); }
}  // namespace tt::tt_metal::detail

std::ostream& operator<<(std::ostream& os, MathFidelity fidelity) {
    switch (fidelity) {
        case MathFidelity::LoFi: return os << "LoFi";
        case MathFidelity::HiFi2: return os << "HiFi2";
        case MathFidelity::HiFi3: return os << "HiFi3";
        case MathFidelity::HiFi4: return os << "HiFi4";
        case MathFidelity::Invalid: return os << "Invalid";
    }
    return os << "MathFidelity(" << static_cast<unsigned>(fidelity) << ")";
}

namespace tensim {

std::string data_format_name(tt::DataFormat format) {
    using tt::DataFormat;
    switch (format) {
        case DataFormat::Float32: return "Float32";
        case DataFormat::Float16: return "Float16";
        case DataFormat::Bfp8: return "Bfp8";
        case DataFormat::Bfp4: return "Bfp4";
        case DataFormat::Tf32: return "Tf32";
        case DataFormat::Float16_b: return "Float16_b";
        case DataFormat::Bfp8_b: return "Bfp8_b";
        case DataFormat::Bfp4_b: return "Bfp4_b";
        case DataFormat::Int32: return "Int32";
        case DataFormat::UInt16: return "UInt16";
        case DataFormat::Lf8: return "Lf8";
        case DataFormat::Bfp2: return "Bfp2";
        case DataFormat::Int8: return "Int8";
        case DataFormat::Bfp2_b: return "Bfp2_b";
        case DataFormat::UInt32: return "UInt32";
        case DataFormat::Fp8_e4m3: return "Fp8_e4m3";
        case DataFormat::UInt8: return "UInt8";
        case DataFormat::RawUInt8: return "RawUInt8";
        case DataFormat::RawUInt16: return "RawUInt16";
        case DataFormat::RawUInt32: return "RawUInt32";
        case DataFormat::Invalid: return "Invalid";
    }
    return "DataFormat(" + hex_code(format) + ")";
}

tt::DataFormat parse_data_format(std::string_view name) {
    std::string key(name);
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    for (std::string_view prefix : {"tt::dataformat::", "dataformat::"}) {
        if (key.starts_with(prefix)) {
            key.erase(0, prefix.size());
            break;
        }
    }
    for (const auto& entry : kFormatNames) {
        if (entry.name == key) return entry.format;
    }
    throw std::invalid_argument("unknown data format '" + std::string(name) +
                                "' (expected e.g. bfloat16, float16_b, bfloat8_b, bfp8_b, float32, uint32)");
}

}  // namespace tensim
