package org.taskwire.benchmarks;

/** What {@code bare_jvm} runs: a main that prints one line, from a directory of its own class alone. */
public final class BareMain {
  static final String LINE = "hello";

  private BareMain() {}

  public static void main(String[] args) {
    System.out.println(LINE);
  }
}
