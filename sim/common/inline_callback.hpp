// A move-only `void()` callable that keeps its captures in place when they fit (no allocation),
// for the event queue: a NoC packet's deliveries are a handful of closures of 16-150 bytes each,
// and std::function allocated every one above 16 bytes (malloc was 8% of a timing run's
// simulation). Larger closures, or ones that cannot move without throwing, go to the heap.
#pragma once
#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace tensim {

class InlineCallback {
public:
    static constexpr size_t kInlineBytes = 176;

    InlineCallback() = default;
    template <typename F, typename T = std::decay_t<F>,
              typename = std::enable_if_t<!std::is_same_v<T, InlineCallback>>>
    InlineCallback(F&& f) {  // NOLINT(google-explicit-constructor): a lambda converts
        if constexpr (fits<T>) {
            ::new (static_cast<void*>(m_buf)) T(std::forward<F>(f));
            m_ops = &kInlineOps<T>;
        } else {
            ::new (static_cast<void*>(m_buf)) T*(new T(std::forward<F>(f)));
            m_ops = &kHeapOps<T>;
        }
    }
    InlineCallback(InlineCallback&& o) noexcept { take(o); }
    InlineCallback& operator=(InlineCallback&& o) noexcept {
        if (this != &o) {
            reset();
            take(o);
        }
        return *this;
    }
    InlineCallback(const InlineCallback&) = delete;
    InlineCallback& operator=(const InlineCallback&) = delete;
    ~InlineCallback() { reset(); }

    void operator()() { m_ops->call(m_buf); }
    explicit operator bool() const { return m_ops != nullptr; }
    void reset() {
        if (m_ops) m_ops->destroy(m_buf);
        m_ops = nullptr;
    }

private:
    struct Ops {
        void (*call)(void* buf);
        void (*move)(void* from, void* to);  // move-constructs at `to`, destroys at `from`
        void (*destroy)(void* buf);
    };
    template <typename T>
    static constexpr bool fits =
        sizeof(T) <= kInlineBytes &&
        alignof(T) <= alignof(std::max_align_t) && std::is_nothrow_move_constructible_v<T>;
    template <typename T>
    static constexpr Ops kInlineOps = {[](void* b) { (*static_cast<T*>(b))(); },
                                       [](void* from, void* to) {
                                           ::new (to) T(std::move(*static_cast<T*>(from)));
                                           static_cast<T*>(from)->~T();
                                       },
                                       [](void* b) { static_cast<T*>(b)->~T(); }};
    template <typename T>
    static constexpr Ops kHeapOps = {
        [](void* b) { (**static_cast<T**>(b))(); },
        [](void* from, void* to) { ::new (to) T*(*static_cast<T**>(from)); },
        [](void* b) { delete *static_cast<T**>(b); }};

    void take(InlineCallback& o) {
        if (!o.m_ops) return;
        o.m_ops->move(o.m_buf, m_buf);
        m_ops = o.m_ops;
        o.m_ops = nullptr;
    }

    alignas(std::max_align_t) unsigned char m_buf[kInlineBytes];
    const Ops* m_ops = nullptr;
};

}  // namespace tensim
