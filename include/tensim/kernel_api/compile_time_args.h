// Compile-time arguments, baked in by the kernel build (-DKERNEL_COMPILE_TIME_ARGS=a,b,...).
#pragma once
#include <cstdint>

#ifndef KERNEL_COMPILE_TIME_ARGS
#define KERNEL_COMPILE_TIME_ARGS
#endif

namespace tensim::kapi {
constexpr uint32_t compile_time_args[] = {KERNEL_COMPILE_TIME_ARGS 0u};
constexpr uint32_t num_compile_time_args = sizeof(compile_time_args) / sizeof(uint32_t) - 1;
constexpr uint32_t compile_time_arg(uint32_t i) {
    // Reading past the arguments the host passed is a compile error, as on TT-Metal.
    return i < num_compile_time_args ? compile_time_args[i] : throw "compile-time arg index out of range";
}
}  // namespace tensim::kapi

#define get_compile_time_arg_val(i) (::tensim::kapi::compile_time_arg(i))
