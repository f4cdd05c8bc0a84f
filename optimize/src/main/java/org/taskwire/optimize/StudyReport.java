package org.taskwire.optimize;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * What a physicist takes away from a study: its trials as CSV (one row per trial, parameters then
 * each objective's mean and standard error, readable by pandas and ROOT's {@code TTree::ReadFile})
 * and as JSON, and PNG plots: the best value against evaluations for one objective; the trials and
 * their Pareto front, and the hypervolume against evaluations (with thresholds), for two.
 */
public final class StudyReport {
  private static final int WIDTH = 800;
  private static final int HEIGHT = 600;
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private StudyReport() {}

  /** Writes {@code trials.csv}, {@code trials.json} and the plots into {@code directory}; returns the files. */
  public static List<Path> write(Optimizer optimizer, Path directory) {
    try {
      Files.createDirectories(directory);
      List<Path> files = new ArrayList<>();
      files.add(writeCsv(optimizer, directory.resolve("trials.csv")));
      files.add(writeJson(optimizer, directory.resolve("trials.json")));
      files.addAll(writePlots(optimizer, directory));
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the study's report in " + directory + ": " + e.getMessage(), e);
    }
  }

  /** The trials as CSV: {@code trial,status,<parameters>,<objective>,<objective>_sem,reason}. */
  public static Path writeCsv(Optimizer optimizer, Path file) throws IOException {
    List<String> parameters = optimizer.space().parameters().stream().map(Parameter::name).toList();
    StringBuilder csv = new StringBuilder("trial,status");
    parameters.forEach(p -> csv.append(',').append(p));
    for (Objective o : optimizer.objectives()) {
      csv.append(',').append(o.name()).append(',').append(o.name()).append("_sem");
    }
    csv.append(",reason\n");
    for (TrialRecord r : optimizer.trials()) {
      csv.append(r.trial().id()).append(',').append(r.status());
      for (String p : parameters) {
        csv.append(',').append(cell(r.trial().parameters().get(p)));
      }
      for (Objective o : optimizer.objectives()) {
        Measurement m = r.measurements().get(o.name());
        csv.append(',').append(m == null ? "" : number(m.mean()));
        csv.append(',').append(m == null || Double.isNaN(m.sem()) ? "" : number(m.sem()));
      }
      csv.append(',').append(r.reason() == null ? "" : cell(r.reason())).append('\n');
    }
    Files.writeString(file, csv, StandardCharsets.UTF_8);
    return file;
  }

  /** The version of {@code trials.json}'s layout, its {@code format} field. */
  public static final String JSON_FORMAT = "taskwire-study-trials/1";

