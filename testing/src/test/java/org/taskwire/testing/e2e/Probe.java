package org.taskwire.testing.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.taskwire.annotations.Codec;
import org.taskwire.annotations.Work;
import org.taskwire.annotations.Workflow;

/** Work methods that misbehave on purpose, for the end-to-end tests. */
@Workflow(name = "probe", maxAttempts = 1, memoryMb = 256)
public final class Probe {
  private Probe() {}

  /** A user type that travels: a record with a nested enum and JDK collections. */
  public record Sample(String name, Kind kind, List<Double> values, Map<String, UUID> ids) {}

  /** Travels by name. */
  public enum Kind { SIGNAL, BACKGROUND }

  /** A closed set of types: the permitted subclasses travel. */
  public sealed interface Shape permits Circle, Rect {}

  public record Circle(double r) implements Shape {}

  public record Rect(double w, double h) implements Shape {}

  @Work
  static Shape grow(Shape shape, double factor) {
    if (shape instanceof Circle c) {
      return new Rect(c.r() * factor, c.r() * factor);
    }
    Rect r = (Rect) shape;
    return new Circle(r.w() * r.h() * factor);
  }

  @Work
  static int square(int x) {
    return x * x;
  }

  @Work
  static int slowSquare(int x, long millis) throws InterruptedException {
    Thread.sleep(millis);
    return x * x;
  }

  /** Where this class was loaded from, and the process's working directory. */
  @Work
  static List<String> whereAmI() {
    return List.of(Probe.class.getProtectionDomain().getCodeSource().getLocation().toString(),
        System.getProperty("user.dir"));
  }

  @Work
  static long maxHeapMb() {
    return Runtime.getRuntime().maxMemory() >> 20;
  }

  @Work
  static long pid() {
    return ProcessHandle.current().pid();
  }

  @Work
  static Sample normalise(Sample sample) {
    double max = sample.values().stream().mapToDouble(Double::doubleValue).max().orElse(1);
    List<Double> scaled = new ArrayList<>();
    for (double v : sample.values()) {
      scaled.add(v / max);
    }
    return new Sample(sample.name().toUpperCase(), sample.kind(), List.copyOf(scaled), sample.ids());
  }

  @Work(codec = Codec.JSON)
  static Map<String, Integer> wordLengths(List<String> words) {
    Map<String, Integer> lengths = new java.util.TreeMap<>();
    words.forEach(w -> lengths.put(w, w.length()));
    return lengths;
  }

  /** Fails for odd inputs. */
  @Work
  static int evenOnly(int x) {
    if (x % 2 != 0) {
      throw new IllegalArgumentException("odd input " + x);
    }
    return x / 2;
  }

  /** Throws until it has been called {@code failures} times, counting in a file shared by workers. */
  @Work(maxAttempts = 3)
  static String flaky(String counterFile, int failures) {
    int attempt = bump(Path.of(counterFile));
    if (attempt <= failures) {
      throw new IllegalStateException("flaky failure number " + attempt);
    }
    return "succeeded on attempt " + attempt;
  }

  /** Writes its pid to a file, then sleeps: the test kills it. On a later attempt it returns. */
  @Work(maxAttempts = 2)
  static String survive(String pidFile, long sleepMillis) throws InterruptedException {
    Path file = Path.of(pidFile);
    if (Files.exists(file)) {
      return "survived in " + ProcessHandle.current().pid();
    }
    write(file, Long.toString(ProcessHandle.current().pid()));
    Thread.sleep(sleepMillis);
    return "not killed";
  }

  /** Like {@link #survive}, with one attempt only. */
  @Work(maxAttempts = 1)
  static String sleepOnce(String pidFile, long sleepMillis) throws InterruptedException {
    write(Path.of(pidFile), Long.toString(ProcessHandle.current().pid()));
    Thread.sleep(sleepMillis);
    return "not killed";
  }

  @Work
  static int exit(int status) {
    System.out.println("exiting with " + status);
    System.exit(status);
    return -1;
  }

  /** Exits with {@code status} after a pause, leaving no result; never retried. */
  @Work(maxAttempts = 1)
  static int exitAfter(int status, long millis) throws InterruptedException {
    Thread.sleep(millis);
    System.exit(status);
    return -1;
  }

  /** Returns x, except that its worker exits when x is {@code fatal}; never retried. */
  @Work(maxAttempts = 1)
  static int exitAt(int x, int fatal) {
    if (x == fatal) {
      System.exit(3);
    }
    return x;
  }

  /** Allocates until the worker runs out of memory. */
  @Work
  static int hog() {
    List<long[]> blocks = new ArrayList<>();
    while (true) {
      blocks.add(new long[1 << 20]);
    }
  }

  /**
   * Holds memory outside the heap as well as in it, past its job's 256 MB but below its heap's
   * limit: only the batch system can stop it.
   */
  @Work
  static int hogNative() throws InterruptedException {
    List<Object> held = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      long[] block = new long[10 << 17];
      java.util.Arrays.fill(block, 1L);
      held.add(block);
    }
    for (int i = 0; i < 15; i++) {
      java.nio.ByteBuffer block = java.nio.ByteBuffer.allocateDirect(10 << 20);
      for (int j = 0; j < block.capacity(); j += 4096) {
        block.put(j, (byte) 1);
      }
      held.add(block);
    }
    Thread.sleep(120_000);
    return held.size();
  }

  /** Returns a value the declared type (Object) cannot carry: no travelling type is Object's subclass here. */
  @Work
  static Object opaque() {
    return new StringBuilder("not declared");
  }

  /** Like {@link #opaque}, with attempts to spare: a failure no attempt mends. */
  @Work(maxAttempts = 3)
  static Object opaqueWithAttemptsToSpare() {
    return new StringBuilder("not declared either");
  }

  /** Squares x after a pause, leaving one file per execution in {@code dir}: a count of how often it ran. */
  @Work
  static int countedSquare(String dir, int x, long millis) throws InterruptedException {
    write(Path.of(dir, x + "-" + UUID.randomUUID()), "");
    Thread.sleep(millis);
    return x * x;
  }

  /** Sleeps past its walltime, and past Slurm's enforcement of it, which counts in minutes. */
  @Work(walltime = "2s")
  static int overrun() throws InterruptedException {
    Thread.sleep(300_000);
    return 0;
  }

  /** Takes an Object parameter, so a caller can try to send something that cannot travel. */
  @Work
  static String describe(String label, Object payload) {
    return label + ": " + payload;
  }

  private static int bump(Path counter) {
    try (var channel = java.nio.channels.FileChannel.open(counter, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE); var lock = channel.lock()) {
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(16);
      int read = channel.read(buf, 0);
      int n = read <= 0 ? 0 : Integer.parseInt(new String(buf.array(), 0, read, StandardCharsets.US_ASCII).trim());
      n++;
      channel.truncate(0);
      channel.write(java.nio.ByteBuffer.wrap(Integer.toString(n).getBytes(StandardCharsets.US_ASCII)), 0);
      return n;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, String content) {
    try {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, content);
      Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
