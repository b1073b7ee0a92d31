// S3Store::put: single PUTs, multipart uploads, conditions (native or under a Redis lease),
// and the start-up probe of the service's conditional writes.
#include <fmt/format.h>

#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/steady_timer.hpp>

#include "base/log.h"
#include "s3/s3_store_state.h"
#include "s3/s3_xml.h"

namespace zobj {

namespace asio = zerofs::asio;
using zerofs::Errc;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kMinPartSize = 5u << 20;
constexpr std::size_t kMaxParts = 10'000;
constexpr std::size_t kPartConcurrency = 4;
constexpr int kAbortAttempts = 4;

std::int64_t now_unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool ambiguous(const Result<http::Response>& r) {
  if (!r) return r.error().code() == Errc::transient;
  // 503 (SlowDown, ServiceUnavailable) is a refusal; other 5xx leave the outcome open.
  return r->status >= 500 && r->status != 503;
}

// The headers every object upload carries, plus the native conditional headers.
void add_put_headers(http::Headers& headers, const PutOptions& options) {
  headers.emplace_back("Content-Type", "application/octet-stream");
  headers.emplace_back(std::string(kPutIdHeader), options.put_id);
}

void add_condition_headers(http::Headers& headers, const PutOptions& options) {
  if (options.mode == PutMode::create_if_absent) headers.emplace_back("If-None-Match", "*");
  if (options.mode == PutMode::if_match) headers.emplace_back("If-Match", options.etag);
}

// The error of a failed conditional or plain upload reply.
Error put_error(const s3::Client& client, const http::Response& r, const std::string& key,
                const PutOptions& options) {
  if (r.status == 412 && options.mode == PutMode::create_if_absent) {
    return Error::make(Errc::already_exists, "PUT {}/{}: the object already exists",
                       client.describe(), key);
  }
  if (r.status == 412) {
    return Error::make(Errc::precondition_failed, "PUT {}/{}: the etag is no longer {}",
                       client.describe(), key, options.etag);
  }
  return client.error_from(r, "PUT", key);
}

template <typename T>
Task<std::vector<T>> run_all(std::vector<Task<T>> tasks) {
  std::vector<T> results;
  auto executor = co_await asio::this_coro::executor;
  using Op = decltype(asio::co_spawn(executor, std::move(tasks.front()), asio::deferred));
  std::vector<Op> ops;
  ops.reserve(tasks.size());
  for (auto& task : tasks) ops.push_back(asio::co_spawn(executor, std::move(task), asio::deferred));
  auto done = co_await asio::experimental::make_parallel_group(std::move(ops))
                  .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
  for (const std::exception_ptr& e : std::get<1>(done)) {
    if (e) std::rethrow_exception(e);
  }
  for (auto& value : std::get<2>(done)) results.push_back(std::move(value));
  co_return results;
}

Task<Result<std::string>> upload_part(s3::Client& client, std::string full_key,
                                      std::string upload_id, std::size_t number, ByteView bytes) {
  s3::Call call("PUT", full_key);
  call.query.emplace_back("partNumber", std::to_string(number));
  call.query.emplace_back("uploadId", std::move(upload_id));
  call.body = bytes;
  Result<http::Response> r = co_await client.send(std::move(call));
  if (!r) co_return std::unexpected(r.error().with_context(fmt::format("upload part {}", number)));
  if (r->status != 200) co_return std::unexpected(client.error_from(*r, "UploadPart", full_key));
  const auto etag = r->header("ETag");
  if (!etag) co_return zerofs::fail(Errc::permanent, "UploadPart {}: reply has no ETag", number);
  co_return std::string(*etag);
}

// Aborts a failed multipart upload, retrying a few times on transient failures: the parts
// of an upload nobody aborts cost storage until a lifecycle rule removes them.
Task<void> abort_upload(s3::Client& client, const std::string& full_key,
                        const std::string& upload_id) {
  std::chrono::milliseconds delay(100);
  for (int attempt = 1;; ++attempt) {
    s3::Call abort("DELETE", full_key);
    abort.query.emplace_back("uploadId", upload_id);
    Result<http::Response> r = co_await client.send(std::move(abort));
    // 404 NoSuchUpload: an earlier attempt got through.
    if (r && (r->status == 200 || r->status == 204 || r->status == 404)) co_return;
    const Error error =
        r ? client.error_from(*r, "AbortMultipartUpload", full_key) : std::move(r).error();
    if (error.code() != Errc::transient || attempt == kAbortAttempts) {
      zerofs::log::warn("{}: could not abort multipart upload {} of {}: {}", client.describe(),
                        upload_id, full_key, error.message());
      co_return;
    }
    asio::steady_timer timer(co_await asio::this_coro::executor, delay);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    delay *= 4;
  }
}

}  // namespace

static Task<Result<void>> check_condition(S3Store& store, const std::string& key,
                                          const PutOptions& options);

