#include "azure/azure_client.h"

#include <fmt/format.h>

#include "http/cloud_common.h"
#include "http/http_status.h"
#include "s3/s3_xml.h"

namespace zobj::azure {

using zerofs::Errc;
using zerofs::Error;
using zerofs::Result;
using zerofs::Task;

namespace {

// Azure error codes whose meaning differs from what the status alone says.
std::optional<Errc> errc_for_code(std::string_view code) {
  if (code == "ServerBusy" || code == "OperationTimedOut" || code == "InternalError" ||
      code == "InvalidBlockList") {
    return Errc::transient;
  }
  if (code == "BlobNotFound") return Errc::not_found;
  if (code == "ContainerNotFound" || code == "ContainerBeingDeleted") return Errc::permanent;
  if (code == "BlobAlreadyExists") return Errc::already_exists;
  if (code == "ConditionNotMet") return Errc::precondition_failed;
  if (code == "AuthenticationFailed" || code == "AuthorizationFailure" ||
      code == "InsufficientAccountPermissions" || code == "AccountIsDisabled") {
    return Errc::unauthorized;
  }
  return std::nullopt;
}

}  // namespace

std::string error_code(const http::Response& response) {
  if (auto code = response.header("x-ms-error-code")) return std::string(*code);
  if (auto body = s3::parse_error_body(response.body.chars())) return body->code;
  return "";
}

Result<std::unique_ptr<Client>> Client::create(std::string container, std::string prefix,
                                               const AzureSettings& settings) {
  if (settings.account_name.empty()) {
    return zerofs::fail(Errc::invalid_argument,
                        "azure:// needs a storage account name (azure.storage_account_name or "
                        "AZURE_STORAGE_ACCOUNT_NAME)");
  }
  std::unique_ptr<Client> client(new Client());
  client->container_ = std::move(container);
  client->prefix_ = std::move(prefix);
  client->account_ = settings.account_name;
  if (!settings.account_key.empty()) {
    auto key = base64_decode(settings.account_key);
    if (!key || key->empty()) {
      return zerofs::fail(Errc::invalid_argument, "the Azure storage account key is not base64");
    }
    client->key_bytes_ = std::move(*key);
  }
  const std::string url =
      settings.endpoint.empty()
          ? fmt::format("https://{}.blob.core.windows.net", settings.account_name)
          : settings.endpoint;
  ZF_TRY(client->endpoint_, http::parse_endpoint(url, settings.allow_http));
  http::ClientOptions options = http::client_options(settings, settings.allow_http);
  ZF_TRY(client->http_, http::Client::create(std::move(options)));
  return client;
}

std::string Client::full_key(std::string_view key) const {
  return http::prefixed_key(prefix_, key);
}

std::string Client::describe() const { return http::store_url("azure", container_, prefix_); }

std::string Client::target_path(std::string_view blob) const {
  std::string path = endpoint_.base_path;
  path += '/';
  path += s3::uri_encode(container_, true);
  if (blob.empty()) return path;
  path += '/';
  path += s3::uri_encode(blob, false);
  return path;
}

http::Request Client::prepare(Call& call, std::string_view date) const {
  const std::string path = target_path(call.blob);
  const std::string query = s3::canonical_query(call.query);
  http::Request request(call.method, query.empty() ? path : path + "?" + query);
  request.body = call.body;
  request.headers = std::move(call.headers);
  request.headers.emplace_back("x-ms-date", std::string(date));
  request.headers.emplace_back("x-ms-version", std::string(kApiVersion));
  if (key_bytes_.empty()) return request;
  SharedKeyInput input;
  input.method = call.method;
  input.encoded_path = path;
  input.query = &call.query;
  input.headers = &request.headers;
  input.content_length = call.body.size();
  const std::string signature = hmac_sha256_base64(key_bytes_, string_to_sign(account_, input));
  request.headers.emplace_back("Authorization",
                               fmt::format("SharedKey {}:{}", account_, signature));
  return request;
}

Task<Result<http::Response>> Client::send(Call call) {
  requests_.fetch_add(1, std::memory_order_relaxed);
  http::Request request = prepare(call, rfc1123_date(std::chrono::system_clock::now()));
  co_return co_await http_->send(endpoint_, std::move(request));
}

Error Client::error_from(const http::Response& response, std::string_view operation,
                         std::string_view key) const {
  const std::string code = error_code(response);
  Errc errc = http::errc_for_status(response.status);
  if (const auto refined = errc_for_code(code)) errc = *refined;
  std::string message =
      fmt::format("{} {}/{}: HTTP {}", operation, describe(), key, response.status);
  if (!code.empty()) message += fmt::format(" {}", code);
  if (auto body = s3::parse_error_body(response.body.chars()); body && !body->message.empty()) {
    message += fmt::format(": {}", body->message.substr(0, body->message.find('\n')));
  }
  if (code == "ContainerNotFound") message += fmt::format(" (container '{}')", container_);
  return http::with_retry_hint(Error(errc, std::move(message)), response);
}

}  // namespace zobj::azure
