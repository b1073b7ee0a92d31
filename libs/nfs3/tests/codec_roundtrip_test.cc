// Every NFSv3, MOUNT and portmapper message: encode, check the size helper, decode, compare
// every field; then every strict prefix of the encoding must fail to decode (sticky error,
// no crash) and trailing bytes must be left unread.
#include <string>

#include "samples.h"
#include "test_support/catch.h"

using namespace nfs3::wire;
using nfs3::testing::samples;

TEMPLATE_TEST_CASE("codec round trip", "[codec]", Void, GetattrArgs, GetattrRes, SetattrArgs,
                   SetattrRes, LookupArgs, LookupRes, AccessArgs, AccessRes, ReadlinkArgs,
                   ReadlinkRes, ReadArgs, ReadRes, WriteArgs, WriteRes, CreateArgs, DirOpRes,
                   MkdirArgs, SymlinkArgs, MknodArgs, RemoveArgs, RemoveRes, RenameArgs, RenameRes,
                   LinkArgs, LinkRes, ReaddirArgs, ReaddirRes, ReaddirplusArgs, ReaddirplusRes,
                   FsstatArgs, FsstatRes, FsinfoRes, PathconfRes, CommitArgs, CommitRes, MountArgs,
                   MntRes, DumpRes, ExportRes, Mapping, PortmapBool, PortmapPort, PortmapList) {
  const std::vector<TestType> values = samples<TestType>();
  REQUIRE_FALSE(values.empty());
  for (std::size_t i = 0; i < values.size(); ++i) {
    INFO("sample " << i);
    const TestType& v = values[i];
    Buffer bytes;
    XdrEncoder enc(bytes);
    encode(enc, v);
    CHECK(bytes.size() == encoded_size(v));
    CHECK(bytes.size() % 4 == 0);

    TestType back{};
    XdrDecoder dec(bytes.view());
    REQUIRE(decode(dec, back));
    CHECK(dec.remaining() == 0);
    CHECK(back == v);

    Buffer again;
    XdrEncoder enc2(again);
    encode(enc2, back);
    CHECK(again == bytes);

    std::size_t prefixes_decoded = 0;
    for (std::size_t n = 0; n < bytes.size(); ++n) {
      TestType partial{};
      XdrDecoder cut(bytes.view().first(n));
      if (decode(cut, partial)) ++prefixes_decoded;
      // Sticky: reading on after the error still fails and consumes nothing.
      if (!cut.ok()) {
        CHECK(cut.u32() == 0);
        CHECK_FALSE(cut.ok());
        CHECK(cut.remaining() == 0);
      }
    }
    CHECK(prefixes_decoded == 0);

    Buffer padded = bytes.clone();
    padded.append(std::string_view("TAIL"));
    TestType with_tail{};
    XdrDecoder dec_tail(padded.view());
    REQUIRE(decode(dec_tail, with_tail));
    CHECK(dec_tail.remaining() == 4);
    CHECK(with_tail == v);
  }
}

TEST_CASE("every NFSv3 type has a sample for each result status arm") {
  // Results: at least one ok and one failure sample, so both arms are exercised above.
  auto arms = [](const auto& values) {
    bool ok = false, fail = false;
    for (const auto& v : values) (v.status == Nfsstat3::ok ? ok : fail) = true;
    return ok && fail;
  };
  CHECK(arms(samples<GetattrRes>()));
  CHECK(arms(samples<SetattrRes>()));
  CHECK(arms(samples<LookupRes>()));
  CHECK(arms(samples<AccessRes>()));
  CHECK(arms(samples<ReadlinkRes>()));
  CHECK(arms(samples<ReadRes>()));
  CHECK(arms(samples<WriteRes>()));
  CHECK(arms(samples<DirOpRes>()));
  CHECK(arms(samples<RemoveRes>()));
  CHECK(arms(samples<RenameRes>()));
  CHECK(arms(samples<LinkRes>()));
  CHECK(arms(samples<ReaddirRes>()));
  CHECK(arms(samples<ReaddirplusRes>()));
  CHECK(arms(samples<FsstatRes>()));
  CHECK(arms(samples<FsinfoRes>()));
  CHECK(arms(samples<PathconfRes>()));
  CHECK(arms(samples<CommitRes>()));
}

TEST_CASE("readdir size helpers match the encoder") {
  ReaddirRes r;
  r.dir_attributes = nfs3::testing::sample_fattr(1);
  CHECK(encoded_size(r) == readdir_reply_base_size(true));
  std::size_t expected = readdir_reply_base_size(true);
  for (const char* name : {"a", "ab", "abc", "abcd", "abcde", "a-much-longer-name.txt"}) {
    r.entries.push_back({1, name, 2});
    expected += entry3_size(std::string_view(name).size());
    CHECK(encoded_size(r) == expected);
  }

  ReaddirplusRes p;
  CHECK(encoded_size(p) == readdir_reply_base_size(false));
  expected = readdir_reply_base_size(false);
  p.entries.push_back({1, "x", 1, nfs3::testing::sample_fattr(1), nfs3::testing::sample_fh(1)});
  expected += entryplus3_size(1, true, 16);
  CHECK(encoded_size(p) == expected);
  p.entries.push_back({2, "yyyyy", 2, std::nullopt, std::nullopt});
  expected += entryplus3_size(5, false, std::nullopt);
  CHECK(encoded_size(p) == expected);
  CHECK(entryplus3_dircount_size(5) == 4 + 8 + 4 + 8 + 8);
  CHECK(post_op_attr_size(true) == 88);
}

TEST_CASE("decoders reject values outside a union's arms") {
  SECTION("stable_how beyond FILE_SYNC") {
    WriteArgs w = samples<WriteArgs>()[0];
    w.stable = static_cast<StableHow>(3);
    Buffer b;
    XdrEncoder enc(b);
    encode(enc, w);
    WriteArgs back;
    XdrDecoder dec(b.view());
    CHECK_FALSE(decode(dec, back));
  }
  SECTION("createmode 3") {
    CreateArgs c = samples<CreateArgs>()[2];
    c.how.mode = static_cast<CreateMode>(3);
    Buffer b;
    XdrEncoder enc(b);
    encode(enc, c);
    CreateArgs back;
    XdrDecoder dec(b.view());
    CHECK_FALSE(decode(dec, back));
  }
  SECTION("time_how 3") {
    SetattrArgs s = samples<SetattrArgs>()[0];
    s.new_attributes.atime.how = static_cast<TimeHow>(3);
    Buffer b;
    XdrEncoder enc(b);
    encode(enc, s);
    SetattrArgs back;
    XdrDecoder dec(b.view());
    CHECK_FALSE(decode(dec, back));
  }
  SECTION("a handle longer than 64 bytes") {
    Buffer b;
    XdrEncoder enc(b);
    enc.opaque(ByteView(std::vector<std::byte>(65).data(), 65), 65);
    GetattrArgs back;
    XdrDecoder dec(b.view());
    CHECK_FALSE(decode(dec, back));
  }
}
