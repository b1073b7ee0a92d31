// Model-based randomized test: random puts, deletes, batches, reads, scans, snapshots,
// flushes, compactions and reopens against a std::map. The seed is printed on failure;
// ZEROFS_LSM_SEEDS=N changes how many seeds run, ZEROFS_LSM_SEED=S the first one.
#include <cstdlib>
#include <random>

#include "db_test_util.h"
#include "test_support/catch.h"

using namespace lsm;
using namespace lsm::testing;
using zerofs::Task;

namespace {

using Model = std::map<std::string, std::string>;

int seed_count() {
  if (const char* env = std::getenv("ZEROFS_LSM_SEEDS")) return std::atoi(env);
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return 200;
#else
  return 2000;
#endif
}

std::string random_key(std::mt19937_64& rng) { return "k" + std::to_string(rng() % 60); }

std::string random_value(std::mt19937_64& rng) {
  std::string v(rng() % 48, 'a');
  for (auto& c : v) c = static_cast<char>('a' + rng() % 26);
  return v;
}

Model bounded(const Model& m, const std::string& lo, const std::string& hi) {
  Model out;
  for (auto it = m.lower_bound(lo); it != m.end() && (hi.empty() || it->first < hi); ++it) {
    out.insert(*it);
  }
  return out;
}

Task<void> run_seed(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto store = memory_store();
  Options o = small_options();
  o.memtable_size = 512 + rng() % 4096;
  o.l0_compaction_trigger = 2 + rng() % 3;
  auto db = (co_await Db::open(params(store, o))).value();
  Model model;
  struct Snap {
    std::shared_ptr<const Snapshot> snap;
    Model model;
  };
  std::vector<Snap> snaps;

  const int ops = 150 + static_cast<int>(rng() % 150);
  for (int op = 0; op < ops; ++op) {
    const auto dice = rng() % 100;
    if (dice < 40) {
      const auto k = random_key(rng), v = random_value(rng);
      REQUIRE(co_await db->put(k, v));
      model[k] = v;
    } else if (dice < 52) {
      const auto k = random_key(rng);
      REQUIRE(co_await db->del(k));
      model.erase(k);
    } else if (dice < 60) {
      WriteBatch b;
      const int n = 1 + static_cast<int>(rng() % 6);
      for (int i = 0; i < n; ++i) {
        const auto k = random_key(rng);
        if (rng() % 3 == 0) {
          b.del(k);
          model.erase(k);
        } else {
          const auto v = random_value(rng);
          b.put(k, v);
          model[k] = v;
        }
      }
      REQUIRE(co_await db->write(std::move(b)));
    } else if (dice < 75) {
      const auto k = random_key(rng);
      auto got = (co_await db->get(k)).value();
      auto want = model.count(k) ? std::optional(model[k]) : std::nullopt;
      REQUIRE(got == want);
    } else if (dice < 82) {
      std::string lo = rng() % 2 ? random_key(rng) : "";
      std::string hi = rng() % 2 ? random_key(rng) : "";
      auto it = db->new_iterator({}, lo, hi);
      REQUIRE((co_await scan_all(*it)).value() == bounded(model, lo, hi));
    } else if (dice < 86) {
      snaps.push_back({db->snapshot(), model});
    } else if (dice < 90 && !snaps.empty()) {
      const Snap& s = snaps[rng() % snaps.size()];
      ReadOptions ro;
      ro.snapshot = s.snap.get();
      auto it = db->new_iterator(ro);
      REQUIRE((co_await scan_all(*it)).value() == s.model);
      const auto k = random_key(rng);
      auto want = s.model.count(k) ? std::optional(s.model.at(k)) : std::nullopt;
      REQUIRE((co_await db->get(k, ro)).value() == want);
    } else if (dice < 93) {
      REQUIRE(co_await db->flush_memtable());
    } else if (dice < 95) {
      REQUIRE(co_await db->compact_until_idle());
    } else if (dice < 98) {
      snaps.clear();  // snapshots do not survive a reopen
      REQUIRE(co_await db->close());
      db = (co_await Db::open(params(store, o))).value();
    } else {
      REQUIRE(co_await db->flush());
    }
  }
  auto it = db->new_iterator();
  REQUIRE((co_await scan_all(*it)).value() == model);
  snaps.clear();
  REQUIRE(co_await db->close());
}

}  // namespace

TEST_CASE("db model: random operations match a std::map", "[model]") {
  const int seeds = seed_count();
  const int first = std::getenv("ZEROFS_LSM_SEED") ? std::atoi(std::getenv("ZEROFS_LSM_SEED")) : 0;
  for (int seed = first; seed < first + seeds; ++seed) {
    INFO("seed " << seed << " (rerun it alone: ZEROFS_LSM_SEED=" << seed << " ZEROFS_LSM_SEEDS=1)");
    zerofs::asio::io_context io;
    zerofs::run_blocking(io, run_seed(static_cast<std::uint64_t>(seed)));
  }
}
