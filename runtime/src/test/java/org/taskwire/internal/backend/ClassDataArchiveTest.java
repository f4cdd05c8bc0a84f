package org.taskwire.internal.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The class-data archive jobs share, run by a real shell and a real JVM. */
class ClassDataArchiveTest {
  /** What the jobs run: exits with the code it is given, so the script's exit code can be checked. */
  public static final class Hello {
    public static void main(String[] args) {
      System.out.println("hello");
      System.exit(Integer.parseInt(args[0]));
    }
  }

  @TempDir Path dir;
  private Path jar;
  private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

  @BeforeEach
  void jar() throws IOException {
    jar = dir.resolve("hello.jar");
    writeJar(jar);
  }

  private static void writeJar(Path jar) throws IOException {
    String name = Hello.class.getName().replace('.', '/') + ".class";
    try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
        var in = Hello.class.getClassLoader().getResourceAsStream(name)) {
      out.putNextEntry(new JarEntry(name));
      in.transferTo(out);
      out.closeEntry();
    }
  }

  private record Ran(int code, String out) {}

  /** The script a job runs: the archive's lines around the JVM, by /bin/sh. */
  private Ran job(ClassDataArchive archive, int exitCode) throws Exception {
    List<String> command = new ArrayList<>();
    for (String word : List.of(java, "-Xshare:auto", "-Xlog:class+load=info", "-cp", jar.toString(),
        Hello.class.getName(), Integer.toString(exitCode))) {
      command.add(WorkerJvm.shellQuote(word));
    }
    Process p = new ProcessBuilder("sh", "-c", ClassDataArchive.script(Optional.of(archive), command))
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Ran(p.exitValue(), out);
  }

  private static String loadedFrom(String out) {
    return out.lines().filter(l -> l.contains(" " + Hello.class.getName() + " source: ")).findFirst().orElseThrow();
  }

  @Test
  void theFirstJobWritesTheArchiveAndTheNextMapsItsClassesFromIt() throws Exception {
    ClassDataArchive archive = ClassDataArchive.forJobs(dir.resolve("class-data"), java, List.of(jar)).orElseThrow();

    Ran first = job(archive, 0);
    assertThat(first.code()).isZero();
    assertThat(loadedFrom(first.out())).contains("hello.jar");
    assertThat(first.out()).contains("writes the class-data archive");
    assertThat(archive.file()).isNotEmptyFile();
    assertThat(Path.of(archive.file() + ".lock")).as("the lock is released").doesNotExist();
    try (var left = Files.list(archive.file().getParent())) {
      assertThat(left).as("no temporary archive is left").containsExactly(archive.file());
    }

    Ran second = job(archive, 7);
    assertThat(second.code()).as("the script exits with the JVM's code").isEqualTo(7);
    assertThat(loadedFrom(second.out())).contains("shared objects file (top)");
    assertThat(second.out()).doesNotContain("writes the class-data archive").doesNotContain("[warning][cds]");
  }

  @Test
  void whileAnotherJobHoldsTheLockAJobRunsWithoutAnArchiveAndAStaleLockIsTakenOver() throws Exception {
    ClassDataArchive archive = ClassDataArchive.forJobs(dir.resolve("class-data"), java, List.of(jar)).orElseThrow();
    Path lock = Files.createDirectories(Path.of(archive.file() + ".lock"));

    Ran meanwhile = job(archive, 3);
    assertThat(meanwhile.code()).isEqualTo(3);
    assertThat(loadedFrom(meanwhile.out())).contains("hello.jar");
    assertThat(archive.file()).doesNotExist();
    assertThat(lock).as("another job's lock is left alone").isDirectory();

    Files.setLastModifiedTime(lock, FileTime.from(Instant.now().minus(61, ChronoUnit.MINUTES)));
    Ran after = job(archive, 0);
    assertThat(after.out()).contains("writes the class-data archive");
    assertThat(archive.file()).isNotEmptyFile();
    assertThat(lock).doesNotExist();
  }

  @Test
  void anotherJdkOrARebuiltJarGetsAnArchiveOfItsOwnAndADirectoryNone() throws Exception {
    Path data = dir.resolve("class-data");
    Path before = ClassDataArchive.forJobs(data, java, List.of(jar)).orElseThrow().file();
    assertThat(ClassDataArchive.forJobs(data, java, List.of(jar)).orElseThrow().file()).isEqualTo(before);
    assertThat(ClassDataArchive.forJobs(data, "/opt/other-jdk/bin/java", List.of(jar)).orElseThrow().file())
        .isNotEqualTo(before);

    Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(5)));
    assertThat(ClassDataArchive.forJobs(data, java, List.of(jar)).orElseThrow().file()).isNotEqualTo(before);

    assertThat(ClassDataArchive.forJobs(data, java, List.of(jar, Files.createDirectories(dir.resolve("classes")))))
        .as("JDK 17 archives no class directory").isEmpty();
    assertThat(ClassDataArchive.forJobs(data, java, List.of(dir.resolve("missing.jar")))).isEmpty();
  }

  @Test
  void withoutAnArchiveTheScriptExecsTheJvm() {
    assertThat(ClassDataArchive.script(Optional.empty(), List.of("'java'", "'-cp'", "'a.jar'", "'Main'")))
        .isEqualTo("exec 'java' '-cp' 'a.jar' 'Main'\n");
  }
}
