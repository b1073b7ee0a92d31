// Duplicate-request cache (DRC): remembers the replies of non-idempotent calls (kCanBeDup)
// so that a retransmission gets the original reply instead of running twice (a retried
// REMOVE must not answer NOENT, a retried CREATE must not answer EXIST).
//
// A call is identified by the client's host (not its port: a client that reconnects after
// a timeout retransmits from a new port), xid, program, version, procedure and a checksum
// of the argument bytes (so a reused xid with other arguments is not mistaken for a copy).
//
//   switch (drc.start(key)) { case started: run; drc.finish(key, reply) or abandon(key); ...
//
// Completed replies are kept in LRU order within an entry and a byte budget; entries in
// progress are not evicted. Thread safety: all members may be called from any thread
// (a mutex guards the table; no lock is held across a co_await).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "base/async.h"
#include "base/buffer.h"
#include "nfs3/handlers.h"

namespace nfs3 {

struct DrcKey {
  PeerAddress host;  // port ignored
  std::uint32_t xid = 0;
  std::uint32_t prog = 0;
  std::uint32_t vers = 0;
  std::uint32_t proc = 0;
  std::uint64_t args_checksum = 0;

  // The key of a call: `args` are the argument bytes after the RPC call header.
  static DrcKey make(const CallContext& ctx, zerofs::ByteView args) noexcept;
  friend bool operator==(const DrcKey&, const DrcKey&) = default;
};

class DuplicateRequestCache {
 public:
  struct Options {
    std::size_t max_entries = 4096;
    std::size_t max_bytes = std::size_t{16} << 20;
  };
  struct Stats {
    std::uint64_t hits = 0;   // served a completed reply
    std::uint64_t waits = 0;  // found the original still running
    std::uint64_t evictions = 0;
    std::size_t entries = 0;  // completed entries held
    std::size_t bytes = 0;
  };
  enum class Start {
    started,      // not seen before: the caller runs it, then finish() or abandon()
    completed,    // a copy of the reply was stored in *reply
    in_progress,  // the original is running: wait() for its reply
  };

  explicit DuplicateRequestCache(Options options);
  ~DuplicateRequestCache();
  DuplicateRequestCache(const DuplicateRequestCache&) = delete;
  DuplicateRequestCache& operator=(const DuplicateRequestCache&) = delete;

  Start start(const DrcKey& key, zerofs::Buffer* reply);
  // Stores a copy of the reply and wakes the waiters. REQUIRES: start(key) returned started.
  void finish(const DrcKey& key, const zerofs::Buffer& reply);
  // Forgets a call that produced no reply; its waiters get nullopt.
  void abandon(const DrcKey& key);

  // Waits until the call in progress finishes (a copy of its reply), is abandoned or
  // evicted, or `timeout` passes (nullopt: the caller drops the retransmission and the
  // client will send it again). Resumes on the caller's executor.
  // `key` is taken by value: it must outlive the suspended coroutine.
  Task<std::optional<zerofs::Buffer>> wait(DrcKey key, std::chrono::milliseconds timeout);

  Stats stats() const;

 private:
  struct Waiter;
  struct KeyHash {
    std::size_t operator()(const DrcKey& k) const noexcept;
  };
  struct Entry {
    bool done = false;
    zerofs::Buffer reply;
    std::vector<std::shared_ptr<Waiter>> waiters;
    std::list<DrcKey>::iterator lru;  // valid when done
  };

  void wake(std::vector<std::shared_ptr<Waiter>> waiters);
  void evict_locked();

  const Options options_;
  mutable std::mutex mutex_;
  std::unordered_map<DrcKey, Entry, KeyHash> entries_;  // guarded by mutex_
  std::list<DrcKey> lru_;                               // guarded by mutex_; front = newest
  Stats stats_;                                         // guarded by mutex_
};

}  // namespace nfs3
