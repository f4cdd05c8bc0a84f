package org.taskwire.testing.panda;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The emulator's pilot: takes activated jobs and runs each the way pilot3 and runGen do, in a fresh
 * directory {@code PanDA_Pilot-<PandaID>}: writes {@code panda_secrets.json} for a task with
 * {@code useSecrets}, downloads the {@code -a} sandbox from {@code <sourceURL>/cache/} without
 * credentials and unpacks it with {@code tar xzmf}, exports the secrets, replaces {@code %IN} in
 * the URL-unquoted {@code -p} command by the job's input, runs it with {@code sh -c} (a separate
 * process: here, the job's JVM) with its output in {@code payload.stdout} and
 * {@code payload.stderr} echoed into {@code payload.stdout} as runGen does, kills it at the task's walltime, and merges {@code userJobMetadata.json}
 * (at most 1 MB) into the job report that becomes the job's metadata. Exit codes follow runGen
 * (3 download, 9 bad tarball, 18 payload failed; {@code exeErrorCode} 5300 + code) and the pilot
 * (1305 payload failed, 1213 walltime). When the job has ended it empties the directory but for
 * the logs and the job report, as pilot3 removes a job's work directory once its log is staged out:
 * a run of many jobs must not keep an unpacked sandbox per job.
 */
