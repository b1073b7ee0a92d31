// FakeIterator: an InternalIterator over a sorted vector that pretends to need I/O.
//
// With probability io_probability a positioning call answers Step::io and does nothing until
// resume(), which really suspends (posts to the executor) before completing the move, the way
// a table iterator loads a block. Using the iterator while a step is pending throws, so a
// caller that breaks the two-phase protocol fails the test. Errors can be injected on the
// n-th resume() or when the iterator reaches a given entry.
#pragma once

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "format/internal_key.h"
#include "iter/internal_iterator.h"

namespace lsm::testing {

using Entry = std::pair<std::string, std::string>;  // internal key, value

struct FakeIteratorStats {
  int resumes = 0;
  int in_flight = 0;
  int max_in_flight = 0;  // resumes running at the same time, over all iterators sharing this
};

class FakeIterator final : public InternalIterator {
 public:
  // REQUIRES: entries sorted by internal key, unique.
  FakeIterator(std::vector<Entry> entries, double io_probability, std::uint64_t seed,
               FakeIteratorStats* stats = nullptr)
      : entries_(std::move(entries)), io_probability_(io_probability), rng_(seed), stats_(stats) {}

  // The n-th resume() (1-based) fails with Errc::transient.
  void fail_on_resume(int n) { fail_resume_at_ = n; }
  // Reaching entry `index` makes the iterator invalid with Errc::corrupt (a bad block).
  void fail_at_entry(std::size_t index) { fail_entry_ = index; }

  bool valid() const override {
    check_not_pending();
    return status_.has_value() && pos_ < entries_.size();
  }
  std::string_view key() const override {
    check_not_pending();
    return entries_.at(pos_).first;
  }
  std::string_view value() const override {
    check_not_pending();
    return entries_.at(pos_).second;
  }

  Step seek_to_first() override { return start(0); }
  Step seek(std::string_view target) override {
    auto it = std::lower_bound(
        entries_.begin(), entries_.end(), target,
        [](const Entry& e, std::string_view t) { return compare_internal_keys(e.first, t) < 0; });
    return start(static_cast<std::size_t>(it - entries_.begin()));
  }
  Step next() override {
    check_not_pending();
    if (pos_ >= entries_.size()) throw std::logic_error("next() on an invalid iterator");
    return start(pos_ + 1);
  }

  zerofs::Task<Result<void>> resume() override {
    if (!pending_) throw std::logic_error("resume() without a pending step");
    ++resumes_;
    if (stats_ != nullptr) {
      ++stats_->resumes;
      stats_->max_in_flight = std::max(stats_->max_in_flight, ++stats_->in_flight);
    }
    co_await boost::asio::post(co_await boost::asio::this_coro::executor,
                               boost::asio::use_awaitable);
    if (stats_ != nullptr) --stats_->in_flight;
    const std::size_t target = *pending_;
    pending_.reset();
    if (resumes_ == fail_resume_at_) {
      status_ = zerofs::fail(zerofs::Errc::transient, "injected GET failure");
      co_return status_;
    }
    land(target);
    co_return status_;
  }

  Result<void> status() const override { return status_; }

 private:
  Step start(std::size_t target) {
    check_not_pending();
    if (std::bernoulli_distribution(io_probability_)(rng_)) {
      pending_ = target;
      return Step::io;
    }
    land(target);
    return Step::ready;
  }
  void land(std::size_t target) {
    pos_ = target;
    if (fail_entry_ && pos_ == *fail_entry_) {
      status_ = zerofs::fail(zerofs::Errc::corrupt, "injected bad block");
    }
  }
  void check_not_pending() const {
    if (pending_) throw std::logic_error("iterator used while a step awaits resume()");
  }

  std::vector<Entry> entries_;
  double io_probability_;
  std::mt19937_64 rng_;
  FakeIteratorStats* stats_;
  std::size_t pos_ = SIZE_MAX;
  std::optional<std::size_t> pending_;
  int resumes_ = 0;
  int fail_resume_at_ = -1;
  std::optional<std::size_t> fail_entry_;
  Result<void> status_;
};

}  // namespace lsm::testing
