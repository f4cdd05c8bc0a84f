package org.taskwire.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.DoublePredicate;

/**
 * The figures of one harness run with their targets, the peers' figures and the Taskwire/peer
 * ratios, written as {@code latest.json} and as the table in {@code BENCHMARKS.md}.
 */
final class Report {
  static final String BEGIN = "<!-- figures:begin (written by benchmarks/run.sh) -->";
  static final String END = "<!-- figures:end -->";
  static final String OPTIMIZERS_BEGIN = "<!-- optimizers:begin (written by benchmarks/run.sh) -->";
  static final String OPTIMIZERS_END = "<!-- optimizers:end -->";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** A target from the benchmarks issue: a bound on a figure's value. */
  record Target(String text, DoublePredicate met) {}

  static final Map<String, Target> TARGETS = Map.ofEntries(
      Map.entry("call_latency", new Target("p50 ≤ 2 ms", v -> v <= 2)),
      Map.entry("ratio_call_latency_vs_joblib", new Target("≤ 1× (joblib's p50)", v -> v <= 1)),
      Map.entry("fanout_throughput", new Target("≥ 5,000 calls/s", v -> v >= 5_000)),
      Map.entry("ratio_fanout_vs_dask", new Target("≥ 2×", v -> v >= 2)),
      Map.entry("ratio_fanout_vs_joblib", new Target("≥ ½ joblib's", v -> v >= 0.5)),
      Map.entry("ratio_batch1_vs_joblib_unbatched", new Target("≥ 1× joblib unbatched", v -> v >= 1)),
      Map.entry("result_fanin", new Target("≥ 50,000 results/s", v -> v >= 50_000)),
      Map.entry("relay_latency", new Target("p50 ≤ 100 ms", v -> v <= 100)),
      Map.entry("ratio_cold_job_vs_bare_jvm", new Target("≤ 3× bare_jvm", v -> v <= 3)),
      Map.entry("ratio_cold_job_appcds_vs_bare_jvm", new Target("≤ 2× bare_jvm", v -> v <= 2)),
      Map.entry("sandbox_recheck", new Target("p50 ≤ 100 ms", v -> v <= 100)),
      Map.entry("panda_submit", new Target("≤ 1,000 ms", v -> v <= 1_000)),
      Map.entry("client_memory", new Target("≤ 256 MB", v -> v <= 256)),
      Map.entry("client_memory_1m", new Target("≤ 512 MB", v -> v <= 512)),
      Map.entry("staging_per_file", new Target("≤ 5 ms", v -> v <= 5)),
      Map.entry("optimizer_ask_50", new Target("≤ 1,000 ms", v -> v <= 1_000)),
      Map.entry("optimizer_ask_500", new Target("≤ 1,000 ms", v -> v <= 1_000)),
      Map.entry("dag_first_share", new Target("≤ 40 %", v -> v <= 40)),
      Map.entry("ratio_dag_first_merge_vs_dask", new Target("≤ 1×", v -> v <= 1)),
      Map.entry("ratio_dag_makespan_vs_dask", new Target("≤ 1×", v -> v <= 1)),
      Map.entry("ratio_staging_se_out_1x1g_vs_xrdcp", new Target("≥ 0.8× xrdcp", v -> v >= 0.8)),
      Map.entry("ratio_staging_se_in_1x1g_vs_xrdcp", new Target("≥ 0.8× xrdcp", v -> v >= 0.8)),
      Map.entry("ratio_staging_se_out_1000x1m_vs_xrdcp", new Target("≥ 0.8× xrdcp", v -> v >= 0.8)),
      Map.entry("ratio_staging_se_in_1000x1m_vs_xrdcp", new Target("≥ 0.8× xrdcp", v -> v >= 0.8)));

  private final boolean quick;
  private final Map<String, Figure> figures = new LinkedHashMap<>();
  private final Map<String, String> versions = new LinkedHashMap<>();
  private final List<OptimizerScenarios.Row> optimizerRows = new java.util.ArrayList<>();
  /** The optimisers' ask times: in the optimisers' section, not the transport's table. */
  private final Map<String, Figure> optimizerAsks = new java.util.LinkedHashMap<>();

