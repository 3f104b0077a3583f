// The "sfpu"."sfpi" section of an architecture file: cycles per SFPI instruction class.
#include "tensix/sfpi_cost.hpp"

#include "common/params.hpp"

namespace tensim {

void SfpiCosts::load(Params& s) {
    s.constant("load_cycles", "cycles/instruction", load_cycles, "SFPLOAD, Dst to an LReg");
    s.constant("store_cycles", "cycles/instruction", store_cycles, "SFPSTORE, an LReg to Dst");
    s.constant("loadi_cycles", "cycles/instruction", loadi_cycles, "SFPLOADI, an immediate");
    s.constant("simple_cycles", "cycles/instruction", simple_cycles,
               "simple-unit op (abs, setsgn, exexp, bitwise, shift, cast, mov, iadd)");
    s.constant("mad_cycles", "cycles/instruction", mad_cycles,
               "MAD-unit op (add, mul, mad, addi, muli, lut) followed by a dependent op");
    s.constant("cc_cycles", "cycles/instruction", cc_cycles,
               "predication op (setcc, pushc, popc, compc, encc)");
    s.constant("face_cycles", "cycles/face", face_cycles,
               "params helper stepping the Dst address to the next face");
}

Cycle SfpiCosts::cycles(const abi::SfpiCounts& c) const {
    using C = abi::SfpiClass;
    const auto n = [&](C k) { return Cycle(c.n[static_cast<int>(k)]); };
    return n(C::load) * load_cycles + n(C::store) * store_cycles + n(C::loadi) * loadi_cycles +
           n(C::simple) * simple_cycles + n(C::mad) * mad_cycles + n(C::cc) * cc_cycles +
           n(C::face) * face_cycles;
}

}  // namespace tensim
