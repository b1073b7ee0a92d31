// DbImpl read path: point lookups, iterators and snapshots over memtables and tables.
#include <boost/asio/post.hpp>

#include "db/db_impl.h"
#include "iter/db_iterator.h"
#include "iter/merging_iterator.h"

namespace lsm {

class SnapshotImpl final : public Snapshot {
 public:
  SnapshotImpl(std::weak_ptr<DbImpl> db, SequenceNumber seq) : db_(std::move(db)), seq_(seq) {}
  ~SnapshotImpl() override {
    if (auto db = db_.lock()) db->release_snapshot(seq_);
  }
  SequenceNumber sequence() const override { return seq_; }

 private:
  std::weak_ptr<DbImpl> db_;
  SequenceNumber seq_;
};

std::shared_ptr<const Snapshot> DbImpl::snapshot() {
  std::lock_guard lock(mutex_);
  const SequenceNumber seq = visible_seq_.load(std::memory_order_acquire);
  snapshots_.insert(seq);
  return std::make_shared<SnapshotImpl>(weak_from_this(), seq);
}

void DbImpl::release_snapshot(SequenceNumber seq) {
  std::lock_guard lock(mutex_);
  auto it = snapshots_.find(seq);
  if (it != snapshots_.end()) snapshots_.erase(it);
}

SequenceNumber DbImpl::smallest_snapshot() const {
  std::lock_guard lock(mutex_);
  const SequenceNumber now = visible_seq_.load(std::memory_order_acquire);
  return snapshots_.empty() ? now : std::min(now, *snapshots_.begin());
}

DbImpl::ReadView DbImpl::read_view(const ReadOptions& options) {
  ReadView v;
  std::lock_guard lock(mutex_);
  if (options.snapshot) {
    v.seq = options.snapshot->sequence();
  } else if (options.durability == Durability::durable) {
    v.seq = std::min(durable_sequence(), visible_seq_.load(std::memory_order_acquire));
  } else {
    v.seq = visible_seq_.load(std::memory_order_acquire);
  }
  v.mem = mem_;
  v.imm = imm_set_;
  v.version = version_;
  return v;
}

Task<Result<std::optional<std::string>>> DbImpl::get(std::string_view key, ReadOptions options) {
  if (auto f = fatal(); f && f->code() != zerofs::Errc::cancelled) co_return std::unexpected(*f);
  if (read_yield_->due()) co_await zerofs::asio::post(executor_, zerofs::asio::use_awaitable);
  const ReadView view = read_view(options);
  auto from_mem = [](const MemTable::GetResult& r) -> std::optional<std::optional<std::string>> {
    if (r.kind == MemTable::Lookup::value) return std::optional<std::string>(std::string(r.value));
    if (r.kind == MemTable::Lookup::deleted) return std::optional<std::string>();
    return std::nullopt;
  };
  if (auto hit = from_mem(view.mem->get(key, view.seq))) co_return std::move(*hit);
  for (const auto& m : *view.imm) {
    if (auto hit = from_mem(m->get(key, view.seq))) co_return std::move(*hit);
  }
  const std::string lookup = make_internal_key(key, view.seq, kValueTypeForSeek);
  ZF_CO_TRY(VersionLookup found,
            co_await version_get(*view.version, *tables_, lookup, options.fill_cache));
  if (found.kind == VersionLookup::Kind::value) co_return std::move(found.value);
  co_return std::optional<std::string>();
}

namespace {

// The public Iterator over a DbIterator; holds the version and memtables its view uses.
class DbIteratorAdapter final : public Iterator {
 public:
  DbIteratorAdapter(std::unique_ptr<InternalIterator> merged, SequenceNumber seq,
                    UserKeyBounds bounds, std::shared_ptr<const Version> version,
                    std::shared_ptr<DbImpl::ReadYield> yield)
      : version_(std::move(version)),
        yield_(std::move(yield)),
        iter_(std::move(merged), seq, std::move(bounds)) {}

  // One coroutine frame per call; resume() only when the step needs I/O.
  Task<Result<void>> seek_to_first() override {
    co_await maybe_yield();
    if (iter_.seek_to_first() == Step::io) co_return co_await iter_.resume();
    co_return iter_.status();
  }
  Task<Result<void>> seek(std::string_view target) override {
    co_await maybe_yield();
    if (iter_.seek(target) == Step::io) co_return co_await iter_.resume();
    co_return iter_.status();
  }
  Task<Result<void>> next() override {
    co_await maybe_yield();
    if (iter_.next() == Step::io) co_return co_await iter_.resume();
    co_return iter_.status();
  }
  bool valid() const override { return iter_.valid(); }
  std::string_view key() const override { return iter_.key(); }
  std::string_view value() const override { return iter_.value(); }

 private:
  Task<void> maybe_yield() {
    if (yield_->due()) co_await zerofs::asio::post(yield_->executor, zerofs::asio::use_awaitable);
  }

  std::shared_ptr<const Version> version_;
  std::shared_ptr<DbImpl::ReadYield> yield_;
  DbIterator iter_;
};

}  // namespace

std::unique_ptr<Iterator> DbImpl::new_iterator(ReadOptions options, std::string lower,
                                               std::string upper) {
  const ReadView view = read_view(options);
  std::vector<std::unique_ptr<InternalIterator>> children;
  children.push_back(view.mem->new_iterator());
  for (const auto& m : *view.imm) children.push_back(m->new_iterator());
  TableReadOptions table_options;
  table_options.fill_cache = options.fill_cache;
  table_options.readahead_bytes = options_.readahead_bytes;
  if (!upper.empty()) table_options.upper_bound = std::make_shared<const std::string>(upper);
  add_version_iterators(*view.version, *tables_, table_options, children);
  UserKeyBounds bounds;
  if (!lower.empty()) bounds.lower = std::move(lower);
  if (!upper.empty()) bounds.upper = std::move(upper);
  return std::make_unique<DbIteratorAdapter>(new_merging_iterator(std::move(children)), view.seq,
                                             std::move(bounds), view.version, read_yield_);
}

}  // namespace lsm
