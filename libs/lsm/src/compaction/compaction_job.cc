#include "compaction/compaction_job.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <exception>
#include <span>
#include <utility>

#include "base/log.h"
#include "compaction/input_iterator.h"
#include "compaction/input_tables.h"
#include "compaction/key_ranges.h"
#include "compaction/subcompaction.h"
#include "compaction/trivial_move.h"
#include "iter/merging_iterator.h"
#include "table/table_builder.h"

namespace lsm {

namespace {

namespace asio = zerofs::asio;

// Awaits every task concurrently on the current executor; results in the same order.
template <typename T>
zerofs::Task<std::vector<T>> run_all(std::vector<zerofs::Task<T>> tasks) {
  std::vector<T> results;
  if (tasks.size() == 1) {
    results.push_back(co_await std::move(tasks.front()));
    co_return results;
  }
  auto executor = co_await asio::this_coro::executor;
  using Op = decltype(asio::co_spawn(executor, std::move(tasks.front()), asio::deferred));
  std::vector<Op> ops;
  ops.reserve(tasks.size());
  for (auto& task : tasks) ops.push_back(asio::co_spawn(executor, std::move(task), asio::deferred));
  auto [order, exceptions, values] =
      co_await asio::experimental::make_parallel_group(std::move(ops))
          .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
  for (const std::exception_ptr& e : exceptions) {
    if (e) std::rethrow_exception(e);
  }
  results.assign(std::make_move_iterator(values.begin()), std::make_move_iterator(values.end()));
  co_return results;
}

using Loaded = zerofs::Result<std::shared_ptr<const InMemoryTable>>;

// Where the inputs' bytes lie, to cut the key space into `count` ranges. L0 tables each span
// most of the key space, so they are loaded (every range needs them anyway) and weighed block
// by block; run tables weigh their file size at their largest key.
zerofs::Task<zerofs::Result<std::vector<KeyRange>>> plan_ranges(InputTables& inputs,
                                                                const CompactionPlan& plan,
                                                                std::size_t count) {
  std::vector<WeightedKey> points;
  if (!plan.l0.empty()) {
    std::vector<zerofs::Task<Loaded>> loads;
    for (const SstInfo& t : plan.l0) loads.push_back(inputs.load(t.id));
    std::vector<Loaded> loaded = co_await run_all(std::move(loads));
    for (Loaded& table : loaded) {
      if (!table) co_return zerofs::fail(std::move(table).error());
      add_block_weights(**table, points);
    }
  }
  for (const SortedRun& run : plan.runs) {
    for (const SstInfo& t : run.ssts) add_table_weight(t, points);
  }
  co_return split_key_ranges(std::move(points), count);
}

std::size_t users_of(const SstInfo& table, const std::vector<KeyRange>& ranges) {
  return static_cast<std::size_t>(
      std::count_if(ranges.begin(), ranges.end(),
                    [&](const KeyRange& r) { return table_overlaps(table, r.lower, r.upper); }));
}

// The merged inputs of one range: one iterator per overlapping L0 table and per source run.
std::unique_ptr<InternalIterator> range_input(const std::shared_ptr<InputTables>& inputs,
                                              const CompactionPlan& plan, const KeyRange& range) {
  std::vector<std::unique_ptr<InternalIterator>> children;
  for (const SstInfo& t : plan.l0) {
    if (!table_overlaps(t, range.lower, range.upper)) continue;
    children.push_back(std::make_unique<InputRunIterator>(inputs, std::span<const SstInfo>(&t, 1),
                                                          range.lower, range.upper));
  }
  for (const SortedRun& run : plan.runs) {
    const bool any = std::any_of(run.ssts.begin(), run.ssts.end(), [&](const SstInfo& t) {
      return table_overlaps(t, range.lower, range.upper);
    });
    if (!any) continue;
    children.push_back(
        std::make_unique<InputRunIterator>(inputs, run.ssts, range.lower, range.upper));
  }
  return new_merging_iterator(std::move(children));
}

}  // namespace

bool is_moved(const CompactionOutput& output, const SstId& id) {
  return std::find(output.moved.begin(), output.moved.end(), id) != output.moved.end();
}

namespace {

// Merges `plan`'s sources into new tables appended to output.ssts, cut at the first keys of
// the `moved` tables.
zerofs::Task<zerofs::Result<void>> merge_into(const CompactionJobParams& params,
                                              const CompactionPlan& plan,
                                              const std::vector<SstInfo>& moved,
                                              CompactionOutput& output) {
  const auto io = co_await asio::this_coro::executor;
  const auto cpu = params.cpu_executor ? params.cpu_executor : io;
  const Options& options = params.options;
  auto inputs = std::make_shared<InputTables>(*params.store, params.prefix, *params.transformer, io,
                                              cpu, params.block_cache);
  for (const SstInfo& t : plan.l0) inputs->add(t);
  for (const SortedRun& run : plan.runs) {
    for (const SstInfo& t : run.ssts) inputs->add(t);
  }

  const std::uint64_t min_bytes =
      std::max<std::uint64_t>(params.min_subcompaction_bytes != 0 ? params.min_subcompaction_bytes
                                                                  : options.sst_target_size,
                              1);
  const std::size_t wanted = static_cast<std::size_t>(
      std::clamp<std::uint64_t>(plan.input_bytes / min_bytes, 1,
                                std::max<std::size_t>(options.max_concurrent_compactions, 1)));
  std::vector<KeyRange> ranges(1);
  if (wanted > 1) {
    auto planned = co_await plan_ranges(*inputs, plan, wanted);
    if (!planned) {
      co_await inputs->drain();
      co_return zerofs::fail(std::move(planned).error());
    }
    ranges = std::move(*planned);
  }
  for (const SstInfo& t : plan.l0) inputs->set_users(t.id, users_of(t, ranges));
  for (const SortedRun& run : plan.runs) {
    for (const SstInfo& t : run.ssts) inputs->set_users(t.id, users_of(t, ranges));
  }

  std::atomic<bool> abort{false};
  SubcompactionContext context;
  context.store = params.store.get();
  context.prefix = params.prefix;
  context.transformer = params.transformer.get();
  context.builder_options = TableBuilderOptions::from(options);
  if (options.prepopulate_block_cache) context.builder_options.cache = params.block_cache;
  context.target_table_bytes = std::max<std::uint64_t>(options.sst_target_size, 1);
  context.cut_keys = table_cut_keys(moved, options.partition_keys);
  // Reserve about one table's worth (pages are only touched as they are written).
  context.builder_options.expected_size = static_cast<std::size_t>(std::min<std::uint64_t>(
      context.target_table_bytes + context.target_table_bytes / 8, plan.input_bytes + 65536));
  context.smallest_snapshot = params.smallest_snapshot;
  context.bottom = plan.bottom;
  context.cpu = cpu;
  context.abort = &abort;

  std::vector<std::unique_ptr<Subcompaction>> subcompactions;
  std::vector<zerofs::Task<zerofs::Result<void>>> tasks;
  for (const KeyRange& range : ranges) {
    subcompactions.push_back(
        std::make_unique<Subcompaction>(context, range, range_input(inputs, plan, range)));
    tasks.push_back(subcompactions.back()->run());
  }
  std::vector<zerofs::Result<void>> results = co_await run_all(std::move(tasks));
  co_await inputs->drain();

  output.bytes_in = plan.input_bytes;
  output.subcompactions = subcompactions.size();
  output.input_gets = inputs->gets();
  const auto failed = std::find_if(results.begin(), results.end(), [](const auto& r) {
    return !r && r.error().code() != zerofs::Errc::cancelled;
  });
  const auto any_failed =
      std::find_if(results.begin(), results.end(), [](const auto& r) { return !r.has_value(); });
  if (any_failed != results.end()) {
    for (const auto& sub : subcompactions) {
      for (const SstInfo& t : sub->outputs()) {
        if (auto del = co_await params.store->del(params.prefix + t.id.object_key()); !del) {
          zerofs::log::warn("compaction: cannot delete unused output {}: {}", t.id.object_key(),
                            del.error().to_string());
        }
      }
    }
    co_return zerofs::fail((failed != results.end() ? *failed : *any_failed).error());
  }
  for (const auto& sub : subcompactions) {
    for (SstInfo& t : sub->outputs()) {
      output.bytes_out += t.file_size;
      output.ssts.push_back(std::move(t));
    }
    output.entries_in += sub->entries_in();
    output.entries_out += sub->entries_out();
  }
  co_return zerofs::Result<void>{};
}

}  // namespace

zerofs::Task<zerofs::Result<CompactionOutput>> run_compaction_job(const CompactionJobParams& params,
                                                                  const CompactionPlan& whole) {
  // A table of at least a quarter of the target size is worth keeping as it is.
  MoveSplit split = split_trivial_moves(whole, params.options.sst_target_size / 4);
  CompactionOutput output;
  for (const SstInfo& t : split.moved) {
    output.moved.push_back(t.id);
    output.bytes_moved += t.file_size;
  }
  const CompactionPlan& plan = split.merge;
  if (plan.l0.empty() && plan.runs.empty()) {
    output.ssts = std::move(split.moved);
    co_return output;
  }
  zerofs::Result<void> merged = co_await merge_into(params, plan, split.moved, output);
  if (!merged) co_return zerofs::fail(std::move(merged).error());
  // Moved tables fall between merged ones (the merge cut its tables at their first keys).
  output.ssts.insert(output.ssts.end(), std::make_move_iterator(split.moved.begin()),
                     std::make_move_iterator(split.moved.end()));
  std::sort(output.ssts.begin(), output.ssts.end(), [](const SstInfo& a, const SstInfo& b) {
    return a.smallest_user_key() < b.smallest_user_key();
  });
  co_return output;
}

}  // namespace lsm
