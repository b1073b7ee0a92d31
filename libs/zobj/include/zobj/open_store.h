// Opening object stores from URLs, and the wrapper stack the application uses.
//
//   file:///abs/path     FileStore rooted at /abs/path (created if missing)
//   memory://            a fresh private MemoryStore
//   memory://name        the process-wide MemoryStore called "name" (shared by every opener)
//   s3://bucket/prefix   S3Store on `bucket`, keys under `prefix`, configured by
//                        StoreOptions::s3 with empty fields taken from the AWS_* environment
//                        (S3Settings::apply_environment)
//   azure://container/prefix
//                        AzureStore on `container`, configured by StoreOptions::azure with
//                        empty fields taken from AZURE_STORAGE_* (AzureSettings::apply_environment)
//   gs://bucket/prefix   GcsStore on `bucket`, configured by StoreOptions::gcs, the key file
//                        defaulting to GOOGLE_APPLICATION_CREDENTIALS
// Anything else is Errc::invalid_argument naming the URL.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/metrics.h"
#include "zobj/azure_store.h"
#include "zobj/caching_store.h"
#include "zobj/file_store.h"
#include "zobj/gcs_store.h"
#include "zobj/object_store.h"
#include "zobj/retry_store.h"
#include "zobj/s3_store.h"

namespace zobj {

struct StoreUrl {
  std::string scheme;     // "file", "memory", "s3", "azure", "gs"
  std::string authority;  // bucket, container or memory-store name; empty for file://
  std::string path;       // file://: the absolute root; otherwise the key prefix, without
                          // leading or trailing '/' (empty when none)
};

// Splits a store URL; invalid_argument for unknown schemes or malformed URLs.
Result<StoreUrl> parse_store_url(std::string_view url);

struct StoreOptions {
  FileStoreOptions file;
  S3Settings s3;        // s3:// ([aws] or [wal.aws] in the configuration)
  AzureSettings azure;  // azure:// ([azure] or [wal.azure])
  GcsSettings gcs;      // gs:// ([gcp] or [wal.gcp])
  // wrap_for_app / open_app_store:
  bool retry = true;
  RetryOptions retry_options;
  bool metrics = true;
  std::string metrics_name;                       // store="..." label; default: the scheme
  zerofs::metrics::Registry* registry = nullptr;  // default: Registry::global()
  // [cache]: a local disk cache in front of the stack when disk_cache.dir is set and
  // disk_cache.capacity_bytes > 0 (its namespace defaults to the bare store's describe()).
  CachingStoreOptions disk_cache;
};

// Opens the bare store a URL names.
Result<std::shared_ptr<ObjectStore>> open_store(std::string_view url,
                                                const StoreOptions& options = {});

// The application's stack: CachingStore(RetryStore(MetricsStore(store))), each layer as
// configured. Metrics sit inside the retry layer so they count every request the backend
// receives; the disk cache sits outside both, so its misses are retried and counted. A disk
// cache that cannot open (unwritable dir, owned by another process) is logged and skipped:
// the store works without it.
std::shared_ptr<ObjectStore> wrap_for_app(std::shared_ptr<ObjectStore> store,
                                          const StoreOptions& options,
                                          std::string_view default_metrics_name = "store");

// open_store() followed by wrap_for_app() (the metrics name defaults to the URL's scheme).
Result<std::shared_ptr<ObjectStore>> open_app_store(std::string_view url,
                                                    const StoreOptions& options = {});

}  // namespace zobj
