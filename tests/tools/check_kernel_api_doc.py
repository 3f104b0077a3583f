#!/usr/bin/env python3
"""Every public function of the kernel API headers is named in docs/compute-api.md.

Scans the compute headers and dataflow_api.h for functions (ALWI / inline / FORCE_INLINE
definitions, and the names the TENSIM_* generator macros instantiate), leaves out tensim's own
helpers (tensim_*), and lists the names the document does not mention as `name`.
"""
import os
import re
import sys

HEADERS = ["compute_kernel_api.h", "compute_layout_api.h", "compute_matmul_reduce_api.h",
           "compute_sfpu_api.h", "dataflow_api.h"]
# Generator macros whose instantiation NAME(fn, ...) also defines fn_init.
WITH_INIT = {"TENSIM_SFPU", "TENSIM_SFPU_PARAM", "TENSIM_SFPU_BINARY", "TENSIM_SFPU_MAX_MIN"}


def public_names(text):
    names = set()
    for m in re.finditer(r"^(?:ALWI|inline|FORCE_INLINE)\s+[\w:<>,\s\*&]+?\s\**(\w+)\s*\(", text,
                         re.M):
        names.add(m.group(1))
    for m in re.finditer(r"^(TENSIM_\w+)\((\w+)\s*,", text, re.M):
        names.add(m.group(2))
        if m.group(1) in WITH_INIT:
            names.add(m.group(2) + "_init")
    return {n for n in names if not n.lower().startswith("tensim")}


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    kapi = os.path.join(root, "include", "tensim", "kernel_api")
    with open(os.path.join(root, "docs", "compute-api.md")) as f:
        doc = f.read()
    missing = []
    for h in HEADERS:
        with open(os.path.join(kapi, h)) as f:
            found = public_names(f.read())
        if not found:
            missing.append(f"{h}: no functions found (has the header's style changed?)")
        missing += [f"{h}: {n}" for n in sorted(found) if f"`{n}`" not in doc]
    for m in missing:
        print("not in docs/compute-api.md:", m)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
