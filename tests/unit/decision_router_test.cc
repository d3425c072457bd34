#include "services/gateway/decision_router.h"

#include <atomic>
#include <latch>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "signup/v1/signup.pb.h"

namespace signup {
namespace {

// Records every decision it receives.
class RecordingWaiter : public DecisionWaiter {
 public:
  bool OnDecision(const v1::Decision& decision) override {
    std::lock_guard lock(mutex_);
    decisions_.push_back(decision);
    return true;
  }

  void OnShutdown() override { shut_down_ = true; }
  bool shut_down() const { return shut_down_; }

  int count() const {
    std::lock_guard lock(mutex_);
    return static_cast<int>(decisions_.size());
  }

  std::vector<v1::Decision> decisions() const {
    std::lock_guard lock(mutex_);
    return decisions_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<v1::Decision> decisions_;
  std::atomic<bool> shut_down_{false};
};

v1::Decision DecisionFor(const std::string& request_id) {
  v1::Decision decision;
  decision.set_request_id(request_id);
  decision.set_username("alice");
  decision.set_outcome(v1::OUTCOME_CREATED);
  return decision;
}

TEST(DecisionRouterTest, StartsEmpty) {
  DecisionRouter router;
  EXPECT_EQ(router.size(), 0u);
}

TEST(DecisionRouterTest, RegisterAddsWaiter) {
  DecisionRouter router;
  router.Register("request-1", std::make_shared<RecordingWaiter>());
  EXPECT_EQ(router.size(), 1u);
}

TEST(DecisionRouterTest, DeliverReachesWaiter) {
  DecisionRouter router;
  auto waiter = std::make_shared<RecordingWaiter>();
  router.Register("request-1", waiter);

  EXPECT_EQ(router.Deliver(DecisionFor("request-1")), 1);
  ASSERT_EQ(waiter->count(), 1);
  EXPECT_EQ(waiter->decisions()[0].request_id(), "request-1");
  EXPECT_EQ(waiter->decisions()[0].outcome(), v1::OUTCOME_CREATED);
}

TEST(DecisionRouterTest, DeliverRemovesWaiter) {
  DecisionRouter router;
  auto waiter = std::make_shared<RecordingWaiter>();
  router.Register("request-1", waiter);
  router.Deliver(DecisionFor("request-1"));
  EXPECT_EQ(router.size(), 0u);
  // The router keeps no reference to a waiter it removed.
  EXPECT_EQ(waiter.use_count(), 1);
}

TEST(DecisionRouterTest, UnknownIdReachesNobody) {
  DecisionRouter router;
  auto waiter = std::make_shared<RecordingWaiter>();
  router.Register("request-1", waiter);
  EXPECT_EQ(router.Deliver(DecisionFor("request-2")), 0);
  EXPECT_EQ(waiter->count(), 0);
  EXPECT_EQ(router.size(), 1u);
}

TEST(DecisionRouterTest, DuplicateDecisionReachesOnce) {
  DecisionRouter router;
  auto waiter = std::make_shared<RecordingWaiter>();
  router.Register("request-1", waiter);
  EXPECT_EQ(router.Deliver(DecisionFor("request-1")), 1);
  EXPECT_EQ(router.Deliver(DecisionFor("request-1")), 0);
  EXPECT_EQ(waiter->count(), 1);
}

TEST(DecisionRouterTest, SeveralWaitersForOneId) {
  DecisionRouter router;
  std::vector<std::shared_ptr<RecordingWaiter>> waiters;
  for (int i = 0; i < 3; ++i) {
    waiters.push_back(std::make_shared<RecordingWaiter>());
    router.Register("request-1", waiters.back());
  }
  auto other = std::make_shared<RecordingWaiter>();
  router.Register("request-2", other);

  EXPECT_EQ(router.Deliver(DecisionFor("request-1")), 3);
  for (const auto& waiter : waiters) EXPECT_EQ(waiter->count(), 1);
  EXPECT_EQ(other->count(), 0);
  EXPECT_EQ(router.size(), 1u);
}

TEST(DecisionRouterTest, UnregisterRemovesWaiter) {
  DecisionRouter router;
  auto waiter = std::make_shared<RecordingWaiter>();
  router.Register("request-1", waiter);
  router.Unregister("request-1", waiter.get());

  EXPECT_EQ(router.size(), 0u);
  EXPECT_EQ(waiter.use_count(), 1);
  EXPECT_EQ(router.Deliver(DecisionFor("request-1")), 0);
  EXPECT_EQ(waiter->count(), 0);
}

TEST(DecisionRouterTest, UnregisterKeepsOtherWaiters) {
  DecisionRouter router;
  auto leaving = std::make_shared<RecordingWaiter>();
  auto staying = std::make_shared<RecordingWaiter>();
  router.Register("request-1", leaving);
  router.Register("request-1", staying);
  router.Unregister("request-1", leaving.get());

  EXPECT_EQ(router.Deliver(DecisionFor("request-1")), 1);
  EXPECT_EQ(leaving->count(), 0);
  EXPECT_EQ(staying->count(), 1);
}

TEST(DecisionRouterTest, UnregisterWrongIdKeepsWaiter) {
  DecisionRouter router;
  auto waiter = std::make_shared<RecordingWaiter>();
  router.Register("request-1", waiter);
  router.Unregister("request-2", waiter.get());
  EXPECT_EQ(router.size(), 1u);
}

TEST(DecisionRouterTest, UnregisterAfterDeliverIsHarmless) {
  DecisionRouter router;
  auto waiter = std::make_shared<RecordingWaiter>();
  router.Register("request-1", waiter);
  router.Deliver(DecisionFor("request-1"));
  router.Unregister("request-1", waiter.get());
  EXPECT_EQ(router.size(), 0u);
  EXPECT_EQ(waiter->count(), 1);
}

TEST(DecisionRouterTest, DestroyedRouterReleasesWaiters) {
  auto waiter = std::make_shared<RecordingWaiter>();
  {
    DecisionRouter router;
    router.Register("request-1", waiter);
  }
  EXPECT_EQ(waiter.use_count(), 1);
}

// Takes only the decision of one offset, like a call whose retries share
// its request id.
class OffsetWaiter : public DecisionWaiter {
 public:
  explicit OffsetWaiter(int64_t offset) : offset_(offset) {}
  bool OnDecision(const v1::Decision& decision) override {
    if (decision.offset() != offset_) return false;
    ++taken_;
    return true;
  }
  int taken() const { return taken_; }

