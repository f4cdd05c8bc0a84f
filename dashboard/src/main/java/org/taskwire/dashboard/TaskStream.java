package org.taskwire.dashboard;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.taskwire.internal.journal.JournalRecord;
import org.taskwire.internal.journal.RecordedRun;

/**
 * A run's task stream, as Dask draws one: a row per worker, pilot or grid job, each ended call a
 * bar from its start to its end. It keeps the newest {@link #BARS} ended calls, fed with the
 * journal's new lines, so that a run of any size sends a page of bounded size.
 */
final class TaskStream {
  /** The ended calls a page's stream shows: the newest. */
  static final int BARS = 1_000;
  private final ArrayDeque<Bar> bars = new ArrayDeque<>();

  /** One ended call: where it ran ({@link #place}), its step, and when (epoch milliseconds). */
  record Bar(long callId, String work, String place, long start, long end, boolean failed) {}

  /** Takes the calls that ended in {@code fresh}; {@code run} already holds them. */
  void add(List<JournalRecord> fresh, RecordedRun run) {
    for (JournalRecord record : fresh) {
      if (record instanceof JournalRecord.CallSucceeded s) {
        add(run, s.callId(), s.startedAt(), s.finishedAt(), false);
      } else if (record instanceof JournalRecord.CallFailed f) {
        add(run, f.callId(), f.startedAt(), f.finishedAt(), true);
      }
    }
  }

  private void add(RecordedRun run, long callId, long start, long end, boolean failed) {
    RecordedRun.Call call = run.byId(callId);
    if (end == 0 || call == null) {
      return; // a journal from before the stream was recorded
    }
    String work = call.declared().work();
    bars.addLast(new Bar(callId, work.substring(work.indexOf('#') + 1), place(call), start == 0 ? end : start, end,
        failed));
    if (bars.size() > BARS) {
      bars.removeFirst();
    }
  }

  /**
   * What ran a call, from its last submission's handle: a pilot, a local worker, a batch job, or
   * the client itself (in process, or a backend that names none).
   */
  static String place(RecordedRun.Call call) {
    if (call.submissions().isEmpty()) {
      return "client";
    }
    Map<String, String> h = call.submissions().get(call.submissions().size() - 1).handle();
    if (h.containsKey("pilot")) {
      return "pilot " + h.get("pilot") + (h.containsKey("node") ? " on " + h.get("node") : "");
    } else if (h.containsKey("worker")) {
      return "worker " + h.get("worker") + (h.containsKey("pid") ? " (pid " + h.get("pid") + ")" : "");
    } else if (h.containsKey("job")) {
      return h.getOrDefault("system", "batch") + " job " + h.get("job");
    } else if (h.containsKey("task")) {
      return h.getOrDefault("system", "batch") + " task " + h.get("task");
    }
    return h.getOrDefault("system", "client");
  }

  /**
   * The stream for a page: {@code lanes} (rows, by place; a place running calls at once gets a row
   * for each), {@code works}, and {@code bars} as {@code [lane, start, end, work, call, failed]}.
   */
  Map<String, Object> page() {
    List<Bar> sorted = new ArrayList<>(bars);
    sorted.sort(Comparator.comparingLong(Bar::start).thenComparingLong(Bar::callId));
    // Each place's rows, as the end of the last bar in each: a bar takes the first row free at its start.
    Map<String, List<long[]>> rows = new TreeMap<>();
    List<int[]> placed = new ArrayList<>();
    Map<String, Integer> works = new LinkedHashMap<>();
    for (Bar b : sorted) {
      List<long[]> ends = rows.computeIfAbsent(b.place(), k -> new ArrayList<>());
      int row = 0;
      while (row < ends.size() && ends.get(row)[0] > b.start()) {
        row++;
      }
      if (row == ends.size()) {
        ends.add(new long[1]);
      }
      ends.get(row)[0] = b.end();
      placed.add(new int[] {row, works.computeIfAbsent(b.work(), k -> works.size())});
    }
    // Each place's rows in turn: a bar's lane is its place's first row plus its own.
    Map<String, Integer> firstLane = new LinkedHashMap<>();
    List<String> lanes = new ArrayList<>();
    rows.forEach((place, ends) -> {
      firstLane.put(place, lanes.size());
      for (int r = 0; r < ends.size(); r++) {
        lanes.add(r == 0 ? place : place + " · " + (r + 1));
      }
    });
    List<Object[]> out = new ArrayList<>(sorted.size());
    for (int i = 0; i < sorted.size(); i++) {
      Bar b = sorted.get(i);
      out.add(new Object[] {firstLane.get(b.place()) + placed.get(i)[0], b.start(), b.end(), placed.get(i)[1],
          b.callId(), b.failed() ? 1 : 0});
    }
    Map<String, Object> page = new LinkedHashMap<>();
    page.put("lanes", lanes);
    page.put("works", List.copyOf(works.keySet()));
    page.put("bars", out);
    return page;
  }
}
