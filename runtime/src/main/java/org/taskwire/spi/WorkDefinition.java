package org.taskwire.spi;

import java.util.List;
import java.util.Objects;

/**
 * One {@code @Work} method as the processor saw it: its id, argument record, exact result type,
 * the closure of types that may travel with it, its annotated options and a reflection-free
 * invoker. Generated registries create these; nothing else can be invoked by a worker.
 *
 * @param <A> the generated argument record
 * @param <R> the result type ({@link Void} for {@code void} methods)
 */
public final class WorkDefinition<A extends Record, R> {
  private final String workflowClass;
  private final String name;
  private final String methodSignature;
  private final Class<A> argumentsType;
  private final TypeRef<R> resultType;
  private final List<Class<?>> travellingTypes;
  private final JobOptions options;
  private final Invoker<A, R> invoker;
  private final String version;
  private final String dataset;
  /** Made once: every call's envelope names it, and a million outstanding calls should share one string. */
  private final String id;

  private WorkDefinition(
      String workflowClass,
      String name,
      String methodSignature,
      Class<A> argumentsType,
      TypeRef<R> resultType,
      List<Class<?>> travellingTypes,
      JobOptions options,
      Invoker<A, R> invoker,
      String version,
      String dataset) {
    this.workflowClass = Objects.requireNonNull(workflowClass, "workflowClass");
    this.name = Objects.requireNonNull(name, "name");
    this.methodSignature = Objects.requireNonNull(methodSignature, "methodSignature");
    this.argumentsType = Objects.requireNonNull(argumentsType, "argumentsType");
    this.resultType = Objects.requireNonNull(resultType, "resultType");
    this.travellingTypes = List.copyOf(travellingTypes);
    this.options = Objects.requireNonNull(options, "options");
    this.invoker = Objects.requireNonNull(invoker, "invoker");
    this.version = Objects.requireNonNull(version, "version");
    this.dataset = Objects.requireNonNull(dataset, "dataset");
    this.id = workflowClass + "#" + name;
  }

  /**
   * Creates a definition; called by generated registries.
   *
   * @param workflowClass binary name of the {@code @Workflow} class
   * @param name work name, unique in its workflow
   * @param methodSignature the method as written, for messages, e.g. {@code evaluate(double, double)}
   * @param argumentsType the generated argument record
   * @param resultType the declared result type, boxed
   * @param travellingTypes every class that may appear in the arguments or result
   * @param options the options written on {@code @Work}
   * @param invoker calls the method
   */
  public static <A extends Record, R> WorkDefinition<A, R> of(
      String workflowClass,
      String name,
      String methodSignature,
      Class<A> argumentsType,
      TypeRef<R> resultType,
      List<Class<?>> travellingTypes,
      JobOptions options,
      Invoker<A, R> invoker) {
    return new WorkDefinition<>(
        workflowClass, name, methodSignature, argumentsType, resultType, travellingTypes, options, invoker, "", "");
  }

  /**
   * This definition with its code version pinned, as {@code @Work(version = "...")} writes it;
   * generated registries call this for works that set one.
   */
  public WorkDefinition<A, R> withVersion(String pinned) {
    return new WorkDefinition<>(
        workflowClass, name, methodSignature, argumentsType, resultType, travellingTypes, options, invoker, pinned, dataset);
  }

  /**
   * This definition with the template of the Rucio dataset its files go to, as
   * {@code @Work(dataset = "...")} writes it; generated registries call this for works that set one.
   */
  public WorkDefinition<A, R> withDataset(String template) {
    return new WorkDefinition<>(
        workflowClass, name, methodSignature, argumentsType, resultType, travellingTypes, options, invoker, version,
        template);
  }

  /** Globally unique id: {@code <workflow class>#<work name>}. */
  public String id() {
    return id;
  }

  public String workflowClass() { return workflowClass; }
  public String name() { return name; }
  public String methodSignature() { return methodSignature; }
  public Class<A> argumentsType() { return argumentsType; }
  public TypeRef<R> resultType() { return resultType; }
  public List<Class<?>> travellingTypes() { return travellingTypes; }
  public JobOptions options() { return options; }
  public Invoker<A, R> invoker() { return invoker; }

  /** The code version pinned by {@code @Work(version)}, or empty: then its class's bytes tell it. */
  public String version() { return version; }

  /** The dataset template written on {@code @Work(dataset)}, or empty: then {@code taskwire.rucio.dataset} names it. */
  public String dataset() { return dataset; }

  @Override
  public String toString() {
    return id();
  }
}
