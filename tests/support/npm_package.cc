#include "test_support/npm_package.h"

#include <cstdio>
#include <string>

namespace zerofs::testing {

std::string npm_package(std::string_view name, std::string* why) {
  const std::string command =
      "bash '" ZEROFS_NPM_PACKAGE_SCRIPT "' '" + std::string(name) + "' 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    *why = "cannot run " ZEROFS_NPM_PACKAGE_SCRIPT;
    return "";
  }
  std::string out;
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
  const int status = ::pclose(pipe);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  if (status != 0) {
    *why = out.empty() ? "npm_package.sh " + std::string(name) + " failed" : out;
    return "";
  }
  return out;
}

}  // namespace zerofs::testing
