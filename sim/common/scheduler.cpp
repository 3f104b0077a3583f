#include "common/scheduler.hpp"

namespace tensim {

Scheduler& Scheduler::instance() {
    // Never destroyed: SystemC keeps a reference to the spawned method until the process ends.
    static Scheduler* s = new Scheduler();
    return *s;
}

Scheduler::Scheduler() : m_head_event("tensim_scheduler_head") {
    sc_core::sc_spawn_options opts;
    opts.spawn_method();
    opts.set_sensitivity(&m_head_event);
    opts.dont_initialize();
    sc_core::sc_spawn([this] { run_due(); }, "tensim_scheduler", &opts);
}

void Scheduler::schedule(const ClockDomain& clock, Cycle at, const void* owner, Callback fn) {
    uint64_t now_ps = sc_core::sc_time_stamp().value();
    uint64_t t_ps = std::max<uint64_t>(at * clock.period_ps(), now_ps);
    m_queue.emplace(Key{t_ps, m_seq++}, Entry{owner, std::move(fn)});
    renotify();
}

void Scheduler::cancel(const void* owner) {
    for (auto it = m_queue.begin(); it != m_queue.end();)
        it = it->second.owner == owner ? m_queue.erase(it) : std::next(it);
    renotify();
}

void Scheduler::run_due() {
    uint64_t now_ps = sc_core::sc_time_stamp().value();
    while (!m_queue.empty() && m_queue.begin()->first.time_ps <= now_ps) {
        auto node = m_queue.extract(m_queue.begin());
        node.mapped().fn();  // may schedule more entries
    }
    renotify();
}

void Scheduler::renotify() {
    m_head_event.cancel();
    if (m_queue.empty()) return;
    uint64_t now_ps = sc_core::sc_time_stamp().value();
    uint64_t head = m_queue.begin()->first.time_ps;
    m_head_event.notify(
        sc_core::sc_time(static_cast<double>(head > now_ps ? head - now_ps : 0), sc_core::SC_PS));
}

}  // namespace tensim
