// The 30-second S3 outage: writes and reads stall and then resume; nothing is lost and no
// error reaches the caller. (s3_fault_test.cc runs a 3-second variant in the normal suite.)
#include "s3_fault_scenarios.h"

TEST_CASE("s3: a 30-second outage stalls and then resumes every operation", "[s3][slow]") {
  zobj::testing::outage_scenario(std::chrono::seconds(30), true);
}