Task<Result<ObjectMeta>> S3Store::put(std::string key, ByteView data, PutOptions options) {
  ZF_CO_CHECK(validate_key(key));
  if (options.put_id.empty()) {
    options.put_id = new_put_id();
  } else {
    ZF_CO_CHECK(validate_put_id(options.put_id));
  }
  if (options.mode == PutMode::if_match && options.etag.empty()) {
    co_return zerofs::fail(Errc::invalid_argument, "if_match put of '{}' without an etag", key);
  }
  if (options.mode != PutMode::overwrite && !state_->leases) {
    ZF_CO_CHECK(co_await check_conditional_writes());
  }
  if (data.size() > state_->settings.multipart_threshold) {
    co_return co_await put_multipart(std::move(key), data, std::move(options));
  }
  co_return co_await put_single(std::move(key), data, std::move(options));
}

// Under a Redis lease: the condition, checked against what S3 holds now.
static Task<Result<void>> check_condition(S3Store& store, const std::string& key,
                                          const PutOptions& options) {
  if (options.mode == PutMode::overwrite) co_return Result<void>{};
  Result<ObjectMeta> current = co_await store.head(key);
  if (options.mode == PutMode::create_if_absent) {
    if (current) {
      co_return zerofs::fail(Errc::already_exists, "PUT {}/{}: the object already exists",
                             store.describe(), key);
    }
    if (current.error().code() == Errc::not_found) co_return Result<void>{};
    co_return std::unexpected(std::move(current).error());
  }
  if (!current) co_return std::unexpected(std::move(current).error());
  if (current->etag != options.etag) {
    co_return zerofs::fail(Errc::precondition_failed, "PUT {}/{}: the etag is {}, not {}",
                           store.describe(), key, current->etag, options.etag);
  }
  co_return Result<void>{};
}

Task<Result<ObjectMeta>> S3Store::put_single(std::string key, ByteView data, PutOptions options) {
  s3::Client& client = *state_->client;
  std::optional<s3::Lease> lease;
  s3::GatePermit permit(state_->lease_gate.get());
  if (state_->leases) {
    co_await state_->lease_gate->acquire();
    ZF_CO_TRY(s3::Lease taken, co_await state_->leases->acquire(client.full_key(key)));
    lease = std::move(taken);
    Result<void> allowed = co_await check_condition(*this, key, options);
    if (allowed && Clock::now() >= lease->deadline) {
      allowed =
          zerofs::fail(Errc::transient, "PUT {}: the Redis lease ran out before the upload", key);
    }
    if (!allowed) {
      co_await state_->leases->release(*lease);
      co_return std::unexpected(std::move(allowed).error());
    }
  }
  s3::Call call("PUT", client.full_key(key));
  add_put_headers(call.headers, options);
  add_condition_headers(call.headers, options);
  call.body = data;
  if (lease) call.deadline = lease->deadline;
  Result<http::Response> r = co_await client.send(std::move(call));
  // After an ambiguous failure the lease is left to run out: the PUT may still land, and
  // nobody may act on the key before it has had time to.
  if (lease && !ambiguous(r)) co_await state_->leases->release(*lease);
  if (!r) co_return std::unexpected(r.error().with_context("PUT " + key));
  if (r->status != 200) co_return std::unexpected(put_error(client, *r, key, options));
  ObjectMeta meta;
  meta.key = std::move(key);
  meta.size = data.size();
  if (auto etag = r->header("ETag")) meta.etag = *etag;
  meta.modified_unix_ms = now_unix_ms();
  meta.put_id = std::move(options.put_id);
  co_return meta;
}

// The parts of a multipart upload, then its completion (under a lease in Redis mode).
static Task<Result<ObjectMeta>> upload_and_complete(S3Store& store, S3Store::State& state,
                                                    const std::string& key, ByteView data,
                                                    const PutOptions& options,
                                                    const std::string& upload_id) {
  s3::Client& client = *state.client;
  const std::string full = client.full_key(key);
  const std::size_t part_size = std::max({state.settings.multipart_part_size, kMinPartSize,
                                          (data.size() + kMaxParts - 1) / kMaxParts});
  const std::size_t parts = (data.size() + part_size - 1) / part_size;
  std::vector<std::string> etags;
  for (std::size_t batch = 0; batch < parts; batch += kPartConcurrency) {
    std::vector<Task<Result<std::string>>> uploads;
    for (std::size_t i = batch; i < std::min(parts, batch + kPartConcurrency); ++i) {
      const ByteView bytes =
          data.subspan(i * part_size, std::min(part_size, data.size() - i * part_size));
      uploads.push_back(upload_part(client, full, upload_id, i + 1, bytes));
    }
    std::vector<Result<std::string>> uploaded = co_await run_all(std::move(uploads));
    for (Result<std::string>& etag : uploaded) {
      if (!etag) co_return std::unexpected(std::move(etag).error());
      etags.push_back(std::move(*etag));
    }
  }

  std::optional<s3::Lease> lease;
  s3::GatePermit permit(state.lease_gate.get());
  if (state.leases) {
    co_await state.lease_gate->acquire();
    ZF_CO_TRY(s3::Lease taken, co_await state.leases->acquire(full));
    lease = std::move(taken);
    Result<void> allowed = co_await check_condition(store, key, options);
    if (!allowed) {
      co_await state.leases->release(*lease);
      co_return std::unexpected(std::move(allowed).error());
    }
  }
  const std::string body = s3::complete_request_body(etags);
  s3::Call complete("POST", full);
  complete.query.emplace_back("uploadId", upload_id);
  complete.headers.emplace_back("Content-Type", "application/xml");
  add_condition_headers(complete.headers, options);
  complete.body = zerofs::as_bytes(body);
  if (lease) complete.deadline = lease->deadline;
  Result<http::Response> r = co_await client.send(std::move(complete));
  if (lease && !ambiguous(r)) co_await state.leases->release(*lease);
  if (!r) co_return std::unexpected(r.error().with_context("CompleteMultipartUpload " + key));
  if (r->status != 200) co_return std::unexpected(put_error(client, *r, key, options));
  ZF_CO_TRY(std::string etag, s3::parse_complete_etag(r->body.chars()));
  ObjectMeta meta;
  meta.key = key;
  meta.size = data.size();
  meta.etag = std::move(etag);
  meta.modified_unix_ms = now_unix_ms();
  meta.put_id = options.put_id;
  co_return meta;
}

