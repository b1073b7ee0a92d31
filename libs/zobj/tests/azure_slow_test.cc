// The conformance suite's list_pagination check on Azurite: ~3,000 List Blobs calls, about a
// minute (Azurite filters and sorts the container's blobs on every call), so it carries the
// "slow" label instead of "unit".
#include "cloud_test_env.h"
#include "conformance.h"

namespace {

zobj::conformance::Bucket azure_bucket() {
  return zobj::testing::fresh_azure_bucket(zobj::testing::shared_azurite().settings());
}

}  // namespace

ZOBJ_CONFORMANCE_CASE("azurite", azure_bucket, list_pagination)
