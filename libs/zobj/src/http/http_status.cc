#include "http/http_status.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <ctime>

namespace zobj::http {

using zerofs::Errc;

Errc errc_for_status(int status) noexcept {
  if (status == 404) return Errc::not_found;
  if (status == 412) return Errc::precondition_failed;
  if (status == 401 || status == 403) return Errc::unauthorized;
  if (status == 408 || status == 429 || (status >= 500 && status <= 599)) return Errc::transient;
  return Errc::permanent;
}

namespace {

bool parse_int(std::string_view s, int& out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

std::optional<std::int64_t> parse_http_date(std::string_view date) {
  // "Sun, 06 Nov 1994 08:49:37 GMT": fixed positions.
  if (date.size() != 29 || date.substr(25) != " GMT" || date[3] != ',') return std::nullopt;
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::tm tm{};
  int month = -1;
  for (int i = 0; i < 12; ++i) {
    if (date.substr(8, 3) == kMonths[static_cast<std::size_t>(i)]) month = i;
  }
  if (month < 0 || !parse_int(date.substr(5, 2), tm.tm_mday) ||
      !parse_int(date.substr(12, 4), tm.tm_year) || !parse_int(date.substr(17, 2), tm.tm_hour) ||
      !parse_int(date.substr(20, 2), tm.tm_min) || !parse_int(date.substr(23, 2), tm.tm_sec)) {
    return std::nullopt;
  }
  tm.tm_mon = month;
  tm.tm_year -= 1900;
  return std::int64_t{::timegm(&tm)} * 1000;
}

std::optional<std::chrono::milliseconds> retry_after(const Response& response,
                                                     std::chrono::system_clock::time_point now) {
  const auto value = response.header("Retry-After");
  if (!value) return std::nullopt;
  constexpr std::chrono::milliseconds kCap = std::chrono::hours(1);
  int seconds = 0;
  if (parse_int(*value, seconds)) {
    if (seconds < 0) return std::nullopt;
    return std::min<std::chrono::milliseconds>(std::chrono::seconds(seconds), kCap);
  }
  const auto at = parse_http_date(*value);
  if (!at) return std::nullopt;
  const auto now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  return std::clamp(std::chrono::milliseconds(*at - now_ms), std::chrono::milliseconds(0), kCap);
}

zerofs::Error with_retry_hint(zerofs::Error error, const Response& response) {
  const auto hint = retry_after(response);
  if (!hint || hint->count() <= 0) return error;
  return std::move(error).with_retry_after_ms(static_cast<unsigned>(hint->count()));
}

}  // namespace zobj::http
