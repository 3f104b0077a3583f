#include "kernel_api/code_cost.hpp"

#include <dlfcn.h>
#include <fmt/format.h>
#include <link.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <unordered_map>

#include "common/error.hpp"
#include "common/log.hpp"
#include "tensix/risc_thread.hpp"
#include "tensix/tensix_core.hpp"

namespace tensim::kapi {

namespace fs = std::filesystem;

std::string code_cost_flags() {
    // -g1: line tables with the inline chain, enough to tell the kernel's lines from the API's.
    // No auto-vectorisation: the RISC is RV32IM, so one x86 vector op would stand for many.
    // DWARF 4: binutils 2.40's objdump misnames the files of GCC 12's DWARF 5 line tables.
    return "-g1 -gdwarf-4 -fsanitize-coverage=trace-pc -fno-tree-vectorize";
}

namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// "file:line" or "file:line (discriminator n)" -> file, lexically normalised.
std::string location_file(std::string_view loc) {
    if (auto d = loc.find(" (discriminator"); d != std::string_view::npos) loc = loc.substr(0, d);
    auto colon = loc.rfind(':');
    if (colon == std::string_view::npos) return std::string(loc);
    return fs::path(loc.substr(0, colon)).lexically_normal().string();
}

// Splits AT&T operands at top-level commas ("0x8(%rax,%rbx,4),%ecx" -> two).
std::vector<std::string_view> operands(std::string_view ops) {
    std::vector<std::string_view> out;
    int depth = 0;
    size_t start = 0;
    for (size_t i = 0; i < ops.size(); ++i) {
        if (ops[i] == '(') ++depth;
        if (ops[i] == ')') --depth;
        if (ops[i] == ',' && depth == 0) out.push_back(ops.substr(start, i - start)), start = i + 1;
    }
    if (start < ops.size()) out.push_back(ops.substr(start));
    return out;
}

// A memory operand through a pointer: not the stack (%rsp/%rbp, the RISC's local data RAM) and
// not a global (%rip).
bool pointer_operand(std::string_view op) {
    auto p = op.find("(%");
    if (p == std::string_view::npos) return false;
    std::string_view base = op.substr(p + 2, 3);
    return base != "rsp" && base != "rbp" && base != "rip";
}

struct Insn {
    std::string mnemonic, ops;
    std::string callee;  // a call's target symbol ("__asan_report_load8@plt")
    bool own = false;    // inlined from tensim's headers or the wrapper
    bool hook = false;   // the call to the trace-pc hook that starts a block
    bool san = false;    // a sanitizer's check or bookkeeping, not the kernel's code
};

bool is_cond_jump(const std::string& m) { return m.size() > 1 && m[0] == 'j' && m != "jmp"; }

// Padding and CET markers: not executed work on the RISC.
bool is_padding(const Insn& in) {
    const std::string& m = in.mnemonic;
    return m == "endbr64" || starts_with(m, "nopw") || starts_with(m, "nopl") ||
           starts_with(m, "data16") || (m == "xchg" && in.ops == "%ax,%ax");
}

// The architectural register an AT&T register name is part of ("%eax", "%al" -> "a"; "%r9d" ->
// "r9"), "" for others (vector registers, %rip).
std::string reg_family(std::string_view r) {
    if (r.empty() || r[0] != '%') return "";
    r.remove_prefix(1);
    if (r.size() >= 2 && r[0] == 'r' && r[1] >= '0' && r[1] <= '9') {  // r8..r15 [dwb]
        size_t n = 1;
        while (n < r.size() && r[n] >= '0' && r[n] <= '9') ++n;
        return std::string(r.substr(0, n));
    }
    for (std::string_view f : {"si", "di", "bp", "sp"})
        if (r.find(f) != std::string_view::npos) return std::string(f);
    for (char f : {'a', 'b', 'c', 'd'})
        if (r == std::string{f, 'l'} || r == std::string{f, 'h'} || r == std::string{f, 'x'} ||
            r == std::string{'e', f, 'x'} || r == std::string{'r', f, 'x'})
            return std::string(1, f);
    return "";
}

// Whether an instruction's operands name register family `fam` (as source, destination or
// address register: any mention counts as a use, which errs towards charging the stall).
bool mentions(const Insn& in, const std::string& fam) {
    size_t p = 0;
    while ((p = in.ops.find('%', p)) != std::string::npos) {
        size_t e = p + 1;
        while (e < in.ops.size() && std::isalnum(static_cast<unsigned char>(in.ops[e]))) ++e;
        if (reg_family(std::string_view(in.ops).substr(p, e - p)) == fam) return true;
        p = e;
    }
    return false;
}

// The register of a memory operand's base ("0x8(%rax,%rbx,4)" -> "a"), "" for none.
std::string base_family(std::string_view op) {
    auto p = op.find("(%");
    if (p == std::string_view::npos) return "";
    auto e = op.find_first_of(",)", p);
    return reg_family(op.substr(p + 1, e - p - 1));
}

// Register families as bits of a mask (0 for none).
uint32_t reg_bit(const std::string& fam) {
    static const char* const names[] = {"a",  "b",  "c",   "d",   "si",  "di",  "bp",  "sp",
                                        "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"};
    for (uint32_t i = 0; i < 16; ++i)
        if (fam == names[i]) return 1u << i;
    return 0;
}

// The registers holding a stack or global address (local data RAM) after `x`, given those before
// it: set by lea of a %rsp/%rbp/%rip address or a move from one; lost on any other write or call.
uint32_t local_after(const Insn& x, uint32_t in) {
    const std::string& m = x.mnemonic;
    if (starts_with(m, "call"))  // callee-saved registers survive: b, bp, sp, r12-r15
        return in & (0xf000u | reg_bit("b") | reg_bit("bp") | reg_bit("sp"));
    // Implicit writes: divides', one-operand multiplies', sign extensions', string operations'.
    auto ops = operands(x.ops);
    if (starts_with(m, "div") || starts_with(m, "idiv") || starts_with(m, "mul") ||
        (starts_with(m, "imul") && ops.size() == 1) || m == "cltq" || m == "cqto" || m == "cltd" ||
        m == "cwtl" || starts_with(m, "cmpxchg"))
        in &= ~(reg_bit("a") | reg_bit("d"));
    if (starts_with(m, "stos") || starts_with(m, "movs") || starts_with(m, "lods") ||
        starts_with(m, "scas") || starts_with(m, "cmps"))
        in &= ~(reg_bit("si") | reg_bit("di") | reg_bit("c"));
    if (ops.empty() || m[0] == 'j' || starts_with(m, "cmp") || starts_with(m, "test") ||
        starts_with(m, "push") || starts_with(m, "bt"))
        return in;
    if (starts_with(m, "xchg") || starts_with(m, "xadd"))
        for (auto op : ops) in &= ~reg_bit(reg_family(op));
    const uint32_t dst = reg_bit(reg_family(ops.back()));
    if (!dst) return in;  // a memory or vector destination
    if (ops.size() == 2) {
        const bool addr_of_local =
            starts_with(m, "lea") && (ops[0].find("(%rsp") != std::string_view::npos ||
                                      ops[0].find("(%rbp") != std::string_view::npos ||
                                      ops[0].find("(%rip") != std::string_view::npos);
        const bool copy_of_local = starts_with(m, "mov") && !starts_with(m, "movz") &&
                                   !starts_with(m, "movs") &&
                                   (ops[0] == "%rsp" || (in & reg_bit(reg_family(ops[0]))));
        if (addr_of_local || copy_of_local) return in | dst;
    }
    return in & ~dst;
}

// The registers holding a local-RAM address on entry to each instruction on every path to it (a
// must-analysis over each function: fall-through, direct jumps, an indirect jump to any block
// start). The compiler keeps a stack array's address in a callee-saved register across a loop's
// blocks; on the RISC those are sp-relative accesses of local data RAM.
std::vector<uint32_t> local_at(const std::vector<Insn>& insns, const std::vector<uint64_t>& addrs,
                               const std::vector<bool>& ends_region) {
    const size_t n = insns.size();
    std::vector<uint32_t> func(n);
    for (size_t i = 1; i < n; ++i) func[i] = func[i - 1] + (ends_region[i - 1] ? 1 : 0);
    std::vector<std::vector<size_t>> preds(n);
    std::vector<bool> entry(n, false);
    for (size_t i = 0; i < n; ++i) {
        const std::string& m = insns[i].mnemonic;
        if (i == 0 || ends_region[i - 1]) entry[i] = true;
        const bool uncond = m == "jmp" || starts_with(m, "ret") || starts_with(m, "ud2");
        if (!uncond && !ends_region[i] && i + 1 < n) preds[i + 1].push_back(i);
        if (m[0] != 'j') continue;
        if (insns[i].ops.find('*') != std::string::npos) {  // indirect: any block start
            for (size_t j = 0; j < n; ++j)
                if (func[j] == func[i] && insns[j].hook) preds[j].push_back(i);
            continue;
        }
        char* end = nullptr;
        const uint64_t target = std::strtoull(insns[i].ops.c_str(), &end, 16);
        if (end == insns[i].ops.c_str()) continue;
        auto t = std::lower_bound(addrs.begin(), addrs.end(), target);
        if (t != addrs.end() && *t == target) {
            const size_t j = static_cast<size_t>(t - addrs.begin());
            if (func[j] == func[i]) preds[j].push_back(i);
        }
    }
    std::vector<uint32_t> in(n, ~0u), out(n, ~0u);
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t i = 0; i < n; ++i) {
            // No way in: an entry or landing pad knows nothing; padding is never run.
            uint32_t v = entry[i] ? 0 : preds[i].empty() ? (is_padding(insns[i]) ? ~0u : 0) : ~0u;
            for (size_t p : preds[i]) v &= out[p];
            const uint32_t o = local_after(insns[i], v);
            if (v != in[i] || o != out[i]) in[i] = v, out[i] = o, changed = true;
        }
    }
    return in;
}

