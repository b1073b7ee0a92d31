// FaultProxy: a TCP proxy in front of a test server that injects the network's failures:
// connections cut after N bytes (mid-body, either direction), scripted S3 error replies
// (503 SlowDown, 500 InternalError, 429), connections reset once a request arrived, and
// outages (every connection is reset as soon as it is accepted). Runs on its own thread;
// connections opened before a mode change are severed, so clients meet the new mode on their next
// request.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

namespace zobj::testing {

class FaultProxy {
 public:
  enum class Mode { pass, cut, slow_down, internal_error, too_many_requests, reset, outage };

  explicit FaultProxy(std::uint16_t upstream_port);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  std::uint16_t port() const noexcept { return port_; }
  std::string endpoint() const;

  // cut: each connection is closed once `cut_after` bytes went either way.
  // slow_down: every request is answered 503 SlowDown (with Retry-After: `retry_after_s`
  // when > 0); internal_error: 500 InternalError; too_many_requests: 429 (as some
  // S3-compatible services send). reset: each connection is reset (RST) once a request's
  // header arrived, before any reply. outage: connections are reset at once.
  void set_mode(Mode mode, std::size_t cut_after = 0, int retry_after_s = 0);

  struct Counters {
    std::uint64_t accepted = 0;
    std::uint64_t cuts = 0;
    std::uint64_t slowdowns = 0;  // scripted error replies of every status
    std::uint64_t resets = 0;     // connections reset in `reset` mode
  };
  Counters counters() const;
  // Blocks until `pred(counters())` holds (or `timeout_ms` passes; then false).
  template <typename Pred>
  bool wait_for(Pred pred, int timeout_ms = 30'000) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                             [&] { return pred(counters_); });
  }

  class Impl;

 private:
  friend class Impl;
  void count(std::uint64_t Counters::*field);

  std::uint16_t port_ = 0;
  std::unique_ptr<Impl> impl_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  Counters counters_;  // guarded by mutex_
};

}  // namespace zobj::testing
