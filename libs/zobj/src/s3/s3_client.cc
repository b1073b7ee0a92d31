#include "s3/s3_client.h"

#include <fmt/format.h>

#include "http/cloud_common.h"
#include "http/http_status.h"
#include "s3/s3_xml.h"

namespace zobj::s3 {

using zerofs::Errc;
using zerofs::Error;
using zerofs::Result;
using zerofs::Task;

namespace {

bool is_aws_host(std::string_view host) { return host.ends_with(".amazonaws.com"); }

// S3 error codes whose meaning differs from what the status alone says.
std::optional<Errc> errc_for_code(std::string_view code) {
  if (code == "SlowDown" || code == "RequestTimeout" || code == "InternalError" ||
      code == "ServiceUnavailable" || code == "OperationAborted" ||
      code == "ConditionalRequestConflict" || code == "RequestTimeTooSkewed") {
    return Errc::transient;
  }
  if (code == "NoSuchKey") return Errc::not_found;
  if (code == "NoSuchBucket") return Errc::permanent;
  if (code == "PreconditionFailed") return Errc::precondition_failed;
  // S3's error code (HTTP 501) for a request feature the server lacks, e.g. a header an
  // S3-compatible store does not know: retrying cannot help.
  if (code == "NotImplemented") return Errc::unsupported;
  if (code == "AccessDenied" || code == "InvalidAccessKeyId" || code == "SignatureDoesNotMatch" ||
      code == "ExpiredToken" || code == "InvalidToken" || code == "TokenRefreshRequired") {
    return Errc::unauthorized;
  }
  return std::nullopt;
}

}  // namespace

Result<std::unique_ptr<Client>> Client::create(std::string bucket, std::string prefix,
                                               const S3Settings& settings) {
  std::unique_ptr<Client> client(new Client());
  client->bucket_ = std::move(bucket);
  client->prefix_ = std::move(prefix);
  client->region_ = settings.region.empty() ? "us-east-1" : settings.region;
  client->credentials_ =
      Credentials{settings.access_key_id, settings.secret_access_key, settings.session_token};
  client->sign_payload_ = settings.sign_payload;
  const std::string url = settings.endpoint.empty()
                              ? fmt::format("https://s3.{}.amazonaws.com", client->region_)
                              : settings.endpoint;
  ZF_TRY(client->endpoint_, http::parse_endpoint(url, settings.allow_http));
  client->virtual_hosted_ =
      settings.virtual_hosted_style.value_or(is_aws_host(client->endpoint_.host));
  if (client->virtual_hosted_)
    client->endpoint_.host = client->bucket_ + "." + client->endpoint_.host;
  if (client->credentials_.access_key_id.empty() !=
      client->credentials_.secret_access_key.empty()) {
    return zerofs::fail(Errc::invalid_argument,
                        "S3 credentials need both an access key id and a secret access key");
  }
  http::ClientOptions options = http::client_options(settings, settings.allow_http);
  ZF_TRY(client->http_, http::Client::create(std::move(options)));
  return client;
}

std::string Client::full_key(std::string_view key) const {
  return http::prefixed_key(prefix_, key);
}

std::string Client::describe() const { return http::store_url("s3", bucket_, prefix_); }

std::string Client::target_path(std::string_view key) const {
  std::string path = endpoint_.base_path;
  if (!virtual_hosted_) {
    path += '/';
    path += uri_encode(bucket_, true);
    if (key.empty()) return path;
  }
  path += '/';
  path += uri_encode(key, false);
  return path;
}

http::Request Client::prepare(Call& call, std::string_view date_time) const {
  const std::string path = target_path(call.key);
  const std::string query = canonical_query(call.query);
  http::Request request(call.method, query.empty() ? path : path + "?" + query);
  request.body = call.body;
  request.deadline = call.deadline;
  request.headers = std::move(call.headers);
  if (credentials_.anonymous()) return request;
  std::string payload_hash;
  if (call.body.empty()) {
    payload_hash = kEmptySha256;
  } else if (sign_payload_) {
    payload_hash = sha256_hex(call.body);
  } else {
    payload_hash = kUnsignedPayload;
  }
  request.headers.emplace_back("host", endpoint_.authority());
  request.headers.emplace_back("x-amz-date", std::string(date_time));
  request.headers.emplace_back("x-amz-content-sha256", payload_hash);
  if (!credentials_.session_token.empty()) {
    request.headers.emplace_back("x-amz-security-token", credentials_.session_token);
  }
  SigningInput input;
  input.method = call.method;
  input.canonical_uri = path;
  input.query = &call.query;
  input.headers = &request.headers;
  input.payload_hash = payload_hash;
  Signature signature = sign_v4(credentials_, region_, "s3", date_time, input);
  // The HTTP client sets Host itself; it was listed here to be signed.
  std::erase_if(request.headers, [](const http::Header& h) { return h.name == "host"; });
  request.headers.emplace_back("Authorization", std::move(signature.authorization));
  return request;
}

Task<Result<http::Response>> Client::send(Call call) {
  requests_.fetch_add(1, std::memory_order_relaxed);
  http::Request request = prepare(call, amz_date(std::chrono::system_clock::now()));
  co_return co_await http_->send(endpoint_, std::move(request));
}

Error Client::error_from(const http::Response& response, std::string_view operation,
                         std::string_view key) const {
  const auto body = parse_error_body(response.body.chars());
  Errc code = http::errc_for_status(response.status);
  if (body) {
    if (const auto refined = errc_for_code(body->code)) code = *refined;
  }
  std::string message =
      fmt::format("{} {}/{}: HTTP {}", operation, describe(), key, response.status);
  if (body) message += fmt::format(" {}: {}", body->code, body->message);
  if (body && body->code == "NoSuchBucket") message += fmt::format(" (bucket '{}')", bucket_);
  return http::with_retry_hint(Error(code, std::move(message)), response);
}

}  // namespace zobj::s3
