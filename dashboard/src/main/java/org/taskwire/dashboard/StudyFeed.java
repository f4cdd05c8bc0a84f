package org.taskwire.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.taskwire.optimize.Hypervolume;
import org.taskwire.optimize.Measurement;
import org.taskwire.optimize.Objective;
import org.taskwire.optimize.Study;
import org.taskwire.optimize.StudyReport;
import org.taskwire.optimize.Trial;
import org.taskwire.optimize.TrialRecord;
import org.taskwire.optimize.TrialStatus;

/**
 * A study followed from its directory: the {@value Study#TRIALS} a {@link Study} keeps up to date
 * (self-describing: its space, objectives and trials), read again whenever it changes, with what
 * the page plots worked out here: the best value so far, or the hypervolume, after each trial that
 * ended, in the order they ended.
 */
final class StudyFeed extends Feed {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path directory;
  private FileTime read;
  private Map<String, Object> snapshot;

  StudyFeed(Path directory) {
    this.directory = directory.toAbsolutePath().normalize();
  }

  Path directory() {
    return directory;
  }

  /** Reads the trials again if they changed; whether the snapshot did. */
  @Override
  synchronized boolean refresh() {
    Path file = directory.resolve(Study.TRIALS);
    try {
      FileTime modified = Files.getLastModifiedTime(file);
      if (modified.equals(read) && snapshot != null) {
        return false;
      }
      JsonNode study = JSON.readTree(file.toFile());
      if (!StudyReport.JSON_FORMAT.equals(study.path("format").asText())) {
        throw new IllegalStateException(file + " is not a study's trials (" + StudyReport.JSON_FORMAT + ")");
      }
      read = modified;
      snapshot = snapshot(study);
      changed();
      return true;
    } catch (NoSuchFileException e) {
      return failed("no " + Study.TRIALS + " in " + directory + " yet: a study writes it when it asks its first trial");
    } catch (IOException | RuntimeException e) {
      return failed("cannot read " + file + ": " + e.getMessage());
    }
  }


  @Override
  synchronized Map<String, Object> page() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("directory", directory.toString());
    out.put("version", version());
    out.put("error", error());
    if (snapshot != null) {
      out.putAll(snapshot);
    }
    return out;
  }

  private static Map<String, Object> snapshot(JsonNode study) {
    List<Objective> objectives = new ArrayList<>();
    for (JsonNode o : study.path("objectives")) {
      Objective objective = "maximize".equals(o.path("direction").asText())
          ? Objective.maximize(o.path("name").asText()) : Objective.minimize(o.path("name").asText());
      objectives.add(o.path("threshold").isNumber() ? objective.withThreshold(o.path("threshold").asDouble()) : objective);
    }
    List<JsonNode> ended = new ArrayList<>();
    study.path("trials").forEach(t -> {
      if ("completed".equals(t.path("status").asText())) {
        ended.add(t);
      }
    });
    // In the order they ended, where the study's journal said; else in the order they were asked.
    ended.sort(Comparator.comparing((JsonNode t) -> t.path("ended").asText("")).thenComparingInt(t -> t.path("id").asInt()));
    List<Map<String, Object>> progress = new ArrayList<>();
    List<TrialRecord> sofar = new ArrayList<>();
    boolean hypervolume = objectives.size() >= 2 && objectives.size() <= 3
        && objectives.stream().allMatch(o -> o.threshold() != null);
    Double best = null;
    for (JsonNode t : ended) {
      Map<String, Object> point = new LinkedHashMap<>();
      point.put("evaluations", progress.size() + 1);
      point.put("trial", t.path("id").asInt());
      if (objectives.size() == 1 && t.path("feasible").asBoolean(true)) {
        Objective o = objectives.get(0);
        double value = t.path("measurements").path(o.name()).path("mean").asDouble();
        best = best == null || o.better(value, best) ? value : best;
      } else if (hypervolume) {
        sofar.add(record(t, objectives));
        point.put("hypervolume", Hypervolume.of(sofar, objectives));
      }
      point.put("best", best);
      progress.add(point);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("study", study);
    out.put("progress", progress);
    return out;
  }

  /** A completed trial as the optimisers hold it, for the hypervolume; infeasible ones with the objectives' worst. */
  private static TrialRecord record(JsonNode t, List<Objective> objectives) {
    Map<String, Measurement> measurements = new LinkedHashMap<>();
    for (Objective o : objectives) {
      double mean = t.path("measurements").path(o.name()).path("mean").asDouble();
      // A trial that broke an outcome constraint adds nothing: it counts at the reference point.
      measurements.put(o.name(), Measurement.of(t.path("feasible").asBoolean(true) ? mean : o.threshold()));
    }
    return new TrialRecord(new Trial(t.path("id").asInt(), Map.of()), TrialStatus.COMPLETED, measurements, null);
  }
}
