package org.taskwire.internal.backend;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A class-data archive (AppCDS) that the JVMs of batch jobs share through a directory, so that a
 * job's JVM maps the classes it needs instead of reading, parsing and verifying them from jars.
 *
 * <p>One archive stands for one JDK and one class path (their files' sizes and times included),
 * named by their hash, so a rebuilt jar or another JDK gets an archive of its own. The first job
 * that finds none takes a lock (an atomic {@code mkdir}), runs with
 * {@code -XX:ArchiveClassesAtExit} and moves what its JVM wrote at exit into place; every later job
 * starts with {@code -XX:SharedArchiveFile}. JDK 17 has no option that does both
 * ({@code -XX:+AutoCreateSharedArchive} came in JDK 19), hence the few lines of shell. A lock left by
 * a job killed before it could release it is taken again after an hour. The JVM checks an archive
 * against its own build and class path and runs without it when they differ, so a wrong archive
 * costs start-up time, never a wrong class.
 *
 * <p>JDK 17 archives classes from jars only: with a directory on the class path (a build's
 * {@code target/classes}) there is no archive.
 *
 * @param file the archive; made by the first job, used by the others
 */
public record ClassDataArchive(Path file) {
  /** The shell variable that holds the JVM option the job's script chose, or nothing. */
  static final String OPTION = "tw_cds";

  /**
   * The archive in {@code directory} for jobs that run {@code java} on {@code classpath}; empty
   * when the class path holds a directory or an entry that does not exist.
   */
  public static Optional<ClassDataArchive> forJobs(Path directory, String java, List<Path> classpath) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    update(sha, "java " + java);
    Path modules = Path.of(java).toAbsolutePath().getParent();
    modules = modules == null ? null : modules.resolveSibling("lib").resolve("modules");
    if (modules != null && Files.isRegularFile(modules)) {
      // The JDK's own classes: an update in place changes this file.
      update(sha, stamp(modules));
    }
    for (Path entry : classpath) {
      if (!Files.isRegularFile(entry)) {
        return Optional.empty();
      }
      update(sha, stamp(entry));
    }
    String key = HexFormat.of().formatHex(sha.digest(), 0, 12);
    return Optional.of(new ClassDataArchive(directory.toAbsolutePath().resolve("jobs-" + key + ".jsa")));
  }

  private static void update(MessageDigest sha, String text) {
    sha.update(text.getBytes(StandardCharsets.UTF_8));
    sha.update((byte) 0);
  }

  private static String stamp(Path file) {
    try {
      return file.toAbsolutePath() + " " + Files.size(file) + " " + Files.getLastModifiedTime(file).toMillis();
    } catch (IOException e) {
      return file.toAbsolutePath().toString();
    }
  }

  /**
   * The script's lines before the JVM starts: they set {@code $tw_cds} to the option that uses
   * the archive, or that makes it (first job only), or leave it empty.
   */
  public String prelude() {
    String f = WorkerJvm.shellQuote(file.toString());
    return "tw_cds_file=" + f + "\n"
        + OPTION + "=\n"
        + "tw_cds_made=\n"
        + "mkdir -p \"$(dirname \"$tw_cds_file\")\" 2>/dev/null\n"
        + "find \"$tw_cds_file.lock\" -maxdepth 0 -mmin +60 -exec rmdir {} \\; 2>/dev/null\n"
        + "if [ -s \"$tw_cds_file\" ]; then\n"
        + "  " + OPTION + "=\"-XX:SharedArchiveFile=$tw_cds_file\"\n"
        + "elif mkdir \"$tw_cds_file.lock\" 2>/dev/null; then\n"
        + "  tw_cds_made=\"$tw_cds_file.$$.tmp\"\n"
        + "  " + OPTION + "=\"-XX:ArchiveClassesAtExit=$tw_cds_made\"\n"
        + "  echo \"taskwire: this job writes the class-data archive $tw_cds_file at its exit\" >&2\n"
        + "fi\n";
  }

  /** The word that goes among the JVM's options: the chosen option, or no word at all. */
  public String optionWord() {
    return "${" + OPTION + ":+\"$" + OPTION + "\"}";
  }

  /**
   * The script's lines after the JVM: a job that made the archive moves it into place (atomically,
   * so no job maps half a file) and releases the lock; the script exits with the JVM's code.
   */
  public String epilogue() {
    return "tw_exit=$?\n"
        + "if [ -n \"$tw_cds_made\" ]; then\n"
        + "  if [ -s \"$tw_cds_made\" ]; then mv -f \"$tw_cds_made\" \"$tw_cds_file\"; else rm -f \"$tw_cds_made\"; fi\n"
        + "  rmdir \"$tw_cds_file.lock\" 2>/dev/null\n"
        + "fi\n"
        + "exit $tw_exit\n";
  }

  /**
   * A script's command: {@code exec} of the JVM when there is no archive, else the prelude, the
   * JVM with the archive's option after the executable, and the epilogue.
   *
   * @param archive the archive, or empty
   * @param command the JVM's command, executable first, each word quoted for the shell
   */
  public static String script(Optional<ClassDataArchive> archive, List<String> command) {
    if (archive.isEmpty()) {
      return "exec " + String.join(" ", command) + "\n";
    }
    ClassDataArchive a = archive.get();
    return a.prelude() + command.get(0) + " " + a.optionWord() + " "
        + String.join(" ", command.subList(1, command.size())) + "\n" + a.epilogue();
  }
}
