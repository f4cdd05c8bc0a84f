package org.taskwire.optimize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StudyReportTest {
  private static final SearchSpace SPACE = SearchSpace.builder().range("x", 0, 1).choice("particle", "pi+", "kaon+")
      .build();

  private static BufferedImage png(Path file) throws Exception {
    byte[] bytes = Files.readAllBytes(file);
    assertThat(bytes).as(file + " starts with the PNG signature")
        .startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G', (byte) 0x0d, (byte) 0x0a, (byte) 0x1a, (byte) 0x0a);
    BufferedImage image = ImageIO.read(file.toFile());
    assertThat(image).as(file + " decodes").isNotNull();
    return image;
  }

  @Test
  void oneObjectiveGivesCsvJsonAndTheBestValuePlot(@TempDir Path dir) throws Exception {
    Optimizer o = Optimizers.sobol(SPACE, List.of(Objective.minimize("resolution")), 1);
    List<Trial> t = o.ask(4);
    for (int i = 0; i < 3; i++) {
      o.tell(t.get(i).id(), Map.of("resolution", Measurement.of(1.0 / (i + 1), 0.01)));
    }
    o.fail(t.get(3).id(), "crashed, with \"quotes\", and a comma");
    List<Path> files = StudyReport.write(o, dir);
    assertThat(files).extracting(p -> p.getFileName().toString())
        .containsExactly("trials.csv", "trials.json", "best.png");

    List<String> csv = Files.readAllLines(dir.resolve("trials.csv"));
    assertThat(csv.get(0)).isEqualTo("trial,status,x,particle,resolution,resolution_sem,reason");
    assertThat(csv).hasSize(5);
    assertThat(csv.get(1)).startsWith("0,COMPLETED," + t.get(0).number("x") + "," + t.get(0).choice("particle") + ",1.0,0.01,");
    assertThat(csv.get(4)).endsWith(",FAILED," + t.get(3).number("x") + "," + t.get(3).choice("particle")
        + ",,,\"crashed, with \"\"quotes\"\", and a comma\"").startsWith("3");
    assertThat(png(dir.resolve("best.png")).getWidth()).isEqualTo(800);
  }

  @Test
  void twoObjectivesGiveTheParetoFrontAndWithThresholdsTheHypervolume(@TempDir Path dir) throws Exception {
    Optimizer o = Optimizers.sobol(SPACE, List.of(Objective.minimize("resolution").withThreshold(2),
        Objective.maximize("acceptance").withThreshold(0)), 1);
    for (Trial t : o.ask(12)) {
      o.tell(t.id(), Map.of("resolution", Measurement.of(t.number("x") + 0.1),
          "acceptance", Measurement.of(1 - t.number("x") * t.number("x"))));
    }
    List<Path> files = StudyReport.writePlots(o, dir);
    assertThat(files).extracting(p -> p.getFileName().toString()).containsExactly("pareto.png", "hypervolume.png");
    for (Path f : files) {
      assertThat(png(f).getHeight()).isEqualTo(600);
    }
    Optimizer noThresholds = Optimizers.sobol(SPACE, List.of(Objective.minimize("a"), Objective.minimize("b")), 1);
    noThresholds.tell(noThresholds.ask(1).get(0).id(), Map.of("a", Measurement.of(1), "b", Measurement.of(2)));
    assertThat(StudyReport.writePlots(noThresholds, dir.resolve("other")))
        .as("no reference point, no hypervolume").extracting(p -> p.getFileName().toString()).containsExactly("pareto.png");
  }

  /** With the largest hypervolume known: a line at it, and the log of what is still missing, trial by trial. */
  @Test
  void aKnownMaximumHypervolumeIsDrawnWithTheLogGap(@TempDir Path dir) throws Exception {
    List<Objective> objectives = List.of(Objective.minimize("resolution").withThreshold(2),
        Objective.maximize("acceptance").withThreshold(0));
    Optimizer o = Optimizers.sobol(SPACE, objectives, 1);
    for (Trial t : o.ask(10)) {
      o.tell(t.id(), Map.of("resolution", Measurement.of(t.number("x") + 0.1),
          "acceptance", Measurement.of(1 - t.number("x") * t.number("x"))));
    }
    double maximum = 2.5;
    List<Path> files = StudyReport.writePlots(o, dir, maximum);
    assertThat(files).extracting(p -> p.getFileName().toString())
        .containsExactly("pareto.png", "hypervolume.png", "hypervolume-gap.png");
    assertThat(png(dir.resolve("hypervolume-gap.png")).getWidth()).isEqualTo(800);
    org.jfree.data.xy.XYDataset hv = StudyReport.hypervolume(o, maximum).getXYPlot().getDataset();
    assertThat(hv.getSeriesCount()).isEqualTo(2);
    assertThat(hv.getYValue(1, 0)).isEqualTo(maximum);
    assertThat(hv.getYValue(1, 1)).isEqualTo(maximum);
    org.jfree.data.xy.XYDataset gap = StudyReport.hypervolumeGap(o, maximum).getXYPlot().getDataset();
    assertThat(gap.getItemCount(0)).isEqualTo(10);
    for (int i = 0; i < 10; i++) {
      List<TrialRecord> sofar = o.trials().subList(0, i + 1);
      assertThat(gap.getYValue(0, i)).isCloseTo(Math.log10(maximum - Hypervolume.of(sofar, objectives)),
          org.assertj.core.api.Assertions.within(1e-12));
    }
    assertThatThrownBy(() -> StudyReport.writePlots(o, dir, -1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("positive and finite, or NaN");
    assertThat(StudyReport.writePlots(o, dir.resolve("unknown"))).extracting(p -> p.getFileName().toString())
        .containsExactly("pareto.png", "hypervolume.png");
  }

  /**
   * {@code trials.json} read back by Python's json module alone: the space, the objectives, which
   * trials the design proposed, the best one, unknown standard errors as null, and when each trial
   * was asked and ended (from the study's journal beside it).
   */
  @Test
  void trialsJsonReadsWithoutJava(@TempDir Path dir) throws Exception {
    SearchSpace space = SearchSpace.builder().range("x", 0, 1).intRange("layers", 1, 4).choice("particle", "pi+", "kaon+")
        .constraint(Map.of("x", 2, "layers", 1), 5).build();
    Optimizer done = Study.builder(Optimizers.gp(space, List.of(Objective.minimize("resolution")), 3),
            t -> java.util.concurrent.CompletableFuture.completedFuture(Map.of("resolution", Measurement.of(
                Math.pow(t.number("x") - 0.4, 2) + t.integer("layers") + (t.choice("particle").equals("pi+") ? 0 : 1)))))
        .budget(9).parallelism(1).directory(dir).build().run();
    StudyReport.write(done, dir);
    String script = String.join("\n",
        "import json, sys",
        "d = json.load(open(sys.argv[1]))",
        "assert d['format'] == 'taskwire-study-trials/1', d['format']",
        "space = {p['name']: p for p in d['space']['parameters']}",
        "assert space['layers']['type'] == 'int' and space['layers']['upper'] == 4",
        "assert space['particle']['values'] == ['pi+', 'kaon+']",
        "assert d['space']['constraints'][0]['coefficients'] == {'layers': 1.0, 'x': 2.0}",
        "o = d['objectives'][0]",
        "ts = d['trials']",
        "best = [t for t in ts if t['best']]",
        "done = [t for t in ts if t['status'] == 'completed']",
        "pick = min if o['direction'] == 'minimize' else max",
        "assert best == [pick(done, key=lambda t: t['measurements'][o['name']]['mean'])]",
        "assert all(t['measurements'][o['name']]['sem'] is None for t in done)",
        "assert all(t['asked'] <= t['ended'] for t in ts)",
        "print(len(ts), sum(t['design'] for t in ts), best[0]['id'])");
    Process python = new ProcessBuilder("python3", "-c", script, dir.resolve("trials.json").toString())
        .redirectErrorStream(true).start();
    String out = new String(python.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
    assertThat(python.waitFor()).as("python said: %s", out).isZero();
    // The Sobol start's points, fewer than its 7 draws where the constraint refused some, then the model's.
    List<Integer> designed = done.save().designed();
    assertThat(designed).isNotEmpty().hasSizeLessThanOrEqualTo(new GpOptimizer(space, done.objectives(), 3).initialPoints())
        .isEqualTo(java.util.stream.IntStream.range(0, designed.size()).boxed().toList());
    assertThat(out).isEqualTo(done.trials().size() + " " + designed.size() + " " + done.best().orElseThrow().trial().id());
  }

  /**
   * The best-value plot keeps failed trials at their place and uses a log axis when values span
   * decades; the Pareto plot steps between front points through the corner they both dominate and
   * marks the reference point.
   */
  @Test
  void thePlotsShowFailuresTheStaircaseAndTheReferencePoint() {
    Optimizer one = Optimizers.sobol(SPACE, List.of(Objective.minimize("gap")), 1);
    List<Trial> t = one.ask(4);
    one.tell(t.get(0).id(), Map.of("gap", Measurement.of(10)));
    one.fail(t.get(1).id(), "crashed");
    one.tell(t.get(2).id(), Map.of("gap", Measurement.of(1e-4, 2e-5)));
    one.tell(t.get(3).id(), Map.of("gap", Measurement.of(0.5)));
    org.jfree.chart.plot.XYPlot best = StudyReport.bestAgainstEvaluations(one).getXYPlot();
    assertThat(best.getRangeAxis()).isInstanceOf(org.jfree.chart.axis.LogAxis.class);
    assertThat(best.getDataset(2).getItemCount(0)).as("one failed trial").isEqualTo(1);
    assertThat(best.getDataset(2).getXValue(0, 0)).as("at its place, the second").isEqualTo(2.0);
    assertThat(best.getDataset(0).getItemCount(0)).as("three completed trials").isEqualTo(3);
    assertThat(((org.jfree.data.xy.IntervalXYDataset) best.getDataset(0)).getStartYValue(0, 1)).isEqualTo(8e-5);

    Optimizer two = Optimizers.sobol(SPACE, List.of(Objective.minimize("a").withThreshold(5),
        Objective.maximize("b").withThreshold(0)), 1);
    List<Trial> u = two.ask(3);
    two.tell(u.get(0).id(), Map.of("a", Measurement.of(1), "b", Measurement.of(1)));
    two.tell(u.get(1).id(), Map.of("a", Measurement.of(2), "b", Measurement.of(3)));
    two.tell(u.get(2).id(), Map.of("a", Measurement.of(3), "b", Measurement.of(2)));
    org.jfree.chart.plot.XYPlot pareto = StudyReport.pareto(two).getXYPlot();
    org.jfree.data.xy.XYDataset stairs = pareto.getDataset(1);
    assertThat(stairs.getItemCount(0)).isEqualTo(3);
    assertThat(List.of(stairs.getXValue(0, 1), stairs.getYValue(0, 1))).as("the corner (2, 1), which both dominate")
        .containsExactly(2.0, 1.0);
    assertThat(List.of(pareto.getDataset(3).getXValue(0, 0), pareto.getDataset(3).getYValue(0, 0)))
        .as("the reference point").containsExactly(5.0, 0.0);
    assertThat(pareto.getDataset(2).getItemCount(0)).as("every completed trial, coloured").isEqualTo(3);
  }
}
