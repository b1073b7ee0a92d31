// S3Store: opening, reads, deletes and listing. Puts and the conditional-write probe are in
// s3_put.cc.
#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>

#include "http/http_status.h"
#include "http/ranged_get.h"
#include "s3/s3_store_state.h"
#include "s3/s3_xml.h"

namespace zobj {

using zerofs::Errc;

namespace {

constexpr std::size_t kMaxListKeys = 1000;
constexpr std::size_t kMaxDeleteKeys = 1000;

std::optional<std::uint64_t> parse_u64(std::string_view s) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string base64_md5(std::string_view data) {
  unsigned char digest[16];
  unsigned size = 0;
  EVP_Digest(data.data(), data.size(), digest, &size, EVP_md5(), nullptr);
  unsigned char out[32];
  const int n = EVP_EncodeBlock(out, digest, 16);
  return std::string(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
}

// Whether a mutation that failed this way may still have been applied by S3: a transport
// failure after the request may have left, or a 5xx (S3 says those outcomes are unknown).
bool ambiguous(const Result<http::Response>& r) {
  if (!r) return r.error().code() == Errc::transient;
  // 503 (SlowDown, ServiceUnavailable) is a refusal; other 5xx leave the outcome open.
  return r->status >= 500 && r->status != 503;
}

}  // namespace

ObjectMeta meta_from_headers(const http::Response& response, std::string key) {
  ObjectMeta meta;
  meta.key = std::move(key);
  if (auto etag = response.header("ETag")) meta.etag = *etag;
  if (auto id = response.header(kPutIdHeader)) meta.put_id = *id;
  if (auto modified = response.header("Last-Modified")) {
    meta.modified_unix_ms = http::parse_http_date(*modified).value_or(0);
  }
  // "bytes 10-29/100" names the whole size; otherwise Content-Length is it.
  if (auto range = response.header("Content-Range");
      range && range->find('/') != std::string_view::npos) {
    meta.size = parse_u64(range->substr(range->find('/') + 1)).value_or(0);
  } else if (auto length = response.header("Content-Length")) {
    meta.size = parse_u64(*length).value_or(response.body.size());
  } else {
    meta.size = response.body.size();
  }
  return meta;
}

void S3Settings::apply_environment(const std::function<const char*(const char*)>& getenv) {
  const auto env = [&](const char* name) -> std::string {
    const char* value = getenv ? getenv(name) : std::getenv(name);
    return value != nullptr ? value : "";
  };
  if (access_key_id.empty() && secret_access_key.empty()) {
    access_key_id = env("AWS_ACCESS_KEY_ID");
    secret_access_key = env("AWS_SECRET_ACCESS_KEY");
    if (session_token.empty()) session_token = env("AWS_SESSION_TOKEN");
  }
  if (region.empty()) region = env("AWS_REGION");
  if (region.empty()) region = env("AWS_DEFAULT_REGION");
  if (endpoint.empty()) endpoint = env("AWS_ENDPOINT_URL_S3");
  if (endpoint.empty()) endpoint = env("AWS_ENDPOINT_URL");
  if (!allow_http) allow_http = env("AWS_ALLOW_HTTP") == "true";
}

S3Store::S3Store(std::unique_ptr<State> state) : state_(std::move(state)) {}
S3Store::~S3Store() = default;

Result<std::shared_ptr<S3Store>> S3Store::open(std::string bucket, std::string prefix,
                                               S3Settings settings) {
  if (bucket.empty()) return zerofs::fail(Errc::invalid_argument, "s3:// needs a bucket name");
  auto state = std::make_unique<State>();
  ZF_TRY(state->client, s3::Client::create(bucket, std::move(prefix), settings));
  if (!settings.conditional_put.empty()) {
    if (settings.lease_settle >= settings.lease) {
      return zerofs::fail(Errc::invalid_argument,
                          "the Redis lease ({} ms) must be longer than its settle time ({} ms)",
                          settings.lease.count(), settings.lease_settle.count());
    }
    s3::RedisClient::Options redis;
    redis.url = settings.conditional_put;
    redis.restart_guard = settings.lease;
    ZF_TRY(auto client, s3::RedisClient::create(std::move(redis)));
    s3::LeaseOptions leases;
    leases.lease = settings.lease;
    leases.settle = settings.lease_settle;
    leases.acquire_timeout =
        std::max<std::chrono::milliseconds>(std::chrono::minutes(2), 4 * settings.lease);
    state->lease_gate =
        std::make_unique<s3::LeaseGate>(std::max<std::size_t>(1, settings.max_connections / 2));
    state->leases = std::make_unique<s3::RedisLeases>(
        std::move(client), fmt::format("zerofs:cp:v1:{}/", bucket), leases);
  }
  state->settings = std::move(settings);
  return std::shared_ptr<S3Store>(new S3Store(std::move(state)));
}

std::string S3Store::describe() const { return state_->client->describe(); }

std::string_view S3Store::conditional_mode() const noexcept {
  return state_->leases ? "redis" : "native";
}

S3Stats S3Store::stats() const {
  S3Stats s;
  s.requests = state_->client->requests();
  s.connections_opened = state_->client->connections_opened();
  s.multipart_uploads = state_->multipart_uploads.load(std::memory_order_relaxed);
  s.lease_waits = state_->leases ? state_->leases->busy_waits() : 0;
  return s;
}

Task<Result<ObjectMeta>> S3Store::head(std::string key) {
  ZF_CO_CHECK(validate_key(key));
  s3::Client& client = *state_->client;
  s3::Call call("HEAD", client.full_key(key));
  Result<http::Response> r = co_await client.send(std::move(call));
  if (!r) co_return std::unexpected(r.error().with_context("HEAD " + key));
  if (r->status != 200) co_return std::unexpected(client.error_from(*r, "HEAD", key));
  co_return meta_from_headers(*r, std::move(key));
}

Task<Result<GetResult>> S3Store::get(std::string key, std::optional<ByteRange> range) {
  ZF_CO_CHECK(validate_key(key));
  if (http::range_is_empty(range)) {
    ZF_CO_TRY(ObjectMeta meta, co_await head(std::move(key)));
    co_return http::empty_get(std::move(meta));
  }
  s3::Client& client = *state_->client;
  s3::Call call("GET", client.full_key(key));
  if (range) call.headers.emplace_back("Range", http::range_header_value(*range));
  Result<http::Response> r = co_await client.send(std::move(call));
  if (!r) co_return std::unexpected(r.error().with_context("GET " + key));
  if (r->status == 416) {  // the range starts at or past the end
    ZF_CO_TRY(ObjectMeta meta, co_await head(std::move(key)));
    co_return http::empty_get(std::move(meta));
  }
  if (r->status != 200 && r->status != 206) {
    co_return std::unexpected(client.error_from(*r, "GET", key));
  }
  GetResult out;
  out.meta = meta_from_headers(*r, std::move(key));
  out.data = http::range_of_body(*r, range);
  co_return out;
}

Task<Result<void>> S3Store::del(std::string key) {
  ZF_CO_CHECK(validate_key(key));
  s3::Client& client = *state_->client;
  std::optional<s3::Lease> lease;
  s3::GatePermit permit(state_->lease_gate.get());
  if (state_->leases) {
    co_await state_->lease_gate->acquire();
    ZF_CO_TRY(s3::Lease taken, co_await state_->leases->acquire(client.full_key(key)));
    lease = std::move(taken);
  }
  s3::Call call("DELETE", client.full_key(key));
  if (lease) call.deadline = lease->deadline;
  Result<http::Response> r = co_await client.send(std::move(call));
  if (lease && !ambiguous(r)) co_await state_->leases->release(*lease);
  if (!r) co_return std::unexpected(r.error().with_context("DELETE " + key));
  if (r->status == 200 || r->status == 204 || r->status == 404) co_return Result<void>{};
  co_return std::unexpected(client.error_from(*r, "DELETE", key));
}

Task<Result<void>> S3Store::del_many(std::vector<std::string> keys) {
  for (const std::string& key : keys) ZF_CO_CHECK(validate_key(key));
  std::sort(keys.begin(), keys.end());  // leases in one order: no two deleters deadlock
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  s3::Client& client = *state_->client;
  for (std::size_t begin = 0; begin < keys.size(); begin += kMaxDeleteKeys) {
    const std::size_t end = std::min(keys.size(), begin + kMaxDeleteKeys);
    std::vector<std::string> full;
    std::vector<s3::Lease> leases;
    std::optional<std::chrono::steady_clock::time_point> deadline;
    for (std::size_t i = begin; i < end; ++i) {
      full.push_back(client.full_key(keys[i]));
      if (!state_->leases) continue;
      Result<s3::Lease> lease = co_await state_->leases->acquire(full.back());
      if (!lease) {
        for (const s3::Lease& held : leases) co_await state_->leases->release(held);
        co_return std::unexpected(std::move(lease).error());
      }
      if (!deadline || lease->deadline < *deadline) deadline = lease->deadline;
      leases.push_back(std::move(*lease));
    }
    const std::string body = s3::delete_request_body(full);
    s3::Call call("POST", "");
    call.query.emplace_back("delete", "");
    call.headers.emplace_back("Content-Type", "application/xml");
    call.headers.emplace_back("Content-MD5", base64_md5(body));
    call.body = zerofs::as_bytes(body);
    call.deadline = deadline;
    Result<http::Response> r = co_await client.send(std::move(call));
    if (!ambiguous(r)) {
      for (const s3::Lease& held : leases) co_await state_->leases->release(held);
    }
    if (!r) co_return std::unexpected(r.error().with_context("DeleteObjects"));
    if (r->status != 200) co_return std::unexpected(client.error_from(*r, "DeleteObjects", ""));
    ZF_CO_TRY(auto failures, s3::parse_delete_result(r->body.chars()));
    for (const s3::DeleteFailure& f : failures) {
      if (f.code == "NoSuchKey") continue;
      co_return zerofs::fail(Errc::transient, "DeleteObjects {}: '{}' was not deleted: {}: {}",
                             describe(), f.key, f.code, f.message);
    }
  }
  co_return Result<void>{};
}

Task<Result<ListPage>> S3Store::list(std::string prefix, std::string start_after,
                                     std::size_t max_keys) {
  if (max_keys == 0) co_return zerofs::fail(Errc::invalid_argument, "list needs max_keys >= 1");
  s3::Client& client = *state_->client;
  const std::string store_prefix = client.prefix().empty() ? "" : client.prefix() + "/";
  const std::string full_prefix = store_prefix + prefix;
  const std::string full_start = start_after.empty() ? "" : store_prefix + start_after;
  std::string token;
  for (;;) {
    s3::Call call("GET", "");
    call.query.emplace_back("list-type", "2");
    call.query.emplace_back("encoding-type", "url");
    call.query.emplace_back("max-keys", std::to_string(std::min(max_keys, kMaxListKeys)));
    if (!full_prefix.empty()) call.query.emplace_back("prefix", full_prefix);
    if (!token.empty()) {
      call.query.emplace_back("continuation-token", token);
    } else if (!full_start.empty()) {
      call.query.emplace_back("start-after", full_start);
    }
    Result<http::Response> r = co_await client.send(std::move(call));
    if (!r) co_return std::unexpected(r.error().with_context("LIST " + prefix));
    if (r->status != 200) co_return std::unexpected(client.error_from(*r, "LIST", prefix));
    ZF_CO_TRY(s3::ListResult result, s3::parse_list_result(r->body.chars()));
    if (result.objects.empty() && result.truncated && !result.next_continuation_token.empty()) {
      token = std::move(result.next_continuation_token);
      continue;
    }
    ListPage page;
    for (s3::ListedObject& object : result.objects) {
      if (!object.key.starts_with(full_prefix) || object.key.size() <= store_prefix.size()) {
        co_return zerofs::fail(Errc::permanent, "LIST {}: S3 returned '{}' outside prefix '{}'",
                               describe(), object.key, full_prefix);
      }
      ObjectMeta meta;
      meta.key = object.key.substr(store_prefix.size());
      meta.size = object.size;
      meta.etag = std::move(object.etag);
      meta.modified_unix_ms = object.modified_unix_ms;
      page.objects.push_back(std::move(meta));
    }
    if (result.truncated && !page.objects.empty()) page.next_start_after = page.objects.back().key;
    co_return page;
  }
}

}  // namespace zobj
