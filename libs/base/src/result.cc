#include "base/result.h"

#include <cerrno>

namespace zerofs {

namespace {
struct ErrcInfo {
  std::string_view name;
  int posix;
};

constexpr ErrcInfo info(Errc code) noexcept {
  switch (code) {
    case Errc::not_found:
      return {"not_found", ENOENT};
    case Errc::already_exists:
      return {"already_exists", EEXIST};
    case Errc::precondition_failed:
      return {"precondition_failed", EAGAIN};
    case Errc::transient:
      return {"transient", EIO};
    case Errc::permanent:
      return {"permanent", EIO};
    case Errc::unauthorized:
      return {"unauthorized", EACCES};
    case Errc::wrong_password:
      return {"wrong_password", EACCES};
    case Errc::integrity:
      return {"integrity", EIO};
    case Errc::corrupt:
      return {"corrupt", EIO};
    case Errc::fenced:
      return {"fenced", EROFS};
    case Errc::cancelled:
      return {"cancelled", ECANCELED};
    case Errc::invalid_argument:
      return {"invalid_argument", EINVAL};
    case Errc::unsupported:
      return {"unsupported", EOPNOTSUPP};
    case Errc::not_permitted:
      return {"not_permitted", EPERM};
    case Errc::access_denied:
      return {"access_denied", EACCES};
    case Errc::not_a_directory:
      return {"not_a_directory", ENOTDIR};
    case Errc::is_a_directory:
      return {"is_a_directory", EISDIR};
    case Errc::not_empty:
      return {"not_empty", ENOTEMPTY};
    case Errc::name_too_long:
      return {"name_too_long", ENAMETOOLONG};
    case Errc::no_space:
      return {"no_space", ENOSPC};
    case Errc::read_only:
      return {"read_only", EROFS};
    case Errc::cross_device:
      return {"cross_device", EXDEV};
    case Errc::too_many_links:
      return {"too_many_links", EMLINK};
    case Errc::loop:
      return {"loop", ELOOP};
    case Errc::stale:
      return {"stale", ESTALE};
    case Errc::file_too_large:
      return {"file_too_large", EFBIG};
    case Errc::bad_handle:
      return {"bad_handle", EBADF};
    case Errc::no_data:
      return {"no_data", ENODATA};
    case Errc::range:
      return {"range", ERANGE};
    case Errc::busy:
      return {"busy", EBUSY};
    case Errc::too_big:
      return {"too_big", E2BIG};
    case Errc::would_block:
      return {"would_block", EAGAIN};
  }
  return {"unknown", EIO};
}
}  // namespace

std::string_view errc_name(Errc code) noexcept { return info(code).name; }

int to_errno(Errc code) noexcept { return info(code).posix; }

std::string Error::to_string() const { return fmt::format("{}: {}", errc_name(code_), message_); }

Error Error::with_context(std::string_view context) const {
  Error out(code_, fmt::format("{}: {}", context, message_));
  out.retry_after_ms_ = retry_after_ms_;
  return out;
}

}  // namespace zerofs
