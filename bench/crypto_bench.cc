// crypto_bench: zcrypt::Transformer against the raw libraries it is built from.
//
//   crypto_bench [--quick] [--seconds N]
//
// Prints one figure per line as `name : value unit`. Throughput is plaintext bytes per second
// (1 MB = 10^6 bytes) on one thread, the median of several interleaved rounds, so the
// transformer and its raw counterpart see the same machine noise. `*_vs_raw` lines divide the
// transformer's median by the raw pipeline's: the goal is >= 0.85.
//
// Data: 32 KiB blocks, each a run of 512..2047-byte segments whose kind is drawn at random:
//   45% log lines  (timestamp, level, operation, inode, offset, length, status),
//   30% prose      (words of 3..10 letters from a 256-word vocabulary, Zipf-like ranks,
//                   numbers and punctuation),
//   20% binary rows (32 bytes: increasing u64 id, u64 timestamp, u32 < 1000, one-hot u32
//                   flags, 4 random bytes + 4 zero bytes: table-like),
//    5% random bytes (already-compressed content).
// lz4 stores this at about half size (~1.96x), zstd-3 at ~2.6x; the bench prints the measured
// ratios (`data_ratio_*`).
//
// Raw baselines use preallocated buffers and no framing:
//   raw_{lz4,zstd3}_{compress,decompress}: LZ4_compress_default / LZ4_decompress_safe,
//     ZSTD_compressCCtx / ZSTD_decompressDCtx with reused contexts.
//   raw_xchacha_{encrypt,decrypt}: crypto_aead_xchacha20poly1305_ietf_*_detached on the
//     uncompressed blocks, a fresh random nonce per encryption.
//   raw_pipeline_{seal,open}_*: raw compress then raw encrypt (with a fresh nonce), and raw
//     decrypt then raw decompress — the least work a compress+encrypt pipeline can do.
// Transformer figures: seal_* = Transformer::encode (one new Buffer per block),
// seal_*_append = encode_append into a reused Buffer, open_* = Transformer::decode.
#include <lz4.h>
#include <sodium.h>
#include <zstd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "zcrypt/transformer.h"

