package org.taskwire.testing.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.taskwire.AsyncMapResult;
import org.taskwire.In;
import org.taskwire.testing.e2e.StepsTasks.RecoIn;
import org.taskwire.testing.e2e.StepsTasks.SimArgs;

/**
 * The order ready calls go in, on a backend that holds a queue and one worker: a child whose parent
 * ended goes before the queued parents of other keys, and an earlier design point's calls before a
 * later one's. The calls note their start in one journal; arrival order alone would run every
 * simulation of both design points before the first reconstruction.
 */
abstract class CallOrderContract {
  private static final int KEYS = 4;
  @TempDir Path dir;

  @Test
  void aReadyChildGoesBeforeQueuedParentsAndAnEarlierDesignPointBeforeALaterOne() throws Exception {
    String journal = dir.resolve("journal.txt").toString();
    List<Integer> keys = IntStream.rangeClosed(1, KEYS).boxed().toList();
    List<AsyncMapResult<Integer, String>> recos = new ArrayList<>();
    for (int design = 1; design <= 2; design++) {
      int d = design;
      AsyncMapResult<Integer, String> sims = StepsTasks.simMapAsync(keys, k -> new SimArgs(d, k, journal, 150));
      recos.add(StepsTasks.recoMapAsync(keys,
          k -> new RecoIn(In.of(d), In.of(k), sims.at(k), In.of(journal), In.of(150L))));
    }
    for (AsyncMapResult<Integer, String> r : recos) {
      assertThat(r.await().failures()).isEmpty();
    }
    List<String> started = Files.readAllLines(Path.of(journal));
    assertThat(started).hasSize(4 * KEYS);
    // The worker may take the next simulation while the client queues the first child: one at most.
    assertThat(started.indexOf("reco 1.1")).as("started: %s", started).isLessThan(started.indexOf("sim 1.4"));
    int lastOfFirst = 0;
    for (int i = 0; i < started.size(); i++) {
      if (started.get(i).contains(" 1.")) {
        lastOfFirst = i;
      }
    }
    long laterBefore = started.subList(0, lastOfFirst).stream().filter(l -> l.contains(" 2.")).count();
    assertThat(laterBefore).as("design 2's calls started before design 1's last: %s", started).isLessThanOrEqualTo(1);
  }

  @Test
  void aWorkOfHigherPriorityGoesBeforeCallsQueuedEarlier() throws Exception {
    String journal = dir.resolve("journal.txt").toString();
    List<Integer> keys = IntStream.rangeClosed(1, KEYS).boxed().toList();
    AsyncMapResult<Integer, String> sims = StepsTasks.simMapAsync(keys, k -> new SimArgs(1, k, journal, 150));
    AsyncMapResult<Integer, String> urgent = StepsTasks.urgentMapAsync(List.of(1, 2),
        k -> new StepsTasks.UrgentArgs(1, k, journal, 150));
    assertThat(sims.await().failures()).isEmpty();
    assertThat(urgent.await().failures()).isEmpty();
    List<String> started = Files.readAllLines(Path.of(journal));
    // The worker may have taken the first simulation before the urgent calls were queued.
    assertThat(started.indexOf("urgent 1.2")).as("started: %s", started).isLessThan(started.indexOf("sim 1.3"));
  }
}