  Report(boolean quick, List<Figure> measured) {
    this.quick = quick;
    measured.forEach(f -> figures.put(f.name(), f));
    ratio("ratio_cold_job_vs_bare_jvm", "cold_job", "bare_jvm",
        "a cold job's p50 over a bare JVM's printing a line, same options, same run (lower is better)");
    ratio("ratio_cold_job_appcds_vs_bare_jvm", "cold_job_appcds", "bare_jvm",
        "the same with a class-data archive of the job's classes (lower is better)");
    for (String shape : List.of("1x1g", "1000x1m", "1x8m", "20x1m")) {
      for (String way : List.of("out", "in")) {
        ratio("ratio_staging_se_" + way + "_" + shape + "_vs_xrdcp", "staging_se_" + way + "_" + shape,
            "xrdcp_" + way + "_" + shape, "Taskwire's staging over the element's WebDAV door over xrdcp's over root:// "
                + "(higher is better)");
      }
    }
    versions.put("taskwire", mavenVersion("org.taskwire", "taskwire-runtime"));
    versions.put("activemq", mavenVersion("org.apache.activemq", "activemq-broker"));
    versions.put("kryo", mavenVersion("com.esotericsoftware", "kryo"));
    versions.put("jackson", mavenVersion("com.fasterxml.jackson.core", "jackson-databind"));
    versions.put("netty", mavenVersion("io.netty", "netty-transport"));
    versions.put("jmh", mavenVersion("org.openjdk.jmh", "jmh-core"));
    versions.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
  }

  /** Adds JMH's results as {@code jmh.<Class>.<method>[params]} figures. */
  void addJmh(Path file) throws IOException {
    for (JsonNode b : JSON.readTree(file.toFile())) {
      String[] parts = b.get("benchmark").asText().split("\\.");
      StringBuilder name = new StringBuilder("jmh." + parts[parts.length - 2] + "." + parts[parts.length - 1]);
      JsonNode params = b.get("params");
      if (params != null) {
        params.properties().forEach(p -> name.append('[').append(p.getKey()).append('=')
            .append(p.getValue().asText()).append(']'));
      }
      JsonNode metric = b.get("primaryMetric");
      long n = 0;
      for (JsonNode fork : metric.get("rawData")) {
        n += fork.size();
      }
      figures.put(name.toString(), Figure.of(name.toString(), metric.get("score").asDouble(),
          metric.get("scoreUnit").asText(), n, String.format("± %.3g (99.9%%), %s mode",
              metric.get("scoreError").asDouble(), b.get("mode").asText())));
    }
  }

  /** Adds the peers' figures and the Taskwire / peer ratios. */
  void addPeers(Path file) throws IOException {
    JsonNode root = JSON.readTree(file.toFile());
    root.get("versions").properties().forEach(v -> versions.put(v.getKey(), v.getValue().asText()));
    root.get("figures").properties().forEach(e -> {
      JsonNode f = e.getValue();
      figures.put(e.getKey(), new Figure(e.getKey(), f.get("value").asDouble(), f.get("unit").asText(),
          f.get("n").asLong(), f.hasNonNull("p50") ? f.get("p50").asDouble() : null,
          f.hasNonNull("p99") ? f.get("p99").asDouble() : null, f.path("note").asText(null)));
    });
    for (String peer : List.of("dask", "joblib")) {
      ratio("ratio_fanout_vs_" + peer, "fanout_throughput", peer + "_fanout_throughput",
          "Taskwire's 10k fan-out calls/s over " + peer + "'s (higher is better)");
      ratio("ratio_call_latency_vs_" + peer, "call_latency", peer + "_call_latency",
          "Taskwire's blocking p50 over " + peer + "'s (lower is better)");
    }
    ratio("ratio_batch1_vs_joblib_unbatched", "fanout_throughput_batch1", "joblib_fanout_throughput_unbatched",
        "the 10k fan-out one call per message, calls/s over joblib's with batch_size=1 (higher is better)");
    ratio("ratio_steps_vs_dask", "steps_handles", "dask_steps_futures",
        "Taskwire's three-step pipeline by handles, calls/s over Dask's with futures as arguments (higher is better)");
    ratio("ratio_dag_first_merge_vs_dask", "dag_first_merge", "dask_dag_first_merge",
        "the DAG's first design point merged, Taskwire's time over Dask's (lower is better)");
    ratio("ratio_dag_makespan_vs_dask", "dag_makespan", "dask_dag_makespan",
        "the DAG's makespan, Taskwire's over Dask's (lower is better)");
    ratio("ratio_steps_handles_vs_blocking", "steps_handles", "steps_blocking",
        "the pipeline by handles over the same as blocking step-by-step fan-outs (higher is better)");
  }

