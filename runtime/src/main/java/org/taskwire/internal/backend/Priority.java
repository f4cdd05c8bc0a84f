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
 * @param lineage the task number the chain started with; lower goes first
 * @param depth steps from the chain's start; deeper goes first
 */
public record Priority(long lineage, int depth) {

  /** Lower lineage first, then deeper first. */
  public static final Comparator<Priority> FIRST =
      Comparator.comparingLong(Priority::lineage).thenComparing(Priority::depth, Comparator.reverseOrder());

  /** The priority of a task whose calls wait for no other call: a chain of its own. */
  public static Priority root(long taskId) {
    return new Priority(taskId, 0);
  }

  /** The priority of a task fed by calls of these priorities: the earliest chain among them, one step deeper than the deepest. */
  public static Priority fedBy(Collection<Priority> inputs, long taskId) {
    if (inputs.isEmpty()) {
      return root(taskId);
    }
    long lineage = Long.MAX_VALUE;
    int depth = 0;
    for (Priority p : inputs) {
      lineage = Math.min(lineage, p.lineage);
      depth = Math.max(depth, p.depth);
    }
    return new Priority(lineage, depth + 1);
  }
}
