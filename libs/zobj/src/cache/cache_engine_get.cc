// CacheEngine's read path: split a GET into parts, read the cached ones, fetch the missing
// ones (joining fetches already in flight), and assemble exactly the requested bytes.
#include <cstring>

#include "cache/cache_engine.h"
#include "cache/part_file.h"
#include "offload.h"

namespace zobj::cache {

namespace {

constexpr std::uint64_t kNoEnd = ~std::uint64_t{0};
// A range of unknown extent larger than this many parts is fetched as it is, not part-wise.
constexpr std::uint64_t kMaxColdParts = 64;

struct Slot {
  std::optional<Buffer> disk;      // read from the cache
  std::shared_ptr<Flight> flight;  // fetched (by this GET or one it joined)
};

}  // namespace

Task<Result<std::optional<ObjectMeta>>> CacheEngine::known_version(const std::string& key) {
  std::optional<CachedObject> cached = disk_->object(key);
  if (!cached) co_return std::optional<ObjectMeta>();
  if (cached->validated || !revalidate_) co_return std::optional<ObjectMeta>(cached->meta);
  // Known only from an earlier run: the bucket may have been wiped and refilled since.
  std::shared_ptr<Validation> validation;
  bool mine = false;
  {
    std::lock_guard lock(validations_mutex_);
    std::shared_ptr<Validation>& entry = validations_[key];
    if (!entry) {
      entry = std::make_shared<Validation>(events_executor());
      mine = true;
    }
    validation = entry;
  }
  if (mine) {
    Result<ObjectMeta> head = co_await inner_->head(key);
    if (head && head->etag == cached->meta.etag && head->size == cached->meta.size) {
      disk_->mark_validated(key, cached->meta.etag);
    } else if (!head && head.error().code() != Errc::not_found) {
      validation->status = zerofs::fail(head.error());
    } else {
      co_await invalidate(key);
    }
    {
      std::lock_guard lock(validations_mutex_);
      validations_.erase(key);
    }
    validation->done.set();
  } else {
    co_await validation->done.wait();
  }
  if (!validation->status) co_return zerofs::fail(validation->status.error());
  cached = disk_->object(key);
  if (!cached || !cached->validated) co_return std::optional<ObjectMeta>();
  co_return std::optional<ObjectMeta>(cached->meta);
}

Task<Result<GetResult>> CacheEngine::get(std::string key, std::optional<ByteRange> range) {
  const std::uint64_t begin = range ? range->offset : 0;
  std::uint64_t end = kNoEnd;
  if (range) end = range->length > kNoEnd - begin ? kNoEnd : begin + range->length;
  ZF_CO_TRY(std::optional<ObjectMeta> known, co_await known_version(key));
  if (known) {
    end = std::min(end, known->size);
    if (begin >= end) {
      GetResult empty{Buffer(), std::move(*known)};
      co_return empty;
    }
  } else if (!range || (end - begin) / part_size_ >= kMaxColdParts) {
    co_return co_await fetch_direct(key, range);
  }
  const std::uint64_t gen = gen_of(key).load();
  const std::uint64_t first = begin / part_size_;
  const std::uint64_t last = (end - 1) / part_size_;
  std::vector<Slot> slots(last - first + 1);

  if (known) {
    const std::vector<bool> present = disk_->present(key, known->etag, first, last);
    if (std::find(present.begin(), present.end(), true) != present.end()) {
      auto read = [this, &key, &known, &present, &slots, first] {
        for (std::size_t i = 0; i < slots.size(); ++i) {
          if (present[i]) slots[i].disk = disk_->read(key, known->etag, first + i);
        }
        return 0;
      };
      (void)co_await offload(*pool_, std::move(read));
    }
  }

  // Claim the missing parts, or join fetches of them already in flight.
  std::vector<std::size_t> claimed;
  std::uint64_t hits = 0, joined = 0, disk_bytes = 0;
  for (const Slot& slot : slots) {
    if (!slot.disk) continue;
    ++hits;
    disk_bytes += slot.disk->size();
  }
  if (hits < slots.size()) {
    std::lock_guard lock(flights_mutex_);
    for (std::size_t i = 0; i < slots.size(); ++i) {
      if (slots[i].disk) continue;
      std::shared_ptr<Flight>& entry = flights_[FlightKey(key, first + i)];
      if (entry && entry->gen == gen) {
        ++joined;
      } else {
        entry = std::make_shared<Flight>(events_executor(), gen);
        claimed.push_back(i);
      }
      slots[i].flight = entry;
    }
  }
  hits_.add(hits);
  joined_.add(joined);
  bytes_disk_.add(disk_bytes);

  // One ranged GET per run of consecutive claimed parts.
  for (std::size_t r = 0; r < claimed.size();) {
    std::size_t e = r + 1;
    while (e < claimed.size() && claimed[e] == claimed[e - 1] + 1) ++e;
    std::vector<std::shared_ptr<Flight>> run;
    for (std::size_t j = r; j < e; ++j) run.push_back(slots[claimed[j]].flight);
    co_await fetch_run(key, first + claimed[r], std::move(run));
    r = e;
  }

  // Every part must come from one version of the object; otherwise it changed under us.
  ObjectMeta meta;
  bool have_meta = false;
  bool consistent = true;
  if (known) {
    meta = *known;
    have_meta = true;
  }
  for (Slot& slot : slots) {
    if (!slot.flight) continue;
    co_await slot.flight->done.wait();
    if (!slot.flight->status) co_return zerofs::fail(slot.flight->status.error());
    if (!have_meta) {
      meta = slot.flight->meta;
      have_meta = true;
    } else if (slot.flight->meta.etag != meta.etag || slot.flight->meta.size != meta.size) {
      consistent = false;
    }
  }
  if (!consistent) {
    co_await invalidate(key);
    co_return co_await inner_->get(key, range);
  }
  end = std::min(end, meta.size);
  if (begin >= end) {
    GetResult empty{Buffer(), std::move(meta)};
    co_return empty;
  }

  const std::uint64_t stop = (end - 1) / part_size_;
  GetResult out;
  for (std::uint64_t p = first; p <= stop; ++p) {
    Slot& slot = slots[p - first];
    const ByteView src = slot.disk ? slot.disk->view() : slot.flight->data.view();
    if (src.size() != part_length(meta.size, p, part_size_)) {
      co_return zerofs::fail(Errc::transient, "disk cache: part {} of {} has {} bytes", p, key,
                             src.size());
    }
    const std::uint64_t part_begin = p * part_size_;
    const std::uint64_t from = std::max(begin, part_begin) - part_begin;
    const std::uint64_t to = std::min(end, part_begin + src.size()) - part_begin;
    if (first == stop && from == 0 && to == src.size() && slot.disk) {
      out.data = std::move(*slot.disk);  // one whole cached part: no copy
      break;
    }
    if (p == first) out.data.reserve(end - begin);
    out.data.append(src.subspan(from, to - from));
  }
  out.meta = std::move(meta);
  co_return out;
}

Task<void> CacheEngine::fetch_run(const std::string& key, std::uint64_t first,
                                  std::vector<std::shared_ptr<Flight>> flights) {
  const ByteRange range{first * part_size_, flights.size() * part_size_};
  Result<GetResult> got = co_await inner_->get(key, range);
  std::uint64_t fetched = 0;
  for (std::size_t i = 0; i < flights.size(); ++i) {
    Flight& f = *flights[i];
    const std::uint64_t part = first + i;
    if (!got) {
      f.status = zerofs::fail(got.error());
    } else {
      const std::uint64_t want = part_length(got->meta.size, part, part_size_);
      const std::uint64_t at = i * part_size_;
      if (got->data.size() < at + want) {
        f.status = zerofs::fail(Errc::transient, "short ranged GET of {}", key);
      } else if (flights.size() == 1 && got->data.size() == want) {
        f.data = std::move(got->data);
      } else {
        f.data = Buffer::copy_of(got->data.view().subspan(at, want));
      }
      f.meta = got->meta;
      fetched += want;
    }
    f.done.set();
  }
  misses_.add(flights.size());
  bytes_store_.add(fetched);
  for (std::size_t i = 0; i < flights.size(); ++i) {
    if (flights[i]->status) {
      queue_write(key, first + i, std::move(flights[i]));
    } else {
      retire(key, first + i, flights[i]);
    }
  }
}

Task<Result<GetResult>> CacheEngine::fetch_direct(const std::string& key,
                                                  std::optional<ByteRange> range) {
  const std::uint64_t gen = gen_of(key).load();
  Result<GetResult> got = co_await inner_->get(key, range);
  if (!got || range) co_return got;
  const std::uint64_t size = got->data.size();
  for (std::uint64_t part = 0; part * part_size_ < size; ++part) {
    auto flight = std::make_shared<Flight>(events_executor(), gen);
    const std::uint64_t at = part * part_size_;
    flight->data = Buffer::copy_of(got->data.view().subspan(at, std::min(part_size_, size - at)));
    flight->meta = got->meta;
    queue_write(key, part, std::move(flight));
  }
  misses_.add((size + part_size_ - 1) / part_size_);
  bytes_store_.add(size);
  co_return got;
}

}  // namespace zobj::cache
