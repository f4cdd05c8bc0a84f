package org.taskwire.internal.progress;

import java.io.PrintStream;
import java.time.Duration;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows how a fan-out is doing: a progress bar on a terminal, otherwise a status line on standard
 * error every interval (and a last one at the end if any was printed), or nothing.
 */
public abstract class ProgressDisplay implements AutoCloseable {

  /**
   * Opens a display.
   *
   * @param mode {@code auto}, {@code bar}, {@code line} or {@code off}
   */
  public static ProgressDisplay open(String mode, String workName, int total, Duration interval) {
    boolean terminal = System.console() != null;
    switch (mode) {
      case "off":
        return new Silent();
      case "bar":
        return new Bar(workName, total);
      case "line":
        return new Line(workName, total, interval, System.err);
      default:
        return terminal ? new Bar(workName, total) : new Line(workName, total, interval, System.err);
    }
  }

  /** Reports the current counts; cheap, may be called often. */
  public abstract void update(int succeeded, int failed, int running, int retried);

  @Override
  public abstract void close();

  static String counts(int succeeded, int failed, int running, int retried) {
    StringBuilder b = new StringBuilder();
    b.append(failed).append(" failed, ").append(running).append(" running");
    if (retried > 0) {
      b.append(", ").append(retried).append(" retried");
    }
    return b.toString();
  }

  private static final class Silent extends ProgressDisplay {
    @Override public void update(int succeeded, int failed, int running, int retried) {}
    @Override public void close() {}
  }

  private static final class Bar extends ProgressDisplay {
    private final ProgressBar bar;

    Bar(String workName, int total) {
      bar = new ProgressBarBuilder()
          .setTaskName(workName)
          .setInitialMax(total)
          .setStyle(ProgressBarStyle.ASCII)
          .setUpdateIntervalMillis(200)
          .continuousUpdate()
          .build();
    }

    @Override
    public void update(int succeeded, int failed, int running, int retried) {
      bar.stepTo(succeeded + failed);
      bar.setExtraMessage(counts(succeeded, failed, running, retried));
    }

    @Override
    public void close() {
      bar.close();
    }
  }

  static final class Line extends ProgressDisplay {
    private final String workName;
    private final int total;
    private final long intervalNanos;
    private final PrintStream out;
    private final long started = System.nanoTime();
    private long lastPrinted = System.nanoTime();
    private boolean printedAny;
    private String last = "";

    Line(String workName, int total, Duration interval, PrintStream out) {
      this.workName = workName;
      this.total = total;
      this.intervalNanos = interval.toNanos();
      this.out = out;
    }

    @Override
    public void update(int succeeded, int failed, int running, int retried) {
      last = workName + ": " + (succeeded + failed) + "/" + total + " done, "
          + counts(succeeded, failed, running, retried);
      long now = System.nanoTime();
      if (now - lastPrinted >= intervalNanos) {
        print(now);
      }
    }

    private void print(long now) {
      out.println("[taskwire] " + last + " (" + Duration.ofNanos(now - started).toSeconds() + " s)");
      lastPrinted = now;
      printedAny = true;
    }

    @Override
    public void close() {
      if (printedAny) {
        print(System.nanoTime());
      }
    }
  }
}
