package org.taskwire.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** One test per diagnostic: each is reported, with its tag, on the offending line. */
class DiagnosticsTest {

  private static JavaFileObject source(String className, String... lines) {
    return JavaFileObjects.forSourceLines("test." + className,
        concat("package test;", "import org.taskwire.annotations.*;", "import java.util.*;", lines));
  }

  private static String[] concat(String a, String b, String c, String... rest) {
    String[] all = new String[rest.length + 3];
    all[0] = a;
    all[1] = b;
    all[2] = c;
    System.arraycopy(rest, 0, all, 3, rest.length);
    return all;
  }

  /** The registry a successful compilation generated for test.Flow. */
  private static String registryOf(Compilation c) throws java.io.IOException {
    assertThat(c).succeeded();
    return c.generatedSourceFile("test.Flow_WorkRegistry").orElseThrow().getCharContent(true).toString();
  }

  private static Compilation compile(JavaFileObject... sources) {
    return javac().withProcessors(new WorkflowProcessor()).compile(sources);
  }

  private static void assertError(JavaFileObject source, String tag, String line, String... fragments) {
    Compilation c = compile(source);
    assertThat(c).failed();
    assertThat(c).hadErrorContaining(tag).inFile(source).onLineContaining(line);
    for (String fragment : fragments) {
      assertThat(c).hadErrorContaining(fragment);
    }
  }

  @Test
  void workOutsideWorkflow() {
    JavaFileObject s = source("Plain",
        "class Plain {",
        "  @Work static int twice(int x) { return 2 * x; }",
        "}");
    assertError(s, "[Taskwire/WorkOutsideWorkflow]", "twice", "Add @Workflow to Plain");
  }

  @Test
  void workflowOnInterface() {
    JavaFileObject s = source("Flow", "@Workflow interface Flow {}");
    assertError(s, "[Taskwire/WorkflowNotAClass]", "interface Flow", "must annotate a class");
  }

  @Test
  void privateNestedWorkflow() {
    JavaFileObject s = source("Outer",
        "class Outer {",
        "  @Workflow private static class Inner { @Work static int one() { return 1; } }",
        "}");
    assertError(s, "[Taskwire/WorkflowNotAccessible]", "class Inner", "static nested class that is not private");
  }

  @Test
  void innerWorkflow() {
    JavaFileObject s = source("Outer",
        "class Outer {",
        "  @Workflow class Inner { }",
        "}");
    assertError(s, "[Taskwire/WorkflowNotAccessible]", "class Inner");
  }

  @Test
  void genericWorkflow() {
    JavaFileObject s = source("Flow", "@Workflow class Flow<T> { @Work static int one() { return 1; } }");
    assertError(s, "[Taskwire/GenericWorkflow]", "class Flow<T>", "Remove the type parameters");
  }

  @Test
  void privateWork() {
    JavaFileObject s = source("Flow",
        "@Workflow class Flow {",
        "  @Work private static int hidden() { return 1; }",
        "}");
    assertError(s, "[Taskwire/PrivateWork]", "hidden", "Make it package-private or public");
  }

  @Test
  void abstractWork() {
    JavaFileObject s = source("Flow",
        "@Workflow abstract class Flow {",
        "  @Work abstract int todo();",
        "}");
    assertError(s, "[Taskwire/AbstractWork]", "todo", "Remove abstract");
  }

  @Test
  void instanceWork() {
    JavaFileObject s = source("Flow",
        "@Workflow class Flow {",
        "  @Work int member(int x) { return x; }",
        "}");
    assertError(s, "[Taskwire/InstanceWork]", "member", "Make it static");
  }

  @Test
  void genericWork() {
    JavaFileObject s = source("Flow",
        "@Workflow class Flow {",
        "  @Work static <T> T identity(T x) { return x; }",
        "}");
    assertError(s, "[Taskwire/GenericWork]", "identity", "Use concrete types");
  }

