package org.taskwire.testing.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.taskwire.WorkflowRun;
import org.taskwire.testing.panda.PandaEmulator;

/**
 * The PanDA emulator as the end-to-end tests use it: open, with Alice's ID token, and runs of the
 * probe workflow that reach it with quick polls.
 */
final class EmulatedPanda implements AutoCloseable {
  static final String TOKEN = PandaBackendTest.jwt("alice");

  final PandaEmulator emulator;
  private final Path root;

  private EmulatedPanda(PandaEmulator emulator, Path root) {
    this.emulator = emulator;
    this.root = root;
  }

  /** Starts an emulator keeping its files under {@code root/panda}. */
  static EmulatedPanda start(Path root) throws IOException {
    return new EmulatedPanda(PandaEmulator.start(PandaEmulator.Settings.defaults(root.resolve("panda"))
        .withTokens(Map.of(TOKEN, "Alice Smith"))), root);
  }

  /** Where the emulator keeps its jobs' directories. */
  Path files() {
    return root.resolve("panda");
  }

  /** A run of the probe workflow on this emulator. */
  WorkflowRun.Builder run() {
    return ProbeTasks.builder().backend("panda")
        .set("taskwire.panda.url", emulator.url().toString())
        .set("taskwire.panda.auth", "oidc")
        .set("taskwire.panda.vo", "wlcg")
        .set("taskwire.panda.id-token", TOKEN)
        .set("taskwire.panda.poll-interval", "PT0.3S")
        .set("taskwire.panda.result-grace", "1s")
        .set("taskwire.sandbox.cache-dir", root.resolve("sandboxes").toString());
  }

  @Override
  public void close() {
    emulator.close();
  }
}
