package org.taskwire.testing.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.taskwire.FailureKind;
import org.taskwire.WorkFailedException;
import org.taskwire.WorkflowRun;
import org.taskwire.testing.panda.PandaEmulator;

/**
 * A sandbox a grid job cannot use is no fault another attempt mends: the call fails on its first
 * attempt, in the wrapper's own words, and PanDA does not run the attempts out. An emulator of
 * its own, since the test spoils the sandbox in its cache.
 */
@Timeout(240)
class PandaSandboxFaultsTest {
  @TempDir Path root;

  private WorkflowRun.Builder panda(PandaEmulator emulator) {
    return ProbeTasks.builder().backend("panda")
        .set("taskwire.panda.url", emulator.url().toString())
        .set("taskwire.panda.auth", "none")
        .set("taskwire.panda.poll-interval", "PT0.3S")
        .set("taskwire.panda.result-grace", "1s")
        .set("taskwire.progress", "off")
        .set("taskwire.sandbox.cache-dir", root.resolve("sandboxes").toString());
  }

  @Test
  void aSandboxWhoseContentDoesNotMatchItsNameFailsTheCallAtOnceInTheWrappersWords() throws Exception {
    try (PandaEmulator emulator = PandaEmulator.start(PandaEmulator.Settings.defaults(root.resolve("panda")))) {
      try (WorkflowRun run = panda(emulator).start()) {
        assertThat(ProbeTasks.square(3)).isEqualTo(9);
      }
      Path sandbox;
      try (var files = Files.list(root.resolve("panda").resolve("cache"))) {
        sandbox = files.filter(p -> p.getFileName().toString().startsWith("sources.")).findFirst().orElseThrow();
      }
      addAnEntry(sandbox);

      try (WorkflowRun run = panda(emulator).start()) {
        assertThatThrownBy(() -> ProbeTasks.square(4)).isInstanceOfSatisfying(WorkFailedException.class, e -> {
          assertThat(e.kind()).as(e.getMessage()).isEqualTo(FailureKind.BACKEND);
          assertThat(e.attempt()).isEqualTo(1);
          assertThat(e.getMessage()).contains("the Taskwire wrapper cannot run the call (exit 15",
              "is corrupt or truncated");
        });
      }
      List<Long> tasks = emulator.taskIds();
      long task = tasks.get(tasks.size() - 1);
      assertThat(emulator.awaitFinalJobs(task, java.time.Duration.ofSeconds(60))).isTrue();
      assertThat(emulator.jobStatuses(task).values()).as("PanDA did not run the attempts out")
          .filteredOn("failed"::equals).hasSizeLessThan(3);
    }
  }

  /** Rewrites a gzip tarball with one more entry: still a tarball runGen unpacks, no longer the bytes its name hashes. */
  private static void addAnEntry(Path tarball) throws Exception {
    Path rewritten = tarball.resolveSibling(tarball.getFileName() + ".new");
    try (InputStream in = Files.newInputStream(tarball);
        TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(in));
        OutputStream out = Files.newOutputStream(rewritten);
        TarArchiveOutputStream copy = new TarArchiveOutputStream(new GZIPOutputStream(out))) {
      copy.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        copy.putArchiveEntry(entry);
        tar.transferTo(copy);
        copy.closeArchiveEntry();
      }
      byte[] extra = "not shipped by the client".getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry added = new TarArchiveEntry("extra/tampered.txt");
      added.setSize(extra.length);
      copy.putArchiveEntry(added);
      copy.write(extra);
      copy.closeArchiveEntry();
    }
    Files.move(rewritten, tarball, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }
}
