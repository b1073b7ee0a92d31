// Buffer: the one owning byte buffer of zerofs, and helpers to view bytes.
//
// Views are std::span<const std::byte> (ByteView) or std::string_view. A Buffer owns its
// bytes, grows without zero-filling (resize() leaves new bytes uninitialised: callers write
// them), and is move-only so a large copy is always visible as clone().
// Thread safety: none; a Buffer is a value.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace zerofs {

using ByteView = std::span<const std::byte>;
using MutableByteView = std::span<std::byte>;

inline ByteView as_bytes(std::string_view s) noexcept {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}
inline std::string_view as_chars(ByteView b) noexcept {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}
inline bool bytes_equal(ByteView a, ByteView b) noexcept {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size()) == 0);
}

class Buffer {
 public:
  Buffer() noexcept = default;
  // A buffer of `size` uninitialised bytes.
  explicit Buffer(std::size_t size) { resize(size); }

  static Buffer copy_of(ByteView bytes) {
    Buffer b;
    b.append(bytes);
    return b;
  }
  static Buffer copy_of(std::string_view chars) { return copy_of(as_bytes(chars)); }

  Buffer(Buffer&& other) noexcept
      : data_(std::move(other.data_)), size_(other.size_), capacity_(other.capacity_) {
    other.size_ = other.capacity_ = 0;
  }
  Buffer& operator=(Buffer&& other) noexcept {
    data_ = std::move(other.data_);
    size_ = other.size_;
    capacity_ = other.capacity_;
    other.size_ = other.capacity_ = 0;
    return *this;
  }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  Buffer clone() const { return copy_of(view()); }

  std::byte* data() noexcept { return data_.get(); }
  const std::byte* data() const noexcept { return data_.get(); }
  std::size_t size() const noexcept { return size_; }
  std::size_t capacity() const noexcept { return capacity_; }
  bool empty() const noexcept { return size_ == 0; }

  std::byte& operator[](std::size_t i) noexcept { return data_[i]; }
  std::byte operator[](std::size_t i) const noexcept { return data_[i]; }

  ByteView view() const noexcept { return {data_.get(), size_}; }
  MutableByteView mutable_view() noexcept { return {data_.get(), size_}; }
  std::string_view chars() const noexcept { return as_chars(view()); }
  operator ByteView() const noexcept { return view(); }  // NOLINT: views convert implicitly

  void reserve(std::size_t capacity) {
    if (capacity > capacity_) reallocate(capacity);
  }
  // Growing leaves the new bytes uninitialised.
  void resize(std::size_t size) {
    if (size > capacity_) reallocate(grow_to(size));
    size_ = size;
  }
  void clear() noexcept { size_ = 0; }

  void append(ByteView bytes) {
    if (bytes.empty()) return;
    const std::size_t old = size_;
    resize(old + bytes.size());
    std::memcpy(data_.get() + old, bytes.data(), bytes.size());
  }
  void append(std::string_view chars) { append(as_bytes(chars)); }
  void push_back(std::byte b) {
    resize(size_ + 1);
    data_[size_ - 1] = b;
  }

  friend bool operator==(const Buffer& a, const Buffer& b) noexcept {
    return bytes_equal(a.view(), b.view());
  }

 private:
  std::size_t grow_to(std::size_t need) const noexcept {
    std::size_t cap = capacity_ < 64 ? 64 : capacity_ + capacity_ / 2;
    return cap < need ? need : cap;
  }
  void reallocate(std::size_t capacity) {
    std::unique_ptr<std::byte[]> fresh(new std::byte[capacity]);  // default-init: no zero fill
    if (size_ != 0) std::memcpy(fresh.get(), data_.get(), size_);
    data_ = std::move(fresh);
    capacity_ = capacity;
  }

  std::unique_ptr<std::byte[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace zerofs
