#include "cache/disk_cache.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>

#include "base/log.h"
#include "cache/part_file.h"

namespace zobj::cache {

namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kMtimeRefreshNs = 60'000'000'000;  // refresh recency on disk once a minute

std::int64_t mtime_ns(const struct stat& st) {
  return std::int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec;
}

std::int64_t now_ns() {
  struct timespec ts {};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

void unlink_quietly(const std::string& path) { (void)::unlink(path.c_str()); }

Result<void> make_dir(const fs::path& path) {
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) return zerofs::fail(posix::errno_error(ec.value(), "create directory", path.string()));
  return {};
}

// Reads the header of an open part file (and the file's size and mtime).
struct HeaderRead {
  PartHeader header;
  Buffer head;
  struct stat st {};
};

Result<HeaderRead> read_header(int fd, const std::string& path) {
  HeaderRead r;
  if (::fstat(fd, &r.st) != 0) return zerofs::fail(posix::errno_error(errno, "stat", path));
  const auto size = static_cast<std::uint64_t>(r.st.st_size);
  r.head = Buffer(static_cast<std::size_t>(std::min<std::uint64_t>(size, kPartHeaderMax)));
  ZF_TRY(const std::size_t got, posix::pread_full(fd, r.head.mutable_view(), 0, path));
  r.head.resize(got);
  ZF_TRY(r.header, decode_part_header(r.head.view()));
  if (size != r.header.header_len + r.header.length) {
    return zerofs::fail(Errc::corrupt, "cache part {} has the wrong size", path);
  }
  return r;
}

}  // namespace

struct DiskCache::Found {
  std::int64_t mtime = 0;
  PartHeader header;
  std::uint64_t file_bytes = 0;
};

Result<std::unique_ptr<DiskCache>> DiskCache::open(const fs::path& dir,
                                                   const std::string& namespace_id,
                                                   std::uint64_t capacity, std::uint32_t part_size,
                                                   CacheCounters& counters) {
  const fs::path root = dir / namespace_dir_name(namespace_id);
  ZF_CHECK(make_dir(root));
  const std::string lock_path = (root / "lock").string();
  ZF_TRY(posix::UniqueFd lock, posix::open_file(lock_path, O_RDWR | O_CREAT, 0644));
  ZF_TRY(const bool locked, posix::try_lock(lock.get(), lock_path));
  if (!locked) {
    return zerofs::fail(Errc::busy, "the disk cache {} is in use by another process",
                        root.string());
  }
  {
    // For operators: which store the hashed directory belongs to.
    ZF_TRY(posix::UniqueFd fd,
           posix::open_file((root / "namespace").string(), O_WRONLY | O_CREAT | O_TRUNC, 0644));
    const std::string line = namespace_id + "\n";
    const std::array<ByteView, 1> parts = {zerofs::as_bytes(line)};
    ZF_CHECK(posix::write_all(fd.get(), parts, (root / "namespace").string()));
  }
  std::error_code ec;
  fs::remove_all(root / "tmp", ec);  // temp files of an earlier run (we hold the lock)
  ZF_CHECK(make_dir(root / "tmp"));
  std::unique_ptr<DiskCache> cache(
      new DiskCache(root, capacity, part_size, std::move(lock), counters));
  ZF_CHECK(cache->scan());
  return cache;
}

DiskCache::DiskCache(fs::path root, std::uint64_t capacity, std::uint32_t part_size,
                     posix::UniqueFd lock, CacheCounters& counters)
    : root_(std::move(root)),
      tmp_dir_((root_ / "tmp").string()),
      capacity_(capacity),
      part_size_(part_size),
      lock_(std::move(lock)),
      counters_(counters) {}