 private:
  int64_t offset_;
  int taken_ = 0;
};

TEST(DecisionRouterTest, DeclinedDecisionKeepsWaiter) {
  DecisionRouter router;
  auto first = std::make_shared<OffsetWaiter>(10);
  auto retry = std::make_shared<OffsetWaiter>(11);
  router.Register("request-1", first);
  router.Register("request-1", retry);

  v1::Decision decision;
  decision.set_request_id("request-1");
  decision.set_offset(11);
  EXPECT_EQ(router.Deliver(decision), 1);
  EXPECT_EQ(retry->taken(), 1);
  EXPECT_EQ(first->taken(), 0);
  EXPECT_EQ(router.size(), 1u);

  decision.set_offset(10);
  EXPECT_EQ(router.Deliver(decision), 1);
  EXPECT_EQ(first->taken(), 1);
  EXPECT_EQ(router.size(), 0u);
}

// A waiter that unregisters another waiter of the same id from inside
// OnDecision, as a finishing call may do on the reader's thread.
class UnregisteringWaiter : public DecisionWaiter {
 public:
  UnregisteringWaiter(DecisionRouter* router, const DecisionWaiter* other)
      : router_(router), other_(other) {}
  bool OnDecision(const v1::Decision& decision) override {
    router_->Unregister(decision.request_id(), other_);
    ++calls_;
    return true;
  }
  int calls() const { return calls_; }

