// AzureStore: the azure://container/prefix object store (Azure Blob Storage block blobs).
//
// Requests are HTTP/1.1 over the shared keep-alive client (src/http), authorised with the
// account's Shared Key (HMAC-SHA256 over the canonical request, REST version 2021-12-02).
//
// Mapping onto the ObjectStore contract (object_store.h):
//  - Keys live under "<prefix>/" in the container. The put-id travels as blob metadata
//    (x-ms-meta-zerofsputid: metadata names must be C# identifiers, so no '-' or '_').
//  - Etags are Azure's ETag header values, quotes included; Azure changes the ETag on every
//    write, identical bytes or not. Conditions are native: create_if_absent sends
//    If-None-Match: * (409 BlobAlreadyExists), if_match sends If-Match (412 ConditionNotMet;
//    a 412 for a blob that is gone is reported as not_found after a Get Blob Properties).
//  - Objects above `block_threshold` go up as blocks of `block_size` (Put Block, then Put
//    Block List carrying the conditions and metadata). Uncommitted blocks need no abort:
//    Azure drops them after a week, or when another Put Block List commits the blob; an
//    upload that loses its blocks that way fails with InvalidBlockList (transient: retried).
//  - list() pages with List Blobs markers. Azure has no "start after": a listing that starts
//    after a key resumes from the marker of the page that ended on that key when this store
//    produced that page less than a minute ago (the usual paging loop), and otherwise walks
//    the prefix from its start, skipping keys up to `start_after`. Like any marker, a resumed
//    listing may miss a key created after the earlier page between that page's end and the
//    next key that then existed.
//  - Errors: 404 -> not_found, 409 BlobAlreadyExists -> already_exists, 412 ->
//    precondition_failed, 401/403 (AuthenticationFailed, AuthorizationFailure) ->
//    unauthorized, 408/429/5xx (ServerBusy, OperationTimedOut, InternalError) -> transient
//    (with Retry-After), ContainerNotFound and other 4xx -> permanent. Nothing is retried
//    here: wrap the store in a RetryStore (open_app_store does).
//
// Thread safety: as ObjectStore. Lifetime: the store must outlive every task it returned.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "zobj/object_store.h"

namespace zobj {

struct AzureSettings {
  std::string account_name;  // [azure] storage_account_name
  std::string account_key;   // base64, as the portal shows it; empty: anonymous requests
  // Blob service URL, the account's path included when the service is addressed by path
  // (Azurite: "http://127.0.0.1:10000/devstoreaccount1"). Empty:
  // https://<account>.blob.core.windows.net
  std::string endpoint;
  bool allow_http = false;
  std::string ca_file;  // PEM CA bundle replacing the system CAs

  std::size_t block_threshold = 64u << 20;
  std::size_t block_size = 16u << 20;
  std::size_t max_connections = 64;
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds io_timeout{30'000};

  // Fills empty fields from AZURE_STORAGE_ACCOUNT_NAME, AZURE_STORAGE_ACCOUNT_KEY and
  // AZURE_STORAGE_ENDPOINT. `getenv` is replaceable for tests.
  void apply_environment(const std::function<const char*(const char*)>& getenv = nullptr);
};

struct AzureStats {
  std::uint64_t requests = 0;
  std::uint64_t block_uploads = 0;     // puts that went up as blocks
  std::uint64_t list_marker_hits = 0;  // listings resumed from a remembered marker
};

class AzureStore final : public ObjectStore {
 public:
  // `prefix` is "" or "a/b". Fails with invalid_argument for bad settings (no account name,
  // a key that is not base64, plain http without allow_http, a malformed endpoint).
  // Opens no connection yet.
  static Result<std::shared_ptr<AzureStore>> open(std::string container, std::string prefix,
                                                  AzureSettings settings);
  ~AzureStore() override;

  Task<Result<GetResult>> get(std::string key, std::optional<ByteRange> range) override;
  Task<Result<ObjectMeta>> head(std::string key) override;
  Task<Result<ObjectMeta>> put(std::string key, ByteView data, PutOptions options) override;
  Task<Result<void>> del(std::string key) override;
  Task<Result<ListPage>> list(std::string prefix, std::string start_after,
                              std::size_t max_keys) override;
  std::string describe() const override;

  // Creates the container when it does not exist (for set-up scripts and tests).
  Task<Result<void>> create_container();

  AzureStats stats() const;

  struct State;

 private:
  explicit AzureStore(std::unique_ptr<State> state);
  Task<Result<ObjectMeta>> put_blocks(std::string key, ByteView data, PutOptions options);

  std::unique_ptr<State> state_;
};

}  // namespace zobj
