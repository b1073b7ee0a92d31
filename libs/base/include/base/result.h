// Result<T> and Error: how every zerofs layer reports failure.
//
// No exceptions cross a library boundary. An Error carries an errno-like code (Errc) and a
// human-readable message. Each protocol frontend maps Errc to its wire status in exactly one
// function; to_errno() gives the POSIX value for embedders.
#pragma once

#include <fmt/core.h>

#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace zerofs {

// Frozen numbering is not required (codes never reach storage), but keep related codes together.
enum class Errc : unsigned short {
  // Object-store taxonomy (libzobj). Only `transient` is retried by the retry wrapper.
  not_found,            // object / entry does not exist (ENOENT)
  already_exists,       // create-if-absent found the key present (EEXIST)
  precondition_failed,  // if-match with a stale etag
  transient,            // retryable: 5xx, 429/SlowDown, timeouts, connection resets
  permanent,            // non-retryable I/O failure (EIO)
  unauthorized,         // credentials rejected by the store

  // Keys, formats, engines.
  wrong_password,  // the password does not unwrap the data key
  integrity,       // authentication tag or checksum mismatch: bytes were altered
  corrupt,         // bytes authenticate but do not decode as the expected format
  fenced,          // a newer writer owns the database; this one must stop
  cancelled,       // the operation was cancelled (shutdown)

  // POSIX-like, used by libzvfs and the protocol layers.
  invalid_argument,  // EINVAL
  unsupported,       // ENOTSUP / EOPNOTSUPP
  not_permitted,     // EPERM
  access_denied,     // EACCES
  not_a_directory,   // ENOTDIR
  is_a_directory,    // EISDIR
  not_empty,         // ENOTEMPTY
  name_too_long,     // ENAMETOOLONG
  no_space,          // ENOSPC
  read_only,         // EROFS
  cross_device,      // EXDEV
  too_many_links,    // EMLINK
  loop,              // ELOOP
  stale,             // ESTALE
  file_too_large,    // EFBIG
  bad_handle,        // EBADF
  no_data,           // ENODATA (xattr absent)
  range,             // ERANGE (buffer too small)
  busy,              // EBUSY
  too_big,           // E2BIG
  would_block,       // EAGAIN
};

// Stable lower-case name of a code, e.g. "not_found".
std::string_view errc_name(Errc code) noexcept;

// POSIX errno value for a code (EIO for codes without a closer match).
int to_errno(Errc code) noexcept;

class Error {
 public:
  Error(Errc code, std::string message) : code_(code), message_(std::move(message)) {}

  template <typename... Args>
  static Error make(Errc code, fmt::format_string<Args...> format, Args&&... args) {
    return Error(code, fmt::format(format, std::forward<Args>(args)...));
  }

  Errc code() const noexcept { return code_; }
  const std::string& message() const noexcept { return message_; }

  // "<code name>: <message>"
  std::string to_string() const;

  // Returns a copy whose message is prefixed with `context: `.
  Error with_context(std::string_view context) const;

  // How long the failing service asked us to wait before trying again (an HTTP
  // Retry-After), in milliseconds; 0 when it said nothing. Retry loops honour it.
  unsigned retry_after_ms() const noexcept { return retry_after_ms_; }
  Error with_retry_after_ms(unsigned ms) && {
    retry_after_ms_ = ms;
    return std::move(*this);
  }

 private:
  Errc code_;
  std::string message_;
  unsigned retry_after_ms_ = 0;
};

template <typename T = void>
using Result = std::expected<T, Error>;

// Shorthand for `return std::unexpected(Error::make(...))`.
template <typename... Args>
std::unexpected<Error> fail(Errc code, fmt::format_string<Args...> format, Args&&... args) {
  return std::unexpected(Error::make(code, format, std::forward<Args>(args)...));
}

inline std::unexpected<Error> fail(Error error) { return std::unexpected(std::move(error)); }

}  // namespace zerofs

#define ZEROFS_CONCAT_INNER(a, b) a##b
#define ZEROFS_CONCAT(a, b) ZEROFS_CONCAT_INNER(a, b)

// ZF_TRY(decl, expr): evaluate a Result; on error return it from the enclosing function,
// otherwise move the value into `decl` (e.g. `ZF_TRY(auto page, parse(bytes));`).
#define ZF_TRY(decl, expr) ZF_TRY_IMPL(decl, expr, ZEROFS_CONCAT(zf_try_, __LINE__), return )
// ZF_CO_TRY: the same inside a coroutine.
#define ZF_CO_TRY(decl, expr) ZF_TRY_IMPL(decl, expr, ZEROFS_CONCAT(zf_try_, __LINE__), co_return )
#define ZF_TRY_IMPL(decl, expr, tmp, ret)                \
  auto tmp = (expr);                                     \
  if (!tmp) ret std::unexpected(std::move(tmp).error()); \
  decl = std::move(*tmp)

// ZF_CHECK(expr) / ZF_CO_CHECK(expr): for Result<void> (or when the value is unused).
#define ZF_CHECK(expr) ZF_CHECK_IMPL(expr, ZEROFS_CONCAT(zf_chk_, __LINE__), return )
#define ZF_CO_CHECK(expr) ZF_CHECK_IMPL(expr, ZEROFS_CONCAT(zf_chk_, __LINE__), co_return )
#define ZF_CHECK_IMPL(expr, tmp, ret)                      \
  do {                                                     \
    auto tmp = (expr);                                     \
    if (!tmp) ret std::unexpected(std::move(tmp).error()); \
  } while (0)
