#include "zobj/file_store.h"

#include <fmt/format.h>

#include <algorithm>

#include "file_backend.h"
#include "offload.h"

namespace zobj {

Result<std::shared_ptr<FileStore>> FileStore::open(const std::filesystem::path& root,
                                                   FileStoreOptions options) {
  ZF_TRY(std::unique_ptr<FileBackend> backend, FileBackend::open(root.string()));
  return std::shared_ptr<FileStore>(
      new FileStore(std::move(backend), std::max<std::size_t>(options.io_threads, 1)));
}

FileStore::FileStore(std::unique_ptr<FileBackend> backend, std::size_t io_threads)
    : backend_(std::move(backend)), pool_(std::make_unique<asio::thread_pool>(io_threads)) {}

FileStore::~FileStore() {
  // join() lets queued work finish; the pool's destructor alone would drop it.
  pool_->join();
}

Task<Result<GetResult>> FileStore::get(std::string key, std::optional<ByteRange> range) {
  ZF_CO_CHECK(validate_key(key));
  co_return co_await offload(*pool_, [this, &key, range] { return backend_->get(key, range); });
}

Task<Result<ObjectMeta>> FileStore::head(std::string key) {
  ZF_CO_CHECK(validate_key(key));
  co_return co_await offload(*pool_, [this, &key] { return backend_->head(key); });
}

Task<Result<ObjectMeta>> FileStore::put(std::string key, ByteView data, PutOptions options) {
  ZF_CO_CHECK(validate_key(key));
  if (options.put_id.empty()) {
    options.put_id = new_put_id();
  } else {
    ZF_CO_CHECK(validate_put_id(options.put_id));
  }
  co_return co_await offload(
      *pool_, [this, &key, data, &options] { return backend_->put(key, data, options); });
}

Task<Result<void>> FileStore::del(std::string key) {
  ZF_CO_CHECK(validate_key(key));
  co_return co_await offload(*pool_, [this, &key] { return backend_->del(key); });
}

Task<Result<ListPage>> FileStore::list(std::string prefix, std::string start_after,
                                       std::size_t max_keys) {
  if (max_keys == 0) co_return zerofs::fail(Errc::invalid_argument, "list with max_keys 0");
  co_return co_await offload(*pool_, [this, &prefix, &start_after, max_keys] {
    return backend_->list(prefix, start_after, max_keys);
  });
}

std::string FileStore::describe() const { return fmt::format("file://{}", backend_->root()); }

const std::string& FileStore::root() const noexcept { return backend_->root(); }

const std::string& FileStore::temp_dir() const noexcept { return backend_->temp_dir(); }

}  // namespace zobj
