// S3Store's private state, shared by the files that implement it (s3_store.cc, s3_put.cc).
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>

#include "s3/lease_gate.h"
#include "s3/redis_leases.h"
#include "s3/s3_client.h"
#include "zobj/s3_store.h"

namespace zobj {

struct S3Store::State {
  std::unique_ptr<s3::Client> client;
  std::unique_ptr<s3::RedisLeases> leases;    // set when conditional_put names Redis
  std::unique_ptr<s3::LeaseGate> lease_gate;  // with leases: bounds leased mutations
  S3Settings settings;

  // The start-up probe's verdict (native mode), once one was reached.
  std::mutex probe_mutex;
  std::optional<Result<void>> probe_verdict;  // guarded by probe_mutex

  std::atomic<std::uint64_t> multipart_uploads{0};
};

// The metadata header that carries the put-id.
inline constexpr std::string_view kPutIdHeader = "x-amz-meta-zerofs-put-id";

// ObjectMeta from the headers of a HEAD or GET reply (size from Content-Range or
// Content-Length).
ObjectMeta meta_from_headers(const http::Response& response, std::string key);

}  // namespace zobj
