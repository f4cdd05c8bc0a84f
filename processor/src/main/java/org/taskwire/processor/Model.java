package org.taskwire.processor;

import com.palantir.javapoet.ClassName;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeMirror;

/** What the processor learned from a valid {@code @Workflow} class; input of the writers. */
final class Model {
  private Model() {}

  /** The job options set, in the table's order, with their values as {@link JobOptionAttribute#read} gives them. */
  record Options(java.util.Map<JobOptionAttribute, Object> values) {}

  record Parameter(String name, TypeMirror type) {}

  record Work(
      ExecutableElement method,
      String name,
      String methodName,
      String signature,
      List<Parameter> parameters,
      TypeMirror returnType,
      boolean varargs,
      Options options,
      Set<TypeMirror> closure,
      String version,
      String dataset) {

    boolean returnsVoid() {
      return returnType.getKind() == javax.lang.model.type.TypeKind.VOID;
    }
  }

  record Workflow(
      TypeElement type,
      String binaryName,
      ClassName workflowClass,
      ClassName tasksClass,
      ClassName registryClass,
      String name,
      boolean isPublic,
      Options options,
      List<String> excludes,
      List<Work> works) {}
}