  @Test
  void duplicateMethodNames() {
    JavaFileObject s = source("Flow",
        "@Workflow class Flow {",
        "  @Work static int twice(int x) { return 2 * x; }",
        "  @Work static long twice(long x) { return 2 * x; }",
        "}");
    assertError(s, "[Taskwire/DuplicateWork]", "long twice", "named twice");
  }

  @Test
  void duplicateWorkNames() {
    JavaFileObject s = source("Flow",
        "@Workflow class Flow {",
        "  @Work(name = \"job\") static int one() { return 1; }",
        "  @Work(name = \"job\") static int two() { return 2; }",
        "}");
    assertError(s, "[Taskwire/DuplicateWork]", "two()", "named job");
  }

  @Test
  void reservedMethodName() {
    JavaFileObject s = source("Flow",
        "@Workflow class Flow {",
        "  @Work static int start() { return 1; }",
        "}");
    assertError(s, "[Taskwire/ReservedName]", "start()", "method start() of the proxy");
  }

  @Test
  void reservedParameterName() {
    JavaFileObject s = source("Flow",
        "@Workflow class Flow {",
        "  @Work static int f(int hashCode) { return hashCode; }",
        "}");
    assertError(s, "[Taskwire/ReservedParameterName]", "int hashCode", "Rename the parameter");
  }

  @Test
  void threadParameter() {
    JavaFileObject s = source("Flow",
        "@Workflow class Flow {",
        "  @Work static int f(Thread t) { return 1; }",
        "}");
    assertError(s, "[Taskwire/NotTravellable]", "Thread t", "Parameter t", "threads belong to this JVM");
  }

  @Test
  void streamParameter() {
    JavaFileObject s = source("Flow",
        "@Workflow class Flow {",
        "  @Work static int f(java.io.InputStream in) { return 1; }",
        "}");
    assertError(s, "[Taskwire/NotTravellable]", "InputStream in", "Pass the data itself");
  }

  @Test
  void lambdaParameter() {
    JavaFileObject s = source("Flow",
        "@Workflow class Flow {",
        "  @Work static int f(java.util.function.IntUnaryOperator op) { return 1; }",
        "}");
    assertError(s, "[Taskwire/NotTravellable]", "IntUnaryOperator op", "lambdas and method references");
  }

  @Test
  void socketInsideTypeArgument() {
    JavaFileObject s = source("Flow",
        "@Workflow class Flow {",
        "  @Work static int f(List<java.net.Socket> sockets) { return 1; }",
        "}");
    assertError(s, "[Taskwire/NotTravellable]", "sockets", "java.net.Socket");
  }

  @Test
  void classLoaderReturnType() {
    JavaFileObject s = source("Flow",
        "@Workflow class Flow {",
        "  @Work static ClassLoader loader() { return null; }",
        "}");
    assertError(s, "[Taskwire/NotTravellable]", "loader()", "The return type", "class loaders");
  }

  @Test
  void streamReturnType() {
    JavaFileObject s = source("Flow",
        "@Workflow class Flow {",
        "  @Work static java.util.stream.Stream<String> lines() { return null; }",
        "}");
    assertError(s, "[Taskwire/NotTravellable]", "lines()", "Pass a List");
  }

  @Test
  void unsendableFieldOfOwnType() {
    JavaFileObject s = source("Flow",
        "@Workflow class Flow {",
        "  static class Holder { Thread worker; int n; }",
        "  @Work static int f(Holder h) { return 1; }",
        "}");
    assertError(s, "[Taskwire/NotTravellable]", "Holder h", "through field Holder.worker");
  }

  @Test
  void privateParameterType() {
    JavaFileObject s = source("Flow",
        "@Workflow class Flow {",
        "  private record Secret(int n) {}",
        "  @Work static int f(Secret s) { return 1; }",
        "}");
    assertError(s, "[Taskwire/InaccessibleType]", "Secret s", "Make it package-private or public");
  }

