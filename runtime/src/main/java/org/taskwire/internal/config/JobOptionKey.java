package org.taskwire.internal.config;

import java.util.function.BiConsumer;
import org.taskwire.spi.JobOptions;

/**
 * A job option as configuration sees it: its key ({@code taskwire.<option>}, and per work
 * {@code taskwire.work.<work>.<option>}) and where its value goes in {@link JobOptions}. The list of
 * them is {@link ConfigKey#JOB_OPTIONS}: one line per option.
 *
 * @param <T> what the value is read as
 */
public record JobOptionKey<T>(ConfigKey<T> key, BiConsumer<JobOptions.Builder, T> apply) {

  /** Sets this option on {@code builder} from a value's text (checked at load). */
  void applyText(JobOptions.Builder builder, String text) {
    apply.accept(builder, key.read(text));
  }
}
