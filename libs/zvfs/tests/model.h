// The in-memory reference filesystem for the model-based test: what each operation must
// do and which error it must fail with, as zvfs implements Linux's rules (root caller).
#pragma once

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "zvfs/types.h"

namespace zvfs::testing {

struct ModelNode {
  FileType type = FileType::regular;
  std::uint32_t mode = 0644;
  std::string data;                    // regular files
  std::string target;                  // symlinks
  std::map<std::string, Ino> entries;  // directories
  Ino parent = 0;                      // directories
  std::uint32_t nlink = 1;
  std::map<std::string, std::string> xattrs;
  int opens = 0;
};

class Model {
 public:
  using Errc = zerofs::Errc;
  std::map<Ino, ModelNode> nodes;

  ModelNode& at(Ino ino) { return nodes.at(ino); }
  bool is_dir(Ino ino) const { return nodes.at(ino).type == FileType::directory; }
  std::optional<Ino> entry(Ino dir, const std::string& name) const {
    const auto& e = nodes.at(dir).entries;
    auto it = e.find(name);
    if (it == e.end()) return std::nullopt;
    return it->second;
  }

  // Whether `ino` is `dir` or lies below it.
  bool inside(Ino ino, Ino dir) const {
    for (Ino cursor = ino;; cursor = nodes.at(cursor).parent) {
      if (cursor == dir) return true;
      if (cursor == kRootIno) return false;
    }
  }

  void add(Ino dir, const std::string& name, Ino ino, ModelNode node) {
    if (node.type == FileType::directory) {
      node.parent = dir;
      node.nlink = 2;
      ++at(dir).nlink;
    }
    nodes[ino] = std::move(node);
    at(dir).entries[name] = ino;
  }

  // Drops one link of `ino` named `name` in `dir`.
  void drop(Ino dir, const std::string& name) {
    const Ino ino = at(dir).entries.at(name);
    at(dir).entries.erase(name);
    ModelNode& n = at(ino);
    if (n.type == FileType::directory) {
      --at(dir).nlink;
      n.nlink = 0;
    } else {
      --n.nlink;
    }
    if (n.nlink == 0 && n.opens == 0) nodes.erase(ino);
  }

  // The expected outcome of rename; applies it when it succeeds.
  std::optional<Errc> rename(Ino d1, const std::string& n1, Ino d2, const std::string& n2,
                             unsigned flags) {
    const auto src = entry(d1, n1);
    if (!src) return Errc::not_found;
    const auto dst = entry(d2, n2);
    if (flags == kRenameExchange) {
      if (!dst) return Errc::not_found;
      if (*src == *dst) return std::nullopt;
      if (d1 != d2) {
        if (is_dir(*src) && inside(d2, *src)) return Errc::invalid_argument;
        if (is_dir(*dst) && inside(d1, *dst)) return Errc::invalid_argument;
      }
      at(d1).entries[n1] = *dst;
      at(d2).entries[n2] = *src;
      if (d1 != d2) {
        if (is_dir(*src)) {
          at(*src).parent = d2;
          --at(d1).nlink;
          ++at(d2).nlink;
        }
        if (is_dir(*dst)) {
          at(*dst).parent = d1;
          --at(d2).nlink;
          ++at(d1).nlink;
        }
      }
      return std::nullopt;
    }
    if (dst) {
      if (*dst == *src) return std::nullopt;
      if (flags == kRenameNoReplace) return Errc::already_exists;
      if (is_dir(*src)) {
        if (!is_dir(*dst)) return Errc::not_a_directory;
        if (!at(*dst).entries.empty()) return Errc::not_empty;
      } else if (is_dir(*dst)) {
        return Errc::is_a_directory;
      }
    }
    if (is_dir(*src) && d1 != d2 && inside(d2, *src)) return Errc::invalid_argument;
    if (dst) drop(d2, n2);
    at(d1).entries.erase(n1);
    at(d2).entries[n2] = *src;
    if (is_dir(*src) && d1 != d2) {
      at(*src).parent = d2;
      --at(d1).nlink;
      ++at(d2).nlink;
    }
    return std::nullopt;
  }

  // A restart: opens are gone, and so are the files only they kept.
  void restart() {
    for (auto it = nodes.begin(); it != nodes.end();) {
      it->second.opens = 0;
      if (it->second.nlink == 0) {
        it = nodes.erase(it);
      } else {
        ++it;
      }
    }
  }

  std::vector<Ino> live(bool dirs) const {
    std::vector<Ino> out;
    for (const auto& [ino, n] : nodes) {
      if ((n.type == FileType::directory) == dirs && (n.nlink > 0 || !dirs)) out.push_back(ino);
    }
    return out;
  }
  std::vector<Ino> live_files() const {
    std::vector<Ino> out;
    for (const auto& [ino, n] : nodes) {
      if (n.type == FileType::regular) out.push_back(ino);
    }
    return out;
  }
};

}  // namespace zvfs::testing
