package org.taskwire.optimize;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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

  /** The trials as JSON: the optimiser's saved state, its trials with what became of each. */
  public static Path writeJson(Optimizer optimizer, Path file) throws IOException {
    Files.writeString(file, Optimizers.toJson(optimizer.save()), StandardCharsets.UTF_8);
    return file;
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