  @Test
  void negativeCores() {
    JavaFileObject s = source("Flow",
        "@Workflow class Flow {",
        "  @Work(cores = -2) static int f() { return 1; }",
        "}");
    assertError(s, "[Taskwire/InvalidOption]", "cores = -2", "Invalid cores = -2", "at least 1 (0 inherits)");
  }

  @Test
  void negativeMemoryOnWorkflow() {
    JavaFileObject s = source("Flow",
        "@Workflow(memoryMb = -1) class Flow {",
        "  @Work static int f() { return 1; }",
        "}");
    assertError(s, "[Taskwire/InvalidOption]", "memoryMb = -1", "memory per job");
  }

  @Test
  void negativeMaxAttempts() {
    JavaFileObject s = source("Flow",
        "@Workflow class Flow {",
        "  @Work(maxAttempts = -1) static int f() { return 1; }",
        "}");
    assertError(s, "[Taskwire/InvalidOption]", "maxAttempts = -1", "attempts per call");
  }

  @Test
  void malformedWalltime() {
    JavaFileObject s = source("Flow",
        "@Workflow class Flow {",
        "  @Work(walltime = \"ten minutes\") static int f() { return 1; }",
        "}");
    assertError(s, "[Taskwire/InvalidOption]", "ten minutes", "\"90m\", \"1h30m\"");
  }

  @Test
  void blankPinnedVersion() {
    JavaFileObject s = source("Flow",
        "@Workflow class Flow {",
        "  @Work(version = \"  \") static int f() { return 1; }",
        "}");
    assertError(s, "[Taskwire/InvalidOption]", "version", "must not be blank");
  }

  @Test
  void aPinnedVersionReachesTheRegistryAndOnlyWhenSet() throws Exception {
    JavaFileObject s = source("Flow",
        "@Workflow class Flow {",
        "  @Work(version = \"2026-11\") static int pinned() { return 1; }",
        "  @Work static int free() { return 2; }",
        "}");
    String registry = registryOf(compile(s));
    org.assertj.core.api.Assertions.assertThat(registry).containsOnlyOnce(".withVersion(\"2026-11\")");
  }

  @Test
  void aDatasetTemplateNamesOnlyParametersAndReachesTheRegistry() throws Exception {
    JavaFileObject unknown = source("Flow",
        "@Workflow class Flow {",
        "  @Work(dataset = \"{run}.{work}.{grid}\") static org.taskwire.DataFile sim(String point) { return null; }",
        "}");
    assertError(unknown, "[Taskwire/InvalidOption]", "{grid}", "{grid} names no parameter", "[{run}, {work}, {point}]");
    JavaFileObject slash = source("Flow",
        "@Workflow class Flow {",
        "  @Work(dataset = \"{run}/{point}\") static org.taskwire.DataFile sim(String point) { return null; }",
        "}");
    assertError(slash, "[Taskwire/InvalidOption]", "{run}/{point}", "'/' is neither a placeholder nor");
    JavaFileObject noFiles = source("Flow",
        "@Workflow class Flow {",
        "  @Work(dataset = \"{run}.{point}\") static double sim(String point) { return 1; }",
        "}");
    assertError(noFiles, "[Taskwire/InvalidOption]", "{run}.{point}", "only a work that returns files");
    JavaFileObject fine = source("Flow",
        "@Workflow class Flow {",
        "  record Out(String tag, java.util.List<org.taskwire.DataFile> files) {}",
        "  @Work(dataset = \"{run}.{work}.{point}_{slice}\") static Out sim(String point, int slice) { return null; }",
        "}");
    org.assertj.core.api.Assertions.assertThat(registryOf(compile(fine)))
        .containsOnlyOnce(".withDataset(\"{run}.{work}.{point}_{slice}\")");
  }

