// The `tensim._tensim` extension module: tensim's typed errors as Python exception classes, then
// the host, op, LLM and calibration bindings (bind_host.cpp, bind_ops.cpp). The package
// python/tensim/__init__.py re-exports what users call.
#include <dlfcn.h>

#include "bind.hpp"
#include "tensim/error.hpp"

namespace tensim::python {

// Kernels are shared objects that resolve the kernel API against libtensim when they are loaded.
// A program links libtensim and finds it global; Python loads this module (and with it libtensim)
// RTLD_LOCAL, so the module promotes the library it was linked with to global scope first.
void make_library_global() {
    Dl_info info{};
    if (!dladdr(reinterpret_cast<void*>(&tensim::system_name), &info) || !info.dli_fname)
        throw InternalError("tensim: cannot locate libtensim (dladdr)");
    if (!dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_GLOBAL))
        throw InternalError(std::string("tensim: cannot make libtensim global: ") + dlerror());
}

void bind_errors(py::module_& m) {
    // pybind11 tries translators newest first, so each subclass is registered after its base and
    // a KernelCompileError arrives as itself, not as its base HostError.
    auto& error = py::register_exception<Error>(m, "Error", PyExc_RuntimeError);
    py::register_exception<ConfigError>(m, "ConfigError", error);
    auto& host = py::register_exception<HostError>(m, "HostError", error);
    py::register_exception<KernelCompileError>(m, "KernelCompileError", host);
    py::register_exception<KernelError>(m, "KernelError", error);
    py::register_exception<DeadlockError>(m, "DeadlockError", error);
    py::register_exception<InternalError>(m, "InternalError", error);
}

}  // namespace tensim::python

PYBIND11_MODULE(_tensim, m) {
    m.doc() = "tensim: a cycle-approximate simulator of Tenstorrent Wormhole chips (bindings)";
    tensim::python::make_library_global();
    tensim::python::bind_errors(m);
    tensim::python::bind_host(m);
    tensim::python::bind_ops(m);
}
