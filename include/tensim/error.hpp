// Typed errors: the exceptions tensim raises, part of the public API. A user mistake (bad kernel,
// bad config, bad host call) and an internal bug are different types; each carries where it
// happened so the message can name it.
#pragma once
#include <stdexcept>
#include <string>

namespace tensim {

// Base of every error tensim raises on purpose.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// An architecture or board file, or an override, that is malformed: unknown key, wrong unit,
// impossible value. The message names the key.
class ConfigError : public Error {
public:
    using Error::Error;
};

// The host program misused the API: allocation beyond capacity, CBs overlapping buffers,
// bad core ranges, missing kernel files.
class HostError : public Error {
public:
    using Error::Error;
};

// A kernel failed to compile. The message carries the compiler's file:line diagnostics.
class KernelCompileError : public HostError {
public:
    using HostError::HostError;
};

// A kernel misused the device: CB push beyond reserved pages, NoC address outside any memory,
// misaligned transfer, L1 access outside the core. The message names chip, core, RISC, kernel.
class KernelError : public Error {
public:
    using Error::Error;
};

// No thread can make progress (or a time limit passed) while some still wait. The message is
// the report of every waiting thread.
class DeadlockError : public Error {
public:
    using Error::Error;
};

// A bug in tensim itself.
class InternalError : public Error {
public:
    using Error::Error;
};

}  // namespace tensim
