#include "zobj/open_store.h"

#include <array>

#include "base/log.h"
#include "zobj/memory_store.h"
#include "zobj/metrics_store.h"

namespace zobj {

namespace {

constexpr std::array<std::string_view, 3> kCloudSchemes = {"s3", "azure", "gs"};

std::string_view trim_slashes(std::string_view s) {
  while (!s.empty() && s.front() == '/') s.remove_prefix(1);
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  return s;
}

}  // namespace

Result<StoreUrl> parse_store_url(std::string_view url) {
  const std::size_t sep = url.find("://");
  if (sep == std::string_view::npos || sep == 0) {
    return zerofs::fail(Errc::invalid_argument,
                        "'{}' is not an object-store URL (expected file:///path, memory://, "
                        "s3://, azure:// or gs://)",
                        url);
  }
  StoreUrl parsed;
  parsed.scheme = url.substr(0, sep);
  const std::string_view rest = url.substr(sep + 3);
  if (parsed.scheme == "file") {
    if (rest.empty() || rest.front() != '/') {
      return zerofs::fail(Errc::invalid_argument,
                          "'{}': a file:// URL needs an absolute path, as in file:///data/zerofs",
                          url);
    }
    parsed.path = rest;
    return parsed;
  }
  if (parsed.scheme == "memory") {
    parsed.authority = rest;  // the whole rest names the store, slashes included
    return parsed;
  }
  for (const std::string_view scheme : kCloudSchemes) {
    if (parsed.scheme != scheme) continue;
    const std::size_t slash = rest.find('/');
    parsed.authority = rest.substr(0, slash);
    if (parsed.authority.empty()) {
      return zerofs::fail(Errc::invalid_argument, "'{}' names no bucket or container", url);
    }
    if (slash != std::string_view::npos) parsed.path = trim_slashes(rest.substr(slash));
    return parsed;
  }
  return zerofs::fail(Errc::invalid_argument,
                      "'{}' has an unknown scheme '{}' (expected file, memory, s3, azure, gs)", url,
                      parsed.scheme);
}

Result<std::shared_ptr<ObjectStore>> open_store(std::string_view url, const StoreOptions& options) {
  ZF_TRY(const StoreUrl parsed, parse_store_url(url));
  if (parsed.scheme == "file") {
    ZF_TRY(std::shared_ptr<FileStore> store, FileStore::open(parsed.path, options.file));
    return std::shared_ptr<ObjectStore>(std::move(store));
  }
  if (parsed.scheme == "memory") {
    if (parsed.authority.empty()) return std::shared_ptr<ObjectStore>(MemoryStore::create());
    return std::shared_ptr<ObjectStore>(MemoryStore::named(parsed.authority));
  }
  if (parsed.scheme == "s3") {
    S3Settings settings = options.s3;
    settings.apply_environment();
    ZF_TRY(std::shared_ptr<S3Store> store,
           S3Store::open(parsed.authority, parsed.path, std::move(settings)));
    return std::shared_ptr<ObjectStore>(std::move(store));
  }
  if (parsed.scheme == "azure") {
    AzureSettings settings = options.azure;
    settings.apply_environment();
    ZF_TRY(std::shared_ptr<AzureStore> store,
           AzureStore::open(parsed.authority, parsed.path, std::move(settings)));
    return std::shared_ptr<ObjectStore>(std::move(store));
  }
  // parse_store_url() accepts no other scheme.
  GcsSettings settings = options.gcs;
  settings.apply_environment();
  ZF_TRY(std::shared_ptr<GcsStore> store,
         GcsStore::open(parsed.authority, parsed.path, std::move(settings)));
  return std::shared_ptr<ObjectStore>(std::move(store));
}

std::shared_ptr<ObjectStore> wrap_for_app(std::shared_ptr<ObjectStore> store,
                                          const StoreOptions& options,
                                          std::string_view default_metrics_name) {
  const std::string bare_description = store->describe();
  if (options.metrics) {
    std::string name =
        options.metrics_name.empty() ? std::string(default_metrics_name) : options.metrics_name;
    zerofs::metrics::Registry& registry =
        options.registry != nullptr ? *options.registry : zerofs::metrics::Registry::global();
    store = std::make_shared<MetricsStore>(std::move(store), std::move(name), registry);
  }
  if (options.retry) store = std::make_shared<RetryStore>(std::move(store), options.retry_options);
  if (!options.disk_cache.dir.empty() && options.disk_cache.capacity_bytes > 0) {
    CachingStoreOptions cache = options.disk_cache;
    if (cache.namespace_id.empty()) cache.namespace_id = bare_description;
    if (cache.registry == nullptr) cache.registry = options.registry;
    auto cached = CachingStore::open(store, std::move(cache));
    if (cached) return *std::move(cached);
    zerofs::log::warn("running without the disk cache: {}", cached.error().message());
  }
  return store;
}

Result<std::shared_ptr<ObjectStore>> open_app_store(std::string_view url,
                                                    const StoreOptions& options) {
  ZF_TRY(const StoreUrl parsed, parse_store_url(url));
  ZF_TRY(std::shared_ptr<ObjectStore> store, open_store(url, options));
  return wrap_for_app(std::move(store), options, parsed.scheme);
}

}  // namespace zobj