// `local`: register families known to point into the RISC's local data RAM (the stack, the
// kernel's globals); an access through them is a local access, not an L1 one.
void classify(const Insn& in, bool fused_with_next, CodeCounts& c, uint32_t local) {
    const std::string& m = in.mnemonic;
    if (is_padding(in)) return;
    if (fused_with_next) return;  // cmp/test + jcc is one RISC-V compare-and-branch
    if (m[0] == 'j' || starts_with(m, "call") || starts_with(m, "ret")) {
        ++c.branch;
        return;
    }
    if (starts_with(m, "imul") || starts_with(m, "mul")) {
        ++c.mul;
        return;
    }
    if (starts_with(m, "div") || starts_with(m, "idiv")) {
        ++c.div;
        return;
    }
    if (starts_with(m, "lea") || starts_with(m, "nop") || starts_with(m, "push") ||
        starts_with(m, "pop")) {
        ++c.plain;
        return;
    }
    auto ops = operands(in.ops);
    bool mem_src = false, mem_dst = false, local_src = false;
    for (size_t i = 0; i < ops.size(); ++i)
        if (pointer_operand(ops[i])) {
            if (local & reg_bit(base_family(ops[i]))) {  // a struct field or array in local RAM
                if (i + 1 < ops.size() || ops.size() == 1) ++c.local_load, local_src = true;
                continue;
            }
            (i + 1 == ops.size() && ops.size() > 1 ? mem_dst : mem_src) = true;
        }
    const bool is_move = starts_with(m, "mov") || starts_with(m, "cmov");
    const bool no_write = starts_with(m, "cmp") || starts_with(m, "test");
    if (ops.size() == 1 && pointer_operand(ops[0])) mem_src = mem_dst = !no_write;  // incl, negl
    if (mem_dst && no_write) mem_src = true, mem_dst = false;
    if (mem_dst && !is_move) mem_src = true;  // read-modify-write
    if (mem_src) ++c.l1_load;
    if (mem_dst) ++c.l1_store;
    if (!is_move || (!mem_src && !mem_dst && !local_src)) ++c.plain;  // the operation itself
}

