// Bindings of the op layer, the LLM step and calibration on numpy arrays and dicts. Each op call
// stores its float32 inputs as device tensors (tensim::ops::Tensor::from_host: padded to tiles,
// quantized to the dtype), runs the op's real program and returns its output as float32 with the
// program's stats and plan: one record per call, as `tensim matmul --json` gives.
#include <fmt/format.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "bind.hpp"
#include "tensim/calibrate.hpp"
#include "tensim/error.hpp"
#include "tensim/host/device.hpp"
#include "tensim/models/model.hpp"
#include "tensim/models/tp.hpp"
#include "tensim/ops/eltwise.hpp"
#include "tensim/ops/matmul.hpp"
#include "tensim/ops/norm.hpp"

namespace tensim::python {

namespace {

using tt::tt_metal::IDevice;
using F32 = py::array_t<float, py::array::c_style | py::array::forcecast>;

// A 1-, 2- or 3-D float array as an op-layer shape: [batch, rows, cols].
ops::Shape shape_of(const F32& a, const char* what) {
    const auto n = a.ndim();
    if (n < 1 || n > 3)
        throw std::invalid_argument(
            fmt::format("{}: expected a 1-, 2- or 3-D array, got {}-D", what, n));
    ops::Shape s;
    s.cols = uint32_t(a.shape(n - 1));
    s.rows = n >= 2 ? uint32_t(a.shape(n - 2)) : 1;
    s.batch = n == 3 ? uint32_t(a.shape(0)) : 1;
    return s;
}

std::vector<float> values(const F32& a) { return {a.data(), a.data() + a.size()}; }

ops::Tensor to_device(IDevice* d, const F32& a, const char* what, ops::DType t,
                      const ops::MemoryConfig& m) {
    return ops::Tensor::from_host(d, values(a), shape_of(a, what), t, m);
}

// The output in the shape numpy users expect: the input's rank.
py::array_t<float> to_numpy(const ops::Tensor& t, size_t ndim) {
    const std::vector<float> v = t.to_host();
    const ops::Shape& s = t.shape();
    std::vector<py::ssize_t> dims;
    if (ndim == 3) dims.push_back(s.batch);
    if (ndim >= 2) dims.push_back(s.rows);
    dims.push_back(s.cols);
    py::array_t<float> out(dims);
    std::copy(v.begin(), v.end(), out.mutable_data());
    return out;
}

py::dict record(IDevice* d, const ops::Tensor& out, size_t ndim, const std::string& plan,
                const std::string& why) {
    py::dict r;
    r["output"] = to_numpy(out, ndim);
    r["stats"] = stats_dict(tensim::last_program_stats(d));
    r["plan"] = plan, r["why"] = why;
    return r;
}

py::dict matmul(IDevice* d, const F32& a, const F32& b, const std::string& program,
                const std::string& in0_dtype, const std::string& in1_dtype,
                const std::string& out_dtype, const std::string& fidelity, bool fp32_dest_acc) {
    ops::MatmulConfig cfg;
    cfg.program = ops::parse_program(program);
    cfg.math_fidelity = ops::parse_fidelity(fidelity);
    cfg.fp32_dest_acc = fp32_dest_acc;
    if (!out_dtype.empty()) cfg.out_dtype = ops::parse_dtype(out_dtype);
    const ops::DType d0 = ops::parse_dtype(in0_dtype), d1 = ops::parse_dtype(in1_dtype);
    const ops::Shape sa = shape_of(a, "matmul a"), sb = shape_of(b, "matmul b");
    if (b.ndim() != 2) throw std::invalid_argument("matmul b: expected a 2-D [K, N] array");
    const auto in1_mem = cfg.program == ops::MatmulProgram::dram_sharded
                             ? ops::parse_memory_config("dram_sharded")
                             : ops::MemoryConfig::dram_interleaved();
    // Plan first: it completes sharded memory requests with the grid and shard shape it needs.
    const ops::MatmulPlan plan = ops::plan_matmul(
        d, {sa, sb, d0, d1, ops::MemoryConfig::dram_interleaved(), in1_mem, false}, cfg);
    const ops::Tensor ta = to_device(d, a, "matmul a", d0, plan.a_mem);
    const ops::Tensor tb = to_device(d, b, "matmul b", d1, plan.b_mem);
    ops::MatmulPlan ran;
    ops::Tensor c;
    {
        py::gil_scoped_release nogil;
        c = ops::matmul(ta, tb, cfg, &ran);
    }
    return record(d, c, size_t(std::max<py::ssize_t>(a.ndim(), 2)), ran.describe(), ran.why);
}

py::dict binary(IDevice* d, const F32& a, const F32& b, const std::string& op,
                const std::string& dtype, const std::string& activation) {
    const ops::BinaryOp o = op == "add"   ? ops::BinaryOp::add
                            : op == "sub" ? ops::BinaryOp::sub
                            : op == "mul" ? ops::BinaryOp::mul
                                          : throw std::invalid_argument(fmt::format(
                                                "binary op '{}': expected add, sub or mul", op));
    const ops::DType t = ops::parse_dtype(dtype);
    const auto mem = ops::MemoryConfig::dram_interleaved();
    const ops::Tensor ta = to_device(d, a, "a", t, mem), tb = to_device(d, b, "b", t, mem);
    ops::BinaryConfig cfg;
    cfg.input_a_activation = activation;
    ops::BinaryPlan plan;
    ops::Tensor c;
    {
        py::gil_scoped_release nogil;
        c = ops::binary(ta, tb, o, cfg, &plan);
    }
    return record(d, c, size_t(a.ndim()), plan.describe(), plan.why);
}

py::dict norm(IDevice* d, const F32& x, const std::optional<F32>& gamma, const std::string& kind,
              const std::string& dtype, float epsilon) {
    const ops::DType t = ops::parse_dtype(dtype);
    const auto mem = ops::MemoryConfig::dram_interleaved();
    const ops::Tensor tx = to_device(d, x, "x", t, mem);
    std::optional<ops::Tensor> tg;
    if (gamma) tg = to_device(d, *gamma, "gamma", t, mem);
    ops::NormConfig cfg;
    cfg.epsilon = epsilon;
    ops::NormPlan plan;
    ops::Tensor y;
    {
        py::gil_scoped_release nogil;
        if (kind == "rms_norm")
            y = ops::rms_norm(tx, tg, std::nullopt, cfg, &plan);
        else if (kind == "layer_norm")
            y = ops::layer_norm(tx, tg, std::nullopt, cfg, &plan);
        else
            throw std::invalid_argument(fmt::format("norm '{}'", kind));
    }
    return record(d, y, size_t(x.ndim()), plan.describe(), plan.why);
}

py::dict op_dict(const models::OpRecord& r) {
    py::dict d;
    d["op"] = r.label, d["ttnn_op"] = r.op, d["program"] = r.program, d["cores"] = r.cores;
    d["device_us"] = r.device_us, d["share"] = r.share, d["fpu_util"] = r.fpu_util;
    d["dram_gbps"] = r.dram_gbps, d["bound"] = r.bound, d["missing"] = r.missing;
    return d;
}

// One decode step or prefill (tensim::models::run_model): the figures `tensim llm --json` gives.
// `device` may be None for a tensor-parallel run, which opens the system's chips itself.
py::dict llm(IDevice* d, const std::string& model, const std::string& mode, uint32_t batch,
             uint32_t seq_len, uint32_t kv_len, uint32_t layers, uint32_t tp, double gap_us,
             bool skip_missing, uint32_t seed) {
    const models::ModelConfig cfg = models::find_model(model);
    models::ModelOptions mo;
    mo.shape.mode = models::parse_mode(mode);
    const bool decode = mo.shape.mode == models::Mode::decode;
    mo.shape.batch = decode ? batch : 1;
    mo.shape.seq_len = seq_len;
    mo.shape.kv_len = kv_len ? kv_len : seq_len;
    mo.shape.tp = tp;
    mo.layers = layers, mo.gap_us = gap_us, mo.seed = seed;
    mo.missing = skip_missing ? models::MissingOps::skip : models::MissingOps::refuse;
    mo.check_pcc = tensim::numerics_mode_name() != "timing";
    models::ModelRun r;
    {
        py::gil_scoped_release nogil;
        r = tp > 1 ? models::run_tp_model_on_system(cfg, mo) : models::run_model(d, cfg, mo);
    }
    py::dict j;
    j["model"] = cfg.name, j["system"] = tensim::system_name(), j["mode"] = mode;
    j["batch"] = mo.shape.batch, j["seq_len"] = mo.shape.seq_len, j["tp"] = tp;
    j["layers"] = r.layers, j["layers_us"] = r.layers_us, j["head_us"] = r.head_us;
    j["device_us"] = r.device_us, j["ops_per_step"] = r.ops_per_step, j["gaps_us"] = r.gaps_us;
    j["dispatch_us"] = r.dispatch_us;
    if (decode) {
        j["kv_len"] = mo.shape.kv_len;
        j["device_tokens_per_s_per_user"] = r.device_tokens_per_s_per_user;
        j["tokens_per_s_per_user"] = r.tokens_per_s_per_user;
    } else {
        j["ttft_ms"] = r.ttft_ms, j["prefill_tokens_per_s"] = r.prefill_tokens_per_s;
    }
    j["complete"] = r.complete(), j["missing_ops"] = r.missing, j["wall_s"] = r.wall_s;
    py::list ops, head;
    for (const auto& op : r.groups.front().run.ops) ops.append(op_dict(op));
    for (const auto& op : r.head) head.append(op_dict(op));
    j["ops"] = ops, j["head_ops"] = head;
    if (r.groups.front().run.pcc) j["pcc"] = *r.groups.front().run.pcc;
    return j;
}

py::object calibrate(const std::vector<std::string>& files, const std::string& numerics,
                     bool include_large) {
    std::vector<calibrate::Case> cases;
    for (const auto& f : files) {
        auto c = calibrate::load_cases(f);
        cases.insert(cases.end(), c.begin(), c.end());
    }
    calibrate::Options opt;
    opt.numerics = numerics, opt.include_large = include_large;
    std::vector<calibrate::Result> results;
    {
        py::gil_scoped_release nogil;
        results = calibrate::run_cases(cases, opt);
    }
    return from_json(calibrate::to_json(results));
}

}  // namespace

void bind_ops(py::module_& m) {
    m.def("matmul", &matmul, py::arg("device"), py::arg("a"), py::arg("b"), py::arg("program"),
          py::arg("in0_dtype"), py::arg("in1_dtype"), py::arg("out_dtype"), py::arg("fidelity"),
          py::arg("fp32_dest_acc"));
    m.def("binary", &binary, py::arg("device"), py::arg("a"), py::arg("b"), py::arg("op"),
          py::arg("dtype"), py::arg("activation"));
    m.def("norm", &norm, py::arg("device"), py::arg("x"), py::arg("gamma"), py::arg("kind"),
          py::arg("dtype"), py::arg("epsilon"));
    m.def("llm", &llm, py::arg("device"), py::arg("model"), py::arg("mode"), py::arg("batch"),
          py::arg("seq_len"), py::arg("kv_len"), py::arg("layers"), py::arg("tp"),
          py::arg("gap_us"), py::arg("skip_missing"), py::arg("seed"));
    m.def("calibrate", &calibrate, py::arg("files"), py::arg("numerics"), py::arg("include_large"));
    m.def("model_presets", &models::preset_names);
}

}  // namespace tensim::python
