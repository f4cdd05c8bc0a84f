package org.taskwire.testing.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import org.taskwire.DataFile;
import org.taskwire.annotations.Work;
import org.taskwire.annotations.Workflow;

/**
 * The AID2E tutorial's "Multiple Step with Rucio" shape with files: a simulation per grid point
 * writes a file instead of returning its value, an analysis reads its point's file (one-to-one),
 * a merge reads them all (all-to-one). Particle {@code lazy} returns a file it never wrote,
 * {@code escape} asks for a file outside its directory.
 */
@Workflow(name = "file-steps", maxAttempts = 1, memoryMb = 256)
public final class FileSteps {
  private FileSteps() {}

  /** A grid point. */
  public record Point(String particle, double eta) {}

  /** What a simulation leaves: its file and the point it is for. */
  public record Simulated(Point point, DataFile events) {}

  @Work
  static Simulated simreco(Point point) throws IOException {
    DataFile out = DataFile.create(point.particle().equals("escape") ? "../escaped.txt" : "my_test.txt");
    DataFile scratch = DataFile.create("scratch.tmp");
    Files.writeString(scratch.path(), "not returned");
    if (!point.particle().equals("lazy")) {
      Files.writeString(out.path(), "xyz=" + (point.eta() * 10) + "\n");
    }
    return new Simulated(point, out);
  }

  /** One slice of a point's events; its file goes to the point's own dataset, as the tutorial's {@code #global_parameter_key}. */
  @Work(dataset = "{run}.{work}.{point}")
  static DataFile slice(Point point, int slice) throws IOException {
    DataFile out = DataFile.create("slice.txt");
    Files.writeString(out.path(), point + " slice " + slice + "\n");
    return out;
  }

  /** Reads its point's file: the one-to-one step. */
  @Work
  static double ana(Simulated simulated) throws IOException {
    String text = Files.readString(simulated.events().path()).strip();
    return Double.parseDouble(text.substring(text.indexOf('=') + 1));
  }

  /** Reads every point's file: the all-to-one step; returns a file of its own. */
  @Work
  static DataFile merge(Map<Point, Simulated> all) throws IOException {
    double sum = 0;
    for (Simulated s : all.values()) {
      String text = Files.readString(s.events().path()).strip();
      sum += Double.parseDouble(text.substring(text.indexOf('=') + 1));
    }
    DataFile merged = DataFile.create("merged.txt");
    Files.writeString(merged.path(), "sum=" + sum + "\n");
    return merged;
  }
}
