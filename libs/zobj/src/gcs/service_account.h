// Service-account keys and the RS256 JWT assertion of Google's OAuth2 "JWT bearer" grant
// (RFC 7523): header {"alg":"RS256","typ":"JWT","kid":<private_key_id>}, claims {iss, scope,
// aud = token_uri, iat, exp = iat + 3600}, signed with the key's RSA private key (OpenSSL,
// RSASSA-PKCS1-v1_5 over SHA-256), all three parts base64url without padding.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"

namespace zobj::gcs {

class ServiceAccountKey {
 public:
  // Parses the JSON of a key file (type "service_account" with client_email, private_key,
  // token_uri; private_key_id optional). invalid_argument names what is wrong.
  static zerofs::Result<ServiceAccountKey> parse(std::string_view json);
  // Reads and parses `path`.
  static zerofs::Result<ServiceAccountKey> load(const std::string& path);

  ServiceAccountKey(ServiceAccountKey&&) noexcept;
  ServiceAccountKey& operator=(ServiceAccountKey&&) noexcept;
  ~ServiceAccountKey();

  const std::string& client_email() const noexcept { return client_email_; }
  const std::string& token_uri() const noexcept { return token_uri_; }

  // The signed assertion for `scope`, issued at `now`.
  zerofs::Result<std::string> jwt(std::string_view scope,
                                  std::chrono::system_clock::time_point now) const;

 private:
  ServiceAccountKey() = default;
  struct Pkey;
  std::string client_email_;
  std::string private_key_id_;
  std::string token_uri_;
  std::unique_ptr<Pkey> key_;
};

std::string base64url(std::string_view bytes);

}  // namespace zobj::gcs
