package org.taskwire.testing.panda;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** An emulator for a test class, with two token users: Bob ({@code tok-bob}) and Eve ({@code tok-eve}). */
abstract class EmulatorWithTwoUsers {
  @TempDir static Path dir;
  static PandaEmulator emulator;
  static final OkHttpClient HTTP = new OkHttpClient();
  static final ObjectMapper MAPPER = new ObjectMapper();

  @BeforeAll
  static void start() throws Exception {
    emulator = PandaEmulator.start(PandaEmulator.Settings.defaults(dir.resolve("e"))
        .withTokens(Map.of("tok-bob", "Bob Jones", "tok-eve", "Eve Other")));
  }

  @AfterAll
  static void stop() {
    emulator.close();
  }
}
