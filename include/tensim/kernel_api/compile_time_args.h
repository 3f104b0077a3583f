// Compile-time arguments, baked in by the kernel build (-DKERNEL_COMPILE_TIME_ARGS=a,b,...).
#pragma once
#include <cstdint>
#include <string_view>

#ifndef KERNEL_COMPILE_TIME_ARGS
#define KERNEL_COMPILE_TIME_ARGS
#endif
#ifndef KERNEL_COMPILE_TIME_ARG_MAP
#define KERNEL_COMPILE_TIME_ARG_MAP
#endif

namespace tensim::kapi {
constexpr uint32_t compile_time_args[] = {KERNEL_COMPILE_TIME_ARGS 0u};
constexpr uint32_t num_compile_time_args = sizeof(compile_time_args) / sizeof(uint32_t) - 1;
constexpr uint32_t compile_time_arg(uint32_t i) {
    // Reading past the arguments the host passed is a compile error, as on TT-Metal.
    return i < num_compile_time_args ? compile_time_args[i]
                                     : throw "compile-time arg index out of range";
}
struct NamedArg {
    std::string_view name;
    uint32_t value;
};
constexpr NamedArg named_compile_time_args[] = {KERNEL_COMPILE_TIME_ARG_MAP{"", 0}};
constexpr uint32_t named_compile_time_arg(std::string_view name) {
    for (const auto& a : named_compile_time_args)
        if (!a.name.empty() && a.name == name) return a.value;
    return throw "no named compile-time arg of that name", 0u;
}
}  // namespace tensim::kapi

// TT-Metal's kernels also index the arguments directly (`kernel_compile_time_args[i]`); with no
// arguments the array is empty (a GNU extension the kernel build accepts).
constexpr uint32_t kernel_compile_time_args[] = {KERNEL_COMPILE_TIME_ARGS};

#define get_compile_time_arg_val(i) (::tensim::kapi::compile_time_arg(i))
// [N]: DataMovementConfig/ComputeConfig named_compile_args.
constexpr uint32_t get_named_compile_time_arg_val(std::string_view name) {
    return ::tensim::kapi::named_compile_time_arg(name);
}