  private void ratio(String name, String ours, String theirs, String note) {
    Figure a = figures.get(ours);
    Figure b = figures.get(theirs);
    if (a != null && b != null && b.value() > 0) {
      figures.put(name, Figure.of(name, a.value() / b.value(), "×", Math.min(a.n(), b.n()), note));
    }
  }

  void writeJson(Path file) throws IOException {
    Map<String, Object> root = new LinkedHashMap<>();
    for (Figure f : figures.values()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("value", round(f.value()));
      o.put("unit", f.unit());
      o.put("n", f.n());
      if (f.p50() != null) {
        o.put("p50", round(f.p50()));
        o.put("p99", round(f.p99()));
      }
      Target t = TARGETS.get(f.name());
      if (t != null) {
        o.put("target", t.text());
        o.put("met", t.met().test(f.value()));
      }
      if (f.note() != null) {
        o.put("note", f.note());
      }
      root.put(f.name(), o);
    }
    if (!optimizerRows.isEmpty()) {
      root.put("optimizers", optimizerRows);
      root.put("optimizer_asks", optimizerAsks);
    }
    root.put("mode", quick ? "quick (figures not meaningful)" : "full");
    root.put("generated", Instant.now().toString());
    root.put("machine", machine());
    root.put("versions", versions);
    Files.createDirectories(file.toAbsolutePath().getParent());
    JSON.writeValue(file.toFile(), root);
  }

  /** The markdown table of every figure. */
  String table() {
    StringBuilder s = new StringBuilder();
    s.append("| Figure | Value | p50 | p99 | n | Target | Met |\n");
    s.append("|---|---:|---:|---:|---:|---|---|\n");
    for (Figure f : figures.values()) {
      Target t = TARGETS.get(f.name());
      s.append("| ").append(f.name())
          .append(" | ").append(format(f.value())).append(' ').append(f.unit())
          .append(" | ").append(f.p50() == null ? "" : format(f.p50()))
          .append(" | ").append(f.p99() == null ? "" : format(f.p99()))
          .append(" | ").append(String.format("%,d", f.n()))
          .append(" | ").append(t == null ? "" : t.text())
          .append(" | ").append(t == null ? "" : t.met().test(f.value()) ? "yes" : "**no**")
          .append(" |\n");
    }
    Map<String, Object> m = machine();
    s.append("\n").append(quick ? "Quick run (figures not meaningful). " : "").append("Measured ")
        .append(Instant.now().toString(), 0, 10).append(" on ").append(m.get("cpu")).append(", ")
        .append(m.get("cores")).append(" cores, ").append(m.get("memory")).append("; ")
        .append(versions.get("java")).append(versions.containsKey("python") ? "; Python " + versions.get("python") : "")
        .append(".\n");
    return s.toString();
  }

  void addOptimizers(List<OptimizerScenarios.Row> rows, List<Figure> askTimes) {
    optimizerRows.addAll(rows);
    askTimes.forEach(f -> optimizerAsks.put(f.name(), f));
  }

  /**
   * Optuna's rows from {@code optimizer_peers.py}'s JSON, each after Taskwire's rows of the same
   * problem: the seeds' values, turned into a mean and standard error here.
   */
  void addOptimizerPeers(Path file) throws IOException {
    JsonNode root = JSON.readTree(file.toFile());
    versions.put("optuna", root.path("optuna").asText());
    for (JsonNode row : root.path("rows")) {
      double[] values = new double[row.get("values").size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = row.get("values").get(i).asDouble();
      }
      double mean = java.util.Arrays.stream(values).average().orElse(Double.NaN);
      double var = java.util.Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum();
      double se = values.length > 1 ? Math.sqrt(var / (values.length - 1) / values.length) : 0;
      String problem = row.get("problem").asText();
      String metric = optimizerRows.stream().filter(r -> r.problem().equals(problem)).map(OptimizerScenarios.Row::metric)
          .findFirst().orElse("");
      OptimizerScenarios.Row peer = new OptimizerScenarios.Row(problem, metric, row.get("budget").asInt(),
          row.get("q").asInt(), row.get("method").asText(), mean, se, values.length,
          row.get("secondsPerTrial").asDouble(), Double.NaN);
      int last = -1;
      for (int i = 0; i < optimizerRows.size(); i++) {
        if (optimizerRows.get(i).problem().equals(problem)) {
          last = i;
        }
      }
      optimizerRows.add(last + 1 == 0 ? optimizerRows.size() : last + 1, peer);
    }
  }

