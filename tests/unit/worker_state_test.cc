// The worker's state, role and health, derived from its conditions.
#include "services/worker/worker_state.h"

#include "gtest/gtest.h"

namespace signup {
namespace {

WorkerConditions Running() {
  WorkerConditions conditions;
  conditions.started = true;
  conditions.active = true;
  return conditions;
}

TEST(WorkerStateTest, ActiveHealthyWorkerServes) {
  EXPECT_EQ(StateOf(Running()), WorkerState::kRunning);
  EXPECT_EQ(RoleOf(Running()), WorkerRole::kActive);
  EXPECT_TRUE(IsServing(Running()));
}

TEST(WorkerStateTest, EachConditionAloneStopsServing) {
  struct Case {
    const char* name;
    void (*apply)(WorkerConditions&);
    WorkerState state;
  };
  const Case cases[] = {
      {"not started", [](WorkerConditions& c) { c.started = false, c.active = false; },
       WorkerState::kStarting},
      {"standby", [](WorkerConditions& c) { c.active = false; }, WorkerState::kStandby},
      {"retrying", [](WorkerConditions& c) { c.retrying = true; }, WorkerState::kRetrying},
      {"broker down", [](WorkerConditions& c) { c.kafka_reachable = false; },
       WorkerState::kRetrying},
      {"database down", [](WorkerConditions& c) { c.database_reachable = false; },
       WorkerState::kRetrying},
      {"pause requested", [](WorkerConditions& c) { c.pause_requested = true; },
       WorkerState::kPausing},
      {"paused", [](WorkerConditions& c) { c.pause_requested = c.paused = true; },
       WorkerState::kPaused},
      {"draining", [](WorkerConditions& c) { c.draining = true; }, WorkerState::kDraining},
  };
  for (const Case& test : cases) {
    SCOPED_TRACE(test.name);
    WorkerConditions conditions = Running();
    test.apply(conditions);
    EXPECT_EQ(StateOf(conditions), test.state);
    EXPECT_FALSE(IsServing(conditions));
  }
}

TEST(WorkerStateTest, DrainingWinsOverPauseAndPauseOverStandby) {
  WorkerConditions conditions = Running();
  conditions.pause_requested = true;
  conditions.paused = true;
  conditions.draining = true;
  EXPECT_EQ(StateOf(conditions), WorkerState::kDraining);

  WorkerConditions standby;
  standby.started = true;
  standby.pause_requested = true;
  EXPECT_EQ(StateOf(standby), WorkerState::kPaused);
  EXPECT_EQ(RoleOf(standby), WorkerRole::kStandby);
}

TEST(WorkerStateTest, ResumingAfterAPauseServesAgain) {
  WorkerConditions conditions = Running();
  conditions.pause_requested = true;
  conditions.paused = true;
  conditions.pause_requested = false;
  conditions.paused = false;
  EXPECT_TRUE(IsServing(conditions));
}

TEST(WorkerStateTest, NamesAreLowercase) {
  EXPECT_EQ(WorkerStateName(WorkerState::kPaused), "paused");
  EXPECT_EQ(WorkerStateName(WorkerState::kDraining), "draining");
  EXPECT_EQ(WorkerStateName(WorkerState::kRetrying), "retrying");
}

}  // namespace
}  // namespace signup
