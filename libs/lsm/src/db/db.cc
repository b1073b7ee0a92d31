// lsm::Db and lsm::DbReader: thin handles over DbImpl.
#include "lsm/db.h"

#include "db/db_impl.h"
#include "lsm/reader.h"

namespace lsm {

Db::Db(std::shared_ptr<DbImpl> impl) : impl_(std::move(impl)) {}

Db::~Db() {
  // Without close() the background loops still hold the engine; ask them to stop.
  if (impl_) impl_->request_stop();
}

namespace {
template <typename Handle>
Task<Result<std::unique_ptr<Handle>>> open_handle(
    std::unique_ptr<OpenParams> params, DbRole role,
    std::unique_ptr<Handle> (*make)(std::shared_ptr<DbImpl>)) {
  ZF_CO_TRY(auto impl, co_await DbImpl::open(std::move(params), role));
  co_return make(std::move(impl));
}
}  // namespace

// Not a coroutine: the aggregate OpenParams is boxed before it reaches one (base/async.h).
Task<Result<std::unique_ptr<Db>>> Db::open(OpenParams params) {
  return open_handle<Db>(
      std::make_unique<OpenParams>(std::move(params)), DbRole::writer,
      [](std::shared_ptr<DbImpl> impl) { return std::unique_ptr<Db>(new Db(std::move(impl))); });
}

Task<Result<SequenceNumber>> Db::write(WriteBatch batch, WriteOptions options) {
  return impl_->write(std::move(batch), options);
}

Task<Result<SequenceNumber>> Db::put(std::string_view key, std::string_view value,
                                     WriteOptions options) {
  WriteBatch batch;
  batch.put(key, value);
  return impl_->write(std::move(batch), options);
}

Task<Result<SequenceNumber>> Db::del(std::string_view key, WriteOptions options) {
  WriteBatch batch;
  batch.del(key);
  return impl_->write(std::move(batch), options);
}

Task<Result<std::optional<std::string>>> Db::get(std::string_view key, ReadOptions options) {
  return impl_->get(key, options);
}

std::unique_ptr<Iterator> Db::new_iterator(ReadOptions options, std::string lower,
                                           std::string upper) {
  return impl_->new_iterator(options, std::move(lower), std::move(upper));
}

std::shared_ptr<const Snapshot> Db::snapshot() { return impl_->snapshot(); }
Task<Result<void>> Db::await_durable(SequenceNumber seq) { return impl_->await_durable(seq); }
Task<Result<void>> Db::flush() { return impl_->flush(); }
Task<Result<void>> Db::flush_memtable() { return impl_->flush_memtable(); }
Task<Result<void>> Db::compact_until_idle() { return impl_->compact_until_idle(); }
Task<Result<std::size_t>> Db::collect_garbage() { return impl_->collect_garbage(); }
Task<Result<void>> Db::close() { return impl_->close(); }
Task<Result<CheckpointInfo>> Db::create_checkpoint(std::string name) {
  return impl_->create_checkpoint(std::move(name));
}
Task<Result<std::vector<CheckpointInfo>>> Db::list_checkpoints() {
  return impl_->list_checkpoints();
}
Task<Result<void>> Db::delete_checkpoint(std::string name) {
  return impl_->delete_checkpoint(std::move(name));
}
SequenceNumber Db::last_sequence() const { return impl_->last_sequence(); }
SequenceNumber Db::durable_sequence() const { return impl_->durable_sequence(); }
DbMetrics Db::metrics() const { return impl_->metrics(); }

DbReader::DbReader(std::shared_ptr<DbImpl> impl) : impl_(std::move(impl)) {}

DbReader::~DbReader() {
  if (impl_) impl_->request_stop();
}

Task<Result<std::unique_ptr<DbReader>>> DbReader::open(OpenParams params) {
  return open_handle<DbReader>(std::make_unique<OpenParams>(std::move(params)), DbRole::follower,
                               [](std::shared_ptr<DbImpl> impl) {
                                 return std::unique_ptr<DbReader>(new DbReader(std::move(impl)));
                               });
}

Task<Result<std::optional<std::string>>> DbReader::get(std::string_view key, ReadOptions options) {
  return impl_->get(key, options);
}
std::unique_ptr<Iterator> DbReader::new_iterator(ReadOptions options, std::string lower,
                                                 std::string upper) {
  return impl_->new_iterator(options, std::move(lower), std::move(upper));
}
std::shared_ptr<const Snapshot> DbReader::snapshot() { return impl_->snapshot(); }
Task<Result<void>> DbReader::refresh() { return impl_->catch_up(); }
SequenceNumber DbReader::last_sequence() const { return impl_->last_sequence(); }
Task<Result<void>> DbReader::close() { return impl_->close(); }

}  // namespace lsm