bool ends_block(const Insn& x) { return x.mnemonic[0] == 'j' || starts_with(x.mnemonic, "ret"); }

// The latency cycles of the L1 load at `i` that the kernel's own independent instructions after
// it cover, up to kL1LoadCover: a plain load into a register is covered by the instructions before
// the first one that names the register (or a call, jump or return, or the block's end); a load
// folded into an operation (x86 memory operand) is used at once.
uint16_t load_cover(const std::vector<Insn>& insns, const std::vector<bool>& ends_region,
                    size_t i) {
    const Insn& ld = insns[i];
    if (!starts_with(ld.mnemonic, "mov")) return 0;
    auto ops = operands(ld.ops);
    if (ops.size() != 2) return 0;
    const std::string fam = reg_family(ops[1]);
    if (fam.empty() || ends_region[i]) return 0;
    uint16_t d = 0;
    for (size_t j = i + 1; j < insns.size() && d < kL1LoadCover; ++j) {
        const Insn& x = insns[j];
        if (x.san) {
            if (ends_region[j]) break;
            continue;
        }
        if (x.hook || ends_block(x) || starts_with(x.mnemonic, "call") || mentions(x, fam)) break;
        if (!x.own && !is_padding(x)) ++d;
        if (ends_region[j]) break;
    }
    return d;
}

// Sanitizer instrumentation (a kernel built by a sanitizer build of tensim, cmake/sanitizers.cmake)
// is not the kernel's code: the sanitized kernel should cost what its plain build costs. ASan
// checks each access inline (shift the address, compare its shadow byte at 0x7fff8000, GCC's
// x86-64 shadow offset, branch to a report call) and poisons stack red zones; UBSan branches to a
// handler. The checks' branches fall inside one trace-pc block, which would otherwise end there
// and leave the rest of the block uncounted. Marked `san`: instructions addressing the shadow,
// calls into the sanitizer runtimes, branches to a report, the compares deciding those branches,
// and instructions whose result only such instructions use or whose inputs only they made. An
// object that calls no sanitizer runtime is left alone, so a plain kernel's counts never change.
// What stays counted in a sanitized kernel: register moves and spills the checks forced on the
// compiler, and a block's UBSan branches to a handler block (one compare-and-branch each).
bool is_sanitizer_callee(const std::string& callee) {
    return starts_with(callee, "__asan_") || starts_with(callee, "__ubsan_");
}

// An operand in ASan's shadow: 0x7fff8000 plus a small offset, off a register.
bool shadow_operand(const std::string& ops) {
    for (size_t p = ops.find("0x7fff8"); p != std::string::npos; p = ops.find("0x7fff8", p + 1))
        if (p + 10 < ops.size() && ops[p + 10] == '(' &&
            std::all_of(ops.begin() + p + 7, ops.begin() + p + 10,
                        [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); }))
            return true;
    return false;
}

bool reads_flags(const std::string& m) {
    return m[0] == 'j' ? m != "jmp"
                       : starts_with(m, "set") || starts_with(m, "cmov") || starts_with(m, "adc") ||
                             starts_with(m, "sbb");
}

// Instructions that leave the flags alone (of those the compiler emits around a check).
bool keeps_flags(const std::string& m) {
    return m[0] == 'j' || starts_with(m, "mov") || starts_with(m, "lea") || starts_with(m, "nop") ||
           starts_with(m, "set") || starts_with(m, "cmov") || starts_with(m, "push") ||
           starts_with(m, "pop") || starts_with(m, "call") || starts_with(m, "not") ||
           starts_with(m, "bswap") || starts_with(m, "xchg") || m == "cltq" || m == "cqto" ||
           m == "cltd" || m == "cwtl";
}

// The general-purpose registers an instruction reads and writes (as reg_bit masks), or false
// when it has implicit operands or transfers control (then: reads everything).
struct RegUse {
    uint32_t reads = 0, writes = 0;
    bool mem_read = false, mem_write = false;
};
bool reg_use(const Insn& x, RegUse& u) {
    const std::string& m = x.mnemonic;
    const uint32_t sp = reg_bit("sp");
    if (starts_with(m, "push") || starts_with(m, "pop")) {
        if (x.ops.find('(') != std::string::npos) return false;
        const uint32_t r = reg_bit(reg_family(x.ops));
        u.reads = sp | (m[1] == 'u' ? r : 0), u.writes = sp | (m[1] == 'o' ? r : 0);
        u.mem_read = m[1] == 'o', u.mem_write = m[1] == 'u';
        return true;
    }
    if (starts_with(m, "nop") || m == "endbr64") return true;
    if (starts_with(m, "ret")) {
        // The return value's registers are not counted as read: a value the sanitizer's code
        // used is a shadow address or byte, never what a function returns.
        u.reads = sp, u.writes = sp, u.mem_read = true;
        return true;
    }
    for (const char* p : {"call",  "j",     "div",     "idiv",  "mul",   "cltq", "cqto", "cltd",
                          "cwtl",  "xchg",  "cmpxchg", "xadd",  "stos",  "lods", "scas", "cmps",
                          "leave", "enter", "syscall", "cpuid", "rdtsc", "ud2"})
        if (starts_with(m, p)) return false;
    if (x.ops.find("%es:") != std::string::npos) return false;  // string moves
    auto ops = operands(x.ops);
    if (ops.empty() || (starts_with(m, "imul") && ops.size() == 1)) return false;
    auto regs_in = [](std::string_view op) {  // every register an operand names
        uint32_t r = 0;
        for (size_t p = op.find('%'); p != std::string_view::npos; p = op.find('%', p + 1)) {
            size_t e = p + 1;
            while (e < op.size() && std::isalnum(static_cast<unsigned char>(op[e]))) ++e;
            r |= reg_bit(reg_family(op.substr(p, e - p)));
        }
        return r;
    };
    const bool compare = starts_with(m, "cmp") || starts_with(m, "test") || starts_with(m, "bt");
    const bool lea = starts_with(m, "lea");
    const bool pure_write = lea || starts_with(m, "mov");
    for (size_t i = 0; i + 1 < ops.size(); ++i) {
        u.reads |= regs_in(ops[i]);
        if (ops[i].find('(') != std::string_view::npos && !lea) u.mem_read = true;
    }
    std::string_view dst = ops.back();
    if (dst.find('(') != std::string_view::npos) {
        u.reads |= regs_in(dst);
        u.mem_read = u.mem_read || compare || !pure_write;
        u.mem_write = !compare;
    } else {
        // A write of the low 8 or 16 bits keeps the rest: it reads the register too.
        const bool full = starts_with(dst, "%e") ||
                          (starts_with(dst, "%r") && dst.back() != 'w' && dst.back() != 'b');
        const uint32_t r = regs_in(dst);
        if (compare || !pure_write || !full || ops.size() == 1) u.reads |= r;
        if (!compare) u.writes = r;
    }
    return true;
}

