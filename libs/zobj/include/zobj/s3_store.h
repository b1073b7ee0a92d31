// S3Store: the s3:// object store (AWS S3 and S3-compatible services).
//
// Requests are HTTP/1.1 over a keep-alive connection pool (TLS verified against the system
// CAs or S3Settings::ca_file), signed with AWS Signature Version 4. PUT bodies carry their
// real SHA-256 in x-amz-content-sha256 (S3 then verifies the bytes it stored; hashing costs
// ~0.7 ms per MiB on one core); `sign_payload = false` sends UNSIGNED-PAYLOAD instead.
//
// Mapping onto the ObjectStore contract (object_store.h):
//  - Keys live under "<prefix>/" in the bucket. The put-id travels as object metadata
//    (x-amz-meta-zerofs-put-id) and comes back from head() and get(); list() leaves it empty.
//  - Etags are S3's ETag values, quotes included, passed back verbatim in If-Match. S3's
//    ETag is a digest of the bytes, so an overwrite with identical bytes keeps its etag
//    (the one clause of the contract S3 cannot honour; every zerofs payload is sealed with
//    a random nonce, so zerofs never writes identical bytes under two put-ids).
//  - Objects above `multipart_threshold` are uploaded in parts of `multipart_part_size`
//    (aborted on failure); the conditional headers then go on CompleteMultipartUpload.
//  - list() uses ListObjectsV2 with start-after (following continuation tokens inside one
//    call when S3 returns an empty truncated page); pages hold at most 1000 keys.
//  - Errors: 404 -> not_found, 412 -> precondition_failed (already_exists for
//    create_if_absent), 401/403 and credential codes -> unauthorized, 408/429/5xx, SlowDown,
//    timeouts and broken connections -> transient (with the server's Retry-After, see
//    Error::retry_after_ms), NoSuchBucket and other 4xx -> permanent. Nothing is retried
//    here: wrap the store in a RetryStore (open_app_store does).
//
// Conditional writes. With `conditional_put` empty the store relies on S3's own
// If-None-Match: * and If-Match. Before its first conditional put (or when a writer calls
// check_conditional_writes() at start-up) it probes that the service enforces them; a
// service that ignores them (many S3-compatible servers do) makes every conditional put
// fail with Errc::unsupported and a message naming the fix, `aws.conditional_put =
// "redis://host:port"`. With `conditional_put` set, every mutation of a key (put of any
// mode, del) runs under a Redis lease for that key, and conditions are checked with HEAD
// under the lease: see docs/s3-conditional-writes.md for the protocol, why it is safe and
// its limits.
//
// Thread safety: as ObjectStore. Lifetime: the store must outlive every task it returned.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "zobj/object_store.h"

namespace zobj {

struct S3Settings {
  std::string endpoint;       // "https://host[:port]"; empty: https://s3.<region>.amazonaws.com
  std::string region;         // empty: us-east-1
  std::string access_key_id;  // empty (with the secret): anonymous, unsigned requests
  std::string secret_access_key;
  std::string session_token;
  bool allow_http = false;
  // Virtual-hosted ("bucket.host/key") or path-style ("host/bucket/key") requests. Unset:
  // virtual-hosted on AWS's own endpoint, path-style on any other.
  std::optional<bool> virtual_hosted_style;
  std::string ca_file;          // PEM CA bundle replacing the system CAs
  std::string conditional_put;  // "redis://[:password@]host[:port][/db]", or empty

  std::size_t multipart_threshold = 16u << 20;
  std::size_t multipart_part_size = 16u << 20;  // S3 needs >= 5 MiB for all but the last
  std::size_t max_connections = 64;
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds io_timeout{30'000};  // longest stall within one request
  bool sign_payload = true;                      // false: UNSIGNED-PAYLOAD
  // Redis leases (conditional_put): how long a lease lasts, and how long before its end a
  // request made under it is abandoned (see docs/s3-conditional-writes.md).
  std::chrono::milliseconds lease{30'000};
  std::chrono::milliseconds lease_settle{10'000};

  // Fills every field left empty from the standard AWS environment: AWS_ACCESS_KEY_ID,
  // AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (only together with the key from the same
  // source), AWS_REGION then AWS_DEFAULT_REGION, AWS_ENDPOINT_URL_S3 then AWS_ENDPOINT_URL,
  // and AWS_ALLOW_HTTP=true. `getenv` is replaceable for tests.
  void apply_environment(const std::function<const char*(const char*)>& getenv = nullptr);
};

struct S3Stats {
  std::uint64_t requests = 0;
  std::uint64_t connections_opened = 0;
  std::uint64_t multipart_uploads = 0;
  std::uint64_t lease_waits = 0;  // Redis lease attempts that found the key busy
};

class S3Store final : public ObjectStore {
 public:
  // `prefix` is "" or "a/b" (no leading or trailing '/'). Fails with invalid_argument for
  // bad settings (plain http without allow_http, a malformed endpoint or Redis URL, an
  // unreadable CA file). Opens no connection yet.
  static Result<std::shared_ptr<S3Store>> open(std::string bucket, std::string prefix,
                                               S3Settings settings);
  ~S3Store() override;

  Task<Result<GetResult>> get(std::string key, std::optional<ByteRange> range) override;
  Task<Result<ObjectMeta>> head(std::string key) override;
  Task<Result<ObjectMeta>> put(std::string key, ByteView data, PutOptions options) override;
  Task<Result<void>> del(std::string key) override;
  Task<Result<ListPage>> list(std::string prefix, std::string start_after,
                              std::size_t max_keys) override;
  std::string describe() const override;

  // Deletes many keys with DeleteObjects (1000 per request; for garbage collection).
  // Missing keys are not errors; the first key S3 refused to delete is.
  Task<Result<void>> del_many(std::vector<std::string> keys);

  // The writer's start-up check. Without conditional_put: probes (once; the answer is
  // cached) that the service rejects a second create-if-absent and a stale If-Match, and
  // fails with Errc::unsupported naming `aws.conditional_put` when it does not. With
  // conditional_put: checks that Redis answers.
  Task<Result<void>> check_conditional_writes();
  // "native" or "redis".
  std::string_view conditional_mode() const noexcept;

  S3Stats stats() const;

  struct State;

 private:
  explicit S3Store(std::unique_ptr<State> state);
  Task<Result<ObjectMeta>> put_single(std::string key, ByteView data, PutOptions options);
  Task<Result<ObjectMeta>> put_multipart(std::string key, ByteView data, PutOptions options);

  std::unique_ptr<State> state_;
};

}  // namespace zobj
