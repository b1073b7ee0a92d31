// Azure Shared Key signing: the canonicalized resource against the examples of Microsoft's
// "Authorize with Shared Key" page, and whole signatures against values computed outside
// this code. Microsoft publishes no Shared Key signature for a known key, so the expected
// signatures below were derived with the OpenSSL command line from the string to sign and
// Azurite's published development key:
//
//   HEXKEY=$(printf %s "$KEY" | base64 -d | od -An -v -tx1 | tr -d ' \n')
//   printf %s "$STRING_TO_SIGN" |
//       openssl dgst -sha256 -mac HMAC -macopt hexkey:$HEXKEY -binary | base64
//
// (the strings to sign are spelled out in the tests). Azurite itself re-computes every
// signature our requests carry and rejects a mismatch (see "azure: a wrong account key is
// unauthorized" in azure_store_test.cc), which checks the signer end to end.
#include <chrono>

#include "azure/azure_client.h"
#include "azure/shared_key.h"
#include "test_support/catch.h"

using namespace zobj;

namespace {

constexpr const char* kDevKey =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
constexpr const char* kDate = "Fri, 26 Jun 2015 23:39:12 GMT";

}  // namespace

TEST_CASE("azure: canonicalized resources match the documented examples") {
  // GET https://myaccount.blob.core.windows.net/mycontainer?restype=container&comp=metadata
  azure::Query metadata;
  metadata.emplace_back("restype", "container");
  metadata.emplace_back("comp", "metadata");
  CHECK(azure::canonicalized_resource("myaccount", "/mycontainer", &metadata) ==
        "/myaccount/mycontainer\ncomp:metadata\nrestype:container");
  // ...?restype=container&comp=list&include=snapshots&include=metadata&include=uncommittedblobs
  azure::Query list;
  list.emplace_back("restype", "container");
  list.emplace_back("comp", "list");
  list.emplace_back("include", "snapshots");
  list.emplace_back("include", "metadata");
  list.emplace_back("include", "uncommittedblobs");
  CHECK(azure::canonicalized_resource("myaccount", "/mycontainer", &list) ==
        "/myaccount/mycontainer\ncomp:list\ninclude:metadata,snapshots,uncommittedblobs\n"
        "restype:container");
  // The emulator's path-style addressing repeats the account.
  CHECK(azure::canonicalized_resource("devstoreaccount1", "/devstoreaccount1/mycontainer",
                                      nullptr) == "/devstoreaccount1/devstoreaccount1/mycontainer");
  // Names are lower-cased; values are the decoded ones.
  azure::Query mixed;
  mixed.emplace_back("Comp", "block");
  mixed.emplace_back("blockid", "YWJj+/==");
  CHECK(azure::canonicalized_resource("a", "/c/b", &mixed) ==
        "/a/c/b\nblockid:YWJj+/==\ncomp:block");
}

TEST_CASE("azure: the string to sign follows the documented layout") {
  http::Headers headers;
  headers.emplace_back("x-ms-version", "2021-12-02");
  headers.emplace_back("X-MS-Date", kDate);
  headers.emplace_back("Content-Type", "text/plain");
  headers.emplace_back("x-ms-meta-Name", "  two   words ");
  headers.emplace_back("If-Match", "\"0x8D\"");
  headers.emplace_back("x-ms-range", "bytes=0-9");
  azure::SharedKeyInput input;
  input.method = "PUT";
  input.encoded_path = "/c/b";
  input.headers = &headers;
  input.content_length = 0;  // signed as the empty string since 2015-02-21
  CHECK(azure::string_to_sign("acct", input) ==
        "PUT\n\n\n\n\ntext/plain\n\n\n\"0x8D\"\n\n\n\n"
        "x-ms-date:Fri, 26 Jun 2015 23:39:12 GMT\nx-ms-meta-name:two words\nx-ms-range:bytes=0-9\n"
        "x-ms-version:2021-12-02\n/acct/c/b");
}

TEST_CASE("azure: a Put Blob request carries the independently computed signature") {
  AzureSettings settings;
  settings.account_name = "devstoreaccount1";
  settings.account_key = kDevKey;
  settings.endpoint = "http://127.0.0.1:10000/devstoreaccount1";
  settings.allow_http = true;
  auto client = azure::Client::create("mycontainer", "", settings).value();
  const std::string body = "hello world";
  azure::Call call("PUT", "my blob.txt");
  call.headers.emplace_back("Content-Type", "text/plain; charset=UTF-8");
  call.headers.emplace_back("x-ms-blob-type", "BlockBlob");
  call.headers.emplace_back("x-ms-meta-zerofsputid", "abc");
  call.headers.emplace_back("If-None-Match", "*");
  call.body = zerofs::as_bytes(body);
  const http::Request request = client->prepare(call, kDate);
  CHECK(request.method == "PUT");
  CHECK(request.target == "/devstoreaccount1/mycontainer/my%20blob.txt");
  CHECK(http::find_header(request.headers, "x-ms-version") == "2021-12-02");
  // String to sign:
  //   PUT\n\n\n11\n\ntext/plain; charset=UTF-8\n\n\n\n*\n\n\n
  //   x-ms-blob-type:BlockBlob\nx-ms-date:Fri, 26 Jun 2015 23:39:12 GMT\n
  //   x-ms-meta-zerofsputid:abc\nx-ms-version:2021-12-02\n
  //   /devstoreaccount1/devstoreaccount1/mycontainer/my%20blob.txt
  CHECK(http::find_header(request.headers, "Authorization") ==
        "SharedKey devstoreaccount1:axmw+voFXGEjUWKLDpItrViCqSQxj9ZitgOtOO/RyZg=");
}

TEST_CASE("azure: a List Blobs request with repeated parameters is signed as documented") {
  const std::string key = azure::base64_decode(kDevKey).value();
  azure::Query query;
  query.emplace_back("restype", "container");
  query.emplace_back("comp", "list");
  query.emplace_back("include", "snapshots");
  query.emplace_back("include", "metadata");
  query.emplace_back("include", "uncommittedblobs");
  http::Headers headers;
  headers.emplace_back("x-ms-date", kDate);
  headers.emplace_back("x-ms-version", "2021-12-02");
  azure::SharedKeyInput input;
  input.method = "GET";
  input.encoded_path = "/mycontainer";
  input.query = &query;
  input.headers = &headers;
  const std::string sts = azure::string_to_sign("myaccount", input);
  CHECK(sts ==
        "GET\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:Fri, 26 Jun 2015 23:39:12 GMT\n"
        "x-ms-version:2021-12-02\n/myaccount/mycontainer\ncomp:list\n"
        "include:metadata,snapshots,uncommittedblobs\nrestype:container");
  CHECK(azure::hmac_sha256_base64(key, sts) == "hebXu4YDWhlfsrpUII8SjMZQDBxokuD9GtGEDKVNmKk=");
}

TEST_CASE("azure: base64 and dates") {
  CHECK(azure::base64_encode("") == "");
  CHECK(azure::base64_encode("f") == "Zg==");
  CHECK(azure::base64_encode("foobar") == "Zm9vYmFy");
  CHECK(azure::base64_decode("Zg==").value() == "f");
  CHECK(azure::base64_decode("Zm8=").value() == "fo");
  CHECK(azure::base64_decode("Zm9vYmFy").value() == "foobar");
  CHECK_FALSE(azure::base64_decode("Zm9"));
  CHECK_FALSE(azure::base64_decode("Z!=="));
  const auto t = std::chrono::system_clock::time_point(std::chrono::seconds(1435361952));
  CHECK(azure::rfc1123_date(t) == kDate);
}
