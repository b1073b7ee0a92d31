#include "compaction/subcompaction.h"

#include <algorithm>
#include <utility>

namespace lsm {

using zerofs::Errc;
using zerofs::fail;

Subcompaction::Subcompaction(const SubcompactionContext& context, KeyRange range,
                             std::unique_ptr<InternalIterator> input)
    : context_(context),
      range_(std::move(range)),
      input_(std::move(input)),
      uploader_(*context.store, context.prefix, context.max_uploads_in_flight) {}

zerofs::Task<zerofs::Result<void>> Subcompaction::run() {
  auto merged = co_await merge();
  input_.reset();  // the inputs it still holds (e.g. L0 tables reaching past upper) go now
  auto stored = co_await uploader_.finish();
  if (!merged || !stored) context_.abort->store(true);
  if (!merged) co_return merged;
  co_return stored;
}

zerofs::Task<zerofs::Result<void>> Subcompaction::merge() {
  const Step first =
      range_.lower.empty()
          ? input_->seek_to_first()
          : input_->seek(make_internal_key(range_.lower, kMaxSequence, kValueTypeForSeek));
  if (first == Step::io) ZF_CO_CHECK(co_await input_->resume());
  ZF_CO_CHECK(input_->status());
  for (;;) {
    ZF_CO_TRY(const Progress progress,
              co_await zerofs::offload(context_.cpu, [this] { return merge_some(); }));
    if (finished_) {
      BuiltTable table = std::move(*finished_);
      finished_.reset();
      ZF_CO_CHECK(co_await uploader_.add(std::move(table)));
    }
    if (progress == Progress::finished) co_return zerofs::Result<void>{};
    if (progress == Progress::need_io) ZF_CO_CHECK(co_await input_->resume());
  }
}

zerofs::Result<Subcompaction::Progress> Subcompaction::merge_some() {
  while (input_->valid()) {
    if (context_.abort->load(std::memory_order_relaxed)) {
      return fail(Errc::cancelled, "another subcompaction failed");
    }
    const std::string_view key = input_->key();
    const std::string_view user_key = extract_user_key(key);
    if (!range_.upper.empty() && user_key >= range_.upper) break;
    if (!has_current_key_ || user_key != current_key_) {
      // Between two user keys: the only place a table may end.
      if (builder_ && (builder_->estimated_size() >= context_.target_table_bytes ||
                       (table_limit_ != nullptr && user_key >= *table_limit_))) {
        ZF_CHECK(finish_table());
        return Progress::table_full;  // this entry is looked at again by the next slice
      }
      current_key_.assign(user_key);
      has_current_key_ = true;
      visible_kept_ = false;
    }
    ++entries_in_;
    ZF_TRY(const bool kept, keep(key));
    if (kept) {
      if (!builder_) {
        builder_.emplace(context_.builder_options, *context_.transformer, SstId::generate());
        const auto& cuts = context_.cut_keys;
        const auto limit = std::upper_bound(cuts.begin(), cuts.end(), user_key);
        table_limit_ = limit == cuts.end() ? nullptr : &*limit;
      }
      ZF_CHECK(builder_->add(key, input_->value(), input_->cached()));
      ++entries_out_;
    }
    if (input_->next() == Step::io) return Progress::need_io;
  }
  ZF_CHECK(input_->status());
  if (builder_) ZF_CHECK(finish_table());
  return Progress::finished;
}

zerofs::Result<bool> Subcompaction::keep(std::string_view internal_key) {
  const SequenceNumber seq = extract_sequence(internal_key);
  const ValueType type = extract_type(internal_key);
  if (type != ValueType::value && type != ValueType::deletion) {
    return fail(Errc::corrupt, "compaction input holds an entry of unknown type {} (seq {})",
                static_cast<int>(type), seq);
  }
  if (seq > context_.smallest_snapshot) return true;
  if (visible_kept_) return false;  // shadowed by a newer version every snapshot sees
  visible_kept_ = true;
  return !(type == ValueType::deletion && context_.bottom);
}

zerofs::Result<void> Subcompaction::finish_table() {
  ZF_TRY(BuiltTable table, builder_->finish());
  builder_.reset();
  finished_ = std::move(table);
  return {};
}

}  // namespace lsm