namespace {

using zerofs::Buffer;
using zerofs::ByteView;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kBlockSize = 32 * 1024;
constexpr std::string_view kAd = "sst/00000000000000000042:32768";

std::vector<Buffer> make_blocks(std::size_t count) {
  std::mt19937_64 rng(42);
  std::vector<std::string> vocabulary;
  for (int i = 0; i < 256; ++i) {
    std::string w;
    const int len = 3 + static_cast<int>(rng() % 8);
    for (int j = 0; j < len; ++j) w.push_back(static_cast<char>('a' + rng() % 26));
    vocabulary.push_back(std::move(w));
  }
  // Word ranks skewed towards the front of the vocabulary, as in natural text.
  auto zipf = [](std::mt19937_64& r) {
    const double u = std::uniform_real_distribution<double>(0, 1)(r);
    return static_cast<std::size_t>(256 * u * u * u);
  };
  static constexpr std::string_view kPunct[] = {" ",  " ",  " ",   " ", ", ",
                                                ". ", "\n", " = ", "(", ") "};
  std::uint64_t row_id = 1'000'000;
  std::uint64_t timestamp = 1'700'000'000'000'000;
  std::vector<Buffer> blocks;
  for (std::size_t b = 0; b < count; ++b) {
    Buffer block;
    block.reserve(kBlockSize + 4096);
    while (block.size() < kBlockSize) {
      const std::size_t segment = 512 + rng() % 1536;
      const std::size_t end = block.size() + segment;
      const unsigned kind = rng() % 100;
      if (kind < 45) {  // log lines
        static constexpr std::string_view kLevels[] = {"INFO ", "INFO ", "DEBUG", "WARN "};
        static constexpr std::string_view kOps[] = {"write",   "read",   "lookup",
                                                    "setattr", "commit", "flush"};
        while (block.size() < end) {
          timestamp += rng() % 5000;
          char line[160];
          const int n = std::snprintf(
              line, sizeof line, "%llu %s %s ino=%llu off=%llu len=%u status=%s\n",
              static_cast<unsigned long long>(timestamp / 1000),
              kLevels[rng() % std::size(kLevels)].data(), kOps[rng() % std::size(kOps)].data(),
              static_cast<unsigned long long>(1000 + rng() % 5000),
              static_cast<unsigned long long>((rng() % 4096) * 4096),
              static_cast<unsigned>(1u << (9 + rng() % 7)), rng() % 10 ? "ok" : "retry");
          block.append(std::string_view(line, static_cast<std::size_t>(n)));
        }
      } else if (kind < 75) {  // prose
        while (block.size() < end) {
          block.append(vocabulary[zipf(rng)]);
          if (rng() % 8 == 0) block.append(std::to_string(rng() % 100000));
          block.append(kPunct[rng() % std::size(kPunct)]);
        }
      } else if (kind < 95) {  // binary rows
        while (block.size() < end) {
          std::byte row[32];
          const std::uint64_t id = row_id++;
          timestamp += rng() % 5000;
          const auto small = static_cast<std::uint32_t>(rng() % 1000);
          const auto flags = static_cast<std::uint32_t>(1u << (rng() % 4));
          const std::uint64_t noise = rng() & 0xffffffffu;
          std::memcpy(row, &id, 8);
          std::memcpy(row + 8, &timestamp, 8);
          std::memcpy(row + 16, &small, 4);
          std::memcpy(row + 20, &flags, 4);
          std::memcpy(row + 24, &noise, 8);
          block.append(ByteView(row, sizeof row));
        }
      } else {  // random
        while (block.size() < end) block.push_back(static_cast<std::byte>(rng() & 0xff));
      }
    }
    block.resize(kBlockSize);
    blocks.push_back(std::move(block));
  }
  return blocks;
}

struct Series {
  std::string name;
  std::function<std::size_t()> pass;  // processes every block once; returns plaintext bytes
  std::vector<double> mbps;
};

void run_round(Series& s, double seconds) {
  std::size_t bytes = 0;
  const auto start = Clock::now();
  double elapsed = 0;
  do {
    bytes += s.pass();
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  } while (elapsed < seconds);
  s.mbps.push_back(static_cast<double>(bytes) / elapsed / 1e6);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "crypto_bench: %s\n", what);
  std::exit(1);
}

void usage() {
  std::puts(
      "usage: crypto_bench [--quick] [--seconds N]\n"
      "  --quick      about one second in total (CI smoke run)\n"
      "  --seconds N  approximate total run time (default 10)");
}

// Raw pipeline state: preallocated buffers reused for every block.
struct Raw {
  std::vector<unsigned char> key = std::vector<unsigned char>(32);
  std::vector<unsigned char> tmp, out, back;
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  Raw() {
    randombytes_buf(key.data(), key.size());
    const std::size_t cap = kBlockSize + kBlockSize / 64 + 1024;
    tmp.resize(cap);
    out.resize(cap + 64);
    back.resize(cap);
  }
  ~Raw() {
    ZSTD_freeCCtx(cctx);
    ZSTD_freeDCtx(dctx);
  }
  const unsigned char* ad() const { return reinterpret_cast<const unsigned char*>(kAd.data()); }

