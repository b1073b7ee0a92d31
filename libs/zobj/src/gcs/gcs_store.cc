// GcsStore: opening, reads, deletes and listing. Uploads are in gcs_put.cc.
#include <fmt/format.h>

#include <charconv>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "gcs/gcs_store_state.h"
#include "http/http_status.h"
#include "http/ranged_get.h"
#include "s3/s3_xml.h"

namespace zobj {

using zerofs::Errc;

namespace {

constexpr std::size_t kMaxListResults = 1000;

std::optional<std::uint64_t> parse_u64(std::string_view s) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string json_string(const nlohmann::json& doc, const char* name) {
  const auto it = doc.find(name);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Result<ObjectMeta> meta_from_resource(const nlohmann::json& doc, std::string key) {
  ObjectMeta meta;
  meta.key = std::move(key);
  const auto size = parse_u64(json_string(doc, "size"));
  meta.etag = json_string(doc, "generation");
  if (!size || meta.etag.empty()) {
    return zerofs::fail(Errc::permanent, "GCS object resource for '{}' lacks size or generation",
                        meta.key);
  }
  meta.size = *size;
  meta.modified_unix_ms = s3::parse_iso8601_ms(json_string(doc, "updated")).value_or(0);
  if (const auto metadata = doc.find("metadata"); metadata != doc.end() && metadata->is_object()) {
    meta.put_id = json_string(*metadata, std::string(gcs::kPutIdKey).c_str());
  }
  return meta;
}

}  // namespace

Result<ObjectMeta> gcs_meta_from_json(std::string_view json, std::string key) {
  const nlohmann::json doc = nlohmann::json::parse(json, nullptr, false);
  if (!doc.is_object()) {
    return zerofs::fail(Errc::permanent, "GCS reply for '{}' is not a JSON object", key);
  }
  return meta_from_resource(doc, std::move(key));
}

void GcsSettings::apply_environment(const std::function<const char*(const char*)>& getenv) {
  const auto env = [&](const char* name) -> std::string {
    const char* value = getenv ? getenv(name) : std::getenv(name);
    return value != nullptr ? value : "";
  };
  if (service_account.empty()) service_account = env("GOOGLE_APPLICATION_CREDENTIALS");
  if (endpoint.empty()) {
    endpoint = env("STORAGE_EMULATOR_HOST");
    if (!endpoint.empty() && endpoint.find("://") == std::string::npos) {
      endpoint = "http://" + endpoint;
    }
  }
}

GcsStore::GcsStore(std::unique_ptr<State> state) : state_(std::move(state)) {}
GcsStore::~GcsStore() = default;

Result<std::shared_ptr<GcsStore>> GcsStore::open(std::string bucket, std::string prefix,
                                                 GcsSettings settings) {
  if (bucket.empty()) return zerofs::fail(Errc::invalid_argument, "gs:// needs a bucket name");
  auto state = std::make_unique<State>();
  ZF_TRY(state->client, gcs::Client::create(std::move(bucket), std::move(prefix), settings));
  state->settings = std::move(settings);
  return std::shared_ptr<GcsStore>(new GcsStore(std::move(state)));
}

std::string GcsStore::describe() const { return state_->client->describe(); }

GcsStats GcsStore::stats() const {
  GcsStats s;
  s.requests = state_->client->requests();
  s.token_requests = state_->client->token_requests();
  s.resumable_uploads = state_->resumable_uploads.load(std::memory_order_relaxed);
  return s;
}

Task<Result<ObjectMeta>> GcsStore::head(std::string key) {
  ZF_CO_CHECK(validate_key(key));
  gcs::Client& client = *state_->client;
  gcs::Call call("GET", client.object_path(key));
  call.query.emplace_back("fields", "size,generation,updated,metadata");
  Result<http::Response> r = co_await client.send(std::move(call));
  if (!r) co_return std::unexpected(r.error().with_context("HEAD " + key));
  if (r->status != 200) co_return std::unexpected(client.error_from(*r, "HEAD", key));
  co_return gcs_meta_from_json(r->body.chars(), std::move(key));
}

Task<Result<GetResult>> GcsStore::get(std::string key, std::optional<ByteRange> range) {
  ZF_CO_CHECK(validate_key(key));
  if (http::range_is_empty(range)) {
    ZF_CO_TRY(ObjectMeta meta, co_await head(std::move(key)));
    co_return http::empty_get(std::move(meta));
  }
  gcs::Client& client = *state_->client;
  gcs::Call call("GET", client.object_path(key));
  call.query.emplace_back("alt", "media");
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
  out.meta.key = std::move(key);
  out.meta.etag = r->header("x-goog-generation").value_or("");
  if (out.meta.etag.empty()) {
    co_return zerofs::fail(Errc::permanent, "GET {}/{}: the reply has no x-goog-generation",
                           describe(), out.meta.key);
  }
  if (auto size = r->header("x-goog-stored-content-length")) {
    out.meta.size = parse_u64(*size).value_or(0);
  } else if (auto content_range = r->header("Content-Range");
             content_range && content_range->find('/') != std::string_view::npos) {
    out.meta.size = parse_u64(content_range->substr(content_range->find('/') + 1)).value_or(0);
  } else {
    out.meta.size = r->body.size();
  }
  if (auto modified = r->header("Last-Modified")) {
    out.meta.modified_unix_ms = http::parse_http_date(*modified).value_or(0);
  }
  if (auto id = r->header(gcs::kPutIdHeader)) {
    out.meta.put_id = *id;
  } else {
    // Without the metadata header, read the put-id of exactly this generation.
    gcs::Call meta_call("GET", client.object_path(out.meta.key));
    meta_call.query.emplace_back("generation", out.meta.etag);
    meta_call.query.emplace_back("fields", "size,generation,updated,metadata");
    Result<http::Response> m = co_await client.send(std::move(meta_call));
    if (!m) co_return std::unexpected(m.error().with_context("GET metadata " + out.meta.key));
    if (m->status != 200) co_return std::unexpected(client.error_from(*m, "GET", out.meta.key));
    ZF_CO_TRY(ObjectMeta meta, gcs_meta_from_json(m->body.chars(), out.meta.key));
    out.meta.put_id = std::move(meta.put_id);
  }
  out.data = http::range_of_body(*r, range);
  co_return out;
}

Task<Result<void>> GcsStore::del(std::string key) {
  ZF_CO_CHECK(validate_key(key));
  gcs::Client& client = *state_->client;
  gcs::Call call("DELETE", client.object_path(key));
  Result<http::Response> r = co_await client.send(std::move(call));
  if (!r) co_return std::unexpected(r.error().with_context("DELETE " + key));
  if (r->status == 204 || r->status == 200 || r->status == 404) co_return Result<void>{};
  co_return std::unexpected(client.error_from(*r, "DELETE", key));
}

Task<Result<ListPage>> GcsStore::list(std::string prefix, std::string start_after,
                                      std::size_t max_keys) {
  if (max_keys == 0) co_return zerofs::fail(Errc::invalid_argument, "list needs max_keys >= 1");
  gcs::Client& client = *state_->client;
  const std::string store_prefix = client.prefix().empty() ? "" : client.prefix() + "/";
  const std::string full_prefix = store_prefix + prefix;
  const std::string full_start = start_after.empty() ? "" : store_prefix + start_after;
  std::string token;
  ListPage page;
  for (;;) {
    gcs::Call call("GET", client.objects_path(false));
    // One more than asked for: startOffset is inclusive and may return the start key itself.
    call.query.emplace_back("maxResults", std::to_string(std::min(max_keys + 1, kMaxListResults)));
    call.query.emplace_back("fields", "items(name,size,generation,updated),nextPageToken");
    if (!full_prefix.empty()) call.query.emplace_back("prefix", full_prefix);
    if (!full_start.empty()) call.query.emplace_back("startOffset", full_start);
    if (!token.empty()) call.query.emplace_back("pageToken", token);
    Result<http::Response> r = co_await client.send(std::move(call));
    if (!r) co_return std::unexpected(r.error().with_context("LIST " + prefix));
    if (r->status != 200) co_return std::unexpected(client.error_from(*r, "LIST", prefix));
    const nlohmann::json doc = nlohmann::json::parse(r->body.chars(), nullptr, false);
    if (!doc.is_object()) {
      co_return zerofs::fail(Errc::permanent, "LIST {}: the reply is not a JSON object",
                             describe());
    }
    token = json_string(doc, "nextPageToken");
    bool more = !token.empty();
    if (const auto items = doc.find("items"); items != doc.end() && items->is_array()) {
      for (const nlohmann::json& item : *items) {
        std::string name = json_string(item, "name");
        if (!name.starts_with(full_prefix) || name.size() <= store_prefix.size()) {
          co_return zerofs::fail(Errc::permanent, "LIST {}: GCS returned '{}' outside prefix '{}'",
                                 describe(), name, full_prefix);
        }
        if (name <= full_start) continue;
        if (page.objects.size() == max_keys) {
          more = true;
          break;
        }
        ZF_CO_TRY(ObjectMeta meta, meta_from_resource(item, name.substr(store_prefix.size())));
        page.objects.push_back(std::move(meta));
      }
    }
    if (more && page.objects.empty()) continue;
    if (more) page.next_start_after = page.objects.back().key;
    co_return page;
  }
}

}  // namespace zobj
