package org.taskwire.optimize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.LookupPaintScale;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYShapeRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
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
    return write(optimizer, directory, Double.NaN);
  }

  /**
   * As {@link #write(Optimizer, Path)}, with the largest hypervolume the problem allows, NaN if
   * unknown (see {@link #writePlots(Optimizer, Path, double)}).
   */
  public static List<Path> write(Optimizer optimizer, Path directory, double maximumHypervolume) {
    try {
      Files.createDirectories(directory);
      List<Path> files = new ArrayList<>();
      files.add(writeCsv(optimizer, directory.resolve("trials.csv")));
      files.add(writeJson(optimizer, directory.resolve(Study.TRIALS)));
      files.addAll(writePlots(optimizer, directory, maximumHypervolume));
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
   * bounds or values, the constraints), the objectives (direction, threshold), the outcome
   * constraints, and each trial: its
   * status, parameters, measurements ({@code mean}, {@code sem}, null where unknown), why it failed,
   * whether it kept the outcome constraints ({@code feasible}), whether the space-filling design
   * proposed it ({@code design}), whether it is the best trial or
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
    OptimizerState state = optimizer.save();
    root.put("seed", state.seed());
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
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("coefficients", new TreeMap<>(c.coefficients()));
      m.put("bound", c.bound());
      constraints.add(m);
    }
    Map<String, Object> searchSpace = new LinkedHashMap<>();
    searchSpace.put("parameters", parameters);
    searchSpace.put("constraints", constraints);
    root.put("space", searchSpace);
    List<Map<String, Object>> objectives = new ArrayList<>();
    for (Objective o : optimizer.objectives()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", o.name());
      m.put("direction", o.direction().name().toLowerCase(Locale.ROOT));
      m.put("threshold", o.threshold());
      objectives.add(m);
    }
    root.put("objectives", objectives);
    List<Map<String, Object>> outcomes = new ArrayList<>();
    for (OutcomeConstraint c : optimizer.outcomeConstraints()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("metric", c.metric());
      m.put("relation", c.relation() == OutcomeConstraint.Relation.AT_MOST ? "<=" : ">=");
      m.put("bound", c.bound());
      outcomes.add(m);
    }
    root.put("outcome_constraints", outcomes);
    Set<Integer> designed = new HashSet<>(state.designed());
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
      t.put("feasible", r.status() != TrialStatus.COMPLETED ? null : optimizer.outcomeConstraints().stream()
          .allMatch(c -> c.keptBy(r.measurements().get(c.metric()).mean())));
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
    return writePlots(optimizer, directory, Double.NaN);
  }

  /**
   * The plots, where the largest hypervolume the problem allows is known (a benchmark's, or a
   * physics bound's): {@code hypervolume.png} then draws it as a line, and
   * {@code hypervolume-gap.png} the log of the hypervolume still missing, against evaluations, as
   * BoTorch's tutorials plot their results.
   *
   * @param maximumHypervolume the largest hypervolume against the objectives' thresholds; NaN if unknown
   */
  public static List<Path> writePlots(Optimizer optimizer, Path directory, double maximumHypervolume)
      throws IOException {
    if (!Double.isNaN(maximumHypervolume) && !(maximumHypervolume > 0 && Double.isFinite(maximumHypervolume))) {
      throw new IllegalArgumentException("the maximum hypervolume must be positive and finite, or NaN when unknown; got "
          + maximumHypervolume);
    }
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
        files.add(save(hypervolume(optimizer, maximumHypervolume), directory.resolve("hypervolume.png")));
        if (!Double.isNaN(maximumHypervolume)) {
          files.add(save(hypervolumeGap(optimizer, maximumHypervolume), directory.resolve("hypervolume-gap.png")));
        }
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

  /**
   * Each ended trial at its place in the order asked: a completed one as its value with its
   * standard error as a bar, a failed one as a red cross on the best-so-far line; the best so far as
   * a step line (a trial's value holds until a better one). A log axis where the values are positive
   * and span two decades or more, so that a gap of 1e-4 does not vanish beside one of 10.
   */
  static JFreeChart bestAgainstEvaluations(Optimizer optimizer) {
    Objective o = optimizer.objectives().get(0);
    YIntervalSeries trials = new YIntervalSeries("trial (± s.e.)");
    XYSeries best = new XYSeries("best so far");
    XYSeries failed = new XYSeries("failed trial");
    Double sofar = null;
    int n = 0;
    double low = Double.POSITIVE_INFINITY;
    double high = Double.NEGATIVE_INFINITY;
    for (TrialRecord r : optimizer.trials()) {
      if (r.status() == TrialStatus.RUNNING || r.status() == TrialStatus.ABANDONED) {
        continue;
      }
      n++;
      if (r.status() == TrialStatus.FAILED) {
        if (sofar != null) {
          failed.add(n, sofar);
        }
        continue;
      }
      Measurement m = r.measurements().get(o.name());
      double v = m.mean();
      double e = Double.isNaN(m.sem()) ? 0 : m.sem();
      sofar = sofar == null || o.better(v, sofar) ? v : sofar;
      trials.add(n, v, v - e, v + e);
      best.add(n, sofar);
      low = Math.min(low, v);
      high = Math.max(high, v);
    }
    XYPlot plot = new XYPlot();
    NumberAxis x = new NumberAxis("trials ended, in the order asked");
    x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    plot.setDomainAxis(x);
    plot.setRangeAxis(low > 0 && high / low >= 100 ? new LogAxis(o.name() + " (log scale)") : new NumberAxis(o.name()));
    YIntervalSeriesCollection points = new YIntervalSeriesCollection();
    points.addSeries(trials);
    XYErrorRenderer bars = new XYErrorRenderer();
    bars.setDefaultLinesVisible(false);
    bars.setSeriesPaint(0, new Color(120, 120, 120));
    bars.setErrorPaint(new Color(170, 170, 170));
    plot.setDataset(0, points);
    plot.setRenderer(0, bars);
    XYStepRenderer step = new XYStepRenderer();
    step.setSeriesPaint(0, new Color(30, 90, 200));
    step.setSeriesStroke(0, new java.awt.BasicStroke(2f));
    plot.setDataset(1, new XYSeriesCollection(best));
    plot.setRenderer(1, step);
    XYLineAndShapeRenderer crosses = new XYLineAndShapeRenderer(false, true);
    crosses.setSeriesPaint(0, new Color(200, 30, 30));
    crosses.setSeriesShape(0, org.jfree.chart.util.ShapeUtils.createDiagonalCross(4, 1));
    plot.setDataset(2, new XYSeriesCollection(failed));
    plot.setRenderer(2, crosses);
    return new JFreeChart(o.name() + " against trials (" + optimizer.name() + ")", JFreeChart.DEFAULT_TITLE_FONT,
        plot, true);
  }

  /**
   * The completed trials coloured by when they were asked, the Pareto front ringed in red with its
   * attainment staircase (the boundary of what it dominates), and the reference point where both
   * objectives have thresholds; the axes leave a margin, so that no point sits on an edge.
   */
  static JFreeChart pareto(Optimizer optimizer) {
    Objective a = optimizer.objectives().get(0);
    Objective b = optimizer.objectives().get(1);
    List<TrialRecord> completed = optimizer.trials().stream().filter(r -> r.status() == TrialStatus.COMPLETED).toList();
    double[][] byIteration = new double[3][completed.size()];
    for (int i = 0; i < completed.size(); i++) {
      byIteration[0][i] = mean(completed.get(i), a);
      byIteration[1][i] = mean(completed.get(i), b);
      byIteration[2][i] = completed.get(i).trial().id();
    }
    DefaultXYZDataset trials = new DefaultXYZDataset();
    trials.addSeries("trials, coloured by id", byIteration);
    List<TrialRecord> frontTrials = new ArrayList<>(optimizer.paretoFront());
    frontTrials.sort(java.util.Comparator.comparingDouble(r -> a.minimised(mean(r, a))));
    XYSeries front = new XYSeries("Pareto front", false);
    XYSeries staircase = new XYSeries("attainment", false);
    for (int i = 0; i < frontTrials.size(); i++) {
      double fx = mean(frontTrials.get(i), a);
      double fy = mean(frontTrials.get(i), b);
      front.add(fx, fy);
      if (i > 0) {
        // The corner both neighbours dominate: the worse of each coordinate.
        double px = mean(frontTrials.get(i - 1), a);
        double py = mean(frontTrials.get(i - 1), b);
        staircase.add(a.better(fx, px) ? px : fx, b.better(fy, py) ? py : fy);
      }
      staircase.add(fx, fy);
    }
    XYPlot plot = new XYPlot();
    NumberAxis x = new NumberAxis(label(a));
    NumberAxis y = new NumberAxis(label(b));
    for (NumberAxis axis : List.of(x, y)) {
      axis.setAutoRangeIncludesZero(false);
      axis.setLowerMargin(0.06);
      axis.setUpperMargin(0.06);
    }
    plot.setDomainAxis(x);
    plot.setRangeAxis(y);
    XYLineAndShapeRenderer ringed = new XYLineAndShapeRenderer(false, true);
    ringed.setSeriesPaint(0, new Color(200, 30, 30));
    ringed.setSeriesShape(0, new java.awt.geom.Ellipse2D.Double(-6, -6, 12, 12));
    ringed.setSeriesShapesFilled(0, false);
    ringed.setSeriesStroke(0, new java.awt.BasicStroke(2f));
    plot.setDataset(0, new XYSeriesCollection(front));
    plot.setRenderer(0, ringed);
    XYLineAndShapeRenderer steps = new XYLineAndShapeRenderer(true, false);
    steps.setSeriesPaint(0, new Color(200, 30, 30, 140));
    plot.setDataset(1, new XYSeriesCollection(staircase));
    plot.setRenderer(1, steps);
    int last = Math.max(1, completed.stream().mapToInt(r -> r.trial().id()).max().orElse(1));
    LookupPaintScale scale = new LookupPaintScale(0, last + 1, Color.LIGHT_GRAY);
    for (int k = 0; k <= last; k++) {
      float t = (float) k / last;
      scale.add(k, Color.getHSBColor(0.66f - 0.5f * t, 0.8f, 0.85f));
    }
    XYShapeRenderer coloured = new XYShapeRenderer();
    coloured.setPaintScale(scale);
    plot.setDataset(2, trials);
    plot.setRenderer(2, coloured);
    plot.setDatasetRenderingOrder(org.jfree.chart.plot.DatasetRenderingOrder.REVERSE);
    if (a.threshold() != null && b.threshold() != null) {
      XYSeries reference = new XYSeries("reference point");
      reference.add(a.threshold(), b.threshold());
      XYLineAndShapeRenderer cross = new XYLineAndShapeRenderer(false, true);
      cross.setSeriesPaint(0, Color.BLACK);
      cross.setSeriesShape(0, org.jfree.chart.util.ShapeUtils.createDiagonalCross(6, 1.5f));
      plot.setDataset(3, new XYSeriesCollection(reference));
      plot.setRenderer(3, cross);
    }
    JFreeChart chart = new JFreeChart("Pareto front (" + optimizer.name() + ")", JFreeChart.DEFAULT_TITLE_FONT, plot,
        true);
    NumberAxis ids = new NumberAxis("trial id");
    PaintScaleLegend legend = new PaintScaleLegend(scale, ids);
    legend.setPosition(org.jfree.chart.ui.RectangleEdge.RIGHT);
    legend.setMargin(4, 4, 40, 4);
    chart.addSubtitle(legend);
    return chart;
  }

  /** The hypervolume of the completed trials after each one, in the order they ended. */
  private static XYSeries hypervolumeSoFar(Optimizer optimizer) {
    XYSeries hv = new XYSeries("hypervolume");
    List<TrialRecord> sofar = new ArrayList<>();
    for (TrialRecord r : optimizer.trials()) {
      if (r.status() == TrialStatus.COMPLETED) {
        sofar.add(r);
        hv.add(sofar.size(), Hypervolume.of(sofar, optimizer.objectives()));
      }
    }
    return hv;
  }

  static JFreeChart hypervolume(Optimizer optimizer, double maximum) {
    XYSeries hv = hypervolumeSoFar(optimizer);
    XYSeriesCollection data = new XYSeriesCollection(hv);
    boolean known = !Double.isNaN(maximum);
    if (known && hv.getItemCount() > 0) {
      XYSeries line = new XYSeries("maximum");
      line.add(hv.getMinX(), maximum);
      line.add(hv.getMaxX(), maximum);
      data.addSeries(line);
    }
    JFreeChart chart = ChartFactory.createXYLineChart("Hypervolume against evaluations (" + optimizer.name() + ")",
        "completed trials", "hypervolume", data, PlotOrientation.VERTICAL, known, false, false);
    if (data.getSeriesCount() > 1) {
      chart.getXYPlot().getRenderer().setSeriesStroke(1, new BasicStroke(1.5f, BasicStroke.CAP_BUTT,
          BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
      chart.getXYPlot().getRenderer().setSeriesPaint(1, Color.GRAY);
    }
    return chart;
  }

  /** log10 of the hypervolume still missing, against evaluations; trials before any count are left out. */
  static JFreeChart hypervolumeGap(Optimizer optimizer, double maximum) {
    XYSeries hv = hypervolumeSoFar(optimizer);
    XYSeries gap = new XYSeries("log10(maximum − hypervolume)");
    for (int i = 0; i < hv.getItemCount(); i++) {
      double missing = maximum - hv.getY(i).doubleValue();
      // Past the maximum (a maximum given too low) there is nothing to draw on a log scale.
      if (missing > 0) {
        gap.add(hv.getX(i), Math.log10(missing));
      }
    }
    return ChartFactory.createXYLineChart("Log hypervolume difference (" + optimizer.name() + "; maximum "
        + number(maximum) + ")", "completed trials", "log10(maximum − hypervolume)", new XYSeriesCollection(gap),
        PlotOrientation.VERTICAL, false, false, false);
  }

  private static double mean(TrialRecord r, Objective o) {
    return r.measurements().get(o.name()).mean();
  }

  private static String label(Objective o) {
    return o.name() + " (" + o.direction().name().toLowerCase(Locale.ROOT) + ")";
  }
}
