package org.taskwire.processor;

import com.palantir.javapoet.ClassName;

/** Runtime types that generated code refers to; the processor never links against the runtime. */
final class Names {
  static final ClassName WORKFLOW_RUN = ClassName.get("org.taskwire", "WorkflowRun");
  static final ClassName WORKFLOW_RUN_BUILDER = WORKFLOW_RUN.nestedClass("Builder");
  static final ClassName ASYNC_RESULT = ClassName.get("org.taskwire", "AsyncResult");
  static final ClassName MAP_RESULT = ClassName.get("org.taskwire", "MapResult");
  static final ClassName ASYNC_MAP_RESULT = ClassName.get("org.taskwire", "AsyncMapResult");
  static final ClassName IN = ClassName.get("org.taskwire", "In");
  static final ClassName COLLECTION = ClassName.get("java.util", "Collection");
  static final ClassName ARRAYS = ClassName.get("java.util", "Arrays");
  static final ClassName FUNCTION = ClassName.get("java.util.function", "Function");
  static final ClassName WORK_FAILED = ClassName.get("org.taskwire", "WorkFailedException");
  static final ClassName WORK_REGISTRY = ClassName.get("org.taskwire.spi", "WorkRegistry");
  static final ClassName WORK_DEFINITION = ClassName.get("org.taskwire.spi", "WorkDefinition");
  static final ClassName WORKFLOW_DEFINITION = ClassName.get("org.taskwire.spi", "WorkflowDefinition");
  static final ClassName JOB_OPTIONS = ClassName.get("org.taskwire.spi", "JobOptions");
  static final ClassName TYPE_REF = ClassName.get("org.taskwire.spi", "TypeRef");
  static final ClassName CODEC = ClassName.get("org.taskwire.annotations", "Codec");
  static final ClassName GENERATED = ClassName.get("javax.annotation.processing", "Generated");
  static final ClassName LIST = ClassName.get("java.util", "List");
  static final ClassName DURATION = ClassName.get("java.time", "Duration");
  static final String PROCESSOR = "org.taskwire.processor.WorkflowProcessor";

  private Names() {}
}
