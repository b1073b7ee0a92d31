// AzureStore: opening, reads, deletes and listing. Puts are in azure_put.cc.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>

#include "azure/azure_store_state.h"
#include "azure/azure_xml.h"
#include "http/http_status.h"
#include "http/ranged_get.h"

namespace zobj {

using zerofs::Errc;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kMaxListResults = 5000;
constexpr std::size_t kMaxRememberedMarkers = 256;
constexpr std::chrono::seconds kMarkerLifetime{60};

std::optional<std::uint64_t> parse_u64(std::string_view s) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string marker_key(std::string_view full_prefix, std::string_view key) {
  std::string out(full_prefix);
  out += '\0';
  out += key;
  return out;
}

}  // namespace

ObjectMeta azure_meta_from_headers(const http::Response& response, std::string key) {
  ObjectMeta meta;
  meta.key = std::move(key);
  if (auto etag = response.header("ETag")) meta.etag = *etag;
  if (auto id = response.header(azure::kPutIdHeader)) meta.put_id = *id;
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

void AzureSettings::apply_environment(const std::function<const char*(const char*)>& getenv) {
  const auto env = [&](const char* name) -> std::string {
    const char* value = getenv ? getenv(name) : std::getenv(name);
    return value != nullptr ? value : "";
  };
  if (account_name.empty()) account_name = env("AZURE_STORAGE_ACCOUNT_NAME");
  if (account_key.empty()) account_key = env("AZURE_STORAGE_ACCOUNT_KEY");
  if (endpoint.empty()) endpoint = env("AZURE_STORAGE_ENDPOINT");
}

AzureStore::AzureStore(std::unique_ptr<State> state) : state_(std::move(state)) {}
AzureStore::~AzureStore() = default;

Result<std::shared_ptr<AzureStore>> AzureStore::open(std::string container, std::string prefix,
                                                     AzureSettings settings) {
  if (container.empty()) {
    return zerofs::fail(Errc::invalid_argument, "azure:// needs a container name");
  }
  if (settings.block_size == 0 || settings.block_size > (4000u << 20)) {
    return zerofs::fail(Errc::invalid_argument, "Azure block size must be 1 byte..4000 MiB");
  }
  auto state = std::make_unique<State>();
  ZF_TRY(state->client, azure::Client::create(std::move(container), std::move(prefix), settings));
  state->settings = std::move(settings);
  return std::shared_ptr<AzureStore>(new AzureStore(std::move(state)));
}

std::string AzureStore::describe() const { return state_->client->describe(); }

AzureStats AzureStore::stats() const {
  AzureStats s;
  s.requests = state_->client->requests();
  s.block_uploads = state_->block_uploads.load(std::memory_order_relaxed);
  s.list_marker_hits = state_->marker_hits.load(std::memory_order_relaxed);
  return s;
}

Task<Result<void>> AzureStore::create_container() {
  azure::Client& client = *state_->client;
  azure::Call call("PUT", "");
  call.query.emplace_back("restype", "container");
  Result<http::Response> r = co_await client.send(std::move(call));
  if (!r) co_return std::unexpected(r.error().with_context("create container"));
  if (r->status == 201 || (r->status == 409 && azure::error_code(*r) == "ContainerAlreadyExists")) {
    co_return Result<void>{};
  }
  co_return std::unexpected(client.error_from(*r, "CreateContainer", ""));
}

Task<Result<ObjectMeta>> AzureStore::head(std::string key) {
  ZF_CO_CHECK(validate_key(key));
  azure::Client& client = *state_->client;
  azure::Call call("HEAD", client.full_key(key));
  Result<http::Response> r = co_await client.send(std::move(call));
  if (!r) co_return std::unexpected(r.error().with_context("HEAD " + key));
  if (r->status != 200) co_return std::unexpected(client.error_from(*r, "HEAD", key));
  co_return azure_meta_from_headers(*r, std::move(key));
}

Task<Result<GetResult>> AzureStore::get(std::string key, std::optional<ByteRange> range) {
  ZF_CO_CHECK(validate_key(key));
  if (http::range_is_empty(range)) {
    ZF_CO_TRY(ObjectMeta meta, co_await head(std::move(key)));
    co_return http::empty_get(std::move(meta));
  }
  azure::Client& client = *state_->client;
  azure::Call call("GET", client.full_key(key));
  if (range) call.headers.emplace_back("x-ms-range", http::range_header_value(*range));
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
  out.meta = azure_meta_from_headers(*r, std::move(key));
  out.data = http::range_of_body(*r, range);
  co_return out;
}

Task<Result<void>> AzureStore::del(std::string key) {
  ZF_CO_CHECK(validate_key(key));
  azure::Client& client = *state_->client;
  azure::Call call("DELETE", client.full_key(key));
  Result<http::Response> r = co_await client.send(std::move(call));
  if (!r) co_return std::unexpected(r.error().with_context("DELETE " + key));
  if (r->status == 202 || r->status == 200 || r->status == 204) co_return Result<void>{};
  if (r->status == 404 && azure::error_code(*r) != "ContainerNotFound") co_return Result<void>{};
  co_return std::unexpected(client.error_from(*r, "DELETE", key));
}

Task<Result<ListPage>> AzureStore::list(std::string prefix, std::string start_after,
                                        std::size_t max_keys) {
  if (max_keys == 0) co_return zerofs::fail(Errc::invalid_argument, "list needs max_keys >= 1");
  azure::Client& client = *state_->client;
  const std::string store_prefix = client.prefix().empty() ? "" : client.prefix() + "/";
  const std::string full_prefix = store_prefix + prefix;
  const std::string full_start = start_after.empty() ? "" : store_prefix + start_after;
  const std::size_t page_size = std::min(max_keys, kMaxListResults);

  std::string marker;
  if (!full_start.empty()) {
    std::lock_guard lock(state_->markers_mutex);
    const auto it = state_->markers.find(marker_key(full_prefix, full_start));
    if (it != state_->markers.end()) {
      // A marker serves the one continuation it was remembered for.
      if (it->second.expires > Clock::now()) {
        marker = std::move(it->second.marker);
        state_->marker_hits.fetch_add(1, std::memory_order_relaxed);
      }
      state_->markers.erase(it);
    }
  }
  // Walking from the start of the prefix, skipped keys are not worth small pages.
  const bool skipping = !full_start.empty() && marker.empty();
  ListPage page;
  for (;;) {
    azure::Call call("GET", "");
    call.query.emplace_back("restype", "container");
    call.query.emplace_back("comp", "list");
    call.query.emplace_back("maxresults", std::to_string(skipping ? kMaxListResults : page_size));
    if (!full_prefix.empty()) call.query.emplace_back("prefix", full_prefix);
    if (!marker.empty()) call.query.emplace_back("marker", marker);
    Result<http::Response> r = co_await client.send(std::move(call));
    if (!r) co_return std::unexpected(r.error().with_context("LIST " + prefix));
    if (r->status != 200) co_return std::unexpected(client.error_from(*r, "LIST", prefix));
    ZF_CO_TRY(azure::BlobList result, azure::parse_blob_list(r->body.chars()));
    std::size_t used = 0;
    for (azure::ListedBlob& blob : result.blobs) {
      if (!blob.name.starts_with(full_prefix) || blob.name.size() <= store_prefix.size()) {
        co_return zerofs::fail(Errc::permanent, "LIST {}: Azure returned '{}' outside prefix '{}'",
                               describe(), blob.name, full_prefix);
      }
      if (blob.name <= full_start) {
        ++used;
        continue;
      }
      if (page.objects.size() == max_keys) break;
      ++used;
      ObjectMeta meta;
      meta.key = blob.name.substr(store_prefix.size());
      meta.size = blob.size;
      meta.etag = std::move(blob.etag);
      meta.modified_unix_ms = blob.modified_unix_ms;
      page.objects.push_back(std::move(meta));
    }
    const bool whole_page = used == result.blobs.size();
    if (!whole_page) {
      // The page held more than max_keys after start_after: the next call resumes from the
      // last key returned, by walking.
      page.next_start_after = page.objects.back().key;
      co_return page;
    }
    if (result.next_marker.empty()) co_return page;
    if (page.objects.empty()) {
      marker = std::move(result.next_marker);
      continue;
    }
    page.next_start_after = page.objects.back().key;
    std::lock_guard lock(state_->markers_mutex);
    const Clock::time_point now = Clock::now();
    std::erase_if(state_->markers, [now](const auto& e) { return e.second.expires <= now; });
    if (state_->markers.size() >= kMaxRememberedMarkers) {
      // Abandoned listings: forget the one closest to expiry.
      state_->markers.erase(std::min_element(
          state_->markers.begin(), state_->markers.end(),
          [](const auto& a, const auto& b) { return a.second.expires < b.second.expires; }));
    }
    state_->markers[marker_key(full_prefix, store_prefix + page.next_start_after)] =
        State::Marker{std::move(result.next_marker), now + kMarkerLifetime};
    co_return page;
  }
}

}  // namespace zobj
