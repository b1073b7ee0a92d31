// Service-account keys and the RS256 assertion: the JWT parts decode to the documented
// header and claims, and the signature verifies with the key's public half (OpenSSL's
// verifier here; node's crypto.verify in gcs_fake.js checks it again in every gs:// test).
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "azure/shared_key.h"
#include "cloud_test_env.h"
#include "gcs/service_account.h"
#include "test_support/catch.h"
#include "test_support/temp_dir.h"

using namespace zobj;

namespace {

std::string from_base64url(std::string text) {
  for (char& c : text) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  while (text.size() % 4 != 0) text += '=';
  return azure::base64_decode(text).value();
}

std::vector<std::string> split(const std::string& jwt) {
  std::vector<std::string> parts;
  std::stringstream in(jwt);
  for (std::string part; std::getline(in, part, '.');) parts.push_back(part);
  return parts;
}

bool verifies(const std::string& pem, const std::string& message, const std::string& signature) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  // Verify with the public half only.
  unsigned char* der = nullptr;
  const int size = i2d_PUBKEY(key, &der);
  const unsigned char* cursor = der;
  EVP_PKEY* public_key = d2i_PUBKEY(nullptr, &cursor, size);
  OPENSSL_free(der);
  EVP_PKEY_free(key);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok =
      EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, public_key) == 1 &&
      EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(public_key);
  return ok;
}

}  // namespace

TEST_CASE("gcs: base64url follows RFC 4648 section 5 without padding") {
  CHECK(gcs::base64url("") == "");
  CHECK(gcs::base64url("f") == "Zg");
  CHECK(gcs::base64url("fo") == "Zm8");
  CHECK(gcs::base64url("foo") == "Zm9v");
  CHECK(gcs::base64url("\xfb\xff") == "-_8");
  CHECK(gcs::base64url("\xff\xfe\xfd") == "__79");
}

TEST_CASE("gcs: the RS256 assertion carries the claims and verifies with the public key") {
  zerofs::testing::TempDir dir;
  const std::string path = (dir.path() / "key.json").string();
  testing::write_service_account_key(path, "https://oauth2.example.test/token");
  const gcs::ServiceAccountKey key = gcs::ServiceAccountKey::load(path).value();
  CHECK(key.client_email() == "zerofs-test@zerofs-test.iam.gserviceaccount.com");
  CHECK(key.token_uri() == "https://oauth2.example.test/token");

  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000));
  const std::string jwt =
      key.jwt("https://www.googleapis.com/auth/devstorage.read_write", now).value();
  const std::vector<std::string> parts = split(jwt);
  REQUIRE(parts.size() == 3);
  const auto header = nlohmann::json::parse(from_base64url(parts[0]));
  CHECK(header == nlohmann::json{{"alg", "RS256"}, {"typ", "JWT"}, {"kid", "0123456789abcdef"}});
  const auto claims = nlohmann::json::parse(from_base64url(parts[1]));
  CHECK(claims == nlohmann::json{{"iss", "zerofs-test@zerofs-test.iam.gserviceaccount.com"},
                                 {"scope", "https://www.googleapis.com/auth/devstorage.read_write"},
                                 {"aud", "https://oauth2.example.test/token"},
                                 {"iat", 1'700'000'000},
                                 {"exp", 1'700'003'600}});
  std::ifstream in(path);
  const std::string pem = nlohmann::json::parse(in).at("private_key").get<std::string>();
  const std::string signature = from_base64url(parts[2]);
  CHECK(signature.size() == 256);  // RSA-2048
  CHECK(verifies(pem, parts[0] + "." + parts[1], signature));
  std::string tampered = parts[0] + "." + parts[1];
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
  CHECK_FALSE(verifies(pem, tampered, signature));
}

TEST_CASE("gcs: key files without an RSA key or of another type are refused") {
  CHECK(gcs::ServiceAccountKey::parse("not json").error().code() == zerofs::Errc::invalid_argument);
  CHECK(gcs::ServiceAccountKey::parse(R"({"type":"authorized_user"})").error().message() ==
        "the key file's type is \"authorized_user\", not \"service_account\"");
  CHECK(gcs::ServiceAccountKey::parse(
            R"({"type":"service_account","client_email":"a@b","private_key":"nope"})")
            .error()
            .message() == "the service-account private_key is not a PEM RSA private key");
  CHECK(gcs::ServiceAccountKey::load("/nonexistent/key.json").error().code() ==
        zerofs::Errc::invalid_argument);
}