  @Test
  void invalidName() {
    JavaFileObject s = source("Flow",
        "@Workflow(name = \"my flow!\") class Flow {",
        "  @Work static int f() { return 1; }",
        "}");
    assertError(s, "[Taskwire/InvalidOption]", "my flow!", "letters, digits");
  }

  @Test
  void blankExclude() {
    JavaFileObject s = source("Flow",
        "@Workflow(excludes = {\"data/**\", \" \"}) class Flow {",
        "  @Work static int f() { return 1; }",
        "}");
    assertError(s, "[Taskwire/InvalidOption]", "excludes", "must not be blank");
  }

  @Test
  void workflowWithoutWorkWarns() {
    JavaFileObject s = source("Flow", "@Workflow class Flow { }");
    Compilation c = compile(s);
    assertThat(c).succeeded();
    assertThat(c).hadWarningContaining("[Taskwire/NoWork]").inFile(s).onLineContaining("class Flow");
  }

  @Test
  void severalProblemsReportedInOneCompile() {
    JavaFileObject s = source("Flow",
        "@Workflow class Flow {",
        "  @Work private static int a() { return 1; }",
        "  @Work int b() { return 1; }",
        "  @Work(cores = -1) static int c() { return 1; }",
        "}");
    Compilation c = compile(s);
    assertThat(c).hadErrorCount(3);
    assertThat(c).hadErrorContaining("[Taskwire/PrivateWork]").inFile(s).onLineContaining("a()");
    assertThat(c).hadErrorContaining("[Taskwire/InstanceWork]").inFile(s).onLineContaining("b()");
    assertThat(c).hadErrorContaining("[Taskwire/InvalidOption]").inFile(s).onLineContaining("c()");
  }

  @Test
  void validWorkflowWithUserTypesCompiles() throws java.io.IOException {
    JavaFileObject s = source("Flow",
        "@Workflow(name = \"flow\", walltime = \"1h30m\", codec = Codec.JSON)",
        "public class Flow {",
        "  public record Point(double x, double y, Color color) {}",
        "  public enum Color { RED, GREEN }",
        "  @Work(cores = 4, maxAttempts = 1) static List<Point> shift(List<Point> points, double dx) { return points; }",
        "  @Work static void ping() {}",
        "  @Work static Map<String, int[]> counts(String... words) { return Map.of(); }",
        "}");
    Compilation c = compile(s);
    assertThat(c).succeeded();
    assertThat(c).generatedSourceFile("test.FlowTasks");
    String registry = c.generatedSourceFile("test.Flow_WorkRegistry").orElseThrow().getCharContent(true).toString();
    // The closure: user types reached through type arguments and record components, in name order.
    org.assertj.core.api.Assertions.assertThat(registry)
        .contains("List.<Class<?>>of(Flow.Color.class, Flow.Point.class)")
        .contains("List.<Class<?>>of(int[].class, String.class, String[].class)")
        .contains(".cores(4).maxAttempts(1)")
        .contains(".walltime(Duration.ofSeconds(5400L)).codec(Codec.JSON)");
  }

  @Test
  void aSealedInterfaceTravelsWithItsPermittedSubclasses() throws java.io.IOException {
    JavaFileObject s = source("Flow",
        "@Workflow public class Flow {",
        "  public sealed interface Shape permits Circle, Rect {}",
        "  public record Circle(double r) implements Shape {}",
        "  public record Rect(double w, double h) implements Shape {}",
        "  @Work static double area(Shape shape) { return 0; }",
        "}");
    String registry = registryOf(compile(s));
    org.assertj.core.api.Assertions.assertThat(registry).contains("Flow.Circle.class", "Flow.Rect.class");
  }

