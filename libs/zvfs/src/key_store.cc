#include "key_store.h"

#include <boost/asio/thread_pool.hpp>

#include "base/log.h"

namespace zvfs {

using zerofs::Errc;
using zerofs::Result;
using zerofs::Task;

namespace {

// Runs the Argon2id-heavy `fn` on a worker thread and resumes on the caller's executor.
template <typename Fn>
Task<std::invoke_result_t<Fn&>> on_worker(Fn fn) {
  using R = std::invoke_result_t<Fn&>;
  boost::asio::thread_pool pool(1);
  // offload() needs a default-constructible result; Result<DataKey> is not.
  auto boxed = [&fn]() -> std::optional<R> { return fn(); };
  std::optional<R> result = co_await zerofs::offload(pool.get_executor(), boxed);
  pool.join();
  co_return std::move(*result);
}

zerofs::Error wrong_password(const KeyStoreParams& p) {
  return zerofs::Error::make(Errc::wrong_password, "wrong encryption password for {}", p.url);
}

Task<Result<zcrypt::DataKey>> unwrap_stored(const KeyStoreParams& p, zerofs::ByteView bytes,
                                            const std::string& password) {
  ZF_CO_TRY(auto record, zcrypt::KeyRecord::parse(bytes));
  auto unwrap = [&record, &password] { return record.unwrap(password); };
  auto key = co_await on_worker(std::move(unwrap));
  if (!key && key.error().code() == Errc::wrong_password)
    co_return std::unexpected(wrong_password(p));
  co_return key;
}

}  // namespace

Task<Result<zcrypt::DataKey>> open_data_key(const KeyStoreParams& p, std::string password,
                                            bool create) {
  if (password.empty()) co_return zerofs::fail(Errc::invalid_argument, "empty encryption password");
  auto existing = co_await p.store->get(p.key_object, std::nullopt);
  if (existing) co_return co_await unwrap_stored(p, existing->data.view(), password);
  if (existing.error().code() != Errc::not_found) co_return std::unexpected(existing.error());
  if (!create) {
    co_return zerofs::fail(Errc::not_found, "no key record '{}' in {}", p.key_object, p.url);
  }

  const zcrypt::KdfParams kdf = p.kdf.value_or(zcrypt::KdfParams());
  auto make = [&password, kdf] { return zcrypt::KeyRecord::create(password, kdf); };
  ZF_CO_TRY(auto created, co_await on_worker(std::move(make)));
  const zerofs::Buffer bytes = created.record.serialize();
  auto put = co_await p.store->put(p.key_object, bytes.view(), zobj::PutOptions::create());
  if (put) {
    zerofs::log::info("created the key record {} in {}", p.key_object, p.url);
    co_return std::move(created.key);
  }
  if (put.error().code() != Errc::already_exists) co_return std::unexpected(put.error());
  // Another first start won the race: use its key, never ours.
  ZF_CO_TRY(auto winner, co_await p.store->get(p.key_object, std::nullopt));
  co_return co_await unwrap_stored(p, winner.data.view(), password);
}

Task<Result<void>> change_key_password(const KeyStoreParams& p, std::string old_password,
                                       std::string new_password) {
  if (new_password.empty()) {
    co_return zerofs::fail(Errc::invalid_argument, "empty new encryption password");
  }
  for (int attempt = 0;; ++attempt) {
    ZF_CO_TRY(auto current, co_await p.store->get(p.key_object, std::nullopt));
    ZF_CO_TRY(auto record, zcrypt::KeyRecord::parse(current.data.view()));
    const zcrypt::KdfParams kdf = p.kdf.value_or(record.kdf_params());
    auto rewrap = [&record, &old_password, &new_password, kdf] {
      return record.rewrap(old_password, new_password, kdf);
    };
    auto rewrapped = co_await on_worker(std::move(rewrap));
    if (!rewrapped) {
      if (rewrapped.error().code() == Errc::wrong_password) {
        co_return std::unexpected(wrong_password(p));
      }
      co_return std::unexpected(rewrapped.error());
    }
    const zerofs::Buffer bytes = rewrapped->serialize();
    auto put = co_await p.store->put(p.key_object, bytes.view(),
                                     zobj::PutOptions::match(current.meta.etag));
    if (put) co_return Result<void>{};
    if (put.error().code() != Errc::precondition_failed || attempt >= 8) {
      co_return std::unexpected(put.error());
    }
    // Someone replaced the record since we read it: start over from the new one.
  }
}

}  // namespace zvfs
