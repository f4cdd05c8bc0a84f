package org.taskwire.internal.threads;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DaemonThreadsTest {
  @AfterEach
  void forget() {
    DaemonThreads.onThreadDeath(null);
    DaemonThreads.release();
  }

  @Test
  void aThreadThatDiesOfAnErrorTellsTheRunWhichAndWhy() throws Exception {
    CompletableFuture<String> told = new CompletableFuture<>();
    DaemonThreads.onThreadDeath(told::complete);
    DaemonThreads.start("taskwire-doomed", () -> {
      throw new NoClassDefFoundError("org/apache/commons/lang3/SystemProperties");
    });
    assertThat(told.get(30, TimeUnit.SECONDS)).contains("taskwire-doomed", "NoClassDefFoundError",
        "org/apache/commons/lang3/SystemProperties");

    CompletableFuture<String> fromAPool = new CompletableFuture<>();
    DaemonThreads.onThreadDeath(fromAPool::complete);
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newSingleThreadExecutor(DaemonThreads.factory("taskwire-pool"));
    pool.execute(() -> {
      throw new IllegalStateException("lost");
    });
    assertThat(fromAPool.get(30, TimeUnit.SECONDS)).contains("taskwire-pool", "IllegalStateException: lost");
    pool.shutdown();
  }

  @Test
  void threadsAreTaskwiresOwnAndTheSharedTimersStopOnRelease() throws Exception {
    CompletableFuture<ThreadGroup> group = new CompletableFuture<>();
    DaemonThreads.start("taskwire-probe", () -> group.complete(Thread.currentThread().getThreadGroup()));
    assertThat(group.get(30, TimeUnit.SECONDS).getName()).isEqualTo("taskwire");
    assertThat(group.get().parentOf(Thread.currentThread().getThreadGroup())).isFalse();
    assertThat(DaemonThreads.inGroup("taskwire-made", () -> Thread.currentThread().getThreadGroup().getName()))
        .isEqualTo("taskwire");

    ScheduledExecutorService timer = DaemonThreads.timer("taskwire-test-timer");
    CompletableFuture<Thread> ran = new CompletableFuture<>();
    timer.schedule(() -> ran.complete(Thread.currentThread()), 1, TimeUnit.MILLISECONDS);
    Thread timerThread = ran.get(30, TimeUnit.SECONDS);
    assertThat(DaemonThreads.timer("taskwire-test-timer")).isSameAs(timer);
    DaemonThreads.release();
    assertThat(timer.isShutdown()).isTrue();
    timerThread.join(30_000);
    assertThat(timerThread.isAlive()).isFalse();
    assertThat(DaemonThreads.timer("taskwire-test-timer")).as("made anew after a release").isNotSameAs(timer);
  }
}