void mark_sanitizer_code(std::vector<Insn>& insns, const std::vector<uint64_t>& addrs,
                         const std::vector<bool>& ends_region) {
    const size_t n = insns.size();
    auto index_of = [&](const std::string& ops) -> size_t {
        char* end = nullptr;
        const uint64_t target = std::strtoull(ops.c_str(), &end, 16);
        if (end == ops.c_str()) return n;
        auto t = std::lower_bound(addrs.begin(), addrs.end(), target);
        return t != addrs.end() && *t == target ? size_t(t - addrs.begin()) : n;
    };
    // Seeds: the shadow, the runtimes, and branches to a report (the argument set-up and the
    // report call, after the trace-pc hook that starts UBSan's handler block).
    // Only in objects that call a sanitizer runtime (a plain kernel is left exactly as it is).
    if (std::none_of(insns.begin(), insns.end(),
                     [](const Insn& x) { return is_sanitizer_callee(x.callee); }))
        return;
    for (Insn& x : insns)
        if (shadow_operand(x.ops) || is_sanitizer_callee(x.callee)) x.san = true;
    for (size_t i = 0; i < n; ++i) {
        if (insns[i].mnemonic[0] != 'j' || insns[i].ops.find('*') != std::string::npos) continue;
        for (size_t j = index_of(insns[i].ops), k = 0; j < n && k < 8; ++j, ++k) {
            const Insn& y = insns[j];
            if (is_sanitizer_callee(y.callee) &&
                !starts_with(y.callee, "__asan_handle_no_return")) {
                insns[i].san = true;
                break;
            }
            if (y.hook || starts_with(y.callee, "__asan_handle_no_return")) continue;
            if (!starts_with(y.mnemonic, "mov") && !starts_with(y.mnemonic, "lea") &&
                !starts_with(y.mnemonic, "xor"))
                break;
            if (ends_region[j]) break;
        }
    }
    // Where a jump other than a report's lands: values there may come from elsewhere.
    std::vector<bool> target(n, false);
    for (size_t i = 0; i < n; ++i)
        if (insns[i].mnemonic[0] == 'j' && !insns[i].san)
            if (size_t t = index_of(insns[i].ops); t < n) target[t] = true;
    const uint32_t callee_saved = reg_bit("b") | reg_bit("bp") | reg_bit("sp") | reg_bit("r12") |
                                  reg_bit("r13") | reg_bit("r14") | reg_bit("r15");
    // Whether every use of what instruction i computes (`live` registers up to their next write,
    // the flags up to the next instruction that sets them) is the sanitizer's, and there is one.
    auto no_fall_through = [&](size_t j) {  // nothing runs after instruction j
        const std::string& m = insns[j].mnemonic;
        return ends_region[j] || m == "jmp" || starts_with(m, "ret") || starts_with(m, "ud2");
    };
    auto only_sanitizer_uses = [&](size_t i, uint32_t live, bool flags) {
        bool used = false;
        for (size_t j = i + 1; j < n && (live || flags); ++j) {
            if (no_fall_through(j - 1)) break;
            const Insn& y = insns[j];
            if (y.hook) return used && !(live & callee_saved);  // the call clobbers the others
            if (y.mnemonic[0] == 'j') {
                if (flags && reads_flags(y.mnemonic)) {
                    if (!y.san) return false;
                    used = true;
                }
                if (y.san) continue;  // to a report, or further down this same path
                return used && !live;
            }
            RegUse v;
            if (!reg_use(y, v)) {  // a call, or implicit operands
                if (!y.san) return used && !live && starts_with(y.mnemonic, "call");
                if (live) used = true;  // a runtime call's arguments
                if (y.callee.find("handle_no_return") == std::string::npos) return used;
                live &= callee_saved;
                continue;
            }
            if ((v.reads & live) || (flags && reads_flags(y.mnemonic))) {
                if (!y.san) return false;
                used = true;
            }
            live &= ~(v.writes & ~v.reads);
            if (!keeps_flags(y.mnemonic)) flags = false;
        }
        return used;
    };
    // The instruction that last wrote register r on the straight path to instruction i (n: none
    // known).
    auto last_writer = [&](size_t i, uint32_t r) {
        for (size_t j = i; j-- > 0;) {
            if (no_fall_through(j) || target[j + 1]) return n;
            const Insn& y = insns[j];
            if (y.hook || (y.mnemonic[0] == 'j' && !y.san)) return n;
            if (y.mnemonic[0] == 'j') continue;
            RegUse v;
            if (!reg_use(y, v)) return n;
            if (v.writes & r) return j;
        }
        return n;
    };
    // Whether instruction i works on what the sanitizer's code made: every register it reads was
    // last written by that code, or one holds a shadow byte (which only a check ever reads).
    auto sanitizer_inputs = [&](size_t i, uint32_t reads) {
        bool all = true;
        for (uint32_t r = 1; r; r <<= 1) {
            if (!(reads & r)) continue;
            const size_t w = last_writer(i, r);
            if (w < n && insns[w].san && shadow_operand(insns[w].ops)) return true;
            if (w == n || !insns[w].san) all = false;
        }
        return all;
    };
    // The rest, to a fixed point: an instruction whose results only the sanitizer's code uses, or
    // whose inputs only the sanitizer's code made; a conditional branch on such a compare.
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t i = n; i-- > 0;) {
            Insn& x = insns[i];
            if (x.san || x.hook) continue;
            const std::string& m = x.mnemonic;
            bool san = false;
            if (reads_flags(m) && m[0] == 'j') {
                for (size_t j = i; j-- > 0 && !ends_region[j];) {
                    if (insns[j].hook || (insns[j].mnemonic[0] == 'j' && !insns[j].san)) break;
                    if (keeps_flags(insns[j].mnemonic)) continue;
                    san = insns[j].san;
                    break;
                }
            } else if (RegUse u; reg_use(x, u) && !u.mem_write) {
                san = only_sanitizer_uses(i, u.writes, !keeps_flags(m)) ||
                      (u.reads && !u.mem_read && !(u.reads & reg_bit("sp")) &&
                       sanitizer_inputs(i, u.reads));
            }
            if (san) x.san = changed = true;
        }
    }
}
}  // namespace

