// SigV4 against AWS's published vectors, and the S3 client's pure helpers (XML, statuses,
// endpoints, settings from the environment). No server needed.
#include <fmt/format.h>

#include <map>

#include "http/endpoint.h"
#include "http/http_status.h"
#include "s3/redis_client.h"
#include "s3/s3_client.h"
#include "s3/s3_xml.h"
#include "s3/sigv4.h"
#include "test_support/catch.h"

using namespace zobj;
using zobj::http::Header;
using zobj::http::Headers;

namespace {

// The AWS SigV4 test suite (aws-sig-v4-test-suite): service "service", us-east-1,
// 2015-08-30T12:36:00Z, the documented example key.
s3::Signature suite_sign(std::string_view method, std::string_view uri, const s3::Query& query,
                         Headers extra) {
  const s3::Credentials credentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
  Headers headers{Header("Host", "example.amazonaws.com"),
                  Header("X-Amz-Date", "20150830T123600Z")};
  for (auto& h : extra) headers.push_back(std::move(h));
  s3::SigningInput input;
  input.method = method;
  input.canonical_uri = uri;
  input.query = &query;
  input.headers = &headers;
  input.payload_hash = s3::kEmptySha256;
  return s3::sign_v4(credentials, "us-east-1", "service", "20150830T123600Z", input);
}

// The Amazon S3 API reference's "Examples: Signature Calculations in AWS Signature Version
// 4" (sig-v4-header-based-auth): bucket examplebucket, 2013-05-24, us-east-1.
const s3::Credentials kS3Example{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                                 ""};

s3::Signature s3_sign(std::string_view method, std::string_view uri, const s3::Query& query,
                      Headers extra, std::string_view payload_hash) {
  Headers headers{Header("Host", "examplebucket.s3.amazonaws.com"),
                  Header("x-amz-date", "20130524T000000Z"),
                  Header("x-amz-content-sha256", std::string(payload_hash))};
  for (auto& h : extra) headers.push_back(std::move(h));
  s3::SigningInput input;
  input.method = method;
  input.canonical_uri = uri;
  input.query = &query;
  input.headers = &headers;
  input.payload_hash = payload_hash;
  return s3::sign_v4(kS3Example, "us-east-1", "s3", "20130524T000000Z", input);
}

std::string canonical_hash(const s3::Signature& s) {
  return s3::sha256_hex(zerofs::as_bytes(s.canonical_request));
}

}  // namespace

