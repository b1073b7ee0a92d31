// AzureStore::put: Put Blob for ordinary objects, Put Block + Put Block List above the block
// threshold, with native conditions either way.
#include <fmt/format.h>

#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>

#include "azure/azure_store_state.h"
#include "azure/azure_xml.h"
#include "http/http_status.h"

namespace zobj {

namespace asio = zerofs::asio;
using zerofs::Errc;

namespace {

constexpr std::size_t kMaxBlocks = 50'000;
constexpr std::size_t kBlockConcurrency = 4;

std::int64_t now_unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void add_put_headers(http::Headers& headers, const PutOptions& options) {
  headers.emplace_back(std::string(azure::kPutIdHeader), options.put_id);
  if (options.mode == PutMode::create_if_absent) headers.emplace_back("If-None-Match", "*");
  if (options.mode == PutMode::if_match) headers.emplace_back("If-Match", options.etag);
}

template <typename T>
Task<std::vector<T>> run_all(std::vector<Task<T>> tasks) {
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
  std::vector<T> results;
  for (auto& value : std::get<2>(done)) results.push_back(std::move(value));
  co_return results;
}

Task<Result<void>> put_block(azure::Client& client, std::string blob, std::string block_id,
                             ByteView bytes) {
  azure::Call call("PUT", blob);
  call.query.emplace_back("comp", "block");
  call.query.emplace_back("blockid", std::move(block_id));
  call.body = bytes;
  Result<http::Response> r = co_await client.send(std::move(call));
  if (!r) co_return std::unexpected(r.error().with_context("Put Block"));
  if (r->status != 201) co_return std::unexpected(client.error_from(*r, "PutBlock", blob));
  co_return Result<void>{};
}

}  // namespace

// The outcome of a Put Blob or Put Block List reply.
static Task<Result<ObjectMeta>> put_outcome(AzureStore& store, azure::Client& client,
                                            const http::Response& r, std::string key,
                                            std::size_t size, PutOptions options) {
  if (r.status == 201) {
    ObjectMeta meta;
    meta.key = std::move(key);
    meta.size = size;
    if (auto etag = r.header("ETag")) meta.etag = *etag;
    meta.modified_unix_ms =
        http::parse_http_date(r.header("Last-Modified").value_or("")).value_or(now_unix_ms());
    meta.put_id = std::move(options.put_id);
    co_return meta;
  }
  const std::string code = azure::error_code(r);
  if (options.mode == PutMode::create_if_absent &&
      (r.status == 412 || (r.status == 409 && code == "BlobAlreadyExists"))) {
    co_return zerofs::fail(Errc::already_exists, "PUT {}/{}: the object already exists",
                           client.describe(), key);
  }
  if (options.mode == PutMode::if_match && r.status == 412) {
    // Azure answers 412 also when the blob is gone; the contract wants not_found then.
    Result<ObjectMeta> current = co_await store.head(key);
    if (!current && current.error().code() == Errc::not_found) {
      co_return zerofs::fail(Errc::not_found, "PUT {}/{}: no object to match etag {}",
                             client.describe(), key, options.etag);
    }
    co_return zerofs::fail(Errc::precondition_failed, "PUT {}/{}: the etag is no longer {}",
                           client.describe(), key, options.etag);
  }
  co_return std::unexpected(client.error_from(r, "PUT", key));
}

Task<Result<ObjectMeta>> AzureStore::put(std::string key, ByteView data, PutOptions options) {
  ZF_CO_CHECK(validate_key(key));
  if (options.put_id.empty()) {
    options.put_id = new_put_id();
  } else {
    ZF_CO_CHECK(validate_put_id(options.put_id));
  }
  if (options.mode == PutMode::if_match && options.etag.empty()) {
    co_return zerofs::fail(Errc::invalid_argument, "if_match put of '{}' without an etag", key);
  }
  if (data.size() > state_->settings.block_threshold) {
    co_return co_await put_blocks(std::move(key), data, std::move(options));
  }
  azure::Client& client = *state_->client;
  azure::Call call("PUT", client.full_key(key));
  call.headers.emplace_back("Content-Type", "application/octet-stream");
  call.headers.emplace_back("x-ms-blob-type", "BlockBlob");
  add_put_headers(call.headers, options);
  call.body = data;
  Result<http::Response> r = co_await client.send(std::move(call));
  if (!r) co_return std::unexpected(r.error().with_context("PUT " + key));
  co_return co_await put_outcome(*this, client, *r, std::move(key), data.size(),
                                 std::move(options));
}

Task<Result<ObjectMeta>> AzureStore::put_blocks(std::string key, ByteView data,
                                                PutOptions options) {
  azure::Client& client = *state_->client;
  const std::string blob = client.full_key(key);
  state_->block_uploads.fetch_add(1, std::memory_order_relaxed);
  const std::size_t block_size =
      std::max(state_->settings.block_size, (data.size() + kMaxBlocks - 1) / kMaxBlocks);
  const std::size_t blocks = (data.size() + block_size - 1) / block_size;
  // Ids of one blob must have equal lengths; a per-upload nonce keeps racing uploads of the
  // same key from committing each other's blocks.
  const std::string nonce = new_put_id().substr(0, 16);
  std::vector<std::string> ids;
  ids.reserve(blocks);
  for (std::size_t i = 0; i < blocks; ++i) {
    ids.push_back(azure::base64_encode(fmt::format("{}-{:06}", nonce, i)));
  }
  for (std::size_t batch = 0; batch < blocks; batch += kBlockConcurrency) {
    std::vector<Task<Result<void>>> uploads;
    for (std::size_t i = batch; i < std::min(blocks, batch + kBlockConcurrency); ++i) {
      const ByteView bytes =
          data.subspan(i * block_size, std::min(block_size, data.size() - i * block_size));
      uploads.push_back(put_block(client, blob, ids[i], bytes));
    }
    std::vector<Result<void>> uploaded = co_await run_all(std::move(uploads));
    for (Result<void>& done : uploaded) {
      if (!done) co_return std::unexpected(std::move(done).error().with_context("PUT " + key));
    }
  }
  const std::string body = azure::block_list_body(ids);
  azure::Call commit("PUT", blob);
  commit.query.emplace_back("comp", "blocklist");
  commit.headers.emplace_back("Content-Type", "application/xml");
  commit.headers.emplace_back("x-ms-blob-content-type", "application/octet-stream");
  add_put_headers(commit.headers, options);
  commit.body = zerofs::as_bytes(body);
  Result<http::Response> r = co_await client.send(std::move(commit));
  if (!r) co_return std::unexpected(r.error().with_context("Put Block List " + key));
  co_return co_await put_outcome(*this, client, *r, std::move(key), data.size(),
                                 std::move(options));
}

}  // namespace zobj