  /**
   * The trials as JSON that reads without Taskwire's classes (pandas, {@code jq}, a notebook):
   * {@value #JSON_FORMAT}. It holds the optimiser, the search space (each parameter's type and
   * bounds or values, the constraints), the objectives (direction, threshold), and each trial: its
   * status, parameters, measurements ({@code mean}, {@code sem}, null where unknown), why it failed,
   * whether the space-filling design proposed it ({@code design}), whether it is the best trial or
   * on the Pareto front ({@code best}), and, where the study's journal ({@value Study#JOURNAL}) lies
   * beside the file, when it was asked and when it ended (ISO-8601).
   */
  public static Path writeJson(Optimizer optimizer, Path file) throws IOException {
    Map<Integer, Instant[]> times = times(file.toAbsolutePath().resolveSibling(Study.JOURNAL));
    Set<Integer> best = new HashSet<>();
    if (optimizer.objectives().size() == 1) {
      optimizer.best().ifPresent(r -> best.add(r.trial().id()));
    } else {
      optimizer.paretoFront().forEach(r -> best.add(r.trial().id()));
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("format", JSON_FORMAT);
    root.put("optimizer", optimizer.name());
    root.put("seed", optimizer.save().seed());
    List<Map<String, Object>> parameters = new ArrayList<>();
    for (Parameter p : optimizer.space().parameters()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", p.name());
      if (p instanceof Parameter.Range r) {
        m.put("type", r.integer() ? "int" : "float");
        m.put("lower", r.integer() ? (Object) (long) r.lower() : (Object) r.lower());
        m.put("upper", r.integer() ? (Object) (long) r.upper() : (Object) r.upper());
        m.put("log", r.logScale());
      } else if (p instanceof Parameter.Choice c) {
        m.put("type", "choice");
        m.put("values", c.values());
      } else {
        m.put("type", "fixed");
        m.put("value", ((Parameter.Fixed) p).value());
      }
      parameters.add(m);
    }
    List<Map<String, Object>> constraints = new ArrayList<>();
    for (LinearConstraint c : optimizer.space().constraints()) {
      constraints.add(Map.of("coefficients", new TreeMap<>(c.coefficients()), "bound", c.bound()));
    }
    root.put("space", Map.of("parameters", parameters, "constraints", constraints));
    List<Map<String, Object>> objectives = new ArrayList<>();
    for (Objective o : optimizer.objectives()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", o.name());
      m.put("direction", o.direction().name().toLowerCase(Locale.ROOT));
      m.put("threshold", o.threshold());
      objectives.add(m);
    }
    root.put("objectives", objectives);
    Set<Integer> designed = new HashSet<>(optimizer.save().designed());
    List<Map<String, Object>> trials = new ArrayList<>();
    for (TrialRecord r : optimizer.trials()) {
      Map<String, Object> t = new LinkedHashMap<>();
      int id = r.trial().id();
      t.put("id", id);
      t.put("status", r.status().name().toLowerCase(Locale.ROOT));
      t.put("parameters", r.trial().parameters());
      Map<String, Object> measurements = new LinkedHashMap<>();
      r.measurements().forEach((name, m) -> {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("mean", m.mean());
        v.put("sem", Double.isNaN(m.sem()) ? null : m.sem());
        measurements.put(name, v);
      });
      t.put("measurements", measurements);
      t.put("reason", r.reason());
      t.put("design", designed.contains(id));
      t.put("best", best.contains(id));
      Instant[] at = times.get(id);
      t.put("asked", at == null || at[0] == null ? null : at[0].toString());
      t.put("ended", at == null || at[1] == null ? null : at[1].toString());
      trials.add(t);
    }
    root.put("trials", trials);
    Files.writeString(file, JSON.writeValueAsString(root), StandardCharsets.UTF_8);
    return file;
  }

  /** When each trial was last asked (or resumed) and when it ended, from a study's journal; empty without one. */
  private static Map<Integer, Instant[]> times(Path journal) throws IOException {
    Map<Integer, Instant[]> times = new HashMap<>();
    if (!Files.isRegularFile(journal)) {
      return times;
    }
    for (String line : Files.readAllLines(journal, StandardCharsets.UTF_8)) {
      JsonNode event;
      try {
        event = JSON.readTree(line);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        continue; // a line a kill cut short
      }
      if (event == null || !event.has("trial") || !event.has("at")) {
        continue;
      }
      Instant[] at = times.computeIfAbsent(event.get("trial").asInt(), k -> new Instant[2]);
      Instant when = Instant.ofEpochMilli(event.get("at").asLong());
      switch (event.path("event").asText()) {
        case "asked", "resumed" -> {
          at[0] = when;
          at[1] = null;
        }
        default -> at[1] = when;
      }
    }
    return times;
  }

  private static String number(double v) {
    return Double.toString(v);
  }

  /** A CSV cell: quoted when it holds a comma, a quote or a line break. */
  private static String cell(Object value) {
    String s = value instanceof Double d ? number(d) : String.valueOf(value);
    return s.matches("[^,\"\\r\\n]*") ? s : "\"" + s.replace("\"", "\"\"") + "\"";
  }

  /**
   * The plots the objectives allow: {@code best.png} for one; {@code pareto.png}, and with
   * thresholds on both {@code hypervolume.png}, for two.
   */
  public static List<Path> writePlots(Optimizer optimizer, Path directory) throws IOException {
    // Charts are drawn off screen, on machines with no display.
    System.setProperty("java.awt.headless", "true");
    Files.createDirectories(directory);
    List<Path> files = new ArrayList<>();
    List<Objective> objectives = optimizer.objectives();
    if (objectives.size() == 1) {
      files.add(save(bestAgainstEvaluations(optimizer), directory.resolve("best.png")));
    } else if (objectives.size() == 2) {
      files.add(save(pareto(optimizer), directory.resolve("pareto.png")));
      if (objectives.stream().allMatch(o -> o.threshold() != null)) {
        files.add(save(hypervolume(optimizer), directory.resolve("hypervolume.png")));
      }
    }
    return files;
  }

  private static Path save(JFreeChart chart, Path file) throws IOException {
    // White, as in a paper, rather than JFreeChart's grey.
    chart.getXYPlot().setBackgroundPaint(Color.WHITE);
    chart.getXYPlot().setDomainGridlinePaint(Color.LIGHT_GRAY);
    chart.getXYPlot().setRangeGridlinePaint(Color.LIGHT_GRAY);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
    return file;
  }

  private static JFreeChart bestAgainstEvaluations(Optimizer optimizer) {
    Objective o = optimizer.objectives().get(0);
    XYSeries trials = new XYSeries("trial");
    XYSeries best = new XYSeries("best so far");
    Double sofar = null;
    int n = 0;
    for (TrialRecord r : optimizer.trials()) {
      if (r.status() != TrialStatus.COMPLETED) {
        continue;
      }
      n++;
      double v = r.measurements().get(o.name()).mean();
      sofar = sofar == null || o.better(v, sofar) ? v : sofar;
      trials.add(n, v);
      best.add(n, sofar);
    }
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(trials);
    data.addSeries(best);
    JFreeChart chart = ChartFactory.createXYLineChart(o.name() + " against evaluations (" + optimizer.name() + ")",
        "completed trials", o.name(), data, PlotOrientation.VERTICAL, true, false, false);
    chart.getXYPlot().getRenderer().setSeriesPaint(0, new Color(160, 160, 160));
    return chart;
  }

  private static JFreeChart pareto(Optimizer optimizer) {
    Objective a = optimizer.objectives().get(0);
    Objective b = optimizer.objectives().get(1);
    XYSeries all = new XYSeries("trials");
    XYSeries front = new XYSeries("Pareto front", true);
    for (TrialRecord r : optimizer.trials()) {
      if (r.status() == TrialStatus.COMPLETED) {
        all.add(mean(r, a), mean(r, b));
      }
    }
    for (TrialRecord r : optimizer.paretoFront()) {
      front.add(mean(r, a), mean(r, b));
    }
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(all);
    data.addSeries(front);
    JFreeChart chart = ChartFactory.createScatterPlot("Pareto front (" + optimizer.name() + ")", label(a), label(b),
        data, PlotOrientation.VERTICAL, true, false, false);
    // The front is drawn over the trials (by default the first series is drawn last, on top), in grey.
    chart.getXYPlot().setSeriesRenderingOrder(org.jfree.chart.plot.SeriesRenderingOrder.FORWARD);
    chart.getXYPlot().getRenderer().setSeriesPaint(0, new Color(160, 160, 160));
    chart.getXYPlot().getRenderer().setSeriesPaint(1, new Color(200, 30, 30));
    return chart;
  }

  private static JFreeChart hypervolume(Optimizer optimizer) {
    XYSeries hv = new XYSeries("hypervolume");
    List<TrialRecord> sofar = new ArrayList<>();
    for (TrialRecord r : optimizer.trials()) {
      if (r.status() == TrialStatus.COMPLETED) {
        sofar.add(r);
        hv.add(sofar.size(), Hypervolume.of(sofar, optimizer.objectives()));
      }
    }
    return ChartFactory.createXYLineChart("Hypervolume against evaluations (" + optimizer.name() + ")",
        "completed trials", "hypervolume", new XYSeriesCollection(hv), PlotOrientation.VERTICAL, false, false, false);
  }

  private static double mean(TrialRecord r, Objective o) {
    return r.measurements().get(o.name()).mean();
  }

  private static String label(Objective o) {
    return o.name() + " (" + o.direction().name().toLowerCase(Locale.ROOT) + ")";
  }
}
