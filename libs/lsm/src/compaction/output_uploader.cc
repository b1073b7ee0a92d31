#include "compaction/output_uploader.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/detached.hpp>
#include <utility>

namespace lsm {

OutputUploader::OutputUploader(zobj::ObjectStore& store, std::string prefix,
                               std::size_t max_in_flight)
    : store_(store),
      prefix_(std::move(prefix)),
      max_in_flight_(std::max<std::size_t>(max_in_flight, 1)) {}

std::optional<zerofs::Error> OutputUploader::first_error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

zerofs::Task<zerofs::Result<void>> OutputUploader::add(BuiltTable table) {
  while (in_flight_.size() >= max_in_flight_) {
    co_await in_flight_.front()->wait();
    in_flight_.pop_front();
  }
  if (auto error = first_error()) co_return zerofs::fail(std::move(*error));
  std::size_t index = 0;
  {
    std::lock_guard lock(mutex_);
    index = stored_.size();
    stored_.emplace_back();
  }
  const auto executor = co_await zerofs::asio::this_coro::executor;
  in_flight_.push_back(std::make_shared<DoneEvent>(executor));
  zerofs::asio::co_spawn(executor, upload(index, std::move(table), in_flight_.back()),
                         zerofs::asio::detached);
  co_return zerofs::Result<void>{};
}

// `done` is shared: the waiter may drop its reference while set() is still running.
zerofs::Task<void> OutputUploader::upload(std::size_t index, BuiltTable table,
                                          std::shared_ptr<DoneEvent> done) {
  std::string key = prefix_ + table.info.id.object_key();
  auto put = co_await store_.put(key, table.data.view(), zobj::PutOptions::create());
  {
    std::lock_guard lock(mutex_);
    if (put) {
      stored_[index] = std::move(table.info);
    } else if (!error_) {
      error_ = put.error().with_context(fmt::format("{}: storing a compaction output", key));
    }
  }
  done->set();
}

zerofs::Task<zerofs::Result<void>> OutputUploader::finish() {
  while (!in_flight_.empty()) {
    co_await in_flight_.front()->wait();
    in_flight_.pop_front();
  }
  if (auto error = first_error()) co_return zerofs::fail(std::move(*error));
  co_return zerofs::Result<void>{};
}

std::vector<SstInfo> OutputUploader::stored() const {
  std::lock_guard lock(mutex_);
  std::vector<SstInfo> out;
  for (const auto& info : stored_) {
    if (info) out.push_back(*info);
  }
  return out;
}

}  // namespace lsm
