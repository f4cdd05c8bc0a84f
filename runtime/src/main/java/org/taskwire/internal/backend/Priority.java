package org.taskwire.internal.backend;

import java.util.Collection;
import java.util.Comparator;

/**
 * Which of the calls ready at once goes first, on a backend that holds a queue: those of the chain
 * started first ({@code lineage}, the first task it grew from), and within one chain the deepest
 * ({@code depth}, steps from its start). So a child whose parent just ended goes before the fresh
 * parents of other keys, and an earlier design point's calls before a later one's: started work
 * finishes first, as Dask orders a graph ({@code dask/order.py}), and a study's optimiser hears of
 * each design point as early as it can.
 *
 * @param rank the work's {@code priority} job option; higher goes first, before everything else
 * @param lineage the task number the chain started with; lower goes first
 * @param depth steps from the chain's start; deeper goes first
 */
public record Priority(int rank, long lineage, int depth) {

  /** Higher rank first, then lower lineage, then deeper. */
  public static final Comparator<Priority> FIRST = Comparator.comparing(Priority::rank, Comparator.reverseOrder())
      .thenComparingLong(Priority::lineage).thenComparing(Priority::depth, Comparator.reverseOrder());

  /** The priority of a task whose calls wait for no other call, at the built-in rank: a chain of its own. */
  public static Priority root(long taskId) {
    return root(taskId, org.taskwire.spi.JobOptions.BUILT_IN.priority());
  }

  /** The same, at its work's rank ({@code priority} job option). */
  public static Priority root(long taskId, int rank) {
    return new Priority(rank, taskId, 0);
  }

  /**
   * The priority of a task fed by calls of these priorities, at its work's rank: the earliest chain
   * among them, one step deeper than the deepest.
   */
  public static Priority fedBy(Collection<Priority> inputs, long taskId, int rank) {
    if (inputs.isEmpty()) {
      return root(taskId, rank);
    }
    long lineage = Long.MAX_VALUE;
    int depth = 0;
    for (Priority p : inputs) {
      lineage = Math.min(lineage, p.lineage);
      depth = Math.max(depth, p.depth);
    }
    return new Priority(rank, lineage, depth + 1);
  }
}
