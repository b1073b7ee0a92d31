// GcsStore::put: multipart uploads for ordinary objects, resumable sessions for large ones,
// with ifGenerationMatch preconditions either way.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "gcs/gcs_store_state.h"
#include "http/http_status.h"

namespace zobj {

using zerofs::Errc;

namespace {

constexpr std::string_view kBoundary = "zerofs-7f3a9c1e5b2d4086-boundary";

// The object resource an upload creates: name and put-id metadata.
std::string upload_metadata(const std::string& name, const PutOptions& options) {
  const nlohmann::json doc = {{"name", name},
                              {"contentType", "application/octet-stream"},
                              {"metadata", {{std::string(gcs::kPutIdKey), options.put_id}}}};
  return doc.dump();
}

void add_preconditions(s3::Query& query, const PutOptions& options) {
  if (options.mode == PutMode::create_if_absent) query.emplace_back("ifGenerationMatch", "0");
  if (options.mode == PutMode::if_match) query.emplace_back("ifGenerationMatch", options.etag);
}

bool all_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

// The outcome of the request that finished an upload.
static Task<Result<ObjectMeta>> upload_outcome(GcsStore& store, gcs::Client& client,
                                               const http::Response& r, std::string key,
                                               const PutOptions& options) {
  if (r.status == 200 || r.status == 201) {
    ZF_CO_TRY(ObjectMeta meta, gcs_meta_from_json(r.body.chars(), std::move(key)));
    meta.put_id = options.put_id;
    co_return meta;
  }
  if (r.status == 412 && options.mode == PutMode::create_if_absent) {
    co_return zerofs::fail(Errc::already_exists, "PUT {}/{}: the object already exists",
                           client.describe(), key);
  }
  if (r.status == 412 && options.mode == PutMode::if_match) {
    Result<ObjectMeta> current = co_await store.head(key);
    if (!current && current.error().code() == Errc::not_found) {
      co_return zerofs::fail(Errc::not_found, "PUT {}/{}: no object to match generation {}",
                             client.describe(), key, options.etag);
    }
    co_return zerofs::fail(Errc::precondition_failed, "PUT {}/{}: the generation is no longer {}",
                           client.describe(), key, options.etag);
  }
  co_return std::unexpected(client.error_from(r, "PUT", key));
}

Task<Result<ObjectMeta>> GcsStore::put(std::string key, ByteView data, PutOptions options) {
  ZF_CO_CHECK(validate_key(key));
  if (options.put_id.empty()) {
    options.put_id = new_put_id();
  } else {
    ZF_CO_CHECK(validate_put_id(options.put_id));
  }
  if (options.mode == PutMode::if_match && !all_digits(options.etag)) {
    // A generation is a number; anything else can match no object.
    if (options.etag.empty()) {
      co_return zerofs::fail(Errc::invalid_argument, "if_match put of '{}' without an etag", key);
    }
    ZF_CO_TRY(ObjectMeta current, co_await head(key));
    co_return zerofs::fail(Errc::precondition_failed, "PUT {}/{}: the generation is {}, not {}",
                           describe(), key, current.etag, options.etag);
  }
  if (data.size() > state_->settings.resumable_threshold) {
    co_return co_await put_resumable(std::move(key), data, std::move(options));
  }
  gcs::Client& client = *state_->client;
  // multipart/related: the metadata part, then the bytes (copied once into the body).
  const std::string head_part = fmt::format(
      "--{0}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{1}\r\n--{0}\r\n"
      "Content-Type: application/octet-stream\r\n\r\n",
      kBoundary, upload_metadata(client.full_key(key), options));
  const std::string tail_part = fmt::format("\r\n--{}--\r\n", kBoundary);
  Buffer body(head_part.size() + data.size() + tail_part.size());
  std::memcpy(body.data(), head_part.data(), head_part.size());
  if (!data.empty()) std::memcpy(body.data() + head_part.size(), data.data(), data.size());
  std::memcpy(body.data() + head_part.size() + data.size(), tail_part.data(), tail_part.size());

  gcs::Call call("POST", client.objects_path(true));
  call.query.emplace_back("uploadType", "multipart");
  add_preconditions(call.query, options);
  call.headers.emplace_back("Content-Type",
                            fmt::format("multipart/related; boundary={}", kBoundary));
  call.body = body.view();
  Result<http::Response> r = co_await client.send(std::move(call));
  if (!r) co_return std::unexpected(r.error().with_context("PUT " + key));
  co_return co_await upload_outcome(*this, client, *r, std::move(key), options);
}

Task<Result<ObjectMeta>> GcsStore::put_resumable(std::string key, ByteView data,
                                                 PutOptions options) {
  gcs::Client& client = *state_->client;
  state_->resumable_uploads.fetch_add(1, std::memory_order_relaxed);
  const std::string metadata = upload_metadata(client.full_key(key), options);
  gcs::Call start("POST", client.objects_path(true));
  start.query.emplace_back("uploadType", "resumable");
  add_preconditions(start.query, options);
  start.headers.emplace_back("Content-Type", "application/json; charset=UTF-8");
  start.headers.emplace_back("X-Upload-Content-Type", "application/octet-stream");
  start.headers.emplace_back("X-Upload-Content-Length", std::to_string(data.size()));
  start.body = zerofs::as_bytes(metadata);
  Result<http::Response> started = co_await client.send(std::move(start));
  if (!started) co_return std::unexpected(started.error().with_context("PUT " + key));
  if (started->status != 200) {
    co_return co_await upload_outcome(*this, client, *started, std::move(key), options);
  }
  // The session URI is absolute; it must lead back to the endpoint this store talks to.
  const std::string_view location = started->header("Location").value_or("");
  const std::string origin = client.endpoint().origin();
  std::string_view target = location;
  if (target.starts_with(origin)) {
    target.remove_prefix(origin.size());
  } else if (const auto scheme = target.find("://"); scheme != std::string_view::npos) {
    // The origin may be spelled without its default port.
    const auto path = target.find('/', scheme + 3);
    const std::string_view authority = target.substr(scheme + 3, path - scheme - 3);
    if (authority != client.endpoint().authority() || path == std::string_view::npos) {
      co_return zerofs::fail(Errc::permanent, "PUT {}/{}: unexpected resumable session URI '{}'",
                             describe(), key, location);
    }
    target.remove_prefix(path);
  }
  if (!target.starts_with('/')) {
    co_return zerofs::fail(Errc::permanent, "PUT {}/{}: no resumable session URI in '{}'",
                           describe(), key, location);
  }
  gcs::Call upload("PUT", std::string(target));
  upload.headers.emplace_back("Content-Type", "application/octet-stream");
  upload.body = data;
  Result<http::Response> r = co_await client.send(std::move(upload));
  if (!r) co_return std::unexpected(r.error().with_context("PUT " + key));
  co_return co_await upload_outcome(*this, client, *r, std::move(key), options);
}

}  // namespace zobj
