// Conformance checks of list(): order, pagination, prefixes and start_after.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <set>

#include "conformance_util.h"

namespace zobj::conformance {

using namespace detail;

namespace detail {

std::vector<ObjectMeta> list_by_pages(SyncStore& sync, const std::string& prefix,
                                      const std::string& start_after, std::size_t page_size) {
  std::vector<ObjectMeta> all;
  std::string cursor = start_after;
  for (int pages = 0;; ++pages) {
    REQUIRE(pages < 100'000);
    ListPage page = ok(sync.list(prefix, cursor, page_size));
    REQUIRE(page.objects.size() <= page_size);
    for (auto& meta : page.objects) {
      REQUIRE(meta.key.starts_with(prefix));
      REQUIRE(meta.key > cursor);
      if (!all.empty()) REQUIRE(all.back().key < meta.key);
      all.push_back(std::move(meta));
    }
    if (page.next_start_after.empty()) break;
    REQUIRE(page.next_start_after > cursor);
    cursor = page.next_start_after;
  }
  return all;
}

std::vector<std::string> keys_of(const std::vector<ObjectMeta>& metas) {
  std::vector<std::string> keys;
  for (const auto& m : metas) keys.push_back(m.key);
  return keys;
}

}  // namespace detail

namespace {

// Writes every key (its own name as the payload), many at once.
void put_all(ObjectStore& store, const std::vector<std::string>& keys) {
  std::vector<std::function<Task<Result<ObjectMeta>>()>> tasks;
  for (const std::string& key : keys) {
    tasks.emplace_back([&store, &key]() -> Task<Result<ObjectMeta>> {
      co_return co_await store.put(key, zerofs::as_bytes(key), {});
    });
  }
  for (auto& result : run_concurrently(std::move(tasks))) ok(std::move(result));
}

}  // namespace

void list_pagination(const BucketFactory& factory) {
  Fixture f(factory);
  std::set<std::string> unique;
  for (int i = 0; i < 2500; ++i) {
    switch (i % 5) {
      case 0:
        unique.insert(fmt::format("n/{}/{:05}", i % 7, i));
        break;
      case 1:
        unique.insert(fmt::format("n/{}-x/{:05}", i % 7, i));
        break;
      // An object that is also the prefix of another object.
      case 2:
        unique.insert(fmt::format("n/{}/{:05}/leaf", (i - 2) % 7, i - 2));
        break;
      case 3:
        unique.insert(fmt::format("top{:05}", i));
        break;
      default:
        unique.insert(fmt::format("n/{}/deep/er/{:05}.sst", i % 7, i));
        break;
    }
  }
  const std::vector<std::string> expected(unique.begin(), unique.end());
  REQUIRE(expected.size() == 2500);
  put_all(*f.bucket.store, expected);

  for (const std::size_t page_size : {1000, 7, 1}) {
    INFO("page size " << page_size);
    const auto listed = list_by_pages(f.sync, "", "", page_size);
    CHECK(keys_of(listed) == expected);
    for (const auto& meta : listed) {
      if (meta.size != meta.key.size()) FAIL_CHECK(meta.key << " listed with size " << meta.size);
    }
  }
  std::vector<std::string> under_n;
  std::copy_if(expected.begin(), expected.end(), std::back_inserter(under_n),
               [](const std::string& k) { return k.starts_with("n/3"); });
  CHECK(keys_of(list_by_pages(f.sync, "n/3", "", 7)) == under_n);
  CHECK(keys_of(ok(f.sync.list_all("n/3", 13))) == under_n);
}

void list_prefix_and_start_after(const BucketFactory& factory) {
  Fixture f(factory);
  const std::vector<std::string> all = {"a",  "a-b", "a/b", "a/b/c", "a/c",
                                        "a0", "ab",  "b/x", "b/y/z", "c"};
  std::vector<ObjectMeta> written;
  for (const auto& key : all) written.push_back(ok(f.sync.put(key, key)));
  using V = std::vector<std::string>;
  struct Case {
    std::string prefix;
    std::string start_after;
    V want;
  };
  const Case cases[] = {
      {"", "", all},
      {"a", "", {"a", "a-b", "a/b", "a/b/c", "a/c", "a0", "ab"}},
      {"a/", "", {"a/b", "a/b/c", "a/c"}},
      {"a/b", "", {"a/b", "a/b/c"}},
      {"b/y", "", {"b/y/z"}},
      {"zzz", "", {}},
      {"", "a/b", {"a/b/c", "a/c", "a0", "ab", "b/x", "b/y/z", "c"}},
      {"", "a/bz", {"a/c", "a0", "ab", "b/x", "b/y/z", "c"}},
      {"a/", "a/", {"a/b", "a/b/c", "a/c"}},
      {"a/", "a", {"a/b", "a/b/c", "a/c"}},
      {"", "0", all},
      {"", "c", {}},
      {"a", "b", {}},
      {"b/", "a/b/c", {"b/x", "b/y/z"}},
  };
  for (const Case& c : cases) {
    INFO("prefix '" << c.prefix << "' start_after '" << c.start_after << "'");
    CHECK(keys_of(list_by_pages(f.sync, c.prefix, c.start_after, 2)) == c.want);
    CHECK(keys_of(list_by_pages(f.sync, c.prefix, c.start_after, 1000)) == c.want);
  }
  const auto listed = ok(f.sync.list_all(""));
  REQUIRE(listed.size() == written.size());
  for (std::size_t i = 0; i < listed.size(); ++i) {
    CHECK(listed[i].size == written[i].size);
    CHECK(listed[i].etag == written[i].etag);
  }
  expect_error(f.sync.list("", "", 0), Errc::invalid_argument);
}

}  // namespace zobj::conformance