  std::size_t compress(bool zstd, const Buffer& in, unsigned char* dst, std::size_t cap) {
    const auto* src = reinterpret_cast<const char*>(in.data());
    if (zstd) return ZSTD_compressCCtx(cctx, dst, cap, src, in.size(), 3);
    return static_cast<std::size_t>(LZ4_compress_default(
        src, reinterpret_cast<char*>(dst), static_cast<int>(in.size()), static_cast<int>(cap)));
  }
  std::size_t decompress(bool zstd, const unsigned char* src, std::size_t n, unsigned char* dst) {
    if (zstd) return ZSTD_decompressDCtx(dctx, dst, kBlockSize, src, n);
    return static_cast<std::size_t>(
        LZ4_decompress_safe(reinterpret_cast<const char*>(src), reinterpret_cast<char*>(dst),
                            static_cast<int>(n), static_cast<int>(kBlockSize)));
  }
  // nonce || ciphertext || tag of `n` bytes at `src` into `dst`.
  void encrypt(const unsigned char* src, std::size_t n, unsigned char* dst) {
    randombytes_buf(dst, 24);
    crypto_aead_xchacha20poly1305_ietf_encrypt_detached(dst + 24, dst + 24 + n, nullptr, src, n,
                                                        ad(), kAd.size(), nullptr, dst, key.data());
  }
  bool decrypt(const unsigned char* sealed, std::size_t n, unsigned char* dst) {
    const std::size_t m = n - 40;
    return crypto_aead_xchacha20poly1305_ietf_decrypt_detached(dst, nullptr, sealed + 24, m,
                                                               sealed + 24 + m, ad(), kAd.size(),
                                                               sealed, key.data()) == 0;
  }
};

}  // namespace