std::vector<std::pair<uint64_t, CodeCounts>> parse_disassembly(
    const std::string& text, const std::vector<std::string>& own_prefixes,
    std::vector<CallSite>* calls) {
    // Gather instructions with their ownership, and the start of each block (the instruction
    // after each call to the trace-pc hook).
    std::vector<uint64_t> addrs;
    std::vector<Insn> insns;
    std::vector<size_t> block_starts;
    std::vector<bool> ends_region;  // a function starts after this instruction
    std::map<std::string, bool> own_file;
    auto is_own = [&](const std::string& file) {
        auto [it, fresh] = own_file.try_emplace(file, false);
        if (fresh)
            for (const auto& p : own_prefixes)
                if (starts_with(file, p)) it->second = true;
        return it->second;
    };
    std::string inner;               // innermost source location of what follows
    std::vector<std::string> outer;  // the locations it is inlined into, inside out
    bool consumed = false;           // an instruction used the chain since it was printed
    bool after_hook = false;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        if (line[0] == ' ') {  // "    1140:\tcall   1050 <...>"
            auto colon = line.find(':');
            auto tab = line.find('\t', colon);
            if (colon == std::string::npos || tab == std::string::npos) continue;
            uint64_t addr = std::stoull(line.substr(0, colon), nullptr, 16);
            std::string body = line.substr(tab + 1);
            for (std::string_view pfx : {"notrack ", "bnd ", "lock ", "rep ", "repz ", "repnz "})
                if (starts_with(body, pfx)) body = body.substr(pfx.size());
            if (starts_with(body, "cs ") || starts_with(body, "ds ")) body = body.substr(3);
            auto sp = body.find_first_of(" \t");
            Insn insn;
            insn.mnemonic = body.substr(0, sp);
            if (sp != std::string::npos) {
                auto o = body.find_first_not_of(" \t", sp);
                if (o != std::string::npos) insn.ops = body.substr(o, body.find(" <", o) - o);
            }
            if (starts_with(insn.mnemonic, "call"))
                if (auto lt = body.find(" <"); lt != std::string::npos)
                    insn.callee = body.substr(lt + 2, body.find_first_of("+>", lt) - lt - 2);
            // Whose code: the innermost location outside the system headers.
            bool own = false;
            bool found = false;
            for (size_t i = 0; i <= outer.size() && !found; ++i) {
                const std::string& f = i == 0 ? inner : outer[i - 1];
                if (f.empty() || starts_with(f, "/usr/")) continue;
                own = is_own(f), found = true;
            }
            insn.own = own;
            consumed = true;
            if (after_hook) block_starts.push_back(insns.size()), after_hook = false;
            if (starts_with(insn.mnemonic, "call") &&
                body.find("<__sanitizer_cov_trace_pc") != std::string::npos) {
                after_hook = true;
                insn.own = insn.hook = true;  // the hook itself is the simulator's
            }
            addrs.push_back(addr);
            insns.push_back(std::move(insn));
            ends_region.push_back(false);
        } else if (starts_with(line, "inlined by ")) {
            if (consumed) outer.clear(), consumed = false;
            outer.push_back(location_file(std::string_view(line).substr(11)));
        } else if (line.back() == ':' && line.find(" <") != std::string::npos) {
            if (!ends_region.empty()) ends_region.back() = true;  // "0000... <fn>:"
            after_hook = false;
        } else if (line.size() > 3 && line.compare(line.size() - 3, 3, "():") == 0) {
            continue;  // "fn():" precedes the function's first location
        } else if (line.find(':') != std::string::npos && line[0] == '/') {
            inner = location_file(line), outer.clear(), consumed = false;
        }
    }
    // A block runs from its start to the next hook call, jump, branch or return, or the end of
    // its function: the code laid out after those is another block's (which starts with its own
    // hook call; what the compiler scheduled before that call goes uncounted).
    std::vector<std::pair<uint64_t, CodeCounts>> out;
    mark_sanitizer_code(insns, addrs, ends_region);
    const std::vector<uint32_t> local = local_at(insns, addrs, ends_region);
    for (size_t b : block_starts) {
        CodeCounts c;
        for (size_t i = b; i < insns.size(); ++i) {
            const Insn& x = insns[i];
            if (x.hook) break;
            if (x.san) {  // not counted; a sanitizer's branch to its report does not end the block
                if (ends_region[i]) break;
                continue;
            }
            if (calls && starts_with(x.mnemonic, "call") && i + 1 < insns.size())
                calls->push_back({addrs[i + 1], addrs[b], c});
            size_t next = i + 1;
            while (next < insns.size() && insns[next].san && !ends_region[next - 1]) ++next;
            const bool fused =
                (starts_with(x.mnemonic, "cmp") || starts_with(x.mnemonic, "test")) &&
                next < insns.size() && is_cond_jump(insns[next].mnemonic);
            if (!x.own) {
                const uint16_t loads = c.l1_load;
                classify(x, fused, c, local[i]);
                if (c.l1_load > loads) c.l1_load_covered += load_cover(insns, ends_region, i);
            }
            if (x.mnemonic[0] == 'j' || starts_with(x.mnemonic, "ret") || ends_region[i]) break;
        }
        out.emplace_back(addrs[b], c);  // empty ones too: a lookup that hits is cheap
    }
    return out;
}

