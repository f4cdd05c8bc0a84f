package org.taskwire.testing.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.taskwire.internal.backend.Backends;
import org.taskwire.internal.backend.WrapperExit;
import org.taskwire.internal.config.ConfigKey;
import org.taskwire.spi.JobOptions;

/**
 * The reference tables of the docs (the README and {@code docs/}) against the code, which states
 * each fact once: every configuration key is documented, a default the docs give is the key's
 * default, the job options' built-in defaults are {@link JobOptions#BUILT_IN}'s, and every exit
 * code of the wrapper is listed with its meaning.
 */
class ReferenceTablesTest {
  private static final Path ROOT = Path.of("..");

  /** The README and every page under docs/, one line per element. */
  private static List<String> docLines() throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(ROOT.resolve("README.md")));
    try (Stream<Path> pages = Files.walk(ROOT.resolve("docs"))) {
      for (Path page : pages.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
        lines.addAll(Files.readAllLines(page));
      }
    }
    return lines;
  }

  private static List<ConfigKey<?>> allKeys() {
    Map<String, ConfigKey<?>> keys = new LinkedHashMap<>();
    ConfigKey.ALL.forEach(k -> keys.put(k.name(), k));
    Backends.configKeys().forEach(k -> keys.put(k.name(), k));
    return List.copyOf(keys.values());
  }

  /**
   * Whether a line documents the key: it names it in full, or it is a table row that names a key
   * of the same prefix and this one by its last part ({@code `…result-grace`}, {@code `memory-mb`}).
   */
  private static boolean documents(String line, String key) {
    if (line.contains("`" + key + "`")) {
      return true;
    }
    int dot = key.lastIndexOf('.');
    String prefix = key.substring(0, dot + 1);
    String last = key.substring(dot + 1);
    return line.startsWith("|") && line.contains("`" + prefix)
        && (line.contains("`…" + last + "`") || line.contains("`" + last + "`"));
  }

  @Test
  void everyConfigurationKeyIsDocumented() throws IOException {
    List<String> lines = docLines();
    List<String> missing = new ArrayList<>();
    for (ConfigKey<?> key : allKeys()) {
      if (lines.stream().noneMatch(line -> documents(line, key.name()))) {
        missing.add(key.name());
      }
    }
    assertThat(missing).as("keys the docs never name").isEmpty();
  }

  private static final Pattern TABLE_DEFAULT = Pattern.compile("^\\| `([a-z0-9.-]+)` \\| `([^`]*)` \\|");
  private static final Pattern STATED_DEFAULT = Pattern.compile("^\\| `([a-z0-9.-]+)` \\|.*\\(default `([^`]*)`");

  @Test
  void everyDefaultTheDocsStateIsTheKeys() throws IOException {
    Map<String, String> defaults = new LinkedHashMap<>();
    allKeys().forEach(k -> defaults.put(k.name(), k.defaultValue()));
    int checked = 0;
    List<String> wrong = new ArrayList<>();
    for (String line : docLines()) {
      for (Pattern p : List.of(TABLE_DEFAULT, STATED_DEFAULT)) {
        Matcher m = p.matcher(line);
        if (m.find() && defaults.containsKey(m.group(1))) {
          checked++;
          if (!m.group(2).equals(defaults.get(m.group(1)))) {
            wrong.add(m.group(1) + ": the docs say `" + m.group(2) + "`, the code `" + defaults.get(m.group(1)) + "`");
          }
          break;
        }
      }
    }
    assertThat(checked).as("rows with a key and its default").isGreaterThan(15);
    assertThat(wrong).isEmpty();
  }

  @Test
  void theJobOptionsTableGivesTheBuiltInDefaults() throws IOException {
    JobOptions builtIn = JobOptions.BUILT_IN;
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("cores", Integer.toString(builtIn.cores()));
    expected.put("memoryMb", Integer.toString(builtIn.memoryMb()));
    expected.put("walltime", builtIn.walltime().toHours() + " h");
    expected.put("maxAttempts", Integer.toString(builtIn.maxAttempts()));
    expected.put("codec", "`" + builtIn.codec().name() + "`");
    List<String> lines = docLines();
    expected.forEach((option, value) -> {
      // The options table has four columns; other tables (how a backend maps an option) have two.
      String row = lines.stream().filter(l -> l.startsWith("| `" + option + "` |") && l.split("\\|").length == 5)
          .findFirst().orElse(null);
      assertThat(row).as("the job options table has a row for " + option).isNotNull();
      String[] cells = row.split("\\|");
      assertThat(cells[cells.length - 1].strip()).as(option + "'s built-in default").isEqualTo(value);
    });
  }

  @Test
  void everyExitCodeIsListedWithItsMeaning() throws IOException {
    String docs = String.join("\n", docLines());
    for (WrapperExit exit : WrapperExit.values()) {
      // Prose wraps: any run of white space between the words.
      String meaning = String.join("\\s+", java.util.Arrays.stream(exit.meaning().split(" ")).map(Pattern::quote).toList());
      Matcher m = Pattern.compile("`" + exit.code() + "`(?:\\s+\\([^)]*\\))?\\s+" + meaning).matcher(docs);
      assertThat(m.find()).as("the docs list exit " + exit.code() + " as '" + exit.meaning() + "'").isTrue();
    }
  }
}
