#include "cloud_test_env.h"

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "base/async.h"
#include "http/http_client.h"
#include "test_support/npm_package.h"

namespace zobj::testing {

namespace fs = std::filesystem;

namespace {

bool on_path(const std::string& tool) {
  return std::system(fmt::format("command -v {} >/dev/null 2>&1", tool).c_str()) == 0;
}

[[noreturn]] void skip(const std::string& why) {
  std::fprintf(stderr, "SKIPPED: %s\n", why.c_str());
  std::exit(kSkipExitCode);
}

}  // namespace

Azurite::Azurite(const std::string& package_dir) {
  port_ = free_port();
  process_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{"node", package_dir + "/dist/src/blob/main.js", "--blobHost",
                               "127.0.0.1", "--blobPort", std::to_string(port_),
                               "--inMemoryPersistence", "--silent", "--skipApiVersionCheck",
                               "--disableProductStyleUrl"},
      (dir_.path() / "azurite.log").string());
  ok_ = process_->running() && wait_for_port(port_, 30'000);
}

AzureSettings Azurite::settings() const {
  AzureSettings s;
  s.account_name = kAzuriteAccount;
  s.account_key = kAzuriteKey;
  s.endpoint = fmt::format("http://127.0.0.1:{}/{}", port_, kAzuriteAccount);
  s.allow_http = true;
  // Thousands of concurrent requests on a loaded two-core machine can stall Azurite (node)
  // longer than the default 30 s.
  s.io_timeout = std::chrono::seconds(120);
  return s;
}

void write_service_account_key(const std::string& path, const std::string& token_uri) {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  BIO* bio = BIO_new(BIO_s_mem());
  if (key == nullptr || bio == nullptr ||
      PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    throw std::runtime_error("generating an RSA key failed");
  }
  char* pem = nullptr;
  const long size = BIO_get_mem_data(bio, &pem);
  const nlohmann::json doc = {{"type", "service_account"},
                              {"project_id", "zerofs-test"},
                              {"private_key_id", "0123456789abcdef"},
                              {"private_key", std::string(pem, static_cast<std::size_t>(size))},
                              {"client_email", "zerofs-test@zerofs-test.iam.gserviceaccount.com"},
                              {"token_uri", token_uri}};
  BIO_free(bio);
  EVP_PKEY_free(key);
  std::ofstream(path) << doc.dump(2);
}

GcsFake::GcsFake(int token_lifetime_s) {
  port_ = free_port();
  key_file_ = (dir_.path() / "service-account.json").string();
  write_service_account_key(key_file_, endpoint() + "/token");
  process_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{"node", ZOBJ_GCS_FAKE, "--port", std::to_string(port_), "--key-file",
                               key_file_, "--bucket", kBucket, "--token-lifetime",
                               std::to_string(token_lifetime_s)},
      (dir_.path() / "gcs_fake.log").string());
  ok_ = process_->running() && wait_for_port(port_, 20'000);
}

std::string GcsFake::endpoint() const { return fmt::format("http://127.0.0.1:{}", port_); }

GcsSettings GcsFake::settings() const {
  GcsSettings s;
  s.service_account = key_file_;
  s.endpoint = endpoint();
  return s;
}

// One request to the fake's own endpoints.
static http::Response fake_request(const std::string& endpoint, const char* method,
                                   const char* target) {
  http::ClientOptions options;
  options.allow_http = true;
  auto client = http::Client::create(options).value();
  const http::Endpoint where = http::parse_endpoint(endpoint, true).value();
  zerofs::asio::io_context io;
  return zerofs::run_blocking(io, client->send(where, http::Request(method, target))).value();
}

std::uint64_t GcsFake::stat(const std::string& name) const {
  const http::Response response = fake_request(endpoint(), "GET", "/_fake/stats");
  return nlohmann::json::parse(response.body.chars()).at(name).get<std::uint64_t>();
}

void GcsFake::revoke_tokens() const { fake_request(endpoint(), "POST", "/_fake/revoke"); }

conformance::Bucket fresh_azure_bucket(const AzureSettings& settings) {
  const std::string container = unique_prefix("conformance");
  auto open = [settings, container]() -> std::shared_ptr<ObjectStore> {
    return AzureStore::open(container, "zerofs/data", settings).value();
  };
  auto store = AzureStore::open(container, "", settings).value();
  zerofs::asio::io_context io;
  const Result<void> created = zerofs::run_blocking(io, store->create_container());
  if (!created) {
    throw std::runtime_error("creating an Azurite container failed: " +
                             created.error().to_string());
  }
  return conformance::Bucket{open(), open, nullptr};
}

Azurite& shared_azurite() {
  static std::unique_ptr<Azurite> server;
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  if (!server) {
    std::string why;
    const std::string package = zerofs::testing::npm_package("azurite", &why);
    if (package.empty()) skip(why);
    server = std::make_unique<Azurite>(package);
    if (!server->ok()) skip("Azurite did not start (node azurite/dist/src/blob/main.js)");
    auto store = AzureStore::open(Azurite::kContainer, "", server->settings()).value();
    zerofs::asio::io_context io;
    const Result<void> created = zerofs::run_blocking(io, store->create_container());
    if (!created)
      throw std::runtime_error("creating the Azurite container failed: " +
                               created.error().to_string());
  }
  return *server;
}

GcsFake& shared_gcs_fake() {
  static std::unique_ptr<GcsFake> server;
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  if (!server) {
    if (!on_path("node")) skip("node is not installed (apt-get install nodejs): gs:// tests");
    server = std::make_unique<GcsFake>();
    if (!server->ok()) skip("gcs_fake.js did not start");
  }
  return *server;
}

}  // namespace zobj::testing
