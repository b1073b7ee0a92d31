// open_store(): URL parsing, the stores each scheme gives, and the application stack.
#include "zobj/open_store.h"

#include <stdlib.h>

#include <filesystem>

#include "store_test_util.h"
#include "test_support/catch.h"
#include "test_support/temp_dir.h"
#include "zobj/memory_store.h"
#include "zobj/metrics_store.h"

using namespace zobj;
using zobj::testing::SyncStore;

TEST_CASE("file:// opens a FileStore at the URL's absolute path, creating it") {
  zerofs::testing::TempDir dir;
  const std::string root = (dir.path() / "a" / "b").string();
  auto store = open_store("file://" + root);
  REQUIRE(store);
  CHECK(std::filesystem::is_directory(root));
  CHECK((*store)->describe() == "file://" + root);
  SyncStore(**store).put("k", "v").value();
  auto again = open_store("file://" + root + "/");
  REQUIRE(again);
  CHECK(SyncStore(**again).text("k") == "v");
}

TEST_CASE("memory://name is shared by every opener, memory:// is private") {
  auto a = open_store("memory://open-store-test").value();
  auto b = open_store("memory://open-store-test").value();
  CHECK(a == b);
  SyncStore(*a).put("k", "v").value();
  CHECK(SyncStore(*b).text("k") == "v");
  auto fresh1 = open_store("memory://").value();
  auto fresh2 = open_store("memory://").value();
  CHECK(fresh1 != fresh2);
  CHECK(SyncStore(*fresh1).head("k").error().code() == Errc::not_found);
  MemoryStore::forget("open-store-test");
  auto c = open_store("memory://open-store-test").value();
  CHECK(c != a);
  CHECK(SyncStore(*c).head("k").error().code() == Errc::not_found);
  MemoryStore::forget("open-store-test");
}

TEST_CASE("cloud schemes parse, azure:// and gs:// open their stores") {
  for (const char* name :
       {"AZURE_STORAGE_ACCOUNT_NAME", "AZURE_STORAGE_ACCOUNT_KEY", "AZURE_STORAGE_ENDPOINT",
        "GOOGLE_APPLICATION_CREDENTIALS", "STORAGE_EMULATOR_HOST"}) {
    ::unsetenv(name);
  }
  const auto no_account = open_store("azure://container/some/prefix");
  REQUIRE_FALSE(no_account);
  CHECK(no_account.error().code() == Errc::invalid_argument);
  CHECK_THAT(no_account.error().message(), Catch::Contains("azure.storage_account_name"));
  StoreOptions options;
  options.azure.account_name = "myaccount";
  options.azure.account_key = "a2V5";  // base64 of "key"
  CHECK(open_store("azure://container/some/prefix/", options).value()->describe() ==
        "azure://container/some/prefix");

  const auto no_key = open_store("gs://bucket/p");
  REQUIRE_FALSE(no_key);
  CHECK(no_key.error().code() == Errc::invalid_argument);
  CHECK_THAT(no_key.error().message(), Catch::Contains("GOOGLE_APPLICATION_CREDENTIALS"));
  options.gcs.anonymous = true;
  CHECK(open_store("gs://bucket/p", options).value()->describe() == "gs://bucket/p");

  const StoreUrl url = parse_store_url("s3://bucket/some/prefix/").value();
  CHECK(url.scheme == "s3");
  CHECK(url.authority == "bucket");
  CHECK(url.path == "some/prefix");
  CHECK(parse_store_url("gs://bucket").value().path.empty());
  CHECK(parse_store_url("file:///data/zerofs").value().path == "/data/zerofs");
  CHECK(parse_store_url("memory://a/b").value().authority == "a/b");
}

TEST_CASE("malformed and unknown URLs are invalid arguments naming the URL") {
  for (const char* url : {"ftp://host/x", "file://relative/path", "file://", "/just/a/path",
                          "nonsense", "s3://", "://x"}) {
    INFO(url);
    const auto store = open_store(url);
    REQUIRE_FALSE(store);
    CHECK(store.error().code() == Errc::invalid_argument);
    CHECK_THAT(store.error().message(), Catch::Contains(url));
  }
}

TEST_CASE("the application stack is retry over metrics over the store") {
  zerofs::metrics::Registry registry;
  StoreOptions options;
  options.registry = &registry;
  auto store = open_app_store("memory://", options).value();
  auto* retry = dynamic_cast<RetryStore*>(store.get());
  REQUIRE(retry != nullptr);
  auto* metrics = dynamic_cast<MetricsStore*>(retry->inner().get());
  REQUIRE(metrics != nullptr);
  CHECK(metrics->name() == "memory");
  CHECK(dynamic_cast<MemoryStore*>(metrics->inner().get()) != nullptr);
  SyncStore(*store).put("k", "v").value();
  CHECK(metrics->snapshot().requests_of(StoreOp::put) == 1);
  CHECK_THAT(registry.render(),
             Catch::Contains("zerofs_object_store_requests_total{store=\"memory\",op=\"put\"} 1"));

  options.retry = false;
  options.metrics = false;
  auto bare = open_app_store("memory://", options).value();
  CHECK(dynamic_cast<MemoryStore*>(bare.get()) != nullptr);
}