  @Test
  void anOpenInterfaceIsRefusedWhetherOrNotItIsMarkedFunctional() {
    for (String marker : new String[] {"", "@FunctionalInterface "}) {
      JavaFileObject s = source("Flow",
          "@Workflow class Flow {",
          "  " + marker + "interface Scorer { double score(double x); }",
          "  @Work static double f(Scorer scorer) { return 0; }",
          "}");
      assertError(s, "[Taskwire/NotTravellable]", "Scorer scorer", "open interface", "lambdas", "Seal it");
    }
    JavaFileObject wide = source("Flow",
        "@Workflow class Flow {",
        "  interface Shape { double area(); double perimeter(); }",
        "  @Work static double f(List<Shape> shapes) { return 0; }",
        "}");
    assertError(wide, "[Taskwire/NotTravellable]", "shapes", "open interface", "cannot be registered", "Seal it");
  }

  @Test
  void nestedTypeNamesAreShownWhole() {
    JavaFileObject s = source("MonteCarlo",
        "@Workflow class MonteCarlo {",
        "  record Params(int n) {}",
        "  @Work static int start(MonteCarlo.Params params) { return 1; }",
        "}");
    assertError(s, "[Taskwire/ReservedName]", "start(", "start(MonteCarlo.Params)");
    org.assertj.core.api.Assertions.assertThat(WorkflowReader.simple("java.util.List<org.demo.Edge.Scorer>"))
        .isEqualTo("List<Edge.Scorer>");
  }

  @Test
  void aHandleAsAParameterTypeSaysToDeclareTheValueAndPassTheHandleToTheOverload() {
    JavaFileObject s = source("Flow",
        "@Workflow class Flow {",
        "  @Work static double ana(double x, org.taskwire.In<Double> xyz) { return x; }",
        "}");
    assertError(s, "[Taskwire/NotTravellable]", "org.taskwire.In<Double> xyz", "Parameter xyz",
        "handles belong to the run that made them", "Declare the value's type (e.g. double for In<Double>)",
        "generated mAsync(In...) overload");
  }

  @Test
  void aKeyedFanOutAsAParameterTypeIsRefusedToo() {
    JavaFileObject s = source("Flow",
        "@Workflow class Flow {",
        "  @Work static double merge(org.taskwire.AsyncMapResult<String, Double> sims) { return 0; }",
        "}");
    assertError(s, "[Taskwire/NotTravellable]", "AsyncMapResult<String, Double> sims",
        "handles belong to the run that made them");
  }

  @Test
  void anAllToOneStepMayTakeATypedMapOrAMapResultKeyedByARecord() {
    JavaFileObject s = source("Flow",
        "@Workflow public class Flow {",
        "  public record Point(String particle, double eta) {}",
        "  @Work static double merge(Map<Point, Double> xyz) { return 0; }",
        "  @Work static double tally(org.taskwire.MapResult<Point, List<String>> outcomes) { return 0; }",
        "  @Work static Object any(Object payload, List<String> names, int... counts) { return payload; }",
        "}");
    Compilation c = javac().withProcessors(new WorkflowProcessor()).withOptions("-Xlint:all,-processing").compile(s);
    assertThat(c).succeededWithoutWarnings();
    assertThat(c).generatedSourceFile("test.FlowTasks").contentsAsUtf8String()
        .contains("public static AsyncResult<Double> mergeAsync(In<Map<Flow.Point, Double>> xyz)");
  }

  @Test
  void aWorkWhoseProxyClashesWithAnotherWorksAsyncProxyIsReportedOnIt() {
    JavaFileObject s = source("Flow",
        "@Workflow class Flow {",
        "  @Work static double f(double x) { return x; }",
        "  @Work static double fAsync(double x) { return x; }",
        "}");
    assertError(s, "[Taskwire/GeneratedNameClash]", "fAsync(double x)", "fAsync(double)", "generates for @Work method f(double)");
  }

