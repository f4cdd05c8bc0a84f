package org.taskwire.processor;

/**
 * Every diagnostic the processor reports, in one place. Each starts with a stable tag, such as
 * {@code [Taskwire/PrivateWork]}, that tests, documentation and searches can rely on, and each
 * says how to fix the problem.
 */
enum Message {
  WORK_OUTSIDE_WORKFLOW("WorkOutsideWorkflow",
      "@Work method %s is in %s, which is not annotated @Workflow. Add @Workflow to %s, or remove @Work."),
  WORKFLOW_NOT_A_CLASS("WorkflowNotAClass",
      "@Workflow must annotate a class, but %s is %s. Put the work methods in a class annotated @Workflow."),
  WORKFLOW_NOT_ACCESSIBLE("WorkflowNotAccessible",
      "@Workflow class %s must be top-level or a static nested class that is not private, so generated code can call it."),
  GENERIC_WORKFLOW("GenericWorkflow",
      "@Workflow class %s must not declare type parameters: calls travel without them. Remove the type parameters."),
  PRIVATE_WORK("PrivateWork",
      "@Work method %s must not be private: the generated registry calls it. Make it package-private or public."),
  ABSTRACT_WORK("AbstractWork",
      "@Work method %s must have a body: a worker runs it. Remove abstract and implement it."),
  INSTANCE_WORK("InstanceWork",
      "@Work method %s must be static: a worker has no instance of %s to call it on. Make it static and pass what it needs as parameters."),
  GENERIC_WORK("GenericWork",
      "@Work method %s must not declare type parameters: the worker must know the exact types to decode. Use concrete types."),
  DUPLICATE_WORK("DuplicateWork",
      "Two @Work methods of %s are named %s: calls are routed by name and proxies named after methods. Rename one method or set @Work(name = ...)."),
  RESERVED_NAME("ReservedName",
      "@Work method %s clashes with the generated %s. Rename the method."),
  RESERVED_PARAMETER_NAME("ReservedParameterName",
      "Parameter %s of @Work method %s cannot be a component of the generated argument record. Rename the parameter."),
  NOT_TRAVELLABLE("NotTravellable",
      "%s of @Work method %s has type %s, which cannot travel to a worker: %s"),
  INACCESSIBLE_TYPE("InaccessibleType",
      "%s of @Work method %s uses %s, which is private, so generated code cannot name it. Make it package-private or public."),
  INVALID_OPTION("InvalidOption",
      "Invalid %s = %s on %s: %s"),
  GENERATED_NAME_CLASH("GeneratedNameClash",
      "@Work method %s clashes with %s, which the proxy generates for @Work method %s: both would have the same name and parameter types after erasure. Rename one of the two methods."),
  GENERATED_CLASS_EXISTS("GeneratedClassExists",
      "Cannot generate %s for @Workflow class %s: a class of that name already exists in package %s. Rename that class, or rename the workflow class (the generated names follow it)."),
  CANNOT_WRITE("CannotWrite",
      "Cannot write the generated %s of @Workflow class %s: %s. Check that the build's generated-sources directory is writable and not full."),
  UNRESOLVED_TYPE("UnresolvedType",
      "@Workflow class %s was not generated: its work methods use %s, which could not be resolved in any round of this compile. Fix the type (or the processor that should generate it); javac reports the missing symbol too."),
  NO_WORK("NoWork",
      "@Workflow class %s has no @Work methods; its proxy will have nothing to call. Annotate the methods that should run as jobs with @Work.");

  private final String tag;
  private final String format;

  Message(String tag, String format) {
    this.tag = tag;
    this.format = format;
  }

  /** The stable tag, e.g. {@code [Taskwire/PrivateWork]}. */
  String tag() {
    return "[Taskwire/" + tag + "]";
  }

  String format(Object... args) {
    return tag() + " " + String.format(format, args);
  }
}
