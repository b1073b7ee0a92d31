// Helpers shared by the conformance checks (not part of the suite's interface).
#pragma once

#include <source_location>
#include <string>
#include <vector>

#include "conformance.h"
#include "store_test_util.h"
#include "test_support/catch.h"

namespace zobj::conformance::detail {

using testing::random_bytes;
using testing::run_concurrently;
using testing::SyncStore;
using testing::to_string;

// The value of a successful result; fails the test, naming the caller's line, otherwise.
template <typename T>
T ok(Result<T> result, std::source_location at = std::source_location::current()) {
  if (!result) FAIL(at.file_name() << ":" << at.line() << ": " << result.error().to_string());
  if constexpr (!std::is_void_v<T>) return std::move(*result);
}

// Checks that `result` failed with `code`.
template <typename T>
void expect_error(const Result<T>& result, Errc code,
                  std::source_location at = std::source_location::current()) {
  INFO("at " << at.file_name() << ":" << at.line());
  if (result) {
    FAIL_CHECK("expected " << zerofs::errc_name(code) << ", got success");
  } else {
    INFO(result.error().to_string());
    CHECK(zerofs::errc_name(result.error().code()) == zerofs::errc_name(code));
  }
}

// One check's bucket, with a blocking view of its store.
struct Fixture {
  explicit Fixture(const BucketFactory& factory) : bucket(factory()), sync(*bucket.store) {}

  // `store` followed by up to `peers` independent handles on the same bucket.
  std::vector<std::shared_ptr<ObjectStore>> handles(std::size_t peers) {
    std::vector<std::shared_ptr<ObjectStore>> out{bucket.store};
    for (std::size_t i = 0; i < peers && bucket.open_peer; ++i) out.push_back(bucket.open_peer());
    return out;
  }

  Bucket bucket;
  SyncStore sync;
};

// Every key under `prefix` after `start_after`, fetched in pages of `page_size`; checks each
// page's size, order and cursor on the way.
std::vector<ObjectMeta> list_by_pages(SyncStore& sync, const std::string& prefix,
                                      const std::string& start_after, std::size_t page_size);

std::vector<std::string> keys_of(const std::vector<ObjectMeta>& metas);

}  // namespace zobj::conformance::detail
