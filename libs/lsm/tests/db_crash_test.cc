// Crash test: the process "dies" at a random point (FaultStore::halt(): from then on no request
// reaches the store; requests already in flight may or may not land). After reopening on the
// surviving objects, the database must equal the model at some point at or after the last
// write acknowledged as durable — the prefix property — for many random crash points.
#include <cstdlib>
#include <random>

#include "db_test_util.h"
#include "test_support/catch.h"
#include "zobj/fault_store.h"

using namespace lsm;
using namespace lsm::testing;
using zerofs::Task;

namespace {

using Model = std::map<std::string, std::string>;

struct LoggedWrite {
  SequenceNumber last_seq;
  std::vector<std::pair<std::string, std::optional<std::string>>> ops;  // nullopt = delete
};

Model model_at(const std::vector<LoggedWrite>& log, SequenceNumber seq) {
  Model m;
  for (const auto& w : log) {
    if (w.last_seq > seq) break;
    for (const auto& [k, v] : w.ops) {
      if (v) {
        m[k] = *v;
      } else {
        m.erase(k);
      }
    }
  }
  return m;
}

int crash_points() {
  if (const char* env = std::getenv("ZEROFS_LSM_CRASHES")) return std::atoi(env);
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return 100;
#else
  return 500;
#endif
}

Task<void> crash_once(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto inner = memory_store();
  zobj::FaultOptions fo;
  fo.seed = seed;
  // Some latency so background uploads are genuinely in flight when the crash comes.
  fo.op(zobj::StoreOp::put).jitter = std::chrono::microseconds(300);
  fo.op(zobj::StoreOp::get).jitter = std::chrono::microseconds(100);
  auto fault = std::make_shared<zobj::FaultStore>(inner, fo);
  Options o = small_options();
  o.memtable_size = 1024 + rng() % 4096;
  o.flush_interval = std::chrono::milliseconds(1 + rng() % 5);

  std::vector<LoggedWrite> log;
  SequenceNumber acked_durable = 0;
  {
    auto db = (co_await Db::open(params(fault, o))).value();
    const int crash_after = 20 + static_cast<int>(rng() % 300);
    for (int op = 0; op < crash_after; ++op) {
      LoggedWrite w;
      WriteBatch b;
      const int n = 1 + static_cast<int>(rng() % 3);
      for (int i = 0; i < n; ++i) {
        const std::string k = "k" + std::to_string(rng() % 40);
        if (rng() % 4 == 0) {
          b.del(k);
          w.ops.emplace_back(k, std::nullopt);
        } else {
          std::string v = "v" + std::to_string(op) + std::string(rng() % 40, 'x');
          b.put(k, v);
          w.ops.emplace_back(k, std::move(v));
        }
      }
      auto seq = co_await db->write(std::move(b));
      REQUIRE(seq);
      w.last_seq = *seq;
      log.push_back(std::move(w));
      if (rng() % 10 == 0) {
        auto durable = co_await db->await_durable(*seq);
        REQUIRE(durable);
        acked_durable = *seq;
      }
    }
    fault->halt();
    // The dead process's handle goes away without a clean close.
  }
  // Reopen on what reached the store.
  auto db = (co_await Db::open(params(inner, o))).value();
  const SequenceNumber recovered = db->last_sequence();
  INFO("seed " << seed << " acked durable " << acked_durable << " recovered " << recovered);
  REQUIRE(recovered >= acked_durable);
  bool boundary = recovered == 0;
  for (const auto& w : log) boundary = boundary || w.last_seq == recovered;
  REQUIRE(boundary);  // batches are atomic: recovery ends at a batch boundary
  auto it = db->new_iterator();
  REQUIRE((co_await scan_all(*it)).value() == model_at(log, recovered));
  REQUIRE(co_await db->close());
}

}  // namespace

TEST_CASE("db crash: recovery keeps every durable write and a prefix of the rest", "[crash]") {
  const int points = crash_points();
  for (int seed = 1; seed <= points; ++seed) {
    INFO("crash seed " << seed);
    zerofs::asio::io_context io;
    zerofs::run_blocking(io, crash_once(static_cast<std::uint64_t>(seed)));
  }
}