void analyse_kernel_code(const std::string& so, const std::vector<std::string>& own_prefixes,
                         const std::string& out) {
    std::string cmd = fmt::format("objdump -d -l --inlines --no-show-raw-insn '{}' 2>&1", so);
    std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
    if (!p) throw InternalError("cannot run objdump to count a kernel's code: " + cmd);
    std::string text;
    char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p.get())) > 0) text.append(buf, n);
    std::vector<CallSite> calls;
    auto blocks = parse_disassembly(text, own_prefixes, &calls);
    std::string tmp = out + fmt::format(".tmp{}", getpid());
    {
        std::ofstream f(tmp);
        f << "tensim-code-cost 7\n";
        for (const auto& [off, c] : blocks)
            f << fmt::format("b {:x} 0 {} {} {} {} {} {} {} {}\n", off, c.plain, c.branch, c.mul,
                             c.div, c.l1_load, c.l1_store, c.local_load, c.l1_load_covered);
        for (const CallSite& k : calls)
            f << fmt::format("c {:x} {:x} {} {} {} {} {} {} {} {}\n", k.return_offset,
                             k.block_offset, k.before.plain, k.before.branch, k.before.mul,
                             k.before.div, k.before.l1_load, k.before.l1_store, k.before.local_load,
                             k.before.l1_load_covered);
    }
    fs::rename(tmp, out);
}

namespace {

// An L1 load takes its latency less what independent instructions after it cover (at least one
// cycle, its own issue); a store one issue cycle, but the block as a whole cannot store to L1
// faster than one store per code_l1_store_cycles (ISA BabyRISCV/README.md; steady state of a
// loop, the 4-entry store queue's absorption of a short burst left out).
Cycle cycles_of(const CodeCounts& c, const RiscConfig& cfg) {
    const Cycle load_latency = c.l1_load * cfg.code_l1_load_cycles;
    const Cycle covered =
        std::min<Cycle>(c.l1_load_covered, c.l1_load * (cfg.code_l1_load_cycles - 1));
    const Cycle issue = c.plain * cfg.code_plain_cycles + c.branch * cfg.code_branch_cycles +
                        c.mul * cfg.code_mul_cycles + c.div * cfg.code_div_cycles +
                        (load_latency - covered) + c.local_load * cfg.code_local_load_cycles +
                        c.l1_store * cfg.code_plain_cycles;
    return std::max<Cycle>(issue, c.l1_store * cfg.code_l1_store_cycles);
}

// The RiscConfig fields cycles_of reads: blocks' cycles are computed once per object and value.
struct CostKey {
    Cycle plain, branch, mul, div, l1_load, l1_store, local_load;
    explicit CostKey(const RiscConfig& c)
        : plain(c.code_plain_cycles),
          branch(c.code_branch_cycles),
          mul(c.code_mul_cycles),
          div(c.code_div_cycles),
          l1_load(c.code_l1_load_cycles),
          l1_store(c.code_l1_store_cycles),
          local_load(c.code_local_load_cycles) {}
    bool operator==(const CostKey&) const = default;
};

// Every block's cycles under one CostKey, open-addressed by offset (the hook's lookup: one or
// two probes of a small array instead of a node-based hash map and cycles_of per call).
struct CycleTable {
    static constexpr uint32_t kEmpty = ~0u;  // no block starts at the end of a 4 GiB object
    struct Slot {
        uint32_t offset = kEmpty;
        Cycle cycles = 0;
    };
    CostKey key;
    std::vector<Slot> slots;  // a power of two, at most half full
    uint32_t mask = 0;        // slots.size() - 1
    uint32_t shift = 32;      // 32 - log2(slots.size())

    static uint32_t hash(uint32_t offset, uint32_t shift) {
        return static_cast<uint32_t>((uint64_t(offset) * 0x9E3779B97F4A7C15ull) >> 32) >> shift;
    }
    // The slot of `offset`, or nullptr if no block starts there.
    const Slot* find(uint32_t offset) const {
        const Slot* const data = slots.data();
        for (uint32_t i = hash(offset, shift);; i = (i + 1) & mask) {
            const Slot& s = data[i];
            if (s.offset == offset) return &s;
            if (s.offset == kEmpty) return nullptr;
        }
    }
};

// The countable blocks of one loaded kernel object.
struct KernelCode {
    void* handle;
    std::string name;  // the kernel's source, for the code profile
    uintptr_t base;
    uintptr_t end;  // one past the last block's start: [base, end) holds no other object's code
    // The first block of tensim_kernel_entry (every launch of the object starts with it), or
    // kEmpty if not found: see ThreadCode.
    uint32_t entry_block = CycleTable::kEmpty;
    std::unordered_map<uint32_t, CodeCounts> blocks;  // by offset from base
    // Calls inside blocks, by return offset: the block and its instructions before the call.
    std::unordered_map<uint32_t, std::pair<uint32_t, CodeCounts>> calls;
    // The blocks' cycles per configuration met, made by the hook (on the simulation thread).
    std::vector<std::unique_ptr<CycleTable>> tables;

