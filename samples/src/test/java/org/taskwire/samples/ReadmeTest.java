package org.taskwire.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README as a new user meets it: a fresh Maven project made of its {@code pom.xml} and Java
 * blocks alone, built with Maven, its tests run, and each launch it recommends run as written.
 * The Taskwire artifacts come from this build's modules, everything else from the local
 * repository this build uses (and Maven Central for what it lacks).
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class ReadmeTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final String VERSION = "0.1.0-SNAPSHOT";
  private static final List<String> MODULES =
      List.of("annotations", "processor", "runtime", "remote-wrapper", "testing", "optimize", "dashboard");

  @TempDir static Path work;
  private static Path project;
  private static Path bin;
  private static String readme;

  @BeforeAll
  static void freshProjectFromTheReadme() throws IOException {
    // The README and the pages under docs/ it leads to: every example runs wherever it lives.
    StringBuilder docs = new StringBuilder(Files.readString(ROOT.resolve("README.md")));
    try (java.util.stream.Stream<Path> pages = Files.list(ROOT.resolve("docs"))) {
      for (Path page : pages.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
        docs.append('\n').append(Files.readString(page));
      }
    }
    readme = docs.toString();
    project = Files.createDirectories(work.resolve("hpo-demo"));
    Files.writeString(project.resolve("pom.xml"), block("xml", "## Use Taskwire in your own Maven project"));
    for (String java : blocks("java")) {
      Matcher pkg = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE).matcher(java);
      Matcher type = Pattern.compile("^(?:public |final |abstract )*(?:class|interface|record|enum) (\\w+)",
          Pattern.MULTILINE).matcher(java);
      assertThat(pkg.find()).as("every Java block of the README is a whole file with a package:%n%s", java).isTrue();
      assertThat(type.find()).as("a top-level type in:%n%s", java).isTrue();
      String root = java.contains("@Test") ? "src/test/java" : "src/main/java";
      Path file = project.resolve(root).resolve(pkg.group(1).replace('.', '/')).resolve(type.group(1) + ".java");
      Files.createDirectories(file.getParent());
      Files.writeString(file, java);
    }
    Path repo = Files.createDirectories(work.resolve("repo"));
    install(repo, "taskwire-parent", ROOT.resolve("pom.xml"), null);
    for (String module : MODULES) {
      String artifact = "taskwire-" + module;
      Path jar = ROOT.resolve(module).resolve("target").resolve(artifact + "-" + VERSION + ".jar");
      assertThat(jar).as("built by this reactor before the samples").exists();
      install(repo, artifact, ROOT.resolve(module).resolve("pom.xml"), jar);
    }
    install(repo, "taskwire-bom", ROOT.resolve("bom").resolve("pom.xml"), null);
    // The taskwire command as Maven installs it: the plain jar and the executable one beside it.
    Path cli = install(repo, "taskwire-cli", ROOT.resolve("cli").resolve("pom.xml"),
        ROOT.resolve("cli/target/taskwire-cli-" + VERSION + ".jar"));
    Path allJar = ROOT.resolve("cli/target/taskwire-cli-" + VERSION + "-all.jar");
    assertThat(allJar).as("built by this reactor before the samples").exists();
    Files.copy(allJar, cli.resolve("taskwire-cli-" + VERSION + "-all.jar"), StandardCopyOption.REPLACE_EXISTING);
    String localRepository = System.getProperty("readmetest.local-repository",
        Path.of(System.getProperty("user.home"), ".m2", "repository").toString());
    Path settings = work.resolve("settings.xml");
    String local = "<id>build-repository</id><url>" + Path.of(localRepository).toUri()
        + "</url><snapshots><enabled>false</enabled></snapshots>";
    Files.writeString(settings, "<settings><profiles><profile><id>build</id>"
        + "<repositories><repository>" + local + "</repository></repositories>"
        + "<pluginRepositories><pluginRepository>" + local + "</pluginRepository></pluginRepositories>"
        + "</profile></profiles><activeProfiles><activeProfile>build</activeProfile></activeProfiles></settings>");
    // The README says `mvn`: this one is the build's own Maven, with the scratch repository.
    bin = Files.createDirectories(work.resolve("bin"));
    String mavenHome = System.getProperty("readmetest.maven-home");
    assertThat(mavenHome).as("the build passes its Maven home").isNotBlank();
    Path mvn = bin.resolve("mvn");
    Files.writeString(mvn, "#!/bin/sh\nexec '" + Path.of(mavenHome, "bin", "mvn") + "' -B -ntp -s '" + settings
        + "' -Dmaven.repo.local='" + repo + "' \"$@\"\n");
    Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static Path install(Path repo, String artifact, Path pom, Path jar) throws IOException {
    Path dir = Files.createDirectories(repo.resolve("org/taskwire").resolve(artifact).resolve(VERSION));
    Files.copy(pom, dir.resolve(artifact + "-" + VERSION + ".pom"), StandardCopyOption.REPLACE_EXISTING);
    if (jar != null) {
      Files.copy(jar, dir.resolve(artifact + "-" + VERSION + ".jar"), StandardCopyOption.REPLACE_EXISTING);
    }
    return dir;
  }

  private static List<String> blocks(String language) {
    List<String> found = new ArrayList<>();
    Matcher m = Pattern.compile("```" + language + "\\n(.*?)```", Pattern.DOTALL).matcher(readme);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  /** The first block of {@code language} after {@code heading}. */
  private static String block(String language, String heading) {
    int at = readme.indexOf(heading);
    assertThat(at).as("the README has a section '%s'", heading).isNotNegative();
    Matcher m = Pattern.compile("```" + language + "\\n(.*?)```", Pattern.DOTALL).matcher(readme);
    assertThat(m.find(at)).as("a %s block after '%s'", language, heading).isTrue();
    return m.group(1);
  }

  private record Ran(int exit, String output) {}

  private static Ran sh(String command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", command).directory(project.toFile()).redirectErrorStream(true);
    pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    pb.environment().remove("MAVEN_OPTS");
    Path log = Files.createTempFile(work, "cmd", ".log");
    pb.redirectOutput(log.toFile());
    Process p = pb.start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("'" + command + "' did not finish:\n" + Files.readString(log));
    }
    return new Ran(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  /** The README's launch commands, one per line, comments dropped. */
  private static List<String> launchCommands() {
    String sh = block("sh", "Then run the workflow class like any program");
    return sh.lines().map(l -> l.replaceFirst("\\s+#.*$", "").strip()).filter(l -> !l.isEmpty()).toList();
  }

  private static void assertRanTheWorkflow(String command, Ran ran) {
    assertThat(ran.exit()).as("'%s' printed:%n%s", command, ran.output()).isZero();
    assertThat(ran.output()).as("'%s' printed:%n%s", command, ran.output())
        .contains("one = ", ", later = ", "ObjectiveArgs[x=0.1, y=0.2] -> ", "ObjectiveArgs[x=0.4, y=0.6] -> ")
        .doesNotContain("Could not find or load main class", "Exception");
  }

  @Test
  void theReadmesProjectBuildsAndItsTestPasses() throws Exception {
    Ran ran = sh("mvn -q test");
    assertThat(ran.exit()).as(ran.output()).isZero();
    assertThat(project.resolve("target/surefire-reports")).isDirectoryContaining("glob:**HpoTest.txt");
  }

  @Test
  void everyLaunchTheReadmeRecommendsRunsTheWorkflowOnLocalWorkers() throws Exception {
    List<String> commands = launchCommands();
    assertThat(commands).hasSize(6);
    for (String command : commands) {
      Ran ran = sh(command);
      if (command.contains("dependency:build-classpath")) {
        assertThat(ran.exit()).as(ran.output()).isZero();
        assertThat(project.resolve("cp.txt")).isNotEmptyFile();
      } else {
        assertRanTheWorkflow(command, ran);
      }
    }
  }

  /**
   * A shaded jar, the usual way a Java program ships, run with {@code java -jar} on PanDA: its
   * sandbox must hold the jar itself, though it also holds the client-only broker.
   */
  @Test
  void theReadmesRunnableJarRunsOnThePandaEmulator() throws Exception {
    Ran built = sh("mvn -q package -DskipTests");
    assertThat(built.exit()).as(built.output()).isZero();
    Path panda = Files.createDirectories(work.resolve("panda"));
    try (org.taskwire.testing.panda.PandaEmulator emulator = org.taskwire.testing.panda.PandaEmulator.start(
        org.taskwire.testing.panda.PandaEmulator.Settings.defaults(panda))) {
      String command = "java -Dtaskwire.backend=panda -Dtaskwire.panda.url=" + emulator.url()
          + " -Dtaskwire.panda.auth=none -Dtaskwire.panda.poll-interval=PT0.5S -Dtaskwire.sandbox.cache-dir="
          + panda.resolve("sandboxes") + " -jar target/hpo-demo-1.0.jar";
      assertRanTheWorkflow(command, sh(command));
      assertThat(emulator.taskIds()).isNotEmpty();
    }
  }

  /**
   * {@code exec:java} runs {@code main} in a thread group of its own and, once it returns, waits
   * up to 15 s for every thread of that group, then warns of each that lingers: closing the run
   * must have stopped every thread it started, or put it outside the user's group.
   */
  @Test
  void execJavaEndsWhenMainReturnsWithNoThreadLeftBehind() throws Exception {
    String command = "mvn compile exec:java -Dexec.mainClass=demo.Hpo";
    Ran ran = sh(command);
    // Not quiet, so Maven's own notices show (a scratch repository's checksum warnings among them).
    assertThat(ran.exit()).as(ran.output()).isZero();
    assertThat(ran.output()).as(ran.output()).contains("one = ", ", later = ", "BUILD SUCCESS")
        .doesNotContain("did not finish", "will linger", "still alive", "Couldn't destroy threadgroup",
            "IllegalThreadStateException");
  }

  /**
   * The same with the run's dashboard served ({@code taskwire.ui=true}, the README's optional
   * dependency): its address is printed once, its web server says nothing, and it stops with the run.
   */
  @Test
  void execJavaWithTheDashboardEndsAsWellAndItsServerIsQuiet() throws Exception {
    Ran ran = sh("mvn compile exec:java -Dexec.mainClass=demo.Hpo -Dtaskwire.ui=true");
    assertThat(ran.exit()).as(ran.output()).isZero();
    assertThat(ran.output()).as(ran.output()).contains("one = ", "BUILD SUCCESS")
        .containsPattern("taskwire: the dashboard of run \\w+: http://127\\.0\\.0\\.1:\\d+/runs/\\w+\\?token=\\w+")
        .doesNotContain("will linger", "still alive", "Couldn't destroy threadgroup",
            "INFO io.javalin", "INFO org.eclipse.jetty");
  }

  /**
   * Maven takes the nearest declaration of a library, and the first when two are as near: the
   * order a user lists Taskwire's modules in must not change what reaches the class path, BOM or
   * not. Every library resolves to the version Taskwire is built and tested with (this test's own
   * class path), in each order.
   */
  @Test
  void dependenciesResolveToTaskwiresVersionsInAnyOrderWithOrWithoutTheBom() throws Exception {
    String pom = Files.readString(project.resolve("pom.xml"));
    Matcher deps = Pattern.compile("(?s)<dependencies>\\n(.*?)\\n  </dependencies>").matcher(pom);
    assertThat(deps.find()).isTrue();
    List<String> blocks = new ArrayList<>();
    Matcher one = Pattern.compile("(?s)( *<!--[^\\n]*-->\\n)? *<dependency>.*?</dependency>").matcher(deps.group(1));
    while (one.find()) {
      blocks.add(one.group());
    }
    assertThat(blocks).hasSizeGreaterThanOrEqualTo(5);
    Map<String, String> ours = taskwiresOwnVersions();
    String bom = "  <dependencyManagement><dependencies><dependency><groupId>org.taskwire</groupId>"
        + "<artifactId>taskwire-bom</artifactId><version>${taskwire.version}</version><type>pom</type>"
        + "<scope>import</scope></dependency></dependencies></dependencyManagement>\n";
    // The orders of what the program runs with; test-scoped libraries stay last, where the README has them.
    List<String> main = blocks.stream().filter(b -> !b.contains("<scope>test</scope>")).toList();
    List<String> tests = blocks.stream().filter(b -> b.contains("<scope>test</scope>")).toList();
    List<List<String>> orders = new ArrayList<>();
    for (List<String> order : List.of(main, reversed(main), optimizeFirst(main))) {
      List<String> all = new ArrayList<>(order);
      all.addAll(tests);
      orders.add(all);
    }
    int variant = 0;
    for (List<String> order : orders) {
      for (boolean withBom : List.of(false, true)) {
        variant++;
        String body = String.join("\n", order);
        String variantPom = pom.substring(0, deps.start(1)) + body + pom.substring(deps.end(1));
        if (withBom) {
          variantPom = variantPom.replace("  <dependencies>", bom + "  <dependencies>");
        }
        Path file = project.resolve("pom-order-" + variant + ".xml");
        Files.writeString(file, variantPom);
        Path list = project.resolve("deps-" + variant + ".txt");
        Ran ran = sh("mvn -q -f " + file.getFileName() + " dependency:list -DincludeScope=runtime -DoutputFile="
            + list.getFileName());
        assertThat(ran.exit()).as(ran.output()).isZero();
        Map<String, String> resolved = new java.util.TreeMap<>();
        Matcher line = Pattern.compile("(?m)^\\s*([^:\\s]+):([^:\\s]+):[^:\\s]+:(?:[^:\\s]+:)?([^:\\s]+):(?:compile|runtime)")
            .matcher(Files.readString(list));
        while (line.find()) {
          resolved.put(line.group(1) + ":" + line.group(2), line.group(3));
        }
        assertThat(resolved).as("variant %d resolved something", variant).containsKey("org.apache.commons:commons-lang3");
        for (Map.Entry<String, String> e : resolved.entrySet()) {
          if (ours.containsKey(e.getKey())) {
            assertThat(e.getValue()).as("%s in order %d%s:%n%s", e.getKey(), variant, withBom ? " with the BOM" : "",
                body).isEqualTo(ours.get(e.getKey()));
          }
        }
      }
    }
  }

  private static List<String> reversed(List<String> blocks) {
    List<String> r = new ArrayList<>(blocks);
    java.util.Collections.reverse(r);
    return r;
  }

  private static List<String> optimizeFirst(List<String> blocks) {
    List<String> r = new ArrayList<>(blocks);
    r.sort(java.util.Comparator.comparing(b -> b.contains("taskwire-optimize") ? 0 : 1));
    return r;
  }

  /** group:artifact to version of each jar on this test's class path that comes from the local repository. */
  private static Map<String, String> taskwiresOwnVersions() {
    Path repository = Path.of(System.getProperty("readmetest.local-repository",
        Path.of(System.getProperty("user.home"), ".m2", "repository").toString())).toAbsolutePath().normalize();
    Map<String, String> versions = new java.util.HashMap<>();
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      Path jar = Path.of(entry).toAbsolutePath().normalize();
      if (!jar.startsWith(repository) || !entry.endsWith(".jar")) {
        continue;
      }
      Path relative = repository.relativize(jar);
      int n = relative.getNameCount();
      if (n < 4) {
        continue;
      }
      String version = relative.getName(n - 2).toString();
      String artifact = relative.getName(n - 3).toString();
      String group = relative.subpath(0, n - 3).toString().replace(java.io.File.separatorChar, '.');
      versions.put(group + ":" + artifact, version);
    }
    assertThat(versions).as("this test's class path comes from %s", repository).containsKey("org.apache.commons:commons-lang3");
    return versions;
  }

  /** The README names every getter of WorkFailedException a user needs: a newcomer should not need javap. */
  @Test
  void theReadmeNamesEveryGetterOfWorkFailedException() {
    for (java.lang.reflect.Method m : org.taskwire.WorkFailedException.class.getDeclaredMethods()) {
      if (java.lang.reflect.Modifier.isPublic(m.getModifiers()) && m.getParameterCount() == 0) {
        assertThat(readme).as("the README names %s()", m.getName()).contains("`" + m.getName() + "()`");
      }
    }
  }

  /** The taskwire command, taken from the Maven repository as the README says, lists the project's runs. */
  @Test
  void theTaskwireCommandComesFromTheMavenRepository() throws Exception {
    String block = block("sh", "take it from the Maven repository that has Taskwire");
    Path runs = Files.createDirectories(work.resolve("cli-runs"));
    Ran workflow = sh("mvn -q compile exec:java -Dexec.mainClass=demo.Hpo -Dtaskwire.runs-dir=" + runs);
    assertThat(workflow.exit()).as(workflow.output()).isZero();
    for (String command : block.lines().map(String::strip).filter(l -> !l.isEmpty()).toList()) {
      Ran ran = sh(command.endsWith(" runs") ? command + " --runs-dir " + runs : command);
      assertThat(ran.exit()).as("'%s' printed:%n%s", command, ran.output()).isZero();
      if (command.startsWith("java -jar")) {
        assertThat(ran.output()).contains("hpo", "local", "closed");
      }
    }
    Ran help = sh("java -jar taskwire-cli-" + VERSION + "-all.jar gc --help");
    assertThat(help.exit()).as(help.output()).isZero();
    assertThat(help.output()).contains("Usage: taskwire gc");
  }

  @Test
  void theReadmesMultiStepExampleRunsItsThreePipelinesOnLocalWorkers() throws Exception {
    Ran ran = sh("mvn -q compile exec:java -Dexec.mainClass=demo.Detector");
    assertThat(ran.exit()).as(ran.output()).isZero();
    // (0.4, 0.6): simple 0.02; two-step 0.02 + 0.02 * 0.1; global 0.02 + 0.1 * (0 + 0.02 * (0.1 + 0.2)).
    String line = ran.output().lines().filter(l -> l.startsWith("simple = ")).findFirst().orElseThrow(
        () -> new AssertionError("no result line in:\n" + ran.output()));
    java.util.regex.Matcher m = Pattern.compile("simple = (\\S+), two-step = (\\S+), global = (\\S+)").matcher(line);
    assertThat(m.matches()).as(line).isTrue();
    assertThat(Double.parseDouble(m.group(1))).isCloseTo(0.02, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(Double.parseDouble(m.group(2))).isCloseTo(0.022, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(Double.parseDouble(m.group(3))).isCloseTo(0.0206, org.assertj.core.data.Offset.offset(1e-12));
  }
}