int main(int argc, char** argv) {
  double total_seconds = 10;
  std::size_t block_count = 128;
  int rounds = 5;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--quick") {
      total_seconds = 1;
      block_count = 32;
      rounds = 3;
    } else if (arg == "--seconds" && i + 1 < argc) {
      total_seconds = std::atof(argv[++i]);
      if (!(total_seconds > 0)) die("--seconds needs a positive number");
    } else if (arg == "--help" || arg == "-h") {
      usage();
      return 0;
    } else {
      usage();
      return 2;
    }
  }
  if (sodium_init() < 0) die("sodium_init failed");

  const std::vector<Buffer> blocks = make_blocks(block_count);
  const std::size_t pass_bytes = block_count * kBlockSize;
  const ByteView ad = zerofs::as_bytes(kAd);
  Raw raw;
  auto key = zcrypt::DataKey::from_bytes(
      ByteView(reinterpret_cast<const std::byte*>(raw.key.data()), raw.key.size()));
  if (!key) die("bad key");
  const auto t_lz4 = zcrypt::Transformer::encrypting(
      zcrypt::DataKey::from_bytes(key->bytes()).value(), zcrypt::Compression::lz4());
  const auto t_zstd =
      zcrypt::Transformer::encrypting(std::move(*key), zcrypt::Compression::zstd(3));

  // Inputs for the open/decompress measurements, prepared once and checked, so the bench
  // measures correct work.
  std::vector<Buffer> sealed_lz4, sealed_zstd;
  std::vector<std::vector<unsigned char>> comp_lz4, comp_zstd, raw_sealed_lz4, raw_sealed_zstd,
      sealed_plain;
  for (const Buffer& b : blocks) {
    sealed_lz4.push_back(t_lz4.encode(b, ad).value());
    sealed_zstd.push_back(t_zstd.encode(b, ad).value());
    if (!(t_zstd.decode(sealed_lz4.back(), ad).value() == b)) die("lz4 round trip failed");
    if (!(t_lz4.decode(sealed_zstd.back(), ad).value() == b)) die("zstd round trip failed");
    for (bool zstd : {false, true}) {
      std::vector<unsigned char> c(raw.tmp.size());
      c.resize(raw.compress(zstd, b, c.data(), c.size()));
      std::vector<unsigned char> s(c.size() + 40);
      raw.encrypt(c.data(), c.size(), s.data());
      (zstd ? comp_zstd : comp_lz4).push_back(std::move(c));
      (zstd ? raw_sealed_zstd : raw_sealed_lz4).push_back(std::move(s));
    }
    std::vector<unsigned char> s(kBlockSize + 40);
    raw.encrypt(reinterpret_cast<const unsigned char*>(b.data()), kBlockSize, s.data());
    sealed_plain.push_back(std::move(s));
  }
  auto total_size = [](const auto& v) {
    std::size_t n = 0;
    for (const auto& x : v) n += x.size();
    return n;
  };

  std::vector<Series> series;
  auto add = [&](std::string name, std::function<void(std::size_t)> per_block) {
    series.push_back({std::move(name),
                      [per_block, n = blocks.size(), pass_bytes] {
                        for (std::size_t i = 0; i < n; ++i) per_block(i);
                        return pass_bytes;
                      },
                      {}});
  };
  std::size_t sink = 0;  // keeps every result observable
  Buffer reused;
  for (bool zstd : {false, true}) {
    const std::string codec = zstd ? "zstd3" : "lz4";
    const zcrypt::Transformer& t = zstd ? t_zstd : t_lz4;
    const auto& sealed = zstd ? sealed_zstd : sealed_lz4;
    const auto& raw_sealed = zstd ? raw_sealed_zstd : raw_sealed_lz4;
    const auto& comp = zstd ? comp_zstd : comp_lz4;
    add("seal_" + codec + "_32k",
        [&, tp = &t](std::size_t i) { sink += tp->encode(blocks[i], ad).value().size(); });
    add("raw_pipeline_seal_" + codec + "_32k", [&, zstd](std::size_t i) {
      const std::size_t c = raw.compress(zstd, blocks[i], raw.tmp.data(), raw.tmp.size());
      raw.encrypt(raw.tmp.data(), c, raw.out.data());
      sink += c;
    });
    add("open_" + codec + "_32k", [&, tp = &t, sp = &sealed](std::size_t i) {
      sink += tp->decode((*sp)[i], ad).value().size();
    });
    add("raw_pipeline_open_" + codec + "_32k", [&, zstd, rs = &raw_sealed](std::size_t i) {
      const auto& s = (*rs)[i];
      if (!raw.decrypt(s.data(), s.size(), raw.tmp.data())) die("raw decrypt failed");
      sink += raw.decompress(zstd, raw.tmp.data(), s.size() - 40, raw.back.data());
    });
    add("seal_" + codec + "_append_32k", [&, tp = &t](std::size_t i) {
      reused.clear();
      if (!tp->encode_append(blocks[i], ad, reused)) die("encode_append failed");
      sink += reused.size();
    });
    add("raw_" + codec + "_compress_32k", [&, zstd](std::size_t i) {
      sink += raw.compress(zstd, blocks[i], raw.tmp.data(), raw.tmp.size());
    });
    add("raw_" + codec + "_decompress_32k", [&, zstd, cp = &comp](std::size_t i) {
      const auto& c = (*cp)[i];
      sink += raw.decompress(zstd, c.data(), c.size(), raw.back.data());
    });
  }
  add("raw_xchacha_encrypt_32k", [&](std::size_t i) {
    raw.encrypt(reinterpret_cast<const unsigned char*>(blocks[i].data()), kBlockSize,
                raw.out.data());
  });
  add("raw_xchacha_decrypt_32k", [&](std::size_t i) {
    sink += raw.decrypt(sealed_plain[i].data(), sealed_plain[i].size(), raw.back.data());
  });

  const double slice = total_seconds / static_cast<double>(series.size() * rounds);
  for (int r = 0; r < rounds; ++r) {
    for (Series& s : series) run_round(s, slice);
  }

  std::printf("data_ratio_lz4 : %.2f x\n",
              static_cast<double>(pass_bytes) / static_cast<double>(total_size(comp_lz4)));
  std::printf("data_ratio_zstd3 : %.2f x\n",
              static_cast<double>(pass_bytes) / static_cast<double>(total_size(comp_zstd)));
  for (const Series& s : series) std::printf("%s : %.1f MB/s\n", s.name.c_str(), median(s.mbps));
  auto find = [&](const std::string& name) {
    for (const Series& s : series) {
      if (s.name == name) return median(s.mbps);
    }
    die("missing series");
  };
  for (std::string op : {"seal", "open"}) {
    for (std::string codec : {"lz4", "zstd3"}) {
      std::printf(
          "%s_%s_vs_raw : %.2f ratio\n", op.c_str(), codec.c_str(),
          find(op + "_" + codec + "_32k") / find("raw_pipeline_" + op + "_" + codec + "_32k"));
    }
  }
  std::printf("seal_lz4_append_vs_raw : %.2f ratio\n",
              find("seal_lz4_append_32k") / find("raw_pipeline_seal_lz4_32k"));
  return sink == 0 ? 1 : 0;
}
