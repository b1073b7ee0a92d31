// RedisLeases: per-key leases in Redis, the mutual exclusion behind S3 conditional writes
// on stores that do not enforce them (docs/s3-conditional-writes.md has the argument).
//
// A lease on key K is the Redis string "<ns>K" set with NX and a TTL of `lease`, holding a
// random owner id. The holder must finish every request it makes under the lease by
// Lease::deadline() = (time the acquire was sent) + lease - settle; an HTTP request is
// given that deadline and abandoned at it. Release deletes the key only if it still holds
// our owner id. After an ambiguous failure (the request may still land) the holder does
// not release: the lease runs out on its own, at least `settle` after the deadline.
//
// Thread safety: all methods may be called concurrently.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "s3/redis_client.h"

namespace zobj::s3 {

struct LeaseOptions {
  std::chrono::milliseconds lease{30'000};
  std::chrono::milliseconds settle{10'000};
  // Give up (Errc::transient) when a key stays taken this long.
  std::chrono::milliseconds acquire_timeout{120'000};
};

struct Lease {
  std::string key;  // the Redis key
  std::string owner;
  std::chrono::steady_clock::time_point deadline;  // finish every request before this
};

class RedisLeases {
 public:
  // REQUIRES: options.settle < options.lease.
  RedisLeases(std::unique_ptr<RedisClient> redis, std::string key_namespace, LeaseOptions options);

  // Waits until `object_key` is free, then takes it.
  zerofs::Task<zerofs::Result<Lease>> acquire(std::string object_key);
  // Gives the lease back early. Failures are only logged: the lease expires anyway.
  zerofs::Task<void> release(const Lease& lease);
  // Checks that Redis answers.
  zerofs::Task<zerofs::Result<void>> ping();

  std::uint64_t busy_waits() const noexcept { return busy_waits_.load(std::memory_order_relaxed); }
  const LeaseOptions& options() const noexcept { return options_; }
  const RedisClient& redis() const noexcept { return *redis_; }

 private:
  const std::unique_ptr<RedisClient> redis_;
  const std::string namespace_;
  const LeaseOptions options_;
  std::atomic<std::uint64_t> busy_waits_{0};
};

}  // namespace zobj::s3
