package org.taskwire.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** The generated proxy and registry of one workflow, compared with checked-in sources. */
class GoldenSourceTest {
  private static final JavaFileObject WORKFLOW = JavaFileObjects.forResource("golden/Hpo.java");

  @Test
  void proxy() {
    Compilation c = javac().withProcessors(new WorkflowProcessor()).compile(WORKFLOW);
    assertThat(c).succeededWithoutWarnings();
    assertThat(c).generatedSourceFile("demo.HpoTasks")
        .hasSourceEquivalentTo(JavaFileObjects.forResource("golden/HpoTasks.java"));
  }

  @Test
  void registry() {
    Compilation c = javac().withProcessors(new WorkflowProcessor()).compile(WORKFLOW);
    assertThat(c).generatedSourceFile("demo.Hpo_WorkRegistry")
        .hasSourceEquivalentTo(JavaFileObjects.forResource("golden/Hpo_WorkRegistry.java"));
  }

  @Test
  void serviceFileListsTheRegistry() {
    Compilation c = javac().withProcessors(new WorkflowProcessor()).compile(WORKFLOW);
    assertThat(c).generatedFile(javax.tools.StandardLocation.CLASS_OUTPUT, WorkflowProcessor.SERVICES)
        .contentsAsUtf8String().isEqualTo("demo.Hpo_WorkRegistry\n");
  }
}
