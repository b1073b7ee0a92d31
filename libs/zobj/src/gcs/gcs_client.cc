#include "gcs/gcs_client.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "http/cloud_common.h"
#include "http/http_status.h"

namespace zobj::gcs {

using zerofs::Errc;
using zerofs::Error;
using zerofs::Result;
using zerofs::Task;

Result<std::unique_ptr<Client>> Client::create(std::string bucket, std::string prefix,
                                               const GcsSettings& settings) {
  std::unique_ptr<Client> client(new Client());
  client->bucket_ = std::move(bucket);
  client->prefix_ = std::move(prefix);
  const std::string url =
      settings.endpoint.empty() ? "https://storage.googleapis.com" : settings.endpoint;
  // Plain http only where it was asked for by name (an emulator or a test fake).
  const bool allow_http = url.starts_with("http://");
  ZF_TRY(client->endpoint_, http::parse_endpoint(url, allow_http));
  http::ClientOptions options = http::client_options(settings, allow_http);
  ZF_TRY(client->http_, http::Client::create(std::move(options)));
  if (!settings.anonymous) {
    if (settings.service_account.empty()) {
      return zerofs::fail(Errc::invalid_argument,
                          "gs:// needs a service-account key file: set gcp.service_account or "
                          "GOOGLE_APPLICATION_CREDENTIALS");
    }
    ZF_TRY(ServiceAccountKey key, ServiceAccountKey::load(settings.service_account));
    ZF_TRY(client->tokens_, TokenSource::create(std::move(key), *client->http_, allow_http,
                                                settings.scope, settings.token_refresh_margin));
  }
  return client;
}

std::string Client::full_key(std::string_view key) const {
  return http::prefixed_key(prefix_, key);
}

std::string Client::describe() const { return http::store_url("gs", bucket_, prefix_); }

std::string Client::objects_path(bool upload) const {
  return fmt::format("{}{}/storage/v1/b/{}/o", endpoint_.base_path, upload ? "/upload" : "",
                     s3::uri_encode(bucket_, true));
}

std::string Client::object_path(std::string_view key) const {
  return objects_path(false) + "/" + s3::uri_encode(full_key(key), true);
}

Task<Result<http::Response>> Client::send(Call call) {
  const std::string query = s3::canonical_query(call.query);
  const std::string target = query.empty() ? call.path : call.path + "?" + query;
  // A 401 means the token was refused before anything happened (revoked, or expired early
  // by clock skew): fetch a new one and send once more.
  for (int attempt = 0;; ++attempt) {
    requests_.fetch_add(1, std::memory_order_relaxed);
    http::Request request(call.method, target);
    request.headers = call.headers;
    request.body = call.body;
    if (tokens_) {
      ZF_CO_TRY(std::string authorization, co_await tokens_->authorization());
      request.headers.emplace_back("Authorization", std::move(authorization));
    }
    Result<http::Response> r = co_await http_->send(endpoint_, std::move(request));
    if (!r || r->status != 401 || !tokens_) co_return r;
    tokens_->invalidate();
    if (attempt == 1) co_return r;
  }
}

Error Client::error_from(const http::Response& response, std::string_view operation,
                         std::string_view key) const {
  std::string message =
      fmt::format("{} {}/{}: HTTP {}", operation, describe(), key, response.status);
  const nlohmann::json doc = nlohmann::json::parse(response.body.chars(), nullptr, false);
  if (doc.is_object() && doc.contains("error") && doc["error"].is_object()) {
    const nlohmann::json& error = doc["error"];
    if (error.contains("message") && error["message"].is_string()) {
      message += ": " + error["message"].get<std::string>();
    }
  }
  return http::with_retry_hint(Error(http::errc_for_status(response.status), std::move(message)),
                               response);
}

}  // namespace zobj::gcs
