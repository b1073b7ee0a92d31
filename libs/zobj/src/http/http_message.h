// Plain HTTP/1.1 messages, free of Beast: what callers of http::Client build and read.
//
// Header names compare case-insensitively. A Request's body is a view: the bytes must stay
// valid until Client::send() completes, which lets large uploads go out without a copy.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/buffer.h"

namespace zobj::http {

struct Header {
  std::string name;
  std::string value;
  Header(std::string n, std::string v) : name(std::move(n)), value(std::move(v)) {}
};
using Headers = std::vector<Header>;

// The value of the first header called `name` (any case), or nullopt.
std::optional<std::string_view> find_header(const Headers& headers, std::string_view name);

bool iequals(std::string_view a, std::string_view b) noexcept;

struct Request {
  std::string method;  // "GET", "PUT", ...
  std::string target;  // origin-form: encoded path plus "?query"
  Headers headers;     // Host, Content-Length and User-Agent are added by the client
  zerofs::ByteView body;
  // Give up (Errc::transient, connection closed) once this instant passes, whatever the
  // per-operation timeouts say. Used to keep a request inside a lease.
  std::optional<std::chrono::steady_clock::time_point> deadline;

  Request() = default;
  Request(std::string m, std::string t) : method(std::move(m)), target(std::move(t)) {}
};

struct Response {
  int status = 0;
  Headers headers;
  zerofs::Buffer body;

  std::optional<std::string_view> header(std::string_view name) const {
    return find_header(headers, name);
  }
};

}  // namespace zobj::http