final class Pilot implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(Pilot.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Jedi jedi;
  private final Path workRoot;
  private final String logBaseUrl;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private volatile boolean stopped;

  Pilot(Jedi jedi, Path workRoot, String logBaseUrl) {
    this.jedi = jedi;
    this.workRoot = workRoot;
    this.logBaseUrl = logBaseUrl;
  }

  void stop() {
    stopped = true;
  }

  @Override
  public void run() {
    while (!stopped) {
      Jedi.JobRecord job;
      try {
        job = jedi.activated.poll(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (job == null) {
        continue;
      }
      try {
        runJob(job);
      } catch (RuntimeException e) {
        LOG.warn("pilot failed on job {}: {}", job.pandaId, e.toString());
        finish(job, 1, 1008, "GENERALERROR: " + e, 0, "");
      } finally {
        clean(workDirectory(workRoot, job.pandaId));
      }
    }
  }

  private void runJob(Jedi.JobRecord job) {
    synchronized (jedi) {
      if (job.killRequested || !"activated".equals(job.status)) {
        return;
      }
      job.set("sent");
      job.started = Instant.now();
      job.pilotId = logBaseUrl + job.pandaId + "/payload.stdout|emulator-pilot|PR|3.11.5.1";
    }
    Path dir = workDirectory(workRoot, job.pandaId);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      finish(job, 1, 1008, "cannot create the work directory: " + e.getMessage(), 0, "");
      return;
    }
    step(job, "starting");
    Map<String, String> secrets = Boolean.TRUE.equals(job.task.params.get("useSecrets"))
        ? jedi.secretFilter.apply(Map.copyOf(jedi.secrets.getOrDefault(job.task.owner, Map.of()))) : Map.of();
    Options o = Options.parse(job.jobParameters);
    step(job, "running");
    StringBuilder log = new StringBuilder("=== emulated runGen for PanDA job " + job.pandaId + " ===\n");
    // runGen step 2: the sandbox, downloaded without credentials.
    if (o.archive != null) {
      String url = o.sourceUrl.replaceAll("/+$", "") + "/cache/" + o.archive;
      try {
        HttpResponse<Path> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
            HttpResponse.BodyHandlers.ofFile(dir.resolve(o.archive)));
        if (r.statusCode() != 200) {
          throw new IOException(url + " answered " + r.statusCode());
        }
      } catch (IOException e) {
        runGenFailed(job, dir, log, 3, "Failed to download tarball from " + url + ": " + e.getMessage());
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      int tar = execute(List.of("tar", "xzmf", o.archive), dir, Map.of(), null, Duration.ofMinutes(10), job);
      if (tar != 0) {
        runGenFailed(job, dir, log, 9, "tarball " + o.archive + " is corrupted");
        return;
      }
    }
    // pilot stage-in: a dataset job's input files into its directory, under their LFNs, checked.
    if (!job.file.inputs.isEmpty()) {
      for (String lfn : job.file.inputs) {
        try {
          jedi.ddm.download(job.task.inputDataset, lfn, dir.resolve(lfn));
          log.append("stage-in: ").append(lfn).append('\n');
        } catch (IOException | RuntimeException e) {
          finish(job, 0, 1099, "Failed to stage-in file: " + lfn + ": " + e.getMessage(), 0, "");
          return;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
    // pilot: panda_secrets.json; runGen: ___file___ keys become files, the rest environment variables.
    Map<String, String> env = new HashMap<>();
    try {
      if (!secrets.isEmpty()) {
        Files.write(dir.resolve("panda_secrets.json"), MAPPER.writeValueAsBytes(secrets));
      }
      for (var e : secrets.entrySet()) {
        if (e.getKey().startsWith("___file___:")) {
          Files.write(dir.resolve(e.getKey().substring("___file___:".length())), Base64.getDecoder().decode(e.getValue()));
        } else {
          env.put(e.getKey(), e.getValue());
        }
      }
    } catch (IOException e) {
      runGenFailed(job, dir, log, 1, "cannot write secrets: " + e.getMessage());
      return;
    }
    env.put("PandaID", Long.toString(job.pandaId));
    env.put("PANDAID", Long.toString(job.pandaId));
    env.put("PanDA_TaskID", Long.toString(job.task.id));
    env.put("PanDA_AttemptNr", Integer.toString(job.attemptNr));
    env.put("PANDA_RESOURCE", "EMULATOR");
    // The emulated worker nodes have the emulator's Java on PATH.
    env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    String command = URLDecoder.decode(o.exec == null ? "" : o.exec.replace("+", "%2B"), StandardCharsets.UTF_8)
        .replace("%IN", String.join(",", o.inputs));
    long walltime = job.task.params.get("walltime") instanceof Number n ? n.longValue() : 0;
    Duration limit = walltime > 0 ? Duration.ofSeconds(walltime) : Duration.ofDays(7);
    int status = execute(List.of("sh", "-c", command), dir, env, dir.resolve("payload"), limit, job);
    if (job.killRequested) {
      return;
    }
    mergeMetadata(job, dir);
    if (status == -2) {
      finish(job, 18, 1213, "REACHEDMAXTIME: the payload exceeded the walltime of " + walltime + " s", 0, "");
    } else if (status != 0) {
      int code = status % 255;
      finish(job, 18, 1305, "PAYLOADEXECUTIONFAILURE: payload execution failed", 5318,
          "payload execution failed with " + code);
    } else {
      // runGen renames the outputs to their LFNs; the pilot stages them out; the server registers them.
      for (var e : o.outputs().entrySet()) {
        Path produced = dir.resolve(e.getKey());
        if (Files.exists(produced) && !e.getKey().equals(e.getValue())) {
          try {
            Files.move(produced, dir.resolve(e.getValue()));
          } catch (IOException ex) {
            runGenFailed(job, dir, log, 1, "cannot rename " + e.getKey() + " to " + e.getValue() + ": " + ex.getMessage());
            return;
          }
        }
      }
      step(job, "holding");
      step(job, "transferring");
      for (var e : job.outputs.entrySet()) {
        Path file = dir.resolve(e.getKey());
        if (!Files.isRegularFile(file)) {
          finish(job, 0, 1165, "Expected output file " + e.getKey() + " does not exist", 0, "");
          return;
        }
        try {
          jedi.ddm.upload(e.getValue(), e.getKey(), file);
        } catch (IOException | RuntimeException ex) {
          finish(job, 0, 1137, "Put error: failed to transfer " + e.getKey() + ": " + ex.getMessage(), 0, "");
          return;
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      finish(job, 0, 0, "", 0, "");
    }
  }

  private void runGenFailed(Jedi.JobRecord job, Path dir, StringBuilder log, int base, String why) {
    try {
      Files.writeString(dir.resolve("payload.stdout"), log + "ERROR : " + why + "\n");
    } catch (IOException ignored) {
      // the failure is reported anyway
    }
    finish(job, base, 1305, "PAYLOADEXECUTIONFAILURE", 5300 + base, why);
  }

  /** runGen's add_user_job_metadata: the file, at most 1 MB of JSON, becomes {@code user_job_metadata}. */
  private void mergeMetadata(Jedi.JobRecord job, Path dir) {
    Path file = dir.resolve("userJobMetadata.json");
    try {
      if (Files.isRegularFile(file) && Files.size(file) <= 1024 * 1024) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("user_job_metadata", MAPPER.readValue(file.toFile(), Object.class));
        report.put("reportVersion", "1.0.0");
        Files.write(dir.resolve("jobReport.json"), MAPPER.writeValueAsBytes(report));
        job.metadata = report;
      }
    } catch (IOException e) {
      LOG.info("job {}: user job metadata is corrupted: {}", job.pandaId, e.getMessage());
    }
  }

  private void step(Jedi.JobRecord job, String status) {
    synchronized (jedi) {
      if (!job.killRequested) {
        job.set(status);
      }
    }
  }

  private void finish(Jedi.JobRecord job, int exit, int pilotCode, String pilotDiag, int exeCode, String exeDiag) {
    synchronized (jedi) {
      if (job.killRequested) {
        return;
      }
      job.transExitCode = exit;
      job.pilotErrorCode = pilotCode;
      job.pilotErrorDiag = pilotDiag;
      job.exeErrorCode = exeCode;
      job.exeErrorDiag = exeDiag;
      job.set(exit == 0 && pilotCode == 0 ? "finished" : "failed");
      jedi.jobEnded(job);
    }
  }

  /** A job's work directory under the pilots' root, named as pilot3 names it. */
  static Path workDirectory(Path workRoot, Object pandaId) {
    return workRoot.resolve("PanDA_Pilot-" + pandaId);
  }

  /** What stays of a job's directory once it has ended: what the log URL serves, and the report. */
  private static final Set<String> KEPT = Set.of("payload.stdout", "payload.stderr", "jobReport.json");

  private static void clean(Path dir) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        if (!p.equals(dir) && !(dir.equals(p.getParent()) && KEPT.contains(p.getFileName().toString()))) {
          Files.deleteIfExists(p);
        }
      }
    } catch (IOException | UncheckedIOException e) {
      LOG.info("cannot empty {}: {}", dir, e.toString());
    }
  }

  /** Runs a process; -2 when it outlived its limit and was killed. */
  private static int execute(List<String> command, Path dir, Map<String, String> env, Path output, Duration limit,
      Jedi.JobRecord job) {
    ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile());
    pb.environment().putAll(env);
    Path out = output == null ? null : output.resolveSibling(".exec.stdout");
    Path err = output == null ? null : output.resolveSibling(".exec.stderr");
    if (output != null) {
      // runGen runs the exec with its stdout and stderr in temporary files, then echoes both to its
      // own stdout: the payload.stdout the pilot keeps holds the exec's stderr too.
      pb.redirectOutput(out.toFile());
      pb.redirectError(err.toFile());
    } else {
      pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    }
    try {
      Process p = pb.start();
      job.process = p;
      if (job.killRequested) {
        p.destroyForcibly();
      }
      if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor();
        return -2;
      }
      return p.exitValue();
    } catch (IOException e) {
      return 127;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } finally {
      job.process = null;
      if (output != null) {
        echo(out, err, output.resolveSibling("payload.stdout"));
      }
    }
  }

  private static void echo(Path out, Path err, Path payloadStdout) {
    try {
      StringBuilder text = new StringBuilder();
      for (Path p : List.of(out, err)) {
        if (Files.exists(p)) {
          text.append(Files.readString(p));
          Files.delete(p);
        }
      }
      Files.writeString(payloadStdout, text.toString());
    } catch (IOException e) {
      // the job's log is lost, not its result
    }
  }

  /** runGen's options, from the rendered job parameters. */
  record Options(String sourceUrl, String archive, List<String> inputs, String exec, Map<String, String> outputs) {
    static Options parse(String jobParameters) {
      List<String> args = ShellWords.split(jobParameters);
      String source = null;
      String archive = null;
      String exec = null;
      List<String> inputs = List.of();
      Map<String, String> outputs = Map.of();
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        String next = i + 1 < args.size() ? args.get(i + 1) : null;
        switch (a) {
          case "--sourceURL" -> { source = next; i++; }
          case "-a" -> { archive = next; i++; }
          case "-p" -> { exec = next; i++; }
          case "-i" -> { inputs = pythonList(next); i++; }
          case "-o" -> { outputs = pythonDict(next); i++; }
          case "-j", "-r", "-l", "--inMap" -> i++;
          default -> { }
        }
      }
      return new Options(source, archive, inputs, exec, outputs);
    }

    /** {@code {'a': 'lfn'}}, the output map runGen renames outputs by after the payload. */
    private static Map<String, String> pythonDict(String text) {
      List<String> items = pythonList(text);
      Map<String, String> out = new LinkedHashMap<>();
      for (int i = 0; i + 1 < items.size(); i += 2) {
        out.put(items.get(i), items.get(i + 1));
      }
      return out;
    }

    /** {@code ['a', 'b']} as runGen's {@code ast.literal_eval} reads it. */
    private static List<String> pythonList(String text) {
      List<String> items = new ArrayList<>();
      if (text == null) {
        return items;
      }
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("'([^']*)'|\"([^\"]*)\"").matcher(text);
      while (m.find()) {
        items.add(m.group(1) != null ? m.group(1) : m.group(2));
      }
      return items;
    }
  }

  /** POSIX shell word splitting with single and double quotes, as the pilot's shell does with jobPars. */
  static final class ShellWords {
    private ShellWords() {}

    static List<String> split(String s) {
      List<String> words = new ArrayList<>();
      StringBuilder w = new StringBuilder();
      boolean inWord = false;
      char quote = 0;
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (quote != 0) {
          if (c == quote) {
            quote = 0;
          } else {
            w.append(c);
          }
        } else if (c == '\'' || c == '"') {
          quote = c;
          inWord = true;
        } else if (Character.isWhitespace(c)) {
          if (inWord) {
            words.add(w.toString());
            w.setLength(0);
            inWord = false;
          }
        } else {
          w.append(c);
          inWord = true;
        }
      }
      if (inWord) {
        words.add(w.toString());
      }
      return words;
    }
  }
}
