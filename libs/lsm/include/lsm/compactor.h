// Compactor: compaction and garbage collection in a process of their own (`zerofs compactor`).
//
// The writer then runs with Options::compaction_enabled = false: it keeps flushing memtables
// to L0 and picks up the compactor's manifests itself. Both edit the manifest through
// ManifestStore::update(), each touching only its own fields, so their commits merge.
//
// Fencing. open() bumps the manifest's compactor_epoch and holds the new value; every commit
// checks it, so opening a second Compactor (or a writer with in-process compaction) fences
// this one: its next run_once() or commit fails with Errc::fenced, and it must stop. Its
// uncommitted outputs are deleted or left to the garbage collector.
//
// Snapshots: a compactor in another process cannot see the writer's snapshots, so it keeps
// every version above the manifest's snapshot_min_seq (published by the writer); 0 there means
// no live snapshot, and then only the newest version of each key is kept.
//
// Work: run_once() refreshes the manifest (probing for newer ids, no LIST), plans the next
// compaction (size-tiered: L0 into a new run once Options::l0_compaction_trigger tables
// wait, then merges of similar-sized consecutive runs), runs it in up to
// Options::max_concurrent_compactions parallel key ranges on a pool of Options::cpu_threads
// threads, and commits it. run() repeats that while there is work, polls the manifest every
// Options::manifest_poll_interval when there is none, and collects garbage every
// Options::gc_interval (objects older than Options::gc_min_age that nothing references).
//
// Errors: Errc::not_found when the database does not exist; Errc::fenced as above; store
// errors. run() logs transient errors and retries at the next poll; it returns on fencing or
// after stop().
// Thread safety: stop() from any thread; the other methods from one coroutine at a time.
// Lifetime: stop() and await run() (or any call in progress) before destroying a Compactor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "base/async.h"
#include "base/result.h"
#include "lsm/db.h"

namespace lsm {

struct CompactorStats {
  std::uint64_t epoch = 0;  // the compactor epoch this compactor holds
  std::uint64_t compactions = 0;
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  std::uint64_t gc_passes = 0;
  std::uint64_t gc_objects_deleted = 0;
};

class CompactorImpl;

class Compactor {
 public:
  // Opens the compactor of an existing database and takes over the compactor epoch.
  // OpenParams::options.read_only and .checkpoint are ignored.
  static zerofs::Task<zerofs::Result<std::unique_ptr<Compactor>>> open(OpenParams params);
  ~Compactor();

  Compactor(const Compactor&) = delete;
  Compactor& operator=(const Compactor&) = delete;

  // Runs one compaction if there is one to run; returns whether it did.
  zerofs::Task<zerofs::Result<bool>> run_once();
  // One garbage-collection pass now; returns the number of objects deleted.
  zerofs::Task<zerofs::Result<std::size_t>> collect_garbage();
  // Compacts and collects garbage until stop() (returns success) or fencing.
  zerofs::Task<zerofs::Result<void>> run();
  // Makes run() return after the step in progress. Thread-safe; idempotent.
  void stop();

  CompactorStats stats() const;

 private:
  static zerofs::Task<zerofs::Result<std::unique_ptr<Compactor>>> open_boxed(
      std::unique_ptr<OpenParams> params);
  explicit Compactor(std::unique_ptr<CompactorImpl> impl);
  std::unique_ptr<CompactorImpl> impl_;
};

}  // namespace lsm