Result<void> DiskCache::scan() {
  std::vector<Found> found;
  for (int i = 0; i < 256; ++i) {
    const fs::path sub = root_ / fmt::format("{:02x}", i);
    std::error_code ec;
    for (fs::directory_iterator it(sub, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string path = it->path().string();
      auto fd = posix::open_file(path, O_RDONLY);
      if (!fd) continue;
      auto read = read_header(fd->get(), path);
      if (!read || read->header.part_size != part_size_ ||
          it->path().filename().string() !=
              fs::path(part_file_name(read->header.meta.key, read->header.part))
                  .filename()
                  .string()) {
        // Torn, corrupt, foreign or written with another part size: never served.
        unlink_quietly(path);
        counters_.corrupt->add();
        counters_.local_corrupt.fetch_add(1, std::memory_order_relaxed);
        continue;
      }
      found.push_back(Found{mtime_ns(read->st), std::move(read->header),
                            static_cast<std::uint64_t>(read->st.st_size)});
    }
    if (ec && ec != std::errc::no_such_file_or_directory) {
      return zerofs::fail(posix::errno_error(ec.value(), "list", sub.string()));
    }
  }
  // Newest first: the newest version of an object wins, and the LRU list fills from the
  // most recent end.
  std::sort(found.begin(), found.end(),
            [](const Found& a, const Found& b) { return a.mtime > b.mtime; });
  std::lock_guard lock(mutex_);
  for (const Found& f : found) {
    auto obj = objects_.find(f.header.meta.key);
    if (obj != objects_.end() && obj->second.cached.meta.etag != f.header.meta.etag) {
      unlink_quietly(path_of(f.header.meta.key, f.header.part));
      continue;
    }
    insert_locked(f.header.meta, f.header.part, f.file_bytes, false, false);
  }
  evict_locked();
  publish_locked();
  zerofs::log::debug("disk cache {}: {} parts, {} bytes", root_.string(), files_, used_);
  return {};
}

std::string DiskCache::path_of(const std::string& key, std::uint64_t part) const {
  return (root_ / part_file_name(key, part)).string();
}

std::optional<CachedObject> DiskCache::object(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = objects_.find(key);
  if (it == objects_.end()) return std::nullopt;
  return it->second.cached;
}

std::vector<bool> DiskCache::present(const std::string& key, const std::string& etag,
                                     std::uint64_t first, std::uint64_t last) const {
  std::vector<bool> out(last - first + 1, false);
  std::lock_guard lock(mutex_);
  auto it = objects_.find(key);
  if (it == objects_.end() || it->second.cached.meta.etag != etag) return out;
  for (std::uint64_t p = first; p <= last; ++p) out[p - first] = it->second.parts.contains(p);
  return out;
}

void DiskCache::mark_validated(const std::string& key, const std::string& etag) {
  std::lock_guard lock(mutex_);
  auto it = objects_.find(key);
  if (it != objects_.end() && it->second.cached.meta.etag == etag)
    it->second.cached.validated = true;
}

std::optional<Buffer> DiskCache::read(const std::string& key, const std::string& etag,
                                      std::uint64_t part) {
  {
    std::lock_guard lock(mutex_);
    auto it = objects_.find(key);
    if (it == objects_.end() || it->second.cached.meta.etag != etag ||
        !it->second.parts.contains(part)) {
      return std::nullopt;
    }
  }
  const std::string path = path_of(key, part);
  auto fd = posix::open_file(path, O_RDONLY);
  bool bad = true;
  std::optional<Buffer> payload;
  struct stat st {};
  if (fd) {
    auto head = read_header(fd->get(), path);
    if (head && head->header.meta.key == key && head->header.part == part &&
        head->header.meta.etag == etag && head->header.part_size == part_size_) {
      Buffer data(head->header.length);
      auto got = posix::pread_full(fd->get(), data.mutable_view(), head->header.header_len, path);
      if (got && *got == data.size() && verify_part(head->header, head->head.view(), data.view())) {
        payload.emplace(std::move(data));
        st = head->st;
        bad = false;
      }
    }
  }
  std::lock_guard lock(mutex_);
  auto it = objects_.find(key);
  const bool indexed = it != objects_.end() && it->second.cached.meta.etag == etag &&
                       it->second.parts.contains(part);
  if (bad) {
    if (indexed) {
      // A file that vanished (evicted meanwhile by another path) is just a miss; one that is
      // there but wrong was torn or altered.
      if (fd) {
        unlink_quietly(path);
        counters_.corrupt->add();
        counters_.local_corrupt.fetch_add(1, std::memory_order_relaxed);
        zerofs::log::warn("disk cache: dropped corrupt part file {}", path);
      }
      erase_locked(key, part);
      publish_locked();
    }
    return std::nullopt;
  }
  if (indexed) lru_.splice(lru_.begin(), lru_, it->second.parts.at(part).lru);
  if (now_ns() - mtime_ns(st) > kMtimeRefreshNs) (void)::futimens(fd->get(), nullptr);
  return payload;
}

bool DiskCache::store(const ObjectMeta& meta, std::uint64_t part, ByteView payload,
                      const std::function<bool()>& still_current) {
  const PartHeader header{meta, part_size_, part, static_cast<std::uint32_t>(payload.size()), 0};
  const Buffer head = encode_part_header(header, payload);
  const std::string tmp =
      fmt::format("{}/{}", tmp_dir_, temp_counter_.fetch_add(1, std::memory_order_relaxed));
  {
    auto fd = posix::open_file(tmp, O_WRONLY | O_CREAT | O_EXCL | O_TRUNC, 0644);
    if (!fd) {
      zerofs::log::debug("disk cache: {}", fd.error().message());
      return false;
    }
    const std::array<ByteView, 2> parts = {head.view(), payload};
    if (auto written = posix::write_all(fd->get(), parts, tmp); !written) {
      zerofs::log::debug("disk cache: {}", written.error().message());
      unlink_quietly(tmp);
      return false;
    }
  }
  std::lock_guard lock(mutex_);
  if (!still_current()) {
    unlink_quietly(tmp);
    return false;
  }
  auto obj = objects_.find(meta.key);
  if (obj != objects_.end() && obj->second.cached.meta.etag != meta.etag) {
    std::vector<std::uint64_t> stale;
    for (const auto& [p, info] : obj->second.parts) stale.push_back(p);
    for (const std::uint64_t p : stale) {
      unlink_quietly(path_of(meta.key, p));
      erase_locked(meta.key, p);
    }
  }
  const std::string path = path_of(meta.key, part);
  int renamed = ::rename(tmp.c_str(), path.c_str());
  if (renamed != 0 && errno == ENOENT) {
    // The fan-out directories are made on first use (cheap opens of small caches).
    (void)::mkdir(fs::path(path).parent_path().c_str(), 0755);
    renamed = ::rename(tmp.c_str(), path.c_str());
  }
  if (renamed != 0) {
    zerofs::log::debug("disk cache: rename to {} failed (errno {})", path, errno);
    unlink_quietly(tmp);
    return false;
  }
  erase_locked(meta.key, part);  // a replaced file of the same part
  insert_locked(meta, part, head.size() + payload.size(), true, true);
  evict_locked();
  publish_locked();
  return true;
}

void DiskCache::drop(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto obj = objects_.find(key);
  if (obj == objects_.end()) return;
  std::vector<std::uint64_t> parts;
  for (const auto& [p, info] : obj->second.parts) parts.push_back(p);
  for (const std::uint64_t p : parts) {
    unlink_quietly(path_of(key, p));
    erase_locked(key, p);
  }
  publish_locked();
}

std::uint64_t DiskCache::used_bytes() const {
  std::lock_guard lock(mutex_);
  return used_;
}

std::uint64_t DiskCache::part_files() const {
  std::lock_guard lock(mutex_);
  return files_;
}

void DiskCache::insert_locked(const ObjectMeta& meta, std::uint64_t part, std::uint64_t file_bytes,
                              bool validated, bool most_recent) {
  Object& obj = objects_[meta.key];
  if (obj.parts.empty()) {
    obj.cached.meta = meta;
    obj.cached.validated = validated;
  } else if (validated) {
    obj.cached.validated = true;
  }
  const auto pos = most_recent ? lru_.begin() : lru_.end();
  const auto lru = lru_.insert(pos, PartId{meta.key, part});
  obj.parts.emplace(part, Part{file_bytes, lru});
  used_ += file_bytes;
  ++files_;
}

void DiskCache::erase_locked(const std::string& key, std::uint64_t part) {
  auto obj = objects_.find(key);
  if (obj == objects_.end()) return;
  auto it = obj->second.parts.find(part);
  if (it == obj->second.parts.end()) return;
  used_ -= it->second.file_bytes;
  --files_;
  lru_.erase(it->second.lru);
  obj->second.parts.erase(it);
  if (obj->second.parts.empty()) objects_.erase(obj);
}

void DiskCache::evict_locked() {
  while (used_ > capacity_ && !lru_.empty()) {
    const PartId victim = lru_.back();
    unlink_quietly(path_of(victim.key, victim.part));
    erase_locked(victim.key, victim.part);
    counters_.evictions->add();
    counters_.local_evictions.fetch_add(1, std::memory_order_relaxed);
  }
}

void DiskCache::publish_locked() {
  counters_.used_bytes->set(static_cast<std::int64_t>(used_));
  counters_.part_files->set(static_cast<std::int64_t>(files_));
}

}  // namespace zobj::cache
