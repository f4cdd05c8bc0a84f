package org.taskwire.testing.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.taskwire.testing.TaskwireExtension;
import org.taskwire.testing.panda.PandaEmulator;

/**
 * Multi-step workflows on the PanDA backend against the emulator: every fan-out is a task, and a
 * child task is submitted as soon as its inputs' results arrive.
 */
class MultiStepPandaTest extends MultiStepContract {
  static final String TOKEN = PandaBackendTest.jwt("alice");

  /** The emulator, opened before the run and closed after it. */
  static final class Emulator implements BeforeAllCallback, AfterAllCallback {
    private Path root;
    private PandaEmulator emulator;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
      root = Files.createTempDirectory("taskwire-multistep-panda");
      emulator = PandaEmulator.start(PandaEmulator.Settings.defaults(root.resolve("panda"))
          .withTokens(Map.of(TOKEN, "Alice Smith")));
    }

    String url() {
      return emulator.url().toString();
    }

    String sandboxes() {
      return root.resolve("sandboxes").toString();
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
      emulator.close();
      try (Stream<Path> walk = Files.walk(root)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  @RegisterExtension
  @Order(1)
  static final Emulator panda = new Emulator();

  @RegisterExtension
  @Order(2)
  static final TaskwireExtension taskwire = TaskwireExtension.of(() -> StepsTasks.builder().backend("panda")
      .set("taskwire.panda.url", panda.emulator.url().toString())
      .set("taskwire.panda.auth", "oidc")
      .set("taskwire.panda.vo", "wlcg")
      .set("taskwire.panda.id-token", TOKEN)
      .set("taskwire.panda.poll-interval", "PT0.3S")
      .set("taskwire.panda.result-grace", "1s")
      // Short, so that every test here also holds children for a window, and none waits long on it.
      .set("taskwire.panda.step-window", "2s")
      .set("taskwire.sandbox.cache-dir", panda.root.resolve("sandboxes").toString()));
}
