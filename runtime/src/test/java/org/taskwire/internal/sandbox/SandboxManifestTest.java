package org.taskwire.internal.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The manifest keeps the bytes databind gave it (so sandbox hashes do not move), and reads leniently. */
class SandboxManifestTest {
  private static final ObjectMapper DATABIND =
      JsonMapper.builder().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

  @Test
  void writesTheBytesDatabindWroteWithFilesInKeyOrderAndReadsThemBack() throws IOException {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("lib/z.jar", "ff00");
    files.put("classes/a/B.class", "00ff");
    files.put("lib/\"odd\" é.jar", "abcd");
    SandboxManifest manifest = new SandboxManifest(1, "17", SandboxManifest.WRAPPER_MAIN,
        List.of("classes", "lib/z.jar", "lib/\"odd\" é.jar"), files);
    assertThat(new String(manifest.toJson(), StandardCharsets.UTF_8)).isEqualTo(DATABIND.writeValueAsString(manifest));
    SandboxManifest back = SandboxManifest.parse(manifest.toJson());
    assertThat(back).isEqualTo(manifest);
    assertThat(back.files().keySet()).containsExactly("classes/a/B.class", "lib/\"odd\" é.jar", "lib/z.jar");
  }

  @Test
  void aNewerManifestsUnknownFieldsAreSkippedAndNonObjectsRefused() throws IOException {
    SandboxManifest m = SandboxManifest.parse(("{\"version\":1,\"future\":{\"x\":[1,2]},\"main\":\"M\","
        + "\"classpath\":[\"a.jar\"],\"files\":{\"a.jar\":\"00\"}}").getBytes(StandardCharsets.UTF_8));
    assertThat(m.classpath()).containsExactly("a.jar");
    assertThat(m.main()).isEqualTo("M");
    assertThatThrownBy(() -> SandboxManifest.parse("[]".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("not a JSON object");
  }
}