 private:
  DecisionRouter* router_;
  const DecisionWaiter* other_;
  int calls_ = 0;
};

TEST(DecisionRouterTest, CallbackMayCallRouter) {
  DecisionRouter router;
  auto second = std::make_shared<RecordingWaiter>();
  auto first = std::make_shared<UnregisteringWaiter>(&router, second.get());
  router.Register("request-1", first);
  router.Register("request-1", second);

  // Must not deadlock: the router calls waiters without holding its lock.
  EXPECT_EQ(router.Deliver(DecisionFor("request-1")), 2);
  EXPECT_EQ(first->calls(), 1);
  EXPECT_EQ(second->count(), 1);
}

TEST(DecisionRouterTest, ConcurrentDeliverAndUnregister) {
  // Each id has one waiter. A deliverer and an unregisterer race over
  // every id, and a second deliverer sends every decision again, as Kafka
  // may after a worker restart. Each waiter must get at most one decision,
  // and exactly the waiters counted by Deliver get one.
  constexpr int kIds = 2000;
  DecisionRouter router;
  std::vector<std::shared_ptr<RecordingWaiter>> waiters;
  for (int i = 0; i < kIds; ++i) {
    waiters.push_back(std::make_shared<RecordingWaiter>());
    router.Register(absl::StrCat("request-", i), waiters.back());
  }

  std::latch start(3);
  std::atomic<int> delivered{0};
  auto deliver_all = [&] {
    start.arrive_and_wait();
    for (int i = 0; i < kIds; ++i) {
      delivered += router.Deliver(DecisionFor(absl::StrCat("request-", i)));
    }
  };
  std::thread first_deliverer(deliver_all);
  std::thread second_deliverer(deliver_all);
  std::thread unregisterer([&] {
    start.arrive_and_wait();
    for (int i = kIds - 1; i >= 0; --i) {
      router.Unregister(absl::StrCat("request-", i), waiters[i].get());
    }
  });
  first_deliverer.join();
  second_deliverer.join();
  unregisterer.join();

  int received = 0;
  for (int i = 0; i < kIds; ++i) {
    ASSERT_LE(waiters[i]->count(), 1) << "request-" << i;
    received += waiters[i]->count();
  }
  EXPECT_EQ(received, delivered.load());
  EXPECT_EQ(router.size(), 0u);
}

TEST(DecisionRouterTest, ConcurrentRegisterAndDeliver) {
  // Several threads register waiters for their own ids while one thread
  // delivers every id twice. Afterwards each waiter that Deliver missed is
  // still registered, and no waiter got two decisions.
  constexpr int kThreads = 4;
  constexpr int kIdsPerThread = 500;
  DecisionRouter router;
  std::vector<std::vector<std::shared_ptr<RecordingWaiter>>> waiters(kThreads);
  for (auto& list : waiters) {
    for (int i = 0; i < kIdsPerThread; ++i) list.push_back(std::make_shared<RecordingWaiter>());
  }

  std::latch start(kThreads + 1);
  std::atomic<int> delivered{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < kIdsPerThread; ++i) {
        router.Register(absl::StrCat("request-", t, "-", i), waiters[t][i]);
      }
    });
  }
  threads.emplace_back([&] {
    start.arrive_and_wait();
    for (int round = 0; round < 2; ++round) {
      for (int t = 0; t < kThreads; ++t) {
        for (int i = 0; i < kIdsPerThread; ++i) {
          delivered += router.Deliver(DecisionFor(absl::StrCat("request-", t, "-", i)));
        }
      }
    }
  });
  for (std::thread& thread : threads) thread.join();

  int received = 0;
  for (const auto& list : waiters) {
    for (const auto& waiter : list) {
      ASSERT_LE(waiter->count(), 1);
      received += waiter->count();
    }
  }
  EXPECT_EQ(received, delivered.load());
  EXPECT_EQ(router.size(), static_cast<size_t>(kThreads * kIdsPerThread - received));
}

TEST(DecisionRouterTest, ShutDownTellsAndRemovesEveryWaiter) {
  DecisionRouter router;
  auto first = std::make_shared<RecordingWaiter>();
  auto second = std::make_shared<RecordingWaiter>();
  router.Register("a", first);
  router.Register("b", second);

  router.ShutDown();
  EXPECT_TRUE(first->shut_down());
  EXPECT_TRUE(second->shut_down());
  EXPECT_EQ(router.size(), 0u);
  EXPECT_EQ(router.Deliver(DecisionFor("a")), 0);
  EXPECT_EQ(first->count(), 0);
}

}  // namespace
}  // namespace signup
