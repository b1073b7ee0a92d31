// How the S3 client addresses requests: virtual-hosted ("bucket.host/key") or path-style
// ("host/bucket/key") as configured, anonymous requests unsigned, session tokens signed.
#include "http/http_message.h"
#include "s3/s3_client.h"
#include "test_support/catch.h"

using namespace zobj;

TEST_CASE("addressing: virtual-hosted or path-style as configured, session tokens are signed") {
  S3Settings settings;
  settings.endpoint = "https://objects.example.net:9443/base";
  settings.access_key_id = "AKID";
  settings.secret_access_key = "SECRET";
  settings.session_token = "TOKEN/with+chars";
  settings.virtual_hosted_style = true;
  auto hosted = s3::Client::create("bkt", "p", settings).value();
  CHECK(hosted->endpoint().host == "bkt.objects.example.net");
  CHECK(hosted->endpoint().authority() == "bkt.objects.example.net:9443");
  s3::Call get("GET", hosted->full_key("k"));
  const http::Request request = hosted->prepare(get, "20240101T000000Z");
  CHECK(request.target == "/base/p/k");
  CHECK(http::find_header(request.headers, "x-amz-security-token").value() == "TOKEN/with+chars");
  CHECK_THAT(std::string(http::find_header(request.headers, "Authorization").value()),
             Catch::Contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;"
                             "x-amz-security-token,"));
  s3::Call list("GET", "");
  list.query.emplace_back("list-type", "2");
  CHECK(hosted->prepare(list, "20240101T000000Z").target == "/base/?list-type=2");

  // AWS's own endpoint defaults to virtual-hosted; path-style when asked.
  S3Settings aws;
  aws.region = "eu-west-1";
  aws.virtual_hosted_style = false;
  auto path_style = s3::Client::create("bkt", "", aws).value();
  CHECK(path_style->endpoint().host == "s3.eu-west-1.amazonaws.com");
  s3::Call anonymous("GET", "k");
  const http::Request unsigned_request = path_style->prepare(anonymous, "20240101T000000Z");
  CHECK(unsigned_request.target == "/bkt/k");
  CHECK_FALSE(http::find_header(unsigned_request.headers, "Authorization"));
  aws.virtual_hosted_style.reset();
  CHECK(s3::Client::create("bkt", "", aws).value()->endpoint().host ==
        "bkt.s3.eu-west-1.amazonaws.com");
}
