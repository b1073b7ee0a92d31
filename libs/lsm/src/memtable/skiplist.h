// SkipList: the ordered set under the memtable.
//
// Thread safety: ONE writer at a time (callers serialise insert(), the Db under its write
// mutex) and any number of concurrent readers without locks. A node is fully built before a
// release store links it in, and readers follow links with acquire loads, so a reader sees
// either the list before an insert or after it, and every key it reaches is initialised.
// Nodes are never removed or changed once linked, so iterators stay valid while the list
// lives.
//
// Memory: nodes live in the Arena given to the constructor and die with it; Key must be
// trivially destructible (the memtable stores a pointer to an arena entry).
//
// Comparator: `int cmp(const Key& a, const T& b)` returning <0, 0, >0, for T = Key (insert)
// and for every other type passed to seek()/contains(), so lookups need not build a Key.
#pragma once

#include <atomic>
#include <cassert>
#include <cstdint>
#include <new>
#include <type_traits>

#include "memtable/arena.h"

namespace lsm {

template <typename Key, class Comparator>
class SkipList {
  struct Node;

 public:
  static constexpr int kMaxHeight = 12;

  SkipList(Comparator cmp, Arena* arena)
      : compare_(cmp), arena_(arena), head_(new_node(Key{}, kMaxHeight)) {}
  SkipList(const SkipList&) = delete;
  SkipList& operator=(const SkipList&) = delete;

  // REQUIRES: no concurrent insert(); nothing equal to `key` is in the list.
  void insert(const Key& key) {
    Node* prev[kMaxHeight];
    Node* x = find_greater_or_equal(key, prev);
    assert(x == nullptr || compare_(x->key, key) != 0);
    (void)x;

    const int height = random_height();
    const int max_height = max_height_.load(std::memory_order_relaxed);
    if (height > max_height) {
      for (int i = max_height; i < height; ++i) prev[i] = head_;
      // A reader that sees the new height before the node only finds null links at the new
      // levels from head_, which it treats as the end of those levels and drops down.
      max_height_.store(height, std::memory_order_relaxed);
    }

    Node* node = new_node(key, height);
    for (int i = 0; i < height; ++i) {
      // Unsynchronised: node is not reachable yet; the release store below publishes it.
      node->set_next_relaxed(i, prev[i]->next_relaxed(i));
      prev[i]->set_next(i, node);
    }
  }

  template <typename T>
  bool contains(const T& key) const {
    Node* x = find_greater_or_equal(key, nullptr);
    return x != nullptr && compare_(x->key, key) == 0;
  }

  // Forward iteration over a list that may grow while the iterator walks it.
  class Iterator {
   public:
    explicit Iterator(const SkipList* list) : list_(list) {}

    bool valid() const noexcept { return node_ != nullptr; }
    // REQUIRES: valid()
    const Key& key() const noexcept { return node_->key; }
    // REQUIRES: valid()
    void next() noexcept { node_ = node_->next(0); }
    // Positions at the first key >= target.
    template <typename T>
    void seek(const T& target) {
      node_ = list_->find_greater_or_equal(target, nullptr);
    }
    void seek_to_first() noexcept { node_ = list_->head_->next(0); }

   private:
    const SkipList* list_;
    Node* node_ = nullptr;
  };

 private:
  // Layout: the Node, then `height` link slots (atomic pointers) placed right after it.
  struct alignas(std::atomic<Node*>) Node {
    explicit Node(const Key& k) : key(k) {}

    Key const key;

    Node* next(int level) const noexcept { return links()[level].load(std::memory_order_acquire); }
    void set_next(int level, Node* n) noexcept {
      links()[level].store(n, std::memory_order_release);
    }
    Node* next_relaxed(int level) const noexcept {
      return links()[level].load(std::memory_order_relaxed);
    }
    void set_next_relaxed(int level, Node* n) noexcept {
      links()[level].store(n, std::memory_order_relaxed);
    }
    std::atomic<Node*>* links() const noexcept {
      return std::launder(reinterpret_cast<std::atomic<Node*>*>(
          const_cast<char*>(reinterpret_cast<const char*>(this)) + sizeof(Node)));
    }
  };
  static_assert(std::is_trivially_destructible_v<Key>, "arena nodes are never destroyed");
  static_assert(sizeof(Node) % alignof(std::atomic<Node*>) == 0);
  static_assert(alignof(Node) <= Arena::kAlignment);

  Node* new_node(const Key& key, int height) {
    char* mem = arena_->allocate_aligned(sizeof(Node) + sizeof(std::atomic<Node*>) * height);
    Node* node = new (mem) Node(key);
    for (int i = 0; i < height; ++i) {
      new (mem + sizeof(Node) + i * sizeof(std::atomic<Node*>)) std::atomic<Node*>(nullptr);
    }
    return node;
  }

  // Height h with probability 4^-(h-1): a quarter of the nodes reach each next level.
  int random_height() noexcept {
    int height = 1;
    while (height < kMaxHeight && (next_random() & 3) == 0) ++height;
    return height;
  }
  // xorshift64*: cheap, and only the writer draws.
  std::uint64_t next_random() noexcept {
    rnd_ ^= rnd_ >> 12;
    rnd_ ^= rnd_ << 25;
    rnd_ ^= rnd_ >> 27;
    return (rnd_ * 0x2545F4914F6CDD1DULL) >> 32;
  }

  // First node >= key, or null. Fills prev[level] with the last node < key at every level
  // when prev is not null.
  template <typename T>
  Node* find_greater_or_equal(const T& key, Node** prev) const {
    Node* x = head_;
    int level = max_height_.load(std::memory_order_relaxed) - 1;
    Node* stop = nullptr;  // known >= key at the level above: no need to compare it again
    for (;;) {
      Node* next = x->next(level);
      if (next != nullptr && next != stop && compare_(next->key, key) < 0) {
        x = next;
        continue;
      }
      if (prev != nullptr) prev[level] = x;
      if (level == 0) return next;
      stop = next;
      --level;
    }
  }

  // Constant after construction.
  Comparator const compare_;
  Arena* const arena_;
  Node* const head_;

  // Only grows; read relaxed because a stale value is harmless (see insert()).
  std::atomic<int> max_height_{1};
  // Writer only.
  std::uint64_t rnd_ = 0x9E3779B97F4A7C15ULL;
};

}  // namespace lsm
