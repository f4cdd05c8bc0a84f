package org.taskwire.annotations;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The format of the {@code walltime} attribute, shared by the processor (which checks it at
 * compile time) and the runtime (which reads it from configuration): {@code "90m"},
 * {@code "1h30m"}, {@code "2d"}, {@code "3600s"}, or ISO-8601 such as {@code "PT1H30M"}.
 */
public final class Walltime {
  private static final Pattern SHORT =
      Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");

  private Walltime() {}

  /**
   * Parses a wall time.
   *
   * @throws IllegalArgumentException with a message saying which forms are accepted
   */
  public static Duration parse(String text) {
    String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    Duration duration = null;
    if (value.startsWith("p")) {
      try {
        duration = Duration.parse(value.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        duration = null;
      }
    } else if (!value.isEmpty()) {
      Matcher m = SHORT.matcher(value);
      if (m.matches()) {
        duration =
            Duration.ofDays(number(m.group(1)))
                .plusHours(number(m.group(2)))
                .plusMinutes(number(m.group(3)))
                .plusSeconds(number(m.group(4)));
      }
    }
    if (duration == null || duration.isZero() || duration.isNegative()) {
      throw new IllegalArgumentException(
          "malformed walltime '" + text + "': use a positive duration such as \"90m\", \"1h30m\", "
              + "\"2d\", \"3600s\" or ISO-8601 \"PT1H30M\"");
    }
    return duration;
  }

  private static long number(String group) {
    return group == null ? 0 : Long.parseLong(group);
  }
}
