// Servers for the azure:// and gs:// tests, started by the tests themselves on free loopback
// ports: Azurite (npm, installed on demand into ~/.cache/zerofs-npm) and gcs_fake.js (this
// directory; the in-repo fake of the GCS JSON API subset GcsStore uses, with a token endpoint
// that verifies the JWT). When node or npm is missing the test binary prints why and exits
// with kSkipExitCode (ctest: skipped).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "conformance.h"
#include "s3_test_env.h"
#include "test_support/temp_dir.h"
#include "zobj/azure_store.h"
#include "zobj/gcs_store.h"

namespace zobj::testing {

// Azurite's documented development account and key.
inline constexpr const char* kAzuriteAccount = "devstoreaccount1";
inline constexpr const char* kAzuriteKey =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

class Azurite {
 public:
  static constexpr const char* kContainer = "zerofs-test";
  explicit Azurite(const std::string& package_dir);
  std::uint16_t port() const noexcept { return port_; }
  // Path-style settings for this server (plain http, the development account).
  AzureSettings settings() const;
  bool ok() const noexcept { return ok_; }

 private:
  zerofs::testing::TempDir dir_;
  std::uint16_t port_ = 0;
  std::unique_ptr<ChildProcess> process_;
  bool ok_ = false;
};

// A fresh RSA-2048 service-account key file (JSON) whose token_uri is `token_uri`.
void write_service_account_key(const std::string& path, const std::string& token_uri);

class GcsFake {
 public:
  static constexpr const char* kBucket = "zerofs-test";
  // `token_lifetime_s`: the expires_in of the tokens the fake issues.
  explicit GcsFake(int token_lifetime_s = 3600);
  std::uint16_t port() const noexcept { return port_; }
  std::string endpoint() const;
  // The key file the fake trusts.
  const std::string& key_file() const noexcept { return key_file_; }
  GcsSettings settings() const;
  // The fake's counters: "tokens", "uploads" or "resumable".
  std::uint64_t stat(const std::string& name) const;
  // Invalidates every token the fake has issued.
  void revoke_tokens() const;
  bool ok() const noexcept { return ok_; }

 private:
  zerofs::testing::TempDir dir_;
  std::uint16_t port_ = 0;
  std::string key_file_;
  std::unique_ptr<ChildProcess> process_;
  bool ok_ = false;
};

// A conformance bucket on Azurite: a fresh container (Azurite sorts a container's whole
// listing on every List Blobs call, so sharing one would make paging checks quadratic), keys
// under a prefix, peers opened with the same settings.
conformance::Bucket fresh_azure_bucket(const AzureSettings& settings);

// Process-wide servers, started on first use; exit with kSkipExitCode when unavailable.
// The Azurite container exists.
Azurite& shared_azurite();
GcsFake& shared_gcs_fake();

}  // namespace zobj::testing
