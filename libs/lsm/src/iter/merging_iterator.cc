#include "iter/merging_iterator.h"

#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <exception>
#include <utility>

#include "format/internal_key.h"

namespace lsm {

namespace {

class EmptyIterator final : public InternalIterator {
 public:
  bool valid() const override { return false; }
  std::string_view key() const override { return {}; }
  std::string_view value() const override { return {}; }
  Step seek_to_first() override { return Step::ready; }
  Step seek(std::string_view) override { return Step::ready; }
  Step next() override { return Step::ready; }
  zerofs::Task<Result<void>> resume() override { co_return Result<void>{}; }
  Result<void> status() const override { return {}; }
};

// Awaits the resume() of every child in `children` concurrently; results in the same order.
zerofs::Task<std::vector<Result<void>>> resume_all(const std::vector<InternalIterator*>& children) {
  namespace asio = zerofs::asio;
  auto executor = co_await asio::this_coro::executor;
  using Op = decltype(asio::co_spawn(executor, children.front()->resume(), asio::deferred));
  std::vector<Op> ops;
  ops.reserve(children.size());
  for (InternalIterator* child : children) {
    ops.push_back(asio::co_spawn(executor, child->resume(), asio::deferred));
  }
  auto [order, exceptions, results] =
      co_await asio::experimental::make_parallel_group(std::move(ops))
          .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
  for (const std::exception_ptr& e : exceptions) {
    if (e) std::rethrow_exception(e);
  }
  co_return std::vector<Result<void>>(std::make_move_iterator(results.begin()),
                                      std::make_move_iterator(results.end()));
}

}  // namespace

std::unique_ptr<InternalIterator> new_merging_iterator(
    std::vector<std::unique_ptr<InternalIterator>> children) {
  if (children.empty()) return std::make_unique<EmptyIterator>();
  if (children.size() == 1) return std::move(children.front());
  return std::make_unique<MergingIterator>(std::move(children));
}

MergingIterator::MergingIterator(std::vector<std::unique_ptr<InternalIterator>> children)
    : children_(std::move(children)) {
  heap_.reserve(children_.size());
  pending_.reserve(children_.size());
}

Step MergingIterator::seek_to_first() {
  return position_all([](InternalIterator& child) { return child.seek_to_first(); });
}

Step MergingIterator::seek(std::string_view target) {
  return position_all([target](InternalIterator& child) { return child.seek(target); });
}

template <typename Position>
Step MergingIterator::position_all(Position&& position) {
  heap_.clear();
  pending_.clear();
  pending_top_ = false;
  if (!status_) return Step::ready;
  // Every child is started, even after one failed, so none is left half-positioned.
  for (const auto& child : children_) {
    if (position(*child) == Step::io) {
      pending_.push_back(child.get());
    } else {
      admit(child.get());
    }
  }
  if (!pending_.empty()) return Step::io;
  if (!status_) {
    heap_.clear();
    return Step::ready;
  }
  for (std::size_t i = heap_.size() / 2; i-- > 0;) sift_down(i);
  return Step::ready;
}

void MergingIterator::admit(InternalIterator* child) {
  if (child->valid()) {
    heap_.push_back({child, child->key()});
    return;
  }
  Result<void> st = child->status();
  if (!st) fail(std::move(st));
}

Step MergingIterator::next() {
  if (heap_.front().child->next() == Step::io) {
    pending_top_ = true;
    return Step::io;
  }
  fix_top();
  return Step::ready;
}

void MergingIterator::fix_top() {
  HeapEntry& top = heap_.front();
  if (top.child->valid()) {
    top.key = top.child->key();
    sift_down(0);
    return;
  }
  Result<void> st = top.child->status();
  if (!st) {
    fail(std::move(st));
    return;
  }
  heap_.front() = heap_.back();
  heap_.pop_back();
  if (!heap_.empty()) sift_down(0);
}

void MergingIterator::sift_down(std::size_t i) noexcept {
  const std::size_t n = heap_.size();
  const HeapEntry moving = heap_[i];
  for (;;) {
    std::size_t smallest = 2 * i + 1;
    if (smallest >= n) break;
    if (smallest + 1 < n &&
        compare_internal_keys(heap_[smallest + 1].key, heap_[smallest].key) < 0) {
      ++smallest;
    }
    if (compare_internal_keys(heap_[smallest].key, moving.key) >= 0) break;
    heap_[i] = heap_[smallest];
    i = smallest;
  }
  heap_[i] = moving;
}

void MergingIterator::fail(Result<void> error) {
  if (status_) status_ = std::move(error);
  heap_.clear();
}

zerofs::Task<Result<void>> MergingIterator::resume() {
  if (pending_top_) {
    pending_top_ = false;
    Result<void> r = co_await heap_.front().child->resume();
    if (!r) {
      fail(std::move(r));
    } else {
      fix_top();
    }
    co_return status_;
  }

  std::vector<InternalIterator*> waiting;
  waiting.swap(pending_);
  std::vector<Result<void>> results;
  if (waiting.size() == 1) {
    results.push_back(co_await waiting.front()->resume());
  } else {
    results = co_await resume_all(waiting);
  }
  for (std::size_t i = 0; i < waiting.size(); ++i) {
    if (!results[i]) {
      fail(std::move(results[i]));
    } else {
      admit(waiting[i]);
    }
  }
  pending_.swap(waiting);  // keep the capacity
  pending_.clear();
  if (!status_) {
    heap_.clear();
    co_return status_;
  }
  for (std::size_t i = heap_.size() / 2; i-- > 0;) sift_down(i);
  co_return status_;
}

}  // namespace lsm
