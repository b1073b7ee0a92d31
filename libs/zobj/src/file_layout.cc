#include "file_layout.h"

#include <xxhash.h>

#include <cstring>

namespace zobj::file_layout {

namespace {

void append_escaped(std::string& out, std::string_view segment) {
  for (const char c : segment) {
    if (c == '%') {
      out += "%25";
    } else {
      out.push_back(c);
    }
  }
}

std::optional<std::string> unescape(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] != '%') {
      out.push_back(name[i]);
    } else if (name.substr(i, 3) == "%25") {
      out.push_back('%');
      i += 2;
    } else {
      return std::nullopt;
    }
  }
  return out;
}

}  // namespace

Result<std::string> encode_key_path(std::string_view key) {
  std::string path;
  path.reserve(key.size() + 8);
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = key.find('/', start);
    const bool last = slash == std::string_view::npos;
    const std::size_t name_start = path.size();
    append_escaped(path, key.substr(start, last ? std::string_view::npos : slash - start));
    if (!last) path.push_back('%');
    if (path.size() - name_start > kMaxNameBytes) {
      return zerofs::fail(Errc::invalid_argument,
                          "key '{}' has a segment too long for a file:// store", key);
    }
    if (last) break;
    path.push_back('/');
    start = slash + 1;
  }
  return path;
}

std::optional<std::string> decode_name(std::string_view name, bool& is_dir) {
  is_dir = !name.empty() && name.back() == '%';
  if (is_dir) name.remove_suffix(1);
  if (name.empty() || name == "." || name == "..") return std::nullopt;
  return unescape(name);
}

unsigned lock_stripe(std::string_view key) noexcept {
  return static_cast<unsigned>(XXH3_64bits(key.data(), key.size()) % kLockStripes);
}

std::size_t encode_header(std::string_view etag, std::string_view put_id, std::byte* out) {
  std::memcpy(out, kMagic, sizeof kMagic);
  out[4] = std::byte{kFormatVersion};
  out[5] = static_cast<std::byte>(etag.size());
  out[6] = static_cast<std::byte>(put_id.size());
  out[7] = std::byte{0};
  std::memcpy(out + kFixedHeaderBytes, etag.data(), etag.size());
  std::memcpy(out + kFixedHeaderBytes + etag.size(), put_id.data(), put_id.size());
  return kFixedHeaderBytes + etag.size() + put_id.size();
}

Result<Header> decode_header(ByteView bytes, std::string_view path) {
  if (bytes.size() < kFixedHeaderBytes || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    return zerofs::fail(Errc::corrupt, "{} is not a zobj object file", path);
  }
  const auto version = static_cast<std::uint8_t>(bytes[4]);
  if (version != kFormatVersion) {
    return zerofs::fail(Errc::corrupt, "{} has unknown object format version {}", path, version);
  }
  const auto etag_len = static_cast<std::size_t>(bytes[5]);
  const auto put_id_len = static_cast<std::size_t>(bytes[6]);
  Header header;
  header.length = kFixedHeaderBytes + etag_len + put_id_len;
  if (bytes.size() < header.length) {
    return zerofs::fail(Errc::corrupt, "{} has a truncated object header", path);
  }
  const std::string_view chars = zerofs::as_chars(bytes);
  header.etag = chars.substr(kFixedHeaderBytes, etag_len);
  header.put_id = chars.substr(kFixedHeaderBytes + etag_len, put_id_len);
  return header;
}

}  // namespace zobj::file_layout
