// embed_tree: how a C++ program embeds zerofs without a network protocol or an event loop.
//
//   zvfs_embed_example DIR
//
// Creates (or opens) an encrypted filesystem in the local folder DIR (a file:// store),
// writes a small tree through zvfs::BlockingFilesystem, closes it, opens it again, reads the
// tree back and compares every byte. Prints one line per file and exits 0 when all matched.
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "zvfs/blocking_filesystem.h"

namespace {

using zvfs::Credentials;
using zvfs::Ino;

// The tree: path -> content ("" and a trailing '/' make a directory).
const std::map<std::string, std::string>& tree() {
  static const std::map<std::string, std::string> t = {
      {"docs/", ""},
      {"docs/readme.txt", "zerofs keeps this file encrypted in an object store.\n"},
      {"docs/notes/", ""},
      {"docs/notes/todo.md", "# plans\n- write\n- read\n"},
      {"data/", ""},
      {"data/big.bin", std::string(100000, 'z') + "end"},
  };
  return t;
}

zvfs::FilesystemConfig config_for(const std::string& dir) {
  zvfs::FilesystemConfig c;
  c.url = "file://" + dir;
  c.password = "example password";
  // Argon2id at a low cost so the example starts quickly; real deployments keep the
  // defaults (or pass the cost in the config).
  c.kdf_opslimit = 1;
  c.kdf_memlimit = 8 << 20;
  return c;
}

int fail(std::string_view what, const zerofs::Error& e) {
  std::fprintf(stderr, "%.*s: %s\n", static_cast<int>(what.size()), what.data(),
               e.to_string().c_str());
  return 1;
}

// Finds (or with `make` creates) the directory for `path`'s parent; returns it.
zerofs::Result<Ino> parent_dir(zvfs::BlockingFilesystem& fs, std::string_view path, bool make) {
  const Credentials me = Credentials::root();
  Ino dir = zvfs::kRootIno;
  std::size_t start = 0;
  for (std::size_t slash; (slash = path.find('/', start)) != std::string_view::npos;
       start = slash + 1) {
    const std::string_view name = path.substr(start, slash - start);
    auto found = fs.lookup(me, dir, name);
    if (!found && make && found.error().code() == zerofs::Errc::not_found) {
      found = fs.mkdir(me, dir, name, 0755);
    }
    if (!found) return std::unexpected(found.error());
    dir = found->ino;
  }
  return dir;
}

int write_tree(zvfs::BlockingFilesystem& fs) {
  const Credentials me = Credentials::root();
  for (const auto& [path, content] : tree()) {
    if (path.ends_with('/')) continue;  // made on the way to its files
    auto dir = parent_dir(fs, path, true);
    if (!dir) return fail("mkdir", dir.error());
    const std::string leaf = path.substr(path.rfind('/') + 1);
    auto file = fs.create(me, *dir, leaf, 0644, false);
    if (!file) return fail("create " + path, file.error());
    auto written = fs.write(me, file->attr.ino, 0, zerofs::as_bytes(content));
    if (!written) return fail("write " + path, written.error());
  }
  if (auto synced = fs.sync(); !synced) return fail("sync", synced.error());
  return 0;
}

int read_tree(zvfs::BlockingFilesystem& fs) {
  const Credentials me = Credentials::root();
  int mismatches = 0;
  for (const auto& [path, content] : tree()) {
    if (path.ends_with('/')) continue;
    auto dir = parent_dir(fs, path, false);
    if (!dir) return fail("lookup " + path, dir.error());
    auto attr = fs.lookup(me, *dir, path.substr(path.rfind('/') + 1));
    if (!attr) return fail("lookup " + path, attr.error());
    auto data = fs.read(me, attr->ino, 0, attr->size);
    if (!data) return fail("read " + path, data.error());
    const bool same = data->data.chars() == content;
    mismatches += same ? 0 : 1;
    std::printf("%-20s %7llu bytes  %s\n", path.c_str(),
                static_cast<unsigned long long>(attr->size), same ? "ok" : "DIFFERS");
  }
  auto report = fs.check();
  if (!report) return fail("check", report.error());
  std::printf("check: %s\n", report->summary().c_str());
  return mismatches == 0 && report->clean() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  const zvfs::FilesystemConfig config = config_for(argv[1]);
  {
    auto fs = zvfs::BlockingFilesystem::open(config);
    if (!fs) return fail("open", fs.error());
    if (int rc = write_tree(**fs); rc != 0) return rc;
    if (auto closed = (*fs)->close(); !closed) return fail("close", closed.error());
  }
  auto fs = zvfs::BlockingFilesystem::open(config);  // a second start reads what the first wrote
  if (!fs) return fail("reopen", fs.error());
  const int rc = read_tree(**fs);
  if (auto closed = (*fs)->close(); !closed) return fail("close", closed.error());
  return rc;
}
