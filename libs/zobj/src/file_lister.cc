#include "file_lister.h"

#include <dirent.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "file_layout.h"
#include "object_file.h"
#include "posix.h"

namespace zobj {

namespace {

struct Entry {
  std::string key;  // the object's key, or for a directory the key prefix it holds ("a/b/")
  std::string name;
  bool is_dir = false;
};

class TreeWalk {
 public:
  TreeWalk(const std::string& prefix, const std::string& start_after, std::size_t max_keys)
      : prefix_(prefix), start_after_(start_after), max_keys_(max_keys) {}

  // Appends wanted objects under `dir` (holding keys that start with `dir_key`) in key
  // order; true once the page is full.
  Result<bool> walk(const std::string& dir, const std::string& dir_key) {
    ZF_TRY(std::vector<Entry> entries, read_entries(dir, dir_key));
    // A directory's entries sort by "segment/" and files by "segment": every key below
    // "s/" shares that prefix, and no other key starts with it, so this order is key order.
    std::sort(entries.begin(), entries.end(),
              [](const Entry& a, const Entry& b) { return a.key < b.key; });
    for (const Entry& entry : entries) {
      const std::string path = dir + "/" + entry.name;
      if (entry.is_dir) {
        ZF_TRY(const bool full, walk(path, entry.key));
        if (full) return true;
        continue;
      }
      auto object = object_file::open(path);
      if (!object) {
        const Errc code = object.error().code();
        if (code == Errc::not_found || code == Errc::corrupt) continue;  // see header
        return std::unexpected(std::move(object).error());
      }
      page_.objects.push_back(object->meta(entry.key));
      if (page_.objects.size() == max_keys_) {
        page_.next_start_after = entry.key;
        return true;
      }
    }
    return false;
  }

  ListPage take_page() { return std::move(page_); }

 private:
  // Whether some key below the directory holding `dir_key` may be wanted.
  bool wanted_dir(const std::string& dir_key) const {
    const bool prefix_ok = dir_key.starts_with(prefix_) || prefix_.starts_with(dir_key);
    // All keys below sort after dir_key; if start_after is past dir_key without being inside
    // the directory, every key below is at or before it.
    const bool after_ok = start_after_ < dir_key || start_after_.starts_with(dir_key);
    return prefix_ok && after_ok;
  }

  bool wanted_key(const std::string& key) const {
    return key.starts_with(prefix_) && key > start_after_;
  }

  Result<std::vector<Entry>> read_entries(const std::string& dir, const std::string& dir_key) {
    std::vector<Entry> entries;
    DIR* handle = ::opendir(dir.c_str());
    if (handle == nullptr) {
      // Vanished, or a foreign file whose name looks like a directory: nothing to list.
      if (errno == ENOENT || errno == ENOTDIR) return entries;
      return std::unexpected(posix::errno_error(errno, "opendir", dir));
    }
    errno = 0;
    while (const dirent* d = ::readdir(handle)) {
      const std::string_view name = d->d_name;
      bool is_dir = false;
      std::optional<std::string> segment = file_layout::decode_name(name, is_dir);
      if (!segment) continue;
      std::string key = dir_key + *segment;
      if (is_dir) key.push_back('/');
      if (is_dir ? wanted_dir(key) : wanted_key(key)) {
        entries.push_back(Entry{std::move(key), std::string(name), is_dir});
      }
      errno = 0;
    }
    const int read_error = errno;
    ::closedir(handle);
    if (read_error != 0) return std::unexpected(posix::errno_error(read_error, "readdir", dir));
    return entries;
  }

  const std::string& prefix_;
  const std::string& start_after_;
  const std::size_t max_keys_;
  ListPage page_;
};

}  // namespace

Result<ListPage> list_objects(const std::string& root, const std::string& prefix,
                              const std::string& start_after, std::size_t max_keys) {
  TreeWalk walk(prefix, start_after, max_keys);
  ZF_CHECK(walk.walk(root, std::string()));
  return walk.take_page();
}

}  // namespace zobj