    const CycleTable& table(const RiscConfig& cfg) {
        const CostKey key(cfg);
        for (const auto& t : tables)
            if (t->key == key) return *t;
        auto t = std::make_unique<CycleTable>(CycleTable{key, {}, 0, 32});
        size_t size = 2;
        while (size < 2 * blocks.size()) size *= 2;
        t->slots.resize(size);
        t->mask = static_cast<uint32_t>(size - 1);
        while ((size_t(1) << (32 - t->shift)) < size) --t->shift;
        for (const auto& [at, c] : blocks) {
            uint32_t i = CycleTable::hash(at, t->shift);
            while (t->slots[i].offset != CycleTable::kEmpty) i = (i + 1) & t->mask;
            t->slots[i] = {at, cycles_of(c, cfg)};
        }
        tables.push_back(std::move(t));
        return *tables.back();
    }
};

// The block each RISC entered last and what it was charged.
struct LastBlock {
    const KernelCode* code = nullptr;
    uint32_t offset = 0;
    Cycle charged = 0;
};
// What the hook keeps per RISC thread: its last block, and the object and cycle table its blocks
// were last charged from. A RISC's config never changes, but a thread made later at the same
// address may have another: the table is looked up again whenever the object changes or a launch
// enters the object's entry block (before any other block of it).
struct ThreadCode {
    LastBlock last;
    KernelCode* code = nullptr;
    const CycleTable* table = nullptr;
};
std::unordered_map<const RiscThread*, ThreadCode>& thread_codes() {
    static std::unordered_map<const RiscThread*, ThreadCode> m;
    return m;
}
std::vector<std::unique_ptr<KernelCode>>& registry() {
    static std::vector<std::unique_ptr<KernelCode>> r;
    return r;
}
// Kernels are loaded and unloaded by the parallel build's threads (jit::build_all); the hook reads
// the registry on the simulation thread, which builds nothing while a program runs.
std::mutex& registry_mutex() {
    static std::mutex m;
    return m;
}
// The registered object whose code holds `ra`, or nullptr.
KernelCode* code_at(uintptr_t ra) {
    for (const auto& k : registry())
        if (k->base <= ra && ra < k->end) return k.get();
    return nullptr;
}

// $TENSIM_CODE_PROFILE=FILE: every block's runs, per RISC, written at exit (one line per block:
// kernel, offset, RISC, runs, charged cycles, of which hidden by run-ahead, the block's counts).
// A measuring aid for the cost model (docs/calibration.md "Kernel code"), off by default.
struct ProfileKey {
    const KernelCode* code;
    uint32_t offset;
    int risc;
    bool operator==(const ProfileKey&) const = default;
};
struct ProfileKeyHash {
    size_t operator()(const ProfileKey& k) const {
        return std::hash<const void*>()(k.code) ^ (size_t(k.offset) << 3) ^ size_t(k.risc);
    }
};
struct ProfileEntry {
    uint64_t runs = 0, cycles = 0, hidden = 0;
};
struct CodeProfile {
    std::string path;
    std::unordered_map<ProfileKey, ProfileEntry, ProfileKeyHash> entries;
    std::vector<std::unique_ptr<KernelCode>> unloaded;  // kept for their names and counts
    ~CodeProfile() {
        std::ofstream f(path);
        for (const auto& [k, e] : entries) {
            auto b = k.code->blocks.find(k.offset);
            const CodeCounts c = b == k.code->blocks.end() ? CodeCounts{} : b->second;
            f << fmt::format("{} {:x} {} {} {} {} {} {} {} {} {} {} {} {}\n", k.code->name,
                             k.offset, k.risc, e.runs, e.cycles, e.hidden, c.plain, c.branch, c.mul,
                             c.div, c.l1_load, c.l1_store, c.local_load, c.l1_load_covered);
        }
    }
};
CodeProfile* code_profile() {
    static std::unique_ptr<CodeProfile> p = [] {
        // The registry first, so it outlives the profile, whose destructor reads its objects.
        (void)registry();
        const char* path = std::getenv("TENSIM_CODE_PROFILE");
        std::unique_ptr<CodeProfile> q;
        if (path && *path) q = std::make_unique<CodeProfile>(), q->path = path;
        return q;
    }();
    return p.get();
}
void code_profile_add(const KernelCode* code, uint32_t offset, Risc risc, Cycle cycles,
                      Cycle hidden) {
    ProfileEntry& e = code_profile()->entries[{code, offset, int(risc)}];
    ++e.runs, e.cycles += cycles, e.hidden += hidden;
}

}  // namespace

void register_kernel_code(void* handle, const void* entry, const std::string& costs,
                          const std::string& name) {
    Dl_info info{};
    ElfW(Sym)* sym = nullptr;
    if (!dladdr1(entry, &info, reinterpret_cast<void**>(&sym), RTLD_DL_SYMENT) || !info.dli_fbase)
        return;
    auto code = std::make_unique<KernelCode>();
    code->handle = handle;
    code->name = name;
    code->base = reinterpret_cast<uintptr_t>(info.dli_fbase);
    std::ifstream f(costs);
    std::string head;
    if (!std::getline(f, head) || head != "tensim-code-cost 7") {
        log::jit().warn("no code counts for a kernel ({}): its code is not timed", costs);
        return;
    }
    std::string kind, off, block;
    unsigned v[8];
    while (f >> kind >> off >> block >> v[0] >> v[1] >> v[2] >> v[3] >> v[4] >> v[5] >> v[6] >>
           v[7]) {
        const CodeCounts c{uint16_t(v[0]), uint16_t(v[1]), uint16_t(v[2]), uint16_t(v[3]),
                           uint16_t(v[4]), uint16_t(v[5]), uint16_t(v[6]), uint16_t(v[7])};
        const auto at = static_cast<uint32_t>(std::stoul(off, nullptr, 16));
        if (kind == "b")
            code->blocks[at] = c;
        else
            code->calls[at] = {static_cast<uint32_t>(std::stoul(block, nullptr, 16)), c};
    }
    uint32_t last = 0;
    for (const auto& [at, c] : code->blocks) last = std::max(last, at);
    code->end = code->base + last + 1;
    // The entry's first block: the first block starting inside the entry function (its first
    // hook call is in the function's entry basic block, laid out at the symbol).
    const uintptr_t entry_at = reinterpret_cast<uintptr_t>(entry);
    if (sym && entry_at >= code->base) {
        const uintptr_t from = entry_at - code->base, to = from + sym->st_size;
        for (const auto& [at, c] : code->blocks)
            if (at > from && at < to && at < code->entry_block) code->entry_block = at;
    }
    std::lock_guard<std::mutex> lock(registry_mutex());
    registry().push_back(std::move(code));
}

uint64_t code_time_at_call(RiscThread& t, const void* return_address) {
    const Cycle now = t.now();
    auto tc = thread_codes().find(&t);
    if (tc == thread_codes().end() || !tc->second.last.code) return now;
    const LastBlock& lb = tc->second.last;
    const KernelCode& code = *lb.code;
    const auto ra = reinterpret_cast<uintptr_t>(return_address);
    auto it = code.calls.find(static_cast<uint32_t>(ra - code.base));
    if (ra < code.base || it == code.calls.end() || it->second.first != lb.offset) return now;
    const Cycle after = lb.charged - cycles_of(it->second.second, t.config());
    return now >= after ? now - after : now;
}

