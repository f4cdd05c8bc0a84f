package org.taskwire.testing.panda;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders a task's {@code jobParameters} for one job as JEDI does: items joined by one space
 * (none after an item with {@code padding: false}, hidden items skipped), {@code ${SURL}} and the
 * per-job placeholders resolved; for a pfnList task, {@code ${IN…}} resolves to the original
 * pfnList strings, for a dataset task to the job's LFNs. A placeholder left over is an error, as
 * JEDI's {@code UnresolvedParam}.
 */
final class JobParameters {
  private static final Pattern LEFTOVER = Pattern.compile("\\$\\{(IN[^}]*|SEQNUMBER)}");

  private JobParameters() {}

  static String render(Jedi.TaskRecord task, Jedi.FileRecord file, int attemptNr, int serial) {
    StringBuilder b = new StringBuilder();
    Object items = task.params.get("jobParameters");
    boolean pad = false;
    for (Object o : items instanceof List<?> l ? l : List.of()) {
      if (!(o instanceof Map<?, ?> item) || Boolean.TRUE.equals(item.get("hidden"))) {
        continue;
      }
      if (pad) {
        b.append(' ');
      }
      b.append(String.valueOf(item.get("value")));
      pad = !Boolean.FALSE.equals(item.get("padding"));
    }
    String s = resolve(task, file, attemptNr, serial, b.toString());
    Matcher m = LEFTOVER.matcher(s);
    if (m.find()) {
      throw new IllegalArgumentException("unresolved parameter " + m.group());
    }
    return s;
  }

  /**
   * One value with the job's placeholders resolved: the inputs ({@code ${IN/T}} the Python list of
   * a dataset job's LFNs, or a pfnList job's pfn), the serial number, the events of its slice
   * ({@code ${FIRSTEVENT}} from 1, {@code ${SKIPEVENTS}}, {@code ${MAXEVENTS}}), the attempt and
   * the task id.
   */
  static String resolve(Jedi.TaskRecord task, Jedi.FileRecord file, int attemptNr, int serial, String value) {
    List<String> in = file.inputs.isEmpty() ? List.of(file.pfn) : file.inputs;
    String sn = String.format("%06d", serial);
    long skip = Math.max(0, file.startEvent);
    long max = file.startEvent < 0 ? -1 : file.endEvent - file.startEvent + 1;
    return value
        .replace("${SURL}", String.valueOf(task.params.get("sourceURL")))
        .replace("${IN/T}", "[" + String.join(", ", in.stream().map(l -> "'" + l + "'").toList()) + "]")
        .replace("${IN/L}", String.join(",", in))
        .replace("${IN/S}", String.join(" ", in))
        .replace("${IN/A}", String.join(",", in.stream().map(l -> "'" + l + "'").toList()))
        .replace("${IN/E}", String.join(",", in))
        .replace("${IN}", String.join(",", in))
        .replace("${SEQNUMBER}", Integer.toString(file.index + 1))
        .replace("${SN/P}", sn)
        .replace("${SN}", sn)
        .replace("${FIRSTEVENT}", Long.toString(skip + 1))
        .replace("${SKIPEVENTS}", Long.toString(skip))
        .replace("${MAXEVENTS}", Long.toString(max))
        .replace("${ATTEMPTNR}", Integer.toString(attemptNr))
        .replace("$JEDITASKID", Long.toString(task.id));
  }
}
