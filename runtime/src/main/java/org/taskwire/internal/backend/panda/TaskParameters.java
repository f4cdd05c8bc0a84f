package org.taskwire.internal.backend.panda;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.taskwire.internal.backend.WrapperArgs;
import org.taskwire.internal.backend.WorkerJvm;
import org.taskwire.internal.backend.WrapperExit;
import org.taskwire.spi.JobOptions;

/**
 * The task parameter map of one proxy invocation, as prun builds it for an exec-only job: no
 * input, one pseudo file per call ({@code pfnList}, {@code nFilesPerJob} 1), and runGen's command
 * line: {@code -a} names the sandbox, {@code -i "${IN/T}"} hands over the pseudo file, and
 * {@code -p} carries the URL-quoted shell command in which runGen replaces {@code %IN} by the
 * file's name.
 */
record TaskParameters(
    String taskName,
    String vo,
    String sourceUrl,
    String sandboxName,
    List<String> sandboxClasspath,
    List<String> callNames,
    String callsFileName,
    String runId,
    String workId,
    String codec,
    String transportSecret,
    JobOptions options,
    String jvmOptions,
    String transPath,
    String architecture,
    String dataUrl,
    long maxFileBytes) {

  /** The shell command a job runs, before URL quoting; {@code %IN} is the call's pseudo file. */
  String command() {
    List<String> java = new WorkerJvm("java", jvmOptions, WorkerJvm.heapForJob(options.memoryMb()), sandboxClasspath)
        .command(":", WorkerJvm::shellQuote);
    WrapperArgs args = WrapperArgs.fromSandbox(sandboxName, "taskwire-sandbox")
        .jobCall("%IN", runId, WorkerJvm.shellQuote(workId), codec, transportSecret);
    if (callsFileName != null) {
      args.callsFrom(callsFileName, sourceUrl);
    }
    if (dataUrl != null) {
      args.dataUrl(WorkerJvm.shellQuote(dataUrl), maxFileBytes);
    }
    java.addAll(args.toList());

    StringBuilder cmd = new StringBuilder();
    if (options.initEnv() != null && !options.initEnv().isBlank()) {
      cmd.append(options.initEnv().strip()).append("; ");
    }
    String advice = "Taskwire jobs need Java 17 or newer: set containerImage to an image that has it, or initEnv "
        + "to a setup that puts it on PATH";
    int noJava = WrapperExit.NO_JAVA.code();
    cmd.append("command -v java >/dev/null 2>&1 || { echo 'taskwire: no java on PATH. ").append(advice)
        .append("' >&2; exit ").append(noJava).append("; }; ");
    cmd.append("java -XshowSettings:properties -version 2>&1 | grep -Eq 'java.specification.version = (1[7-9]|[2-9][0-9])'")
        .append(" || { echo \"taskwire: $(java -version 2>&1 | head -n 1) is too old. ").append(advice)
        .append("\" >&2; exit ").append(noJava).append("; }; ");
    cmd.append("exec ").append(String.join(" ", java));
    return cmd.toString();
  }

  /** The parameter map for {@code task/submit}. */
  Map<String, Object> toMap() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("taskName", taskName);
    p.put("uniqueTaskName", true);
    p.put("vo", vo);
    p.put("prodSourceLabel", "user");
    p.put("taskType", "anal");
    // prun's 1000, raised by the work's priority above the built-in one.
    p.put("taskPriority", 1000 + options.priority() - JobOptions.BUILT_IN.priority());
    p.put("processingType", "taskwire");
    p.put("architecture", architecture);
    p.put("transUses", "");
    p.put("transHome", null);
    if (transPath != null && !transPath.isBlank()) {
      p.put("transPath", transPath);
    }
    p.put("sourceURL", sourceUrl);
    p.put("noInput", true);
    p.put("pfnList", callNames);
    p.put("nFiles", callNames.size());
    p.put("nFilesPerJob", 1);
    p.put("skipScout", true);
    p.put("noEmail", true);
    p.put("useSecrets", true);
    p.put("coreCount", options.cores());
    p.put("ramCount", (int) Math.ceil(options.memoryMb() / (double) options.cores()));
    p.put("ramUnit", "MBPerCoreFixed");
    long seconds = options.walltime().toSeconds();
    p.put("walltime", seconds);
    p.put("maxWalltime", (int) Math.max(1, Math.ceil(seconds / 3600.0)));
    p.put("maxAttempt", options.maxAttempts());
    p.put("maxFailure", options.maxAttempts());
    if (options.queue() != null && !options.queue().isBlank()) {
      p.put("site", options.queue());
    }
    if (options.site() != null && !options.site().isBlank()) {
      p.put("PandaSite", options.site());
    }
    if (options.cloud() != null && !options.cloud().isBlank()) {
      p.put("cloud", options.cloud());
    }
    if (options.containerImage() != null && !options.containerImage().isBlank()) {
      p.put("container_name", options.containerImage());
    }
    p.put("cliParams", "taskwire " + workId);
    Map<String, Object> log = new LinkedHashMap<>();
    log.put("type", "template");
    log.put("param_type", "log");
    log.put("dataset", taskName + ".log/");
    log.put("container", taskName + ".log/");
    log.put("value", taskName + ".log.$JEDITASKID.${SN}.log.tgz");
    p.put("log", log);
    List<Map<String, Object>> job = new ArrayList<>();
    job.add(constant("-j \"\" --sourceURL ${SURL}"));
    job.add(constant("-r ."));
    job.add(constant("-a " + sandboxName));
    job.add(constant("-i \"${IN/T}\" --givenPFN"));
    Map<String, Object> open = constant("-p \"");
    open.put("padding", false);
    job.add(open);
    Map<String, Object> exec = constant(pythonQuote(command()));
    exec.put("padding", false);
    job.add(exec);
    job.add(constant("\""));
    p.put("jobParameters", job);
    return p;
  }

  private static Map<String, Object> constant(String value) {
    Map<String, Object> item = new LinkedHashMap<>();
    item.put("type", "constant");
    item.put("value", value);
    return item;
  }

  /** Python's {@code urllib.parse.quote(s)}, which runGen's {@code unquote} reverses; a space is %20, never +. */
  static String pythonQuote(String s) {
    StringBuilder b = new StringBuilder();
    for (byte c : s.getBytes(StandardCharsets.UTF_8)) {
      int u = c & 0xff;
      if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || "_.-~/".indexOf(u) >= 0) {
        b.append((char) u);
      } else {
        b.append('%').append(Character.toUpperCase(Character.forDigit(u >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(u & 15, 16)));
      }
    }
    return b.toString();
  }
}