Task<Result<ObjectMeta>> S3Store::put_multipart(std::string key, ByteView data,
                                                PutOptions options) {
  s3::Client& client = *state_->client;
  const std::string full = client.full_key(key);
  state_->multipart_uploads.fetch_add(1, std::memory_order_relaxed);

  s3::Call initiate("POST", full);
  initiate.query.emplace_back("uploads", "");
  add_put_headers(initiate.headers, options);
  Result<http::Response> started = co_await client.send(std::move(initiate));
  if (!started) co_return std::unexpected(started.error().with_context("CreateMultipartUpload"));
  if (started->status != 200) {
    co_return std::unexpected(client.error_from(*started, "CreateMultipartUpload", key));
  }
  ZF_CO_TRY(const std::string upload_id, s3::parse_upload_id(started->body.chars()));

  // Every failure from here on aborts the upload, so S3 keeps no orphaned parts.
  Result<ObjectMeta> outcome =
      co_await upload_and_complete(*this, *state_, key, data, options, upload_id);
  if (!outcome) co_await abort_upload(client, full, upload_id);
  co_return outcome;
}

Task<Result<void>> S3Store::check_conditional_writes() {
  if (state_->leases) {
    Result<void> ping = co_await state_->leases->ping();
    if (!ping) {
      co_return std::unexpected(ping.error().with_context(
          fmt::format("{}: aws.conditional_put names a Redis that does not answer", describe())));
    }
    co_return Result<void>{};
  }
  {
    std::lock_guard lock(state_->probe_mutex);
    if (state_->probe_verdict) co_return *state_->probe_verdict;
  }
  s3::Client& client = *state_->client;
  const std::string probe_key = "zerofs-probe/conditional-put-" + new_put_id();
  const std::string full = client.full_key(probe_key);
  const auto attempt = [&](PutOptions options) -> Task<Result<http::Response>> {
    options.put_id = new_put_id();
    s3::Call call("PUT", full);
    add_put_headers(call.headers, options);
    add_condition_headers(call.headers, options);
    call.body = zerofs::as_bytes(std::string_view("zerofs conditional-put probe"));
    co_return co_await client.send(std::move(call));
  };
  Result<http::Response> first = co_await attempt(PutOptions::create());
  if (!first) co_return std::unexpected(first.error().with_context("conditional-put probe"));
  if (first->status != 200) co_return std::unexpected(client.error_from(*first, "PUT", probe_key));
  Result<http::Response> second = co_await attempt(PutOptions::create());
  Result<http::Response> stale;
  if (second && second->status == 412)
    stale = co_await attempt(PutOptions::match("\"zerofs-probe-stale\""));
  s3::Call cleanup("DELETE", full);
  co_await client.send(std::move(cleanup));
  if (!second) co_return std::unexpected(second.error().with_context("conditional-put probe"));
  if (second->status == 412 && stale && stale->status == 412) {
    std::lock_guard lock(state_->probe_mutex);
    state_->probe_verdict = Result<void>{};
    co_return Result<void>{};
  }
  if (second->status == 412 && !stale) {
    co_return std::unexpected(stale.error().with_context("conditional-put probe"));
  }
  const bool server_failed = (second->status >= 500 && second->status != 501) ||
                             (stale && stale->status >= 500 && stale->status != 501);
  if (server_failed) {
    co_return std::unexpected(
        client.error_from(second->status >= 500 ? *second : *stale, "PUT", probe_key));
  }
  const char* what = second->status != 412 ? "a second PUT with If-None-Match: * of one key"
                                           : "a PUT with a stale If-Match";
  Result<void> verdict = zerofs::fail(
      Errc::unsupported,
      "{} does not enforce conditional writes ({} was answered with HTTP {}), so two zerofs "
      "processes could overwrite each other's data; set aws.conditional_put = "
      "\"redis://host:port\" to coordinate conditional writes through Redis",
      describe(), what, second->status != 412 ? second->status : stale->status);
  std::lock_guard lock(state_->probe_mutex);
  state_->probe_verdict = verdict;
  co_return verdict;
}

}  // namespace zobj
