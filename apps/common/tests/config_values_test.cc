#include "appcommon/config_values.h"

#include <limits>

#include "appcommon/compression_setting.h"
#include "appcommon/listen_address.h"
#include "test_support/catch.h"

using namespace zerofs;
using namespace zerofs::app;

TEST_CASE("decimal gigabytes convert to bytes") {
  CHECK(gigabytes_to_bytes(1.5).value() == 1'500'000'000u);
  CHECK(gigabytes_to_bytes(0.25).value() == 250'000'000u);
  CHECK(gigabytes_to_bytes(0).value() == 0u);
  CHECK(gigabytes_to_bytes(10).value() == 10'000'000'000u);
  CHECK(gigabytes_to_bytes(0.000000001).value() == 1u);
  CHECK(gigabytes_to_bytes(18'000'000'000.0).value() == 18'000'000'000'000'000'000u);
  CHECK_FALSE(gigabytes_to_bytes(18'446'744'074.0));  // just over 2^64 bytes
  CHECK_FALSE(gigabytes_to_bytes(-0.5));
  CHECK_FALSE(gigabytes_to_bytes(std::numeric_limits<double>::infinity()));
  CHECK_FALSE(gigabytes_to_bytes(std::numeric_limits<double>::quiet_NaN()));
  CHECK(gigabytes_to_bytes(-1).error().code() == Errc::invalid_argument);
}

TEST_CASE("seconds convert to microseconds") {
  CHECK(seconds_to_micros(0.1).value() == 100'000u);
  CHECK(seconds_to_micros(2).value() == 2'000'000u);
  CHECK(seconds_to_micros(0.000001).value() == 1u);
  CHECK_FALSE(seconds_to_micros(0));
  CHECK_FALSE(seconds_to_micros(-1));
  CHECK_FALSE(seconds_to_micros(0.0000001));
  CHECK_FALSE(seconds_to_micros(86401));
  CHECK_FALSE(seconds_to_micros(std::numeric_limits<double>::quiet_NaN()));
}

TEST_CASE("boolean text is exactly true or false") {
  CHECK(parse_bool_text("true").value());
  CHECK_FALSE(parse_bool_text("false").value());
  CHECK_FALSE(parse_bool_text("True"));
  CHECK_FALSE(parse_bool_text("1"));
  CHECK_FALSE(parse_bool_text(""));
}

TEST_CASE("compression settings parse and print") {
  using Codec = CompressionSetting::Codec;
  CHECK(CompressionSetting::parse("lz4").value() == CompressionSetting{Codec::lz4, 0});
  CHECK(CompressionSetting::parse("none").value() == CompressionSetting{Codec::none, 0});
  CHECK(CompressionSetting::parse("zstd-1").value() == CompressionSetting{Codec::zstd, 1});
  CHECK(CompressionSetting::parse("zstd-22").value() == CompressionSetting{Codec::zstd, 22});
  for (int level = 1; level <= 22; ++level) {
    const std::string text = "zstd-" + std::to_string(level);
    CHECK(CompressionSetting::parse(text).value().to_string() == text);
  }
  for (const char* bad :
       {"zstd-0", "zstd-23", "zstd-", "zstd", "zstd-1x", "zstd--1", "lz4 ", "Lz4", "snappy", ""}) {
    INFO(bad);
    auto parsed = CompressionSetting::parse(bad);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().code() == Errc::invalid_argument);
  }
  CHECK(CompressionSetting::parse("zstd-23").error().message() ==
        "\"zstd-23\": the zstd level must be 1 to 22");
  CHECK(CompressionSetting::parse("gzip").error().message() ==
        "\"gzip\" is not a compression (use \"lz4\", \"zstd-1\" .. \"zstd-22\" or \"none\")");
}

TEST_CASE("listen addresses parse IPv4 and bracketed IPv6") {
  CHECK(ListenAddress::parse("127.0.0.1:2049").value() == ListenAddress{"127.0.0.1", 2049, false});
  CHECK(ListenAddress::parse("0.0.0.0:0").value() == ListenAddress{"0.0.0.0", 0, false});
  CHECK(ListenAddress::parse("[::1]:2049").value() == ListenAddress{"::1", 2049, true});
  CHECK(ListenAddress::parse("[::]:65535").value() == ListenAddress{"::", 65535, true});
  CHECK(ListenAddress::parse("[::1]:2049").value().to_string() == "[::1]:2049");
  CHECK(ListenAddress::parse("10.1.2.3:5564").value().to_string() == "10.1.2.3:5564");
}

TEST_CASE("bad listen addresses say what is wrong") {
  const auto message = [](std::string_view text) {
    auto parsed = ListenAddress::parse(text);
    return parsed ? std::string("(parsed)") : parsed.error().message();
  };
  CHECK(message("127.0.0.1") == "\"127.0.0.1\" has no port (expected HOST:PORT)");
  CHECK(message("127.0.0.1:") == "\"127.0.0.1:\" has no port (expected HOST:PORT)");
  CHECK(message("127.0.0.1:65536") ==
        "\"127.0.0.1:65536\": port 65536 is out of range (0 to 65535)");
  CHECK(message("127.0.0.1:99999999999999999999") ==
        "\"127.0.0.1:99999999999999999999\": port 99999999999999999999 is out of range (0 to "
        "65535)");
  CHECK(message("127.0.0.1:-1") == "\"127.0.0.1:-1\": port \"-1\" is not a number");
  CHECK(message("127.0.0.1:20x") == "\"127.0.0.1:20x\": port \"20x\" is not a number");
  CHECK(message("[::1]") == "\"[::1]\" has no port (expected [IPV6]:PORT)");
  CHECK(message("[::1:2049") == "\"[::1:2049\": '[' without a matching ']'");
  CHECK(message("::1]:2049") == "\"::1]:2049\": unbalanced brackets (write [IPV6]:PORT)");
  CHECK(message("[::1]2049") == "\"[::1]2049\": expected ':' and a port after ']'");
  CHECK(message("::1:2049") == "\"::1:2049\": an IPv6 address needs brackets, e.g. \"[::1]:2049\"");
  CHECK(message("[127.0.0.1]:1") ==
        "\"[127.0.0.1]:1\": \"127.0.0.1\" is not a numeric IPv6 address");
  CHECK(message("256.0.0.1:1") ==
        "\"256.0.0.1:1\": \"256.0.0.1\" is not a numeric IPv4 address (host names are not "
        "accepted)");
  CHECK(message("") == "empty address (expected HOST:PORT)");
}

TEST_CASE("store and redis URLs are checked by scheme") {
  CHECK(check_store_url("s3://bucket"));
  CHECK(check_store_url("file:///tmp/x"));
  CHECK_FALSE(check_store_url("s3://"));
  CHECK_FALSE(check_store_url("/tmp/x"));
  CHECK_FALSE(check_store_url("S3://bucket"));
  CHECK(check_redis_url("redis://localhost:6379"));
  CHECK(check_redis_url("rediss://:pw@host:6380/0"));
  CHECK_FALSE(check_redis_url("redis://"));
  CHECK_FALSE(check_redis_url("http://x"));
}

TEST_CASE("credentials inside URLs are masked") {
  CHECK(mask_url_credentials("redis://:pw@host:6379") == "redis://***@host:6379");
  CHECK(mask_url_credentials("https://user:pw@host/path@x") == "https://***@host/path@x");
  CHECK(mask_url_credentials("s3://bucket/a@b") == "s3://bucket/a@b");
  CHECK(mask_url_credentials("file:///tmp/x") == "file:///tmp/x");
  CHECK(mask_url_credentials("no scheme@all") == "no scheme@all");
}