void forget_kernel_code(void* handle) {
    std::lock_guard<std::mutex> lock(registry_mutex());
    auto& r = registry();
    for (auto& [thread, tc] : thread_codes()) {
        if (tc.last.code && tc.last.code->handle == handle) tc.last = LastBlock{};
        if (tc.code && tc.code->handle == handle) tc.code = nullptr, tc.table = nullptr;
    }
    for (auto it = r.begin(); it != r.end(); ++it)
        if ((*it)->handle == handle) {
            if (CodeProfile* p = code_profile()) p->unloaded.push_back(std::move(*it));
            r.erase(it);
            return;
        }
}

namespace {

// The threads' states by address, open-addressed for the hook (which changes thread at about
// every other block: each API call can switch to another RISC); at most half full.
struct ThreadSlot {
    const RiscThread* thread = nullptr;
    ThreadCode* code = nullptr;
};
struct ThreadSlots {
    std::vector<ThreadSlot> slots = std::vector<ThreadSlot>(1024);
    uint64_t mask = 1023;
    uint32_t shift = 54;  // 64 - log2(slots.size())
    size_t used = 0;
    size_t index(const RiscThread* t) const {
        return (reinterpret_cast<uintptr_t>(t) * 0x9E3779B97F4A7C15ull) >> shift;
    }
    // The state of `t`, or nullptr if it has none yet.
    ThreadCode* find(const RiscThread* t) const {
        for (size_t i = index(t);; i = (i + 1) & mask) {
            const ThreadSlot& s = slots[i];
            if (s.thread == t) return s.code;
            if (!s.thread) return nullptr;
        }
    }
    void insert(const RiscThread* t, ThreadCode* code) {
        size_t i = index(t);
        while (slots[i].thread) i = (i + 1) & mask;
        slots[i] = {t, code};
        ++used;
    }
    // The state of `t`, made if it has none (from the map, whose nodes never move).
    ThreadCode& get(const RiscThread* t) {
        if (ThreadCode* c = find(t)) return *c;
        if (2 * (used + 1) > slots.size()) {
            slots.assign(2 * slots.size(), ThreadSlot{});
            mask = slots.size() - 1, --shift, used = 0;
            for (auto& [thread, code] : thread_codes()) insert(thread, &code);
        }
        ThreadCode& c = thread_codes()[t];
        insert(t, &c);
        return c;
    }
};
ThreadSlots g_threads;

// Charges `cycles` of the block at `offset` of `code` to `t`.
CodeProfile* const g_profile = code_profile();
void charge(RiscThread& t, ThreadCode& tc, const KernelCode* code, uint32_t offset, Cycle cycles) {
    if (g_profile) {
        const Cycle hidden = t.code_hidden_cycles();
        t.advance_code(cycles);
        code_profile_add(code, offset, t.risc(), cycles, t.code_hidden_cycles() - hidden);
    } else {
        t.advance_code(cycles);
    }
    tc.last = {code, offset, cycles};  // for code_time_at_call
}

// The hook's way when the thread's object or table may have changed: whether `t`'s code is
// counted at all, the object holding `ra`, and its cycle table for `t`'s config; then charges
// the block as the hook does.
[[gnu::noinline]] void charge_looked_up(RiscThread& t, uintptr_t ra) {
    ThreadCode& tc = g_threads.get(&t);
    tc.code = nullptr, tc.table = nullptr;
    KernelCode* code = code_at(ra);
    if (!code) return;
    // ERISC kernels' code is not counted: the eth section's fitted command and polling costs
    // (eth.cmd_issue_cycles, eth.poll_cycles) already include it. Such a thread keeps its object
    // with no table, so the hook returns at once on its next blocks (eth kernels poll in loops).
    const bool counted = !t.core().is_eth() && t.config().code_cost;
    const CycleTable* table = counted ? &code->table(t.config()) : nullptr;
    // Without a known entry block a new thread at this address could not be told apart: such an
    // object takes this way on every block.
    if (code->entry_block != CycleTable::kEmpty) tc.code = code, tc.table = table;
    if (!table) return;
    const auto offset = static_cast<uint32_t>(ra - code->base);
    if (const CycleTable::Slot* block = table->find(offset))
        charge(t, tc, code, offset, block->cycles);
}

}  // namespace

}  // namespace tensim::kapi

// GCC's trace-pc hook, called at the start of every basic block of a kernel: charges the block's
// instructions to the RISC running it. Its common way is kept short (one call, for the running
// thread; the rest is out of line): a known thread, the object of its last block, one probe of
// the object's cycle table.
extern "C" void __sanitizer_cov_trace_pc() {
    using namespace tensim;
    RiscThread* t = RiscThread::current();
    if (!t || !t->running()) return;
    const auto ra = reinterpret_cast<uintptr_t>(__builtin_return_address(0));
    // The last thread's state kept at hand: about half the blocks follow one of the same thread.
    static const RiscThread* last_thread = nullptr;
    static kapi::ThreadCode* tc = nullptr;
    if (t != last_thread) {
        tc = kapi::g_threads.find(t);
        last_thread = tc ? t : nullptr;
    }
    const kapi::KernelCode* code = tc ? tc->code : nullptr;
    if (!code || ra < code->base || ra >= code->end ||
        static_cast<uint32_t>(ra - code->base) == code->entry_block)
        return kapi::charge_looked_up(*t, ra);
    if (!tc->table) return;  // not counted (ERISC, or code_cost off)
    const auto offset = static_cast<uint32_t>(ra - code->base);
    const kapi::CycleTable::Slot* block = tc->table->find(offset);
    if (!block) return;
    if (kapi::g_profile) return kapi::charge(*t, *tc, code, offset, block->cycles);
    t->advance_code(block->cycles);
    tc->last = {code, offset, block->cycles};  // for code_time_at_call
}
