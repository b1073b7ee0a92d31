// The object-store conformance suite: the behaviour every ObjectStore must show (the contract
// in zobj/object_store.h). Each check is a function taking a BucketFactory; a test binary
// instantiates the whole suite for one store with
//
//   ZOBJ_CONFORMANCE_SUITE("s3", [] { return zobj::conformance::Bucket{...}; })
//
// which defines one Catch2 TEST_CASE per check, named "<name> conformance: <check>" and
// tagged [conformance]. Link zerofs::zobj_conformance.
//
// Checks run their coroutines on a private io_context; the concurrency checks run it on
// several threads so racers really overlap. Every check starts from an empty bucket.
#pragma once

#include <functional>
#include <memory>

#include "test_support/catch.h"
#include "zobj/object_store.h"

namespace zobj::conformance {

struct Bucket {
  // A store on a fresh, empty bucket.
  std::shared_ptr<ObjectStore> store;
  // Opens another, independent handle on the same bucket (a second FileStore on the same
  // directory, a second client of the same S3 bucket). Racing checks spread their racers
  // over `store` and such peers. May be empty: `store` is then used alone.
  std::function<std::shared_ptr<ObjectStore>()> open_peer;
  // Whatever must outlive the stores (a temporary directory, a server process).
  std::shared_ptr<void> keep_alive;
  // The store's etag is a digest of the bytes (S3's ETag is their MD5), so an overwrite with
  // identical bytes may keep the etag; overwrite_changes_etag then checks only what differs.
  bool etag_is_content_digest = false;
};

using BucketFactory = std::function<Bucket()>;

void round_trip(const BucketFactory& factory);
void empty_object(const BucketFactory& factory);
void large_object(const BucketFactory& factory);
void ranged_get(const BucketFactory& factory);
void missing_keys(const BucketFactory& factory);
void overwrite_changes_etag(const BucketFactory& factory);
void create_if_absent(const BucketFactory& factory);
void concurrent_create_if_absent(const BucketFactory& factory);
void if_match(const BucketFactory& factory);
void concurrent_if_match(const BucketFactory& factory);
void list_pagination(const BucketFactory& factory);
void list_prefix_and_start_after(const BucketFactory& factory);
void put_id_round_trip(const BucketFactory& factory);
void nested_keys(const BucketFactory& factory);
void invalid_keys(const BucketFactory& factory);

}  // namespace zobj::conformance

// NAME must be a string literal.
#define ZOBJ_CONFORMANCE_CASE(NAME, FACTORY, CHECK)                          \
  TEST_CASE(NAME " conformance: " #CHECK, "[conformance]") {                 \
    ::zobj::conformance::CHECK(::zobj::conformance::BucketFactory(FACTORY)); \
  }

#define ZOBJ_CONFORMANCE_SUITE(NAME, FACTORY)                       \
  ZOBJ_CONFORMANCE_CASE(NAME, FACTORY, round_trip)                  \
  ZOBJ_CONFORMANCE_CASE(NAME, FACTORY, empty_object)                \
  ZOBJ_CONFORMANCE_CASE(NAME, FACTORY, large_object)                \
  ZOBJ_CONFORMANCE_CASE(NAME, FACTORY, ranged_get)                  \
  ZOBJ_CONFORMANCE_CASE(NAME, FACTORY, missing_keys)                \
  ZOBJ_CONFORMANCE_CASE(NAME, FACTORY, overwrite_changes_etag)      \
  ZOBJ_CONFORMANCE_CASE(NAME, FACTORY, create_if_absent)            \
  ZOBJ_CONFORMANCE_CASE(NAME, FACTORY, concurrent_create_if_absent) \
  ZOBJ_CONFORMANCE_CASE(NAME, FACTORY, if_match)                    \
  ZOBJ_CONFORMANCE_CASE(NAME, FACTORY, concurrent_if_match)         \
  ZOBJ_CONFORMANCE_CASE(NAME, FACTORY, list_pagination)             \
  ZOBJ_CONFORMANCE_CASE(NAME, FACTORY, list_prefix_and_start_after) \
  ZOBJ_CONFORMANCE_CASE(NAME, FACTORY, put_id_round_trip)           \
  ZOBJ_CONFORMANCE_CASE(NAME, FACTORY, nested_keys)                 \
  ZOBJ_CONFORMANCE_CASE(NAME, FACTORY, invalid_keys)
