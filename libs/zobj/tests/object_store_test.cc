// Key and put-id validation, put-id generation, and the file:// name encoding.
#include "zobj/object_store.h"

#include <set>

#include "file_layout.h"
#include "test_support/catch.h"

using namespace zobj;

TEST_CASE("validate_key accepts the keys zerofs and S3 users write") {
  for (const char* key : {"a", "manifest/00000000000000000001", "wal/00000000000000000042.sst",
                          "a/b/c/d", "with space", "p%25/q%", ".hidden/x", "..x/y.", "a:b",
                          "\xc3\xbc\xe2\x82\xac\xf0\x9f\x98\x80"}) {
    INFO(key);
    CHECK(validate_key(key).has_value());
  }
  CHECK(validate_key(std::string(kMaxKeyBytes, 'k')).has_value());
}

TEST_CASE("validate_key rejects empty segments, dot segments, NUL, bad UTF-8 and long keys") {
  const std::vector<std::string> bad = {"",
                                        "/a",
                                        "a/",
                                        "a//b",
                                        ".",
                                        "..",
                                        "a/./b",
                                        "a/..",
                                        std::string("a\0b", 3),
                                        std::string(kMaxKeyBytes + 1, 'k'),
                                        "\x80",
                                        "\xc3",               // truncated sequence
                                        "\xc0\xaf",           // overlong '/'
                                        "\xed\xa0\x80",       // UTF-16 surrogate
                                        "\xf4\x90\x80\x80"};  // above U+10FFFF
  for (const auto& key : bad) {
    INFO("key of " << key.size() << " bytes");
    const auto result = validate_key(key);
    REQUIRE_FALSE(result);
    CHECK(result.error().code() == Errc::invalid_argument);
  }
}

TEST_CASE("put-ids: generated ones are 32 hex digits and unique, supplied ones are checked") {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = new_put_id();
    REQUIRE(id.size() == 32);
    REQUIRE(id.find_first_not_of("0123456789abcdef") == std::string::npos);
    REQUIRE(validate_put_id(id).has_value());
    seen.insert(id);
  }
  CHECK(seen.size() == 1000);
  CHECK(validate_put_id("writer-3:epoch-7/wal-42").has_value());
  CHECK(validate_put_id(std::string(kMaxPutIdBytes, 'x')).has_value());
  CHECK_FALSE(validate_put_id(""));
  CHECK_FALSE(validate_put_id("a b"));
  CHECK_FALSE(validate_put_id("tab\t"));
  CHECK_FALSE(validate_put_id("\xc3\xbc"));
  CHECK_FALSE(validate_put_id(std::string(kMaxPutIdBytes + 1, 'x')));
}

TEST_CASE("store_op_name names every operation") {
  std::set<std::string_view> names;
  for (const StoreOp op : kAllStoreOps) names.insert(store_op_name(op));
  CHECK(names == std::set<std::string_view>{"get", "head", "put", "del", "list"});
}

TEST_CASE("file:// key encoding keeps objects, directories and internal names apart") {
  using file_layout::encode_key_path;
  CHECK(encode_key_path("a").value() == "a");
  CHECK(encode_key_path("a/b").value() == "a%/b");
  CHECK(encode_key_path("wal/0001.sst").value() == "wal%/0001.sst");
  CHECK(encode_key_path("p%/q%25").value() == "p%25%/q%2525");
  CHECK(encode_key_path(std::string(255, 'x')).has_value());
  CHECK(encode_key_path(std::string(256, 'x')).error().code() == Errc::invalid_argument);
  CHECK(encode_key_path(std::string(255, 'x') + "/y").error().code() == Errc::invalid_argument);

  bool is_dir = false;
  CHECK(file_layout::decode_name("a", is_dir) == "a");
  CHECK_FALSE(is_dir);
  CHECK(file_layout::decode_name("a%", is_dir) == "a");
  CHECK(is_dir);
  CHECK(file_layout::decode_name("p%25%", is_dir) == "p%");
  CHECK(is_dir);
  CHECK(file_layout::decode_name("q%2525", is_dir) == "q%25");
  CHECK_FALSE(is_dir);
  // Internal and foreign names decode to nothing.
  CHECK_FALSE(file_layout::decode_name(file_layout::kTempDir, is_dir));
  CHECK_FALSE(file_layout::decode_name(file_layout::kLockDir, is_dir));
  CHECK_FALSE(file_layout::decode_name("%", is_dir));
  CHECK_FALSE(file_layout::decode_name("x%y", is_dir));
}

TEST_CASE("file:// object header round-trips and rejects foreign bytes") {
  std::array<std::byte, file_layout::kMaxHeaderBytes> header{};
  const std::size_t size = file_layout::encode_header("etag-1", "put-7", header.data());
  CHECK(size == file_layout::kFixedHeaderBytes + 6 + 5);
  const auto decoded = file_layout::decode_header({header.data(), size}, "x");
  REQUIRE(decoded);
  CHECK(decoded->etag == "etag-1");
  CHECK(decoded->put_id == "put-7");
  CHECK(decoded->length == size);

  CHECK(file_layout::decode_header({header.data(), size - 1}, "x").error().code() == Errc::corrupt);
  header[4] = std::byte{2};  // a future version
  CHECK(file_layout::decode_header({header.data(), size}, "x").error().code() == Errc::corrupt);
  CHECK(file_layout::decode_header(zerofs::as_bytes("not an object"), "x").error().code() ==
        Errc::corrupt);
}
