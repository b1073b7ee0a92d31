// GcsStore: the gs://bucket/prefix object store (Google Cloud Storage, JSON API v1).
//
// Requests are HTTP/1.1 over the shared keep-alive client (src/http), authorised with an
// OAuth2 access token obtained from a service-account key file: an RS256-signed JWT
// (OpenSSL) exchanged at the key's token_uri, cached, and refreshed `token_refresh_margin`
// before it expires (one caller refreshes while the others keep using the current token).
// A 401 reply drops the cached token and the request is sent once more with a new one.
//
// Mapping onto the ObjectStore contract (object_store.h):
//  - Keys live under "<prefix>/" in the bucket. The put-id travels as custom metadata
//    "zerofs-put-id". The etag is the object's generation (a decimal number that changes on
//    every write): create_if_absent sends ifGenerationMatch=0, if_match ifGenerationMatch=N
//    (412 -> already_exists / precondition_failed; a 412 for an object that is gone is
//    reported as not_found after a metadata read).
//  - Uploads up to `resumable_threshold` are one multipart/related request (metadata and
//    bytes; the bytes are copied once into the request body); larger ones use a resumable
//    session (metadata first, then the bytes in one PUT straight from the caller's buffer).
//  - get() downloads with alt=media (plus Range) and reads size, generation and put-id from
//    the x-goog-* reply headers. list() uses startOffset (skipping the start key itself) and
//    page tokens; pages hold at most 1000 objects.
//  - Errors: 404 -> not_found, 401/403 -> unauthorized, 408/429/5xx -> transient (with
//    Retry-After), other 4xx -> permanent; a token endpoint that refuses the key ->
//    unauthorized. Nothing is retried here: wrap the store in a RetryStore.
//
// Credentials: a service-account JSON key (`service_account`, else the environment's
// GOOGLE_APPLICATION_CREDENTIALS). The GCE metadata server is not consulted: on a VM
// without a key file, set `anonymous` only for public buckets.
//
// Thread safety: as ObjectStore. Lifetime: the store must outlive every task it returned.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "zobj/object_store.h"

namespace zobj {

struct GcsSettings {
  std::string service_account;  // path of a service-account JSON key file
  // JSON API root. Empty: https://storage.googleapis.com. A plain http:// endpoint (an
  // emulator or test fake) is accepted only when given explicitly here or through
  // STORAGE_EMULATOR_HOST; it also allows a plain http token_uri.
  std::string endpoint;
  std::string ca_file;     // PEM CA bundle replacing the system CAs
  bool anonymous = false;  // send no credentials at all

  std::size_t resumable_threshold = 8u << 20;
  std::size_t max_connections = 64;
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds io_timeout{30'000};
  std::chrono::seconds token_refresh_margin{300};
  std::string scope = "https://www.googleapis.com/auth/devstorage.read_write";

  // Fills empty fields from GOOGLE_APPLICATION_CREDENTIALS and STORAGE_EMULATOR_HOST
  // ("http://host:port" or "host:port"). `getenv` is replaceable for tests.
  void apply_environment(const std::function<const char*(const char*)>& getenv = nullptr);
};

struct GcsStats {
  std::uint64_t requests = 0;        // storage requests
  std::uint64_t token_requests = 0;  // token exchanges
  std::uint64_t resumable_uploads = 0;
};

class GcsStore final : public ObjectStore {
 public:
  // `prefix` is "" or "a/b". Fails with invalid_argument when no key file is configured
  // (and not `anonymous`), when the key file cannot be read or holds no RSA private key,
  // or for a malformed endpoint. Opens no connection yet.
  static Result<std::shared_ptr<GcsStore>> open(std::string bucket, std::string prefix,
                                                GcsSettings settings);
  ~GcsStore() override;

  Task<Result<GetResult>> get(std::string key, std::optional<ByteRange> range) override;
  Task<Result<ObjectMeta>> head(std::string key) override;
  Task<Result<ObjectMeta>> put(std::string key, ByteView data, PutOptions options) override;
  Task<Result<void>> del(std::string key) override;
  Task<Result<ListPage>> list(std::string prefix, std::string start_after,
                              std::size_t max_keys) override;
  std::string describe() const override;

  GcsStats stats() const;

  struct State;

 private:
  explicit GcsStore(std::unique_ptr<State> state);
  Task<Result<ObjectMeta>> put_resumable(std::string key, ByteView data, PutOptions options);

  std::unique_ptr<State> state_;
};

}  // namespace zobj
