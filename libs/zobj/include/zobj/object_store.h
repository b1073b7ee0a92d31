// ObjectStore: the one seam through which zerofs reaches durable storage.
//
// Every store (file://, memory://, s3://, azure://, gs://) and every wrapper (retry, fault
// injection, metrics, disk cache) implements this interface, and all of them pass the same
// conformance suite (libs/zobj/tests/conformance.h).
//
// Contract
//  - Keys are non-empty UTF-8 strings without "//", a leading '/', "." or ".." segments,
//    at most 1024 bytes; '/' separates path-like segments. list() orders keys bytewise.
//  - get() of a byte range beyond the end returns the bytes that exist (possibly none);
//    a range whose offset is past the end returns an empty body, not an error.
//  - put() is atomic: readers see the old object or the new one, never a mix.
//    PutMode::create_if_absent fails with Errc::already_exists if the key exists;
//    PutMode::if_match fails with Errc::precondition_failed unless the current etag equals
//    `PutOptions::etag`, and with Errc::not_found if the key is absent (as S3 does).
//  - Every put carries a put-id (generated if PutOptions::put_id is empty) stored with the
//    object and returned by head()/get(). A retried conditional put that fails because the
//    object exists compares put-ids to recognise its own earlier success (see RetryStore).
//  - del() of a missing key succeeds (idempotent, like S3).
//  - list() returns at most `max_keys` objects with keys starting with `prefix` and greater
//    than `start_after`, in key order; `next_start_after` is set when more may follow.
//    Stores may return short pages; callers loop until next_start_after is empty.
//  - Errors use the zobj taxonomy of base/result.h: not_found, already_exists,
//    precondition_failed, transient (retryable), permanent, unauthorized, invalid_argument.
//
// Thread safety: every store may be called concurrently from any thread or coroutine.
// Lifetime: a store must outlive every coroutine that uses it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/async.h"
#include "base/buffer.h"
#include "base/result.h"

namespace zobj {

using zerofs::Buffer;
using zerofs::ByteView;
using zerofs::Error;
using zerofs::Errc;
using zerofs::Result;
using zerofs::Task;

struct ByteRange {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;  // bytes wanted from offset
};

struct ObjectMeta {
  std::string key;
  std::uint64_t size = 0;
  std::string etag;                // opaque; changes whenever the object is rewritten
  std::int64_t modified_unix_ms = 0;
  std::string put_id;              // set by head()/get(); list() may leave it empty
};

enum class PutMode { overwrite, create_if_absent, if_match };

struct PutOptions {
  PutMode mode = PutMode::overwrite;
  std::string etag;    // required for if_match
  std::string put_id;  // unique id for this logical write; generated when empty

  static PutOptions create() { return {PutMode::create_if_absent, {}, {}}; }
  static PutOptions match(std::string etag) { return {PutMode::if_match, std::move(etag), {}}; }
};

struct GetResult {
  Buffer data;
  ObjectMeta meta;  // meta.size is the whole object's size, not the range's
};

struct ListPage {
  std::vector<ObjectMeta> objects;
  std::string next_start_after;  // empty when the listing is complete
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  virtual Task<Result<GetResult>> get(std::string key, std::optional<ByteRange> range) = 0;
  virtual Task<Result<ObjectMeta>> head(std::string key) = 0;
  // Returns the stored object's metadata (etag, put_id).
  virtual Task<Result<ObjectMeta>> put(std::string key, Buffer data, PutOptions options) = 0;
  virtual Task<Result<void>> del(std::string key) = 0;
  virtual Task<Result<ListPage>> list(std::string prefix, std::string start_after,
                                      std::size_t max_keys) = 0;

  // A short description for logs, e.g. "file:///var/lib/zerofs".
  virtual std::string describe() const = 0;
};

// A fresh random put-id (128 bits, hex).
std::string new_put_id();

// Validates a key against the contract above.
Result<void> validate_key(std::string_view key);

// Lists every object under `prefix`, following pages.
Task<Result<std::vector<ObjectMeta>>> list_all(ObjectStore& store, std::string prefix,
                                              std::size_t page_size = 1000);

}  // namespace zobj
