// Opening object stores from URLs, and the wrapper stack the application uses.
//
//   file:///abs/path     FileStore rooted at /abs/path (created if missing)
//   memory://            a fresh private MemoryStore
//   memory://name        the process-wide MemoryStore called "name" (shared by every opener)
//   s3://bucket/prefix   S3Store on `bucket`, keys under `prefix`, configured by
//                        StoreOptions::s3 with empty fields taken from the AWS_* environment
//                        (S3Settings::apply_environment)
//   azure://container/prefix, gs://bucket/prefix
//                        parsed, but Errc::unsupported in this build
// Anything else is Errc::invalid_argument naming the URL.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/metrics.h"
#include "zobj/file_store.h"
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
  S3Settings s3;  // s3:// ([aws] or [wal.aws] in the configuration)
  // wrap_for_app / open_app_store:
  bool retry = true;
  RetryOptions retry_options;
  bool metrics = true;
  std::string metrics_name;                       // store="..." label; default: the scheme
  zerofs::metrics::Registry* registry = nullptr;  // default: Registry::global()
};

// Opens the bare store a URL names.
Result<std::shared_ptr<ObjectStore>> open_store(std::string_view url,
                                                const StoreOptions& options = {});

// The application's stack: RetryStore(MetricsStore(store)), each layer as configured.
// Metrics sit inside the retry layer so they count every request the backend receives.
std::shared_ptr<ObjectStore> wrap_for_app(std::shared_ptr<ObjectStore> store,
                                          const StoreOptions& options,
                                          std::string_view default_metrics_name = "store");

// open_store() followed by wrap_for_app() (the metrics name defaults to the URL's scheme).
Result<std::shared_ptr<ObjectStore>> open_app_store(std::string_view url,
                                                    const StoreOptions& options = {});

}  // namespace zobj
