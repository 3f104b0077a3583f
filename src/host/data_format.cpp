#include "tensim/host/data_format.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <ostream>
#include <stdexcept>
#include <utility>

namespace {

std::string hex_code(tt::DataFormat format) {
    static constexpr char digits[] = "0123456789abcdef";
    const auto v = static_cast<unsigned>(format);
    return std::string("0x") + digits[(v >> 4) & 0xf] + digits[v & 0xf];
}

[[noreturn]] void throw_unsized(tt::DataFormat format, const char* what) {
    throw std::invalid_argument(std::string(what) + ": data format " +
                                tensim::data_format_name(format) + " has no defined size");
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

bool is_block_float(DataFormat format) { return tensim::abi::is_block_float(format); }

uint32_t datum_size(DataFormat format) {
    if (tensim::abi::is_block_float(format))
        throw std::invalid_argument("datum_size: block-float format " +
                                    tensim::data_format_name(format) +
                                    " has no whole-byte datum; use tile_size");
    if (uint32_t n = tensim::abi::datum_bytes(format)) return n;
    throw_unsized(format, "datum_size");
}

uint32_t tile_size(DataFormat format) {
    if (uint32_t n = tensim::abi::tile_bytes(format)) return n;
    throw_unsized(format, "tile_size");
}

std::ostream& operator<<(std::ostream& os, DataFormat format) {
    return os << tensim::data_format_name(format);
}

}  // namespace tt

namespace tt::tt_metal::detail {
uint32_t TileSize(tt::DataFormat format) { return tt::tile_size(format); }
}  // namespace tt::tt_metal::detail

std::ostream& operator<<(std::ostream& os, MathFidelity fidelity) {
    switch (fidelity) {
        case MathFidelity::LoFi:
            return os << "LoFi";
        case MathFidelity::HiFi2:
            return os << "HiFi2";
        case MathFidelity::HiFi3:
            return os << "HiFi3";
        case MathFidelity::HiFi4:
            return os << "HiFi4";
        case MathFidelity::Invalid:
            return os << "Invalid";
    }
    return os << "MathFidelity(" << static_cast<unsigned>(fidelity) << ")";
}

namespace tensim {

std::string data_format_name(tt::DataFormat format) {
    if (const char* name = abi::format_name(format)) return name;
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
    throw std::invalid_argument(
        "unknown data format '" + std::string(name) +
        "' (expected e.g. bfloat16, float16_b, bfloat8_b, bfp8_b, float32, uint32)");
}

}  // namespace tensim