  /** The optimisers' table: one row per problem and method. */
  String optimizersTable() {
    StringBuilder s = new StringBuilder();
    s.append("| Problem | Metric | Trials | Asked at a time | Optimiser | Mean | ± s.e. | Seeds | s per trial "
        + "| Slowest ask (s) |\n");
    s.append("|---|---|---:|---:|---|---:|---:|---:|---:|---:|\n");
    for (OptimizerScenarios.Row r : optimizerRows) {
      s.append("| ").append(r.problem()).append(" | ").append(r.metric()).append(" | ").append(r.budget())
          .append(" | ").append(r.q()).append(" | ").append(r.method())
          .append(" | ").append(String.format(java.util.Locale.ROOT, "%.4g", r.mean()))
          .append(" | ").append(String.format(java.util.Locale.ROOT, "%.2g", r.se()))
          .append(" | ").append(r.seeds())
          .append(" | ").append(String.format(java.util.Locale.ROOT, "%.3f", r.secondsPerTrial()))
          .append(" | ").append(Double.isNaN(r.slowestAsk()) ? "—"
              : String.format(java.util.Locale.ROOT, "%.3f", r.slowestAsk())).append(" |\n");
    }
    if (!optimizerAsks.isEmpty()) {
      s.append("\n| Ask | Time (ms) | Target | Met |\n|---|---:|---|---|\n");
      for (Figure f : optimizerAsks.values()) {
        Target t = TARGETS.get(f.name());
        s.append("| ").append(f.note()).append(" | ").append(String.format(java.util.Locale.ROOT, "%.0f", f.value()))
            .append(" | ").append(t == null ? "" : t.text()).append(" | ")
            .append(t == null ? "" : t.met().test(f.value()) ? "yes" : "**no**").append(" |\n");
      }
    }
    s.append("\n").append(quick ? "Quick run (figures not meaningful). " : "").append("Measured ")
        .append(Instant.now().toString(), 0, 10).append(".\n");
    return s.toString();
  }

  /** Replaces the tables between their markers, keeping the prose around them. */
  void writeMarkdown(Path file) throws IOException {
    String text = Files.exists(file) ? Files.readString(file) : "# Benchmarks\n\n";
    if (!figures.isEmpty()) {
      text = replace(text, BEGIN, END, table());
    }
    if (!optimizerRows.isEmpty()) {
      text = replace(text, OPTIMIZERS_BEGIN, OPTIMIZERS_END, optimizersTable());
    }
    Files.writeString(file, text);
  }

  private static String replace(String text, String begin, String end, String table) {
    String block = begin + "\n" + table + end;
    int b = text.indexOf(begin);
    int e = text.indexOf(end);
    if (b >= 0 && e > b) {
      return text.substring(0, b) + block + text.substring(e + end.length());
    }
    return text + "\n" + block + "\n";
  }

  private static Map<String, Object> machine() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("cpu", firstValue(Path.of("/proc/cpuinfo"), "model name", "unknown CPU"));
    String mem = firstValue(Path.of("/proc/meminfo"), "MemTotal", null);
    m.put("memory", mem == null ? "unknown" : String.format("%.0f GiB",
        Long.parseLong(mem.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    m.put("jvm_arguments", ManagementFactory.getRuntimeMXBean().getInputArguments());
    return m;
  }

  private static String firstValue(Path file, String key, String otherwise) {
    try {
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith(key)) {
          return line.substring(line.indexOf(':') + 1).strip();
        }
      }
    } catch (IOException e) {
      // not Linux
    }
    return otherwise;
  }

  private static String mavenVersion(String group, String artifact) {
    try (InputStream in = Report.class.getResourceAsStream(
        "/META-INF/maven/" + group + "/" + artifact + "/pom.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static double round(double v) {
    if (Math.abs(v) >= 100) {
      return Math.round(v * 10) / 10.0;
    }
    return Math.round(v * 1000) / 1000.0;
  }

  private static String format(double v) {
    if (Math.abs(v) >= 1000) {
      return String.format("%,.0f", v);
    }
    if (Math.abs(v) >= 10) {
      return String.format("%.1f", v);
    }
    return String.format("%.3g", v);
  }
}
