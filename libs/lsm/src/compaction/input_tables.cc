#include "compaction/input_tables.h"

#include <fmt/format.h>

#include <boost/asio/detached.hpp>
#include <utility>
#include <vector>

namespace lsm {

using zerofs::Errc;
using zerofs::fail;

InputTables::InputTables(zobj::ObjectStore& store, std::string prefix,
                         const BlockTransformer& transformer, zerofs::asio::any_io_executor io,
                         zerofs::asio::any_io_executor cpu, BlockCache* cache)
    : store_(store),
      prefix_(std::move(prefix)),
      transformer_(transformer),
      io_(std::move(io)),
      cpu_(std::move(cpu)),
      cache_(cache) {}

void InputTables::add(const SstInfo& info) {
  std::lock_guard lock(mutex_);
  Entry& entry = entries_[info.id];
  entry.info = info;
  if (!entry.done) entry.done = std::make_unique<DoneEvent>(io_);
}

void InputTables::drop_if_unused_locked(Entry& entry) {
  if (!entry.users || *entry.users > 0) return;
  entry.table.reset();
  if (entry.state == State::ready) entry.state = State::released;
}

void InputTables::set_users(const SstId& id, std::size_t users) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  it->second.users = users;
  drop_if_unused_locked(it->second);
}

void InputTables::release(const SstId& id) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(id);
  if (it == entries_.end() || !it->second.users || *it->second.users == 0) return;
  --*it->second.users;
  drop_if_unused_locked(it->second);
}

std::shared_ptr<const InMemoryTable> InputTables::loaded(const SstId& id) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(id);
  return it == entries_.end() ? nullptr : it->second.table;
}

bool InputTables::start_locked(Entry& entry) {
  if (entry.state != State::idle) return false;
  entry.state = State::loading;
  return true;
}

void InputTables::prefetch(const SstId& id) {
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(id);
    if (it == entries_.end() || !start_locked(it->second)) return;
  }
  zerofs::asio::co_spawn(
      io_, [self = shared_from_this(), id]() -> zerofs::Task<void> { co_await self->fetch(id); },
      zerofs::asio::detached);
}

zerofs::Task<zerofs::Result<std::shared_ptr<const InMemoryTable>>> InputTables::load(SstId id) {
  bool start = false;
  DoneEvent* done = nullptr;
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(id);
    if (it == entries_.end()) {
      co_return fail(Errc::invalid_argument, "{} is not an input of this compaction",
                     id.object_key());
    }
    start = start_locked(it->second);
    done = it->second.done.get();
  }
  if (start) {
    co_await fetch(id);
  } else {
    co_await done->wait();  // the outcome is read from the entry below
  }
  std::lock_guard lock(mutex_);
  const Entry& entry = entries_.at(id);
  switch (entry.state) {
    case State::ready:
      co_return entry.table;
    case State::failed:
      co_return fail(*entry.error);
    default:
      co_return fail(Errc::invalid_argument, "{}: loaded after its last user released it",
                     id.object_key());
  }
}

zerofs::Task<zerofs::Result<std::shared_ptr<const InMemoryTable>>> InputTables::fetch_and_open(
    SstInfo info) {
  std::string key = prefix_ + info.id.object_key();
  auto got = co_await store_.get(key, std::nullopt);
  if (!got) co_return fail(got.error().with_context(fmt::format("{}: compaction input", key)));
  {
    std::lock_guard lock(mutex_);
    ++gets_;
    bytes_ += got->data.size();
  }
  auto object = std::make_shared<const zerofs::Buffer>(std::move(got->data));
  // Captures by reference: both live in this frame until the offloaded call returns.
  co_return co_await zerofs::offload(cpu_, [&] {
    return InMemoryTable::open(std::move(object), std::move(info), transformer_, {}, cache_);
  });
}

zerofs::Task<void> InputTables::fetch(SstId id) {
  SstInfo info;
  {
    std::lock_guard lock(mutex_);
    info = entries_.at(id).info;
  }
  auto opened = co_await fetch_and_open(std::move(info));
  DoneEvent* done = nullptr;
  {
    std::lock_guard lock(mutex_);
    Entry& entry = entries_.at(id);
    if (opened) {
      entry.table = std::move(*opened);
      entry.state = State::ready;
      drop_if_unused_locked(entry);
    } else {
      entry.state = State::failed;
      entry.error = opened.error();
    }
    done = entry.done.get();
  }
  done->set();
}

zerofs::Task<void> InputTables::drain() {
  std::vector<DoneEvent*> loads;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, entry] : entries_) {
      if (entry.state != State::idle) loads.push_back(entry.done.get());
    }
  }
  for (DoneEvent* load : loads) co_await load->wait();
}

std::uint64_t InputTables::gets() const {
  std::lock_guard lock(mutex_);
  return gets_;
}

std::uint64_t InputTables::bytes_fetched() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

}  // namespace lsm
