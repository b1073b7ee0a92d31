#include "gcs/service_account.h"

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "azure/shared_key.h"

namespace zobj::gcs {

using zerofs::Errc;
using zerofs::Result;

struct ServiceAccountKey::Pkey {
  EVP_PKEY* key = nullptr;
  ~Pkey() { EVP_PKEY_free(key); }
};

ServiceAccountKey::ServiceAccountKey(ServiceAccountKey&&) noexcept = default;
ServiceAccountKey& ServiceAccountKey::operator=(ServiceAccountKey&&) noexcept = default;
ServiceAccountKey::~ServiceAccountKey() = default;

std::string base64url(std::string_view bytes) {
  std::string out = azure::base64_encode(bytes);
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

Result<ServiceAccountKey> ServiceAccountKey::parse(std::string_view json) {
  const nlohmann::json doc = nlohmann::json::parse(json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return zerofs::fail(Errc::invalid_argument, "the service-account key is not a JSON object");
  }
  const auto field = [&doc](const char* name) -> std::string {
    const auto it = doc.find(name);
    return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (field("type") != "service_account") {
    return zerofs::fail(Errc::invalid_argument,
                        "the key file's type is \"{}\", not \"service_account\"", field("type"));
  }
  ServiceAccountKey key;
  key.client_email_ = field("client_email");
  key.private_key_id_ = field("private_key_id");
  key.token_uri_ = field("token_uri");
  if (key.token_uri_.empty()) key.token_uri_ = "https://oauth2.googleapis.com/token";
  const std::string pem = field("private_key");
  if (key.client_email_.empty() || pem.empty()) {
    return zerofs::fail(Errc::invalid_argument,
                        "the service-account key lacks client_email or private_key");
  }
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* pkey =
      bio != nullptr ? PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr) : nullptr;
  BIO_free(bio);
  if (pkey == nullptr || EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA) {
    EVP_PKEY_free(pkey);
    return zerofs::fail(Errc::invalid_argument,
                        "the service-account private_key is not a PEM RSA private key");
  }
  key.key_ = std::make_unique<Pkey>();
  key.key_->key = pkey;
  return key;
}

Result<ServiceAccountKey> ServiceAccountKey::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return zerofs::fail(Errc::invalid_argument, "cannot read the service-account key file {}",
                        path);
  }
  std::ostringstream text;
  text << in.rdbuf();
  Result<ServiceAccountKey> key = parse(text.str());
  if (!key) return std::unexpected(key.error().with_context(path));
  return key;
}

Result<std::string> ServiceAccountKey::jwt(std::string_view scope,
                                           std::chrono::system_clock::time_point now) const {
  nlohmann::json header = {{"alg", "RS256"}, {"typ", "JWT"}};
  if (!private_key_id_.empty()) header["kid"] = private_key_id_;
  const std::int64_t iat =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  const nlohmann::json claims = {{"iss", client_email_},
                                 {"scope", std::string(scope)},
                                 {"aud", token_uri_},
                                 {"iat", iat},
                                 {"exp", iat + 3600}};
  std::string signing_input = base64url(header.dump()) + "." + base64url(claims.dump());
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::size_t size = 0;
  std::string signature;
  bool ok = ctx != nullptr &&
            EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key_->key) == 1 &&
            EVP_DigestSign(ctx, nullptr, &size,
                           reinterpret_cast<const unsigned char*>(signing_input.data()),
                           signing_input.size()) == 1;
  if (ok) {
    signature.resize(size);
    ok = EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &size,
                        reinterpret_cast<const unsigned char*>(signing_input.data()),
                        signing_input.size()) == 1;
    signature.resize(size);
  }
  EVP_MD_CTX_free(ctx);
  if (!ok) return zerofs::fail(Errc::permanent, "signing the OAuth2 assertion failed");
  signing_input += '.';
  signing_input += base64url(signature);
  return signing_input;
}

}  // namespace zobj::gcs