TEST_CASE("SigV4 matches the S3 documentation's GET Object example (ranged)") {
  const auto s = s3_sign("GET", "/test.txt", {}, {Header("Range", "bytes=0-9")}, s3::kEmptySha256);
  CHECK(s.canonical_request ==
        "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
        "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
        "x-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(canonical_hash(s) == "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  CHECK(s.signature == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  CHECK(s.authorization ==
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST_CASE("SigV4 matches the S3 documentation's PUT Object example") {
  const std::string payload_hash = s3::sha256_hex(zerofs::as_bytes("Welcome to Amazon S3."));
  CHECK(payload_hash == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  // The key "test$file.text" is encoded once: '$' -> %24.
  CHECK(s3::uri_encode("/test$file.text", false) == "/test%24file.text");
  const auto s = s3_sign("PUT", "/test%24file.text", {},
                         {Header("Date", "Fri, 24 May 2013 00:00:00 GMT"),
                          Header("x-amz-storage-class", "REDUCED_REDUNDANCY")},
                         payload_hash);
  CHECK(s.signed_headers == "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class");
  CHECK(canonical_hash(s) == "9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d");
  CHECK(s.signature == "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST_CASE("SigV4 matches the S3 documentation's GET Bucket Lifecycle and List Objects examples") {
  const auto lifecycle =
      s3_sign("GET", "/", {s3::QueryParam("lifecycle", "")}, {}, s3::kEmptySha256);
  CHECK(canonical_hash(lifecycle) ==
        "9766c798316ff2757b517bc739a67f6213b4ab36dd5da2f94eaebf79c77395ca");
  CHECK(lifecycle.signature == "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
  // Given out of order: the canonical query sorts them.
  const auto list =
      s3_sign("GET", "/", {s3::QueryParam("prefix", "J"), s3::QueryParam("max-keys", "2")}, {},
              s3::kEmptySha256);
  CHECK(canonical_hash(list) == "df57d21db20da04d7fa30298dd4488ba3a2b47ca3a489c74750e0f1e7df1b9b7");
  CHECK(list.signature == "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST_CASE("SigV4 matches the AWS signature test suite") {
  using Q = s3::Query;
  using P = s3::QueryParam;
  struct Vector {
    const char* name;
    const char* method;
    const char* uri;
    Q query;
    Headers headers;
    const char* signed_headers;
    const char* signature;
  };
  const std::vector<Vector> vectors = {
      {"get-vanilla",
       "GET",
       "/",
       {},
       {},
       "host;x-amz-date",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-vanilla-query-order-key-case",
       "GET",
       "/",
       Q{P("Param2", "value2"), P("Param1", "value1")},
       {},
       "host;x-amz-date",
       "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
      {"get-vanilla-utf8-query",
       "GET",
       "/",
       Q{P("\xe1\x88\xb4", "bar")},
       {},
       "host;x-amz-date",
       "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"},
      {"get-unreserved",
       "GET",
       "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
       {},
       {},
       "host;x-amz-date",
       "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"},
      {"get-header-value-trim",
       "GET",
       "/",
       {},
       Headers{Header("My-Header1", " value1"), Header("My-Header2", "\"a   b   c\"")},
       "host;my-header1;my-header2;x-amz-date",
       "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"},
      {"get-header-key-duplicate",
       "GET",
       "/",
       {},
       Headers{Header("My-Header1", "value2"), Header("My-Header1", "value2"),
               Header("My-Header1", "value1")},
       "host;my-header1;x-amz-date",
       "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"},
      {"get-vanilla-with-session-token",
       "GET",
       "/",
       {},
       Headers{Header("X-Amz-Security-Token",
                      "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267")},
       "host;x-amz-date;x-amz-security-token",
       "07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8"},
      {"post-vanilla",
       "POST",
       "/",
       {},
       {},
       "host;x-amz-date",
       "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
      {"post-vanilla-query",
       "POST",
       "/",
       Q{P("Param1", "value1")},
       {},
       "host;x-amz-date",
       "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"},
      {"post-header-key-sort",
       "POST",
       "/",
       {},
       Headers{Header("My-Header1", "value1")},
       "host;my-header1;x-amz-date",
       "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"},
  };
  for (const Vector& v : vectors) {
    INFO(v.name);
    const auto s = suite_sign(v.method, v.uri, v.query, v.headers);
    CHECK(s.signed_headers == v.signed_headers);
    CHECK(s.signature == v.signature);
  }
  const auto vanilla = suite_sign("GET", "/", {}, {});
  CHECK(vanilla.authorization ==
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
        "SignedHeaders=host;x-amz-date, "
        "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST_CASE("the S3 client signs the documented GET Object request the way the example does") {
  S3Settings settings;
  settings.endpoint = "https://s3.amazonaws.com";
  settings.access_key_id = kS3Example.access_key_id;
  settings.secret_access_key = kS3Example.secret_access_key;
  auto client = s3::Client::create("examplebucket", "", settings).value();
  s3::Call call("GET", "test.txt");
  call.headers.emplace_back("Range", "bytes=0-9");
  const http::Request request = client->prepare(call, "20130524T000000Z");
  CHECK(request.target == "/test.txt");                     // virtual-hosted on AWS's own endpoint
  CHECK_FALSE(http::find_header(request.headers, "host"));  // the HTTP client adds it
  CHECK(http::find_header(request.headers, "Authorization").value() ==
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");

  // The documented PUT, through the client: body hash, '$' encoded once.
  s3::Call put("PUT", "test$file.text");
  put.headers.emplace_back("Date", "Fri, 24 May 2013 00:00:00 GMT");
  put.headers.emplace_back("x-amz-storage-class", "REDUCED_REDUNDANCY");
  put.body = zerofs::as_bytes("Welcome to Amazon S3.");
  const http::Request signed_put = client->prepare(put, "20130524T000000Z");
  CHECK(signed_put.target == "/test%24file.text");
  CHECK_THAT(std::string(http::find_header(signed_put.headers, "Authorization").value()),
             Catch::EndsWith("98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"));
}

TEST_CASE("path-style requests name the bucket, keys are encoded once, queries sorted") {
  S3Settings settings;
  settings.endpoint = "http://127.0.0.1:9000/base";
  settings.allow_http = true;
  settings.access_key_id = "k";
  settings.secret_access_key = "s";
  auto client = s3::Client::create("bkt", "pre/fix", settings).value();
  s3::Call call("GET", client->full_key("a b/c%d+\xc3\xbc"));
  call.query.emplace_back("x", "1 2");
  call.query.emplace_back("a", "");
  const http::Request request = client->prepare(call, "20240101T000000Z");
  CHECK(request.target == "/base/bkt/pre/fix/a%20b/c%25d%2B%C3%BC?a=&x=1%202");
  CHECK(http::find_header(request.headers, "x-amz-content-sha256").value() == s3::kEmptySha256);
  settings.allow_http = false;
  CHECK(s3::Client::create("bkt", "", settings).error().code() == zerofs::Errc::invalid_argument);
}

TEST_CASE("S3 XML: errors, list pages, multipart and delete replies") {
  const auto error = s3::parse_error_body(
      "<?xml version=\"1.0\"?><Error><Code>SlowDown</Code><Message>Reduce your rate</Message>"
      "</Error>");
  REQUIRE(error);
  CHECK(error->code == "SlowDown");
  CHECK(error->message == "Reduce your rate");
  CHECK_FALSE(s3::parse_error_body("not xml"));

  const auto list = s3::parse_list_result(
      "<ListBucketResult><IsTruncated>true</IsTruncated><EncodingType>url</EncodingType>"
      "<NextContinuationToken>tok</NextContinuationToken>"
      "<Contents><Key>p/a+b%25c</Key><Size>12</Size><ETag>&quot;abc&quot;</ETag>"
      "<LastModified>2009-10-12T17:50:30.123Z</LastModified></Contents>"
      "<Contents><Key>p/x</Key><Size>0</Size><ETag>\"e\"</ETag>"
      "<LastModified>1970-01-01T00:00:01.000Z</LastModified></Contents></ListBucketResult>");
  REQUIRE(list);
  CHECK(list->truncated);
  CHECK(list->next_continuation_token == "tok");
  REQUIRE(list->objects.size() == 2);
  CHECK(list->objects[0].key == "p/a b%c");
  CHECK(list->objects[0].size == 12);
  CHECK(list->objects[0].etag == "\"abc\"");
  CHECK(list->objects[0].modified_unix_ms == 1255369830123);
  CHECK(list->objects[1].modified_unix_ms == 1000);

  CHECK(s3::parse_upload_id("<InitiateMultipartUploadResult><UploadId>u-1</UploadId>"
                            "</InitiateMultipartUploadResult>")
            .value() == "u-1");
  CHECK(s3::parse_complete_etag("<CompleteMultipartUploadResult><ETag>\"m-2\"</ETag>"
                                "</CompleteMultipartUploadResult>")
            .value() == "\"m-2\"");
  // S3 can answer 200 and still fail a completion.
  CHECK(s3::parse_complete_etag("<Error><Code>InternalError</Code><Message>x</Message></Error>")
            .error()
            .code() == zerofs::Errc::transient);
  const auto failures = s3::parse_delete_result(
      "<DeleteResult><Deleted><Key>a</Key></Deleted><Error><Key>b</Key><Code>AccessDenied</Code>"
      "<Message>no</Message></Error></DeleteResult>");
  REQUIRE(failures);
  REQUIRE(failures->size() == 1);
  CHECK((*failures)[0].key == "b");
  CHECK(s3::delete_request_body({"a&b", "c<d"}) ==
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete><Quiet>true</Quiet><Object><Key>a&amp;b"
        "</Key></Object><Object><Key>c&lt;d</Key></Object></Delete>");
  CHECK(s3::complete_request_body({"\"e1\"", "\"e2\""}) ==
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><CompleteMultipartUpload><Part><PartNumber>1"
        "</PartNumber><ETag>&quot;e1&quot;</ETag></Part><Part><PartNumber>2</PartNumber><ETag>"
        "&quot;e2&quot;</ETag></Part></CompleteMultipartUpload>");
}

TEST_CASE("HTTP statuses map onto the zobj taxonomy, Retry-After is read") {
  using zerofs::Errc;
  CHECK(http::errc_for_status(404) == Errc::not_found);
  CHECK(http::errc_for_status(412) == Errc::precondition_failed);
  CHECK(http::errc_for_status(401) == Errc::unauthorized);
  CHECK(http::errc_for_status(403) == Errc::unauthorized);
  CHECK(http::errc_for_status(429) == Errc::transient);
  CHECK(http::errc_for_status(500) == Errc::transient);
  CHECK(http::errc_for_status(503) == Errc::transient);
  CHECK(http::errc_for_status(400) == Errc::permanent);
  CHECK(http::errc_for_status(409) == Errc::permanent);

  http::Response response;
  response.headers.emplace_back("retry-after", "3");
  CHECK(http::retry_after(response).value() == std::chrono::seconds(3));
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(784111777));
  response.headers[0].value = "Sun, 06 Nov 1994 08:49:40 GMT";
  CHECK(http::retry_after(response, now).value() == std::chrono::seconds(3));
  CHECK(http::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").value() == 784111777000);
  response.headers[0].value = "soon";
  CHECK_FALSE(http::retry_after(response));
  response.headers[0].value = "2";
  const zerofs::Error hinted =
      http::with_retry_hint(zerofs::Error(Errc::transient, "slow"), response);
  CHECK(hinted.retry_after_ms() == 2000);
  CHECK(hinted.with_context("ctx").retry_after_ms() == 2000);
}

TEST_CASE("endpoints and Redis URLs parse, plain http must be allowed") {
  auto ep = http::parse_endpoint("https://s3.eu-west-1.amazonaws.com", false).value();
  CHECK(ep.tls);
  CHECK(ep.port == 443);
  CHECK(ep.authority() == "s3.eu-west-1.amazonaws.com");
  ep = http::parse_endpoint("http://127.0.0.1:9000/base/", true).value();
  CHECK_FALSE(ep.tls);
  CHECK(ep.authority() == "127.0.0.1:9000");
  CHECK(ep.base_path == "/base");
  CHECK(http::parse_endpoint("http://[::1]:80", true).value().authority() == "[::1]");
  CHECK(http::parse_endpoint("http://h", false).error().code() == zerofs::Errc::invalid_argument);
  CHECK_FALSE(http::parse_endpoint("ftp://h", true));
  CHECK_FALSE(http::parse_endpoint("http://h:99999", true));

  const auto redis = s3::parse_redis_url("redis://user:pw@host:7000/3").value();
  CHECK(redis.host == "host");
  CHECK(redis.port == 7000);
  CHECK(redis.db == 3);
  CHECK(redis.user == "user");
  CHECK(redis.password == "pw");
  CHECK(s3::parse_redis_url("redis://localhost").value().port == 6379);
  CHECK_FALSE(s3::parse_redis_url("http://localhost"));
}

TEST_CASE("S3 settings take what is unset from the AWS environment") {
  const std::map<std::string, std::string> env = {
      {"AWS_ACCESS_KEY_ID", "AKID"},      {"AWS_SECRET_ACCESS_KEY", "SECRET"},
      {"AWS_SESSION_TOKEN", "TOKEN"},     {"AWS_DEFAULT_REGION", "eu-west-3"},
      {"AWS_ENDPOINT_URL", "http://e:1"}, {"AWS_ALLOW_HTTP", "true"}};
  const auto getenv = [&](const char* name) -> const char* {
    const auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  S3Settings from_env;
  from_env.apply_environment(getenv);
  CHECK(from_env.access_key_id == "AKID");
  CHECK(from_env.secret_access_key == "SECRET");
  CHECK(from_env.session_token == "TOKEN");
  CHECK(from_env.region == "eu-west-3");
  CHECK(from_env.endpoint == "http://e:1");
  CHECK(from_env.allow_http);

  S3Settings configured;
  configured.access_key_id = "mine";
  configured.secret_access_key = "my-secret";
  configured.region = "us-west-2";
  configured.apply_environment(getenv);
  CHECK(configured.access_key_id == "mine");
  CHECK(configured.session_token.empty());  // never mixed with another source's key
  CHECK(configured.region == "us-west-2");
}
