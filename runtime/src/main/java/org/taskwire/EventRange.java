package org.taskwire;

import java.util.ArrayList;
import java.util.List;

/**
 * One job's slice of a simulation's events, as PanDA splits {@code nEvents} into jobs of
 * {@code nEventsPerJob}: a work that takes an {@code EventRange} parameter is told its own slice,
 * which iDDS never tells the function. Make the slices with {@link #split}, and the keys of a
 * fan-out with {@link Grid#product}: {@code Grid.product(Job::new, grid, EventRange.split(200, 100))}.
 *
 * @param first the index of the slice's first event, from 0 (PanDA's {@code ${SKIPEVENTS}})
 * @param count how many events the slice holds (PanDA's {@code ${MAXEVENTS}})
 * @param seq the slice's number, from 1 (PanDA's {@code ${SN}})
 * @param total the events of all the slices together
 */
public record EventRange(long first, long count, int seq, long total) {

  /** Checks that the slice lies within the events. */
  public EventRange {
    if (first < 0 || count < 1 || seq < 1 || total < 1 || first + count > total) {
      throw new IllegalArgumentException("an event range needs 0 <= first, 1 <= count, first + count <= total and "
          + "seq >= 1, got first " + first + ", count " + count + ", seq " + seq + ", total " + total);
    }
  }

  /**
   * {@code events} split into slices of {@code perJob} (the last one holds what is left), numbered
   * from 1, in order.
   *
   * @throws IllegalArgumentException if either is below 1
   */
  public static List<EventRange> split(long events, long perJob) {
    if (events < 1 || perJob < 1) {
      throw new IllegalArgumentException("split " + events + " events in jobs of " + perJob
          + ": both must be at least 1");
    }
    List<EventRange> slices = new ArrayList<>();
    int seq = 1;
    for (long first = 0; first < events; first += perJob) {
      slices.add(new EventRange(first, Math.min(perJob, events - first), seq++, events));
    }
    return List.copyOf(slices);
  }

  /** The slice's share of all the events, {@code count / total}. */
  public double fraction() {
    return (double) count / total;
  }
}
