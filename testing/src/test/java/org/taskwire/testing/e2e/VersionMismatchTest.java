package org.taskwire.testing.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.taskwire.FailureKind;
import org.taskwire.WorkFailedException;
import org.taskwire.WorkflowRun;

/** A worker running another version of the code sends a result of another type: a clear failure. */
@Timeout(120)
class VersionMismatchTest {
  @TempDir Path dir;

  @Test
  void resultOfAnotherTypeFailsAsNotDecodable() throws Exception {
    Path source = dir.resolve("src/org/taskwire/testing/e2e/Versioned.java");
    Files.createDirectories(source.getParent());
    Files.writeString(source, String.join("\n",
        "package org.taskwire.testing.e2e;",
        "import org.taskwire.annotations.*;",
        "@Workflow(name = \"versioned\", maxAttempts = 1)",
        "public final class Versioned {",
        "  @Work static String value() { return \"one and a half\"; }",
        "}"));
    Path classes = Files.createDirectories(dir.resolve("classes"));
    String classpath = System.getProperty("java.class.path");
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int status = javac.run(null, null, null, "-d", classes.toString(), "-cp", classpath, "-processorpath", classpath,
        source.toString());
    assertThat(status).as("compiling version 2").isZero();

    try (WorkflowRun run = VersionedTasks.builder().backend("local").set("taskwire.local.workers", "1")
        .set("taskwire.local.classpath", classes + File.pathSeparator + classpath).start()) {
      assertThatThrownBy(VersionedTasks::value)
          .isInstanceOfSatisfying(WorkFailedException.class, e -> {
            assertThat(e.kind()).isEqualTo(FailureKind.RESULT_NOT_DECODABLE);
            assertThat(e.getMessage()).contains("result type mismatch: value declares java.lang.Double but the "
                + "worker sent a java.lang.String", "same version of the code");
          });
    }
    try (WorkflowRun run = VersionedTasks.builder().backend("local").set("taskwire.local.workers", "1").start()) {
      assertThat(VersionedTasks.value()).as("the same code on both sides").isEqualTo(1.5);
    }
    assertThat(List.of(classes.toFile().list())).isNotEmpty();
  }
}
