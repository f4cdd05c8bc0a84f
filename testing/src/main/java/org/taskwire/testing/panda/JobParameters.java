package org.taskwire.testing.panda;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders a task's {@code jobParameters} for one job as JEDI does: items joined by one space
 * (none after an item with {@code padding: false}, hidden items skipped), {@code ${SURL}} and the
 * per-job placeholders resolved; for a pfnList task, {@code ${IN…}} resolves to the original
 * pfnList strings. A placeholder left over is an error, as JEDI's {@code UnresolvedParam}.
 */
final class JobParameters {
  private static final Pattern LEFTOVER = Pattern.compile("\\$\\{(IN[^}]*|SEQNUMBER)}");

  private JobParameters() {}

  static String render(Jedi.TaskRecord task, Jedi.FileRecord file, int attemptNr) {
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
    String pfn = file.pfn;
    String sn = String.format("%06d", file.index + 1);
    String s = b.toString()
        .replace("${SURL}", String.valueOf(task.params.get("sourceURL")))
        .replace("${IN/T}", "['" + pfn + "']")
        .replace("${IN/L}", pfn)
        .replace("${IN/S}", pfn)
        .replace("${IN/A}", "'" + pfn + "'")
        .replace("${IN/E}", pfn)
        .replace("${IN}", pfn)
        .replace("${SEQNUMBER}", Integer.toString(file.index + 1))
        .replace("${SN/P}", sn)
        .replace("${SN}", sn)
        .replace("${ATTEMPTNR}", Integer.toString(attemptNr))
        .replace("$JEDITASKID", Long.toString(task.id));
    Matcher m = LEFTOVER.matcher(s);
    if (m.find()) {
      throw new IllegalArgumentException("unresolved parameter " + m.group());
    }
    return s;
  }
}