  @Test
  void aWorkWhoseProxyClashesWithAnotherWorksMapProxyIsReportedOnIt() {
    JavaFileObject s = source("Flow",
        "@Workflow class Flow {",
        "  @Work static double f(double x) { return x; }",
        "  @Work static int fMap(List<String> names) { return 0; }",
        "}");
    assertError(s, "[Taskwire/GeneratedNameClash]", "fMap(List<String> names)", "fMap(List<FArgs>)");
  }

  @Test
  void aLocalWorkflowClassIsRejected() {
    JavaFileObject s = source("Outer",
        "class Outer {",
        "  static void run() {",
        "    @Workflow class Local { @Work static int one() { return 1; } }",
        "  }",
        "}");
    assertError(s, "[Taskwire/WorkflowNotAccessible]", "class Local", "a local class");
  }

  @Test
  void anExistingClassWithTheGeneratedNameIsReportedWithAdvice() {
    JavaFileObject flow = source("Flow", "@Workflow class Flow { @Work static int one() { return 1; } }");
    JavaFileObject taken = source("FlowTasks", "class FlowTasks {}");
    Compilation c = compile(flow, taken);
    assertThat(c).failed();
    assertThat(c).hadErrorContaining("[Taskwire/GeneratedClassExists]").inFile(flow).onLineContaining("class Flow");
    assertThat(c).hadErrorContaining("Rename that class, or rename the workflow class");
  }

  @Test
  void recordIsNamedWithTheRightArticle() {
    JavaFileObject s = source("Flow", "@Workflow record Flow(int x) {}");
    assertError(s, "[Taskwire/WorkflowNotAClass]", "record Flow", "is a record");
  }

  /** Generates {@code test.Gen} in the first round, as AutoValue or Immutables would. */
  @javax.annotation.processing.SupportedAnnotationTypes("*")
  static final class GeneratesARecord extends javax.annotation.processing.AbstractProcessor {
    private boolean done;

    @Override
    public javax.lang.model.SourceVersion getSupportedSourceVersion() {
      return javax.lang.model.SourceVersion.latestSupported();
    }

    @Override
    public boolean process(java.util.Set<? extends javax.lang.model.element.TypeElement> annotations,
        javax.annotation.processing.RoundEnvironment round) {
      if (!done) {
        done = true;
        try (java.io.Writer w = processingEnv.getFiler().createSourceFile("test.Gen").openWriter()) {
          w.write("package test; public record Gen(int x) {}");
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
      return false;
    }
  }

  @Test
  void aTypeAnotherProcessorGeneratesIsWaitedForNotAcceptedBlindly() throws java.io.IOException {
    JavaFileObject s = source("Flow",
        "@Workflow public class Flow {",
        "  @Work static int f(Gen gen) { return gen.x(); }",
        "}");
    Compilation c = javac().withProcessors(new WorkflowProcessor(), new GeneratesARecord()).compile(s);
    assertThat(c).succeeded();
    String registry = c.generatedSourceFile("test.Flow_WorkRegistry").orElseThrow().getCharContent(true).toString();
    org.assertj.core.api.Assertions.assertThat(registry).contains("Gen.class");
  }

  @Test
  void aTypeThatNeverResolvesIsReported() {
    JavaFileObject s = source("Flow",
        "@Workflow public class Flow {",
        "  @Work static int f(Missing m) { return 1; }",
        "}");
    Compilation c = compile(s);
    assertThat(c).failed();
    assertThat(c).hadErrorContaining("[Taskwire/UnresolvedType]").inFile(s).onLineContaining("class Flow");
  }

  @Test
  void gradleIsToldTheProcessorIsAggregating() throws java.io.IOException {
    try (java.io.InputStream in = WorkflowProcessor.class.getClassLoader()
        .getResourceAsStream("META-INF/gradle/incremental.annotation.processors")) {
      org.assertj.core.api.Assertions.assertThat(in).isNotNull();
      org.assertj.core.api.Assertions.assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
          .isEqualToIgnoringNewLines("org.taskwire.processor.WorkflowProcessor,aggregating");
    }
  }
}
