// ObjectStore: the one seam through which zerofs reaches durable storage.
//
// Every store (file://, memory://, s3://, azure://, gs://) and every wrapper (retry, fault
// injection, metrics, disk cache) implements this interface, and all of them pass the same
// conformance suite (libs/zobj/tests/conformance.h).
//
// Contract
//  - Keys are non-empty valid UTF-8 strings of at most 1024 bytes, without NUL bytes; '/'
//    separates segments, and every segment is non-empty and neither "." nor ".." (so no
//    leading, trailing or doubled '/'). validate_key() checks this; every store rejects other
//    keys with Errc::invalid_argument. list() orders keys bytewise. A key may be both an
//    object and a prefix of other objects ("a" and "a/b" coexist, as in S3).
//  - get() of a byte range beyond the end returns the bytes that exist (possibly none);
//    a range whose offset is at or past the end returns an empty body, not an error.
//  - put() is atomic: readers see the old object or the new one, never a mix. A put that
//    returned success is durable.
//    PutMode::create_if_absent fails with Errc::already_exists if the key exists;
//    PutMode::if_match fails with Errc::precondition_failed unless the current etag equals
//    `PutOptions::etag`, and with Errc::not_found if the key is absent (as S3 does).
//    Conditional puts are linearizable with every other put and del on the same key, also
//    across processes sharing the store.
//  - put() takes the payload as a view: the bytes must stay valid until the returned task
//    completes (co_await it in the same full-expression, or keep the buffer alive). This lets
//    wrappers retry without copying and stores send straight from the caller's buffer.
//  - Every put carries a put-id (generated if PutOptions::put_id is empty; otherwise 1..128
//    printable ASCII bytes without spaces, see validate_put_id) stored with the object and
//    returned by put()/head()/get(). A retried conditional put that fails because the object
//    exists compares put-ids to recognise its own earlier success (see RetryStore).
//  - The etag is opaque and changes on every successful put, even with identical bytes.
//  - del() of a missing key succeeds (idempotent, like S3).
//  - list() returns at most `max_keys` (>= 1, else invalid_argument) objects whose keys start
//    with `prefix` and are greater than `start_after`, in key order, each with key, size,
//    etag and modification time (put_id may be empty). `next_start_after` is non-empty when
//    more may follow; stores may return short pages, so callers loop until it is empty.
//    `prefix` and `start_after` are arbitrary strings, not necessarily valid keys.
//  - Errors use the zobj taxonomy of base/result.h: not_found, already_exists,
//    precondition_failed, transient (retryable), permanent, unauthorized, invalid_argument
//    (plus unsupported from open_store()).
//
// Thread safety: every store may be called concurrently from any thread or coroutine.
// Coroutines resume on the executor they were awaited from.
// Lifetime: a store must outlive every coroutine that uses it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/async.h"
#include "base/buffer.h"
#include "base/result.h"

namespace zobj {

using zerofs::Buffer;
using zerofs::ByteView;
using zerofs::Errc;
using zerofs::Error;
using zerofs::Result;
using zerofs::Task;

inline constexpr std::size_t kMaxKeyBytes = 1024;
inline constexpr std::size_t kMaxPutIdBytes = 128;

struct ByteRange {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;  // bytes wanted from offset
};

struct ObjectMeta {
  std::string key;
  std::uint64_t size = 0;
  std::string etag;  // opaque; changes whenever the object is rewritten
  std::int64_t modified_unix_ms = 0;
  std::string put_id;  // set by put()/head()/get(); list() may leave it empty
};

enum class PutMode { overwrite, create_if_absent, if_match };

struct PutOptions {
  PutMode mode = PutMode::overwrite;
  std::string etag;    // required for if_match
  std::string put_id;  // unique id for this logical write; generated when empty

  // Deliberately not an aggregate: GCC 12 copies a braced aggregate temporary passed by
  // value to a coroutine (`put(key, data, {})`) bitwise, corrupting its strings.
  PutOptions() = default;
  explicit PutOptions(PutMode put_mode, std::string match_etag = {}, std::string id = {})
      : mode(put_mode), etag(std::move(match_etag)), put_id(std::move(id)) {}

  static PutOptions create() { return PutOptions(PutMode::create_if_absent); }
  static PutOptions match(std::string etag) {
    return PutOptions(PutMode::if_match, std::move(etag));
  }
};

struct GetResult {
  Buffer data;
  ObjectMeta meta;  // meta.size is the whole object's size, not the range's
};

struct ListPage {
  std::vector<ObjectMeta> objects;
  std::string next_start_after;  // empty when the listing is complete
};

// The operations, for per-operation settings and counters (FaultStore, MetricsStore).
enum class StoreOp { get, head, put, del, list };
inline constexpr std::size_t kStoreOpCount = 5;
inline constexpr std::array<StoreOp, kStoreOpCount> kAllStoreOps = {
    StoreOp::get, StoreOp::head, StoreOp::put, StoreOp::del, StoreOp::list};
// "get", "head", "put", "del", "list".
std::string_view store_op_name(StoreOp op) noexcept;

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  // The whole object, or the part of it inside `range`.
  virtual Task<Result<GetResult>> get(std::string key, std::optional<ByteRange> range) = 0;
  virtual Task<Result<ObjectMeta>> head(std::string key) = 0;
  // Returns the stored object's metadata (size, etag, put_id). `data` must outlive the task.
  virtual Task<Result<ObjectMeta>> put(std::string key, ByteView data, PutOptions options) = 0;
  virtual Task<Result<void>> del(std::string key) = 0;
  virtual Task<Result<ListPage>> list(std::string prefix, std::string start_after,
                                      std::size_t max_keys) = 0;

  // A short description for logs, e.g. "file:///var/lib/zerofs".
  virtual std::string describe() const = 0;
};

// A fresh random put-id (128 bits, 32 lower-case hex digits). Thread-safe.
std::string new_put_id();

// Validates a key against the contract above (Errc::invalid_argument naming the problem).
Result<void> validate_key(std::string_view key);

// Validates a caller-supplied put-id: 1..kMaxPutIdBytes bytes in '!'..'~'.
Result<void> validate_put_id(std::string_view put_id);

// Lists every object under `prefix`, following pages.
Task<Result<std::vector<ObjectMeta>>> list_all(ObjectStore& store, std::string prefix,
                                               std::size_t page_size = 1000);

}  // namespace zobj
