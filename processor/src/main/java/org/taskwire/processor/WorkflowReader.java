package org.taskwire.processor;

import com.palantir.javapoet.ClassName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;
import org.taskwire.annotations.Work;
import org.taskwire.annotations.Workflow;

/**
 * Reads and checks a {@code @Workflow} class, reporting every problem it finds on the offending
 * element; returns a model only when the class is sound.
 */
final class WorkflowReader {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
  /** Names the generated proxy already uses. */
  private static final Set<String> GENERATED_METHODS = Set.of("start", "builder");
  /** Names a record component may not have. */
  private static final Set<String> RECORD_RESERVED =
      Set.of("clone", "finalize", "getClass", "hashCode", "notify", "notifyAll", "toString", "wait");

  private final Elements elements;
  private final Types types;
  private final Reporter reporter;
  private final TravelCheck travel;

  WorkflowReader(Elements elements, Types types, Reporter reporter) {
    this.elements = elements;
    this.types = types;
    this.reporter = reporter;
    this.travel = new TravelCheck(elements, types);
  }

  /**
   * The types a workflow's work signatures name that do not exist yet, such as a record another
   * processor generates in this very compile. Such a workflow is read again in a later round,
   * as AutoValue does, rather than checked against a type javac cannot see yet.
   */
  Set<String> unresolvedTypes(TypeElement type) {
    Set<String> unresolved = new LinkedHashSet<>();
    String pkg = elements.getPackageOf(type).getQualifiedName().toString();
    for (ExecutableElement method : ElementFilter.methodsIn(type.getEnclosedElements())) {
      if (method.getAnnotation(Work.class) == null) {
        continue;
      }
      for (VariableElement p : method.getParameters()) {
        unresolved.addAll(travel.check(p.asType(), pkg).unresolved());
      }
      unresolved.addAll(travel.check(method.getReturnType(), pkg).unresolved());
    }
    return unresolved;
  }

  Optional<Model.Workflow> read(Element annotated) {
    int errorsBefore = reporter.errors();
    if (annotated.getKind() != ElementKind.CLASS) {
      String kind = annotated.getKind().toString().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
      reporter.error(annotated, Message.WORKFLOW_NOT_A_CLASS, annotated.getSimpleName(),
          ("aeiou".indexOf(kind.charAt(0)) >= 0 ? "an " : "a ") + kind);
      return Optional.empty();
    }
    TypeElement type = (TypeElement) annotated;
    if (!accessibleFromPackage(type)) {
      reporter.error(type, Message.WORKFLOW_NOT_ACCESSIBLE, type.getQualifiedName());
    }
    if (!type.getTypeParameters().isEmpty()) {
      reporter.error(type, Message.GENERIC_WORKFLOW, type.getQualifiedName());
    }
    Workflow annotation = type.getAnnotation(Workflow.class);
    AnnotationMirror mirror = mirror(type, Workflow.class);
    String name = annotation.name().isEmpty() ? type.getSimpleName().toString() : annotation.name();
    checkName(type, mirror, annotation.name());
    Model.Options options = options(type, mirror);
    for (String exclude : annotation.excludes()) {
      if (exclude.isBlank()) {
        reporter.error(type, mirror, "excludes", Message.INVALID_OPTION, "excludes", "\"\"",
            type.getSimpleName(), "an exclude pattern must not be blank; use globs such as \"**/*.root\" or \"data/**\"");
      }
    }

    String pkg = elements.getPackageOf(type).getQualifiedName().toString();
    List<Model.Work> works = new ArrayList<>();
    Map<String, ExecutableElement> byMethodName = new HashMap<>();
    Map<String, ExecutableElement> byWorkName = new HashMap<>();
    Set<String> recordNames = new LinkedHashSet<>();
    for (ExecutableElement method : ElementFilter.methodsIn(type.getEnclosedElements())) {
      if (method.getAnnotation(Work.class) == null) {
        continue;
      }
      Work work = method.getAnnotation(Work.class);
      String workName = work.name().isEmpty() ? method.getSimpleName().toString() : work.name();
      String signature = signature(method);
      boolean ok = checkModifiers(type, method, signature);
      String methodName = method.getSimpleName().toString();
      if (GENERATED_METHODS.contains(methodName)) {
        reporter.error(method, Message.RESERVED_NAME, signature, "method " + methodName + "() of the proxy");
        ok = false;
      }
      ExecutableElement sameMethod = byMethodName.putIfAbsent(methodName, method);
      ExecutableElement sameWork = byWorkName.putIfAbsent(workName, method);
      if (sameMethod != null || sameWork != null) {
        reporter.error(method, Message.DUPLICATE_WORK, type.getSimpleName(), sameMethod != null ? methodName : workName);
        ok = false;
      }
      for (String generatedType : List.of(ProxyWriter.recordName(methodName), ProxyWriter.inputsName(methodName),
          ProxyWriter.callName(methodName))) {
        if (!recordNames.add(generatedType)) {
          reporter.error(method, Message.RESERVED_NAME, signature, "generated type " + generatedType);
          ok = false;
        }
      }
      AnnotationMirror workMirror = mirror(method, Work.class);
      checkName(method, workMirror, work.name());
      if (!work.version().isEmpty() && work.version().isBlank()) {
        reporter.error(method, workMirror, "version", Message.INVALID_OPTION, "version", "\"" + work.version() + "\"",
            method.getSimpleName(), "a pinned code version must not be blank; use e.g. \"2\", or leave it out");
      }
      Model.Options workOptions = options(method, workMirror);

      Set<TypeMirror> closure = new LinkedHashSet<>();
      List<Model.Parameter> parameters = new ArrayList<>();
      for (VariableElement p : method.getParameters()) {
        String pname = p.getSimpleName().toString();
        if (RECORD_RESERVED.contains(pname)) {
          reporter.error(p, Message.RESERVED_PARAMETER_NAME, pname, signature);
          ok = false;
        }
        ok &= checkTravel(p, "Parameter " + pname, signature, p.asType(), pkg, closure);
        parameters.add(new Model.Parameter(pname, p.asType()));
      }
      Set<TypeMirror> returned = new LinkedHashSet<>();
      ok &= checkTravel(method, "The return type", signature, method.getReturnType(), pkg, returned);
      closure.addAll(returned);
      ok &= checkDataset(method, workMirror, work.dataset(), parameters, returned);
      if (ok) {
        works.add(new Model.Work(method, workName, methodName, signature, List.copyOf(parameters),
            method.getReturnType(), method.isVarArgs(), workOptions, closure, work.version(), work.dataset()));
      }
    }
    checkGeneratedClashes(works);
    if (byMethodName.isEmpty()) {
      reporter.warning(type, Message.NO_WORK, type.getQualifiedName());
    }
    if (reporter.errors() > errorsBefore) {
      return Optional.empty();
    }
    ClassName workflowClass = ClassName.get(type);
    String flat = String.join("_", workflowClass.simpleNames());
    return Optional.of(new Model.Workflow(type, elements.getBinaryName(type).toString(), workflowClass,
        ClassName.get(pkg, flat + "Tasks"), ClassName.get(pkg, flat + "_WorkRegistry"), name,
        type.getModifiers().contains(Modifier.PUBLIC), options, List.of(annotation.excludes()), List.copyOf(works)));
  }

  /**
   * The proxy has {@code m(args)}, {@code mAsync(args)} and {@code mMap(List<MArgs>)} per work
   * method; two of those with one name and one erasure would only fail inside the generated file.
   * Reported on the user's method whose own proxy method is taken, e.g. {@code fAsync(double)}
   * next to {@code f(double)}.
   */
  private void checkGeneratedClashes(List<Model.Work> works) {
    record Generated(String signature, Model.Work from, String shown) {}
    Map<String, Generated> seen = new HashMap<>();
    for (Model.Work work : works) {
      List<String> erased = new ArrayList<>();
      for (Model.Parameter p : work.parameters()) {
        erased.add(types.erasure(p.type()).toString());
      }
      String params = String.join(",", erased);
      String m = work.methodName();
      List<Generated> generated = List.of(
          new Generated(m + "(" + params + ")", work, m + "(" + simple(String.join(", ", erased)) + ")"),
          new Generated(m + "Async(" + params + ")", work, m + "Async(" + simple(String.join(", ", erased)) + ")"),
          new Generated(m + "Map(java.util.List)", work, m + "Map(List<" + ProxyWriter.recordName(m) + ">)"),
          new Generated(m + "Async(" + String.join(",", java.util.Collections.nCopies(erased.size(), "org.taskwire.In"))
              + ")", work, m + "Async(" + String.join(", ", java.util.Collections.nCopies(erased.size(), "In")) + ")"),
          new Generated(m + "MapAsync(java.util.Collection,java.util.function.Function)", work,
              m + "MapAsync(Collection, Function)"),
          new Generated(m + "Map(java.util.Collection,java.util.function.Function)", work,
              m + "Map(Collection, Function)"));
      for (Generated g : generated) {
        Generated other = seen.putIfAbsent(g.signature(), g);
        if (other != null && other.from() != work) {
          // Blame the method whose plain proxy is the one taken: that is the name the user chose.
          boolean mineIsPlain = g.signature().startsWith(m + "(");
          Model.Work blamed = mineIsPlain ? work : other.from();
          Generated taken = mineIsPlain ? other : g;
          reporter.error(blamed.method(), Message.GENERATED_NAME_CLASH, blamed.signature(), taken.shown(),
              taken.from().signature());
        }
      }
    }
  }

  private boolean checkModifiers(TypeElement type, ExecutableElement method, String signature) {
    boolean ok = true;
    Set<Modifier> m = method.getModifiers();
    if (m.contains(Modifier.PRIVATE)) {
      reporter.error(method, Message.PRIVATE_WORK, signature);
      ok = false;
    }
    if (m.contains(Modifier.ABSTRACT)) {
      reporter.error(method, Message.ABSTRACT_WORK, signature);
      ok = false;
    } else if (!m.contains(Modifier.STATIC)) {
      reporter.error(method, Message.INSTANCE_WORK, signature, type.getSimpleName());
      ok = false;
    }
    if (!method.getTypeParameters().isEmpty()) {
      reporter.error(method, Message.GENERIC_WORK, signature);
      ok = false;
    }
    return ok;
  }

  private boolean checkTravel(Element on, String what, String signature, TypeMirror type, String pkg, Set<TypeMirror> closure) {
    TravelCheck.Result result = travel.check(type, pkg);
    for (TravelCheck.Problem problem : result.problems()) {
      String subject = problem.where().isEmpty() ? what : what + " (through " + problem.where() + ")";
      if (problem.message() == Message.INACCESSIBLE_TYPE) {
        reporter.error(on, Message.INACCESSIBLE_TYPE, subject, signature, problem.type());
      } else {
        reporter.error(on, Message.NOT_TRAVELLABLE, subject, signature, problem.type(), problem.reason());
      }
    }
    closure.addAll(result.closure());
    return result.problems().isEmpty();
  }

  /**
   * {@code @Work(dataset)}: Rucio's name characters around placeholders that name {@code run},
   * {@code work} or a parameter, on a work whose result holds files.
   */
  private boolean checkDataset(ExecutableElement method, AnnotationMirror mirror, String template,
      List<Model.Parameter> parameters, Set<TypeMirror> returned) {
    if (template.isEmpty()) {
      return true;
    }
    String problem = null;
    List<String> names = new ArrayList<>(List.of("run", "work"));
    parameters.forEach(p -> names.add(p.name()));
    if (returned.stream().noneMatch(t -> types.erasure(t).toString().equals("org.taskwire.DataFile"))) {
      problem = "only a work that returns files (org.taskwire.DataFile, alone or inside its result) has a dataset; "
          + "remove dataset, or return the files the work writes";
    } else {
      java.util.regex.Matcher m = DATASET_PART.matcher(template);
      int at = 0;
      while (problem == null && m.find()) {
        if (m.start() != at) {
          problem = "'" + template.substring(at, m.start()) + "' is neither a placeholder nor what Rucio takes in a name";
        } else if (m.group(1) != null && !names.contains(m.group(1))) {
          problem = "{" + m.group(1) + "} names no parameter; placeholders are " + names.stream().map(n -> "{" + n + "}")
              .toList();
        }
        at = m.end();
      }
      if (problem == null && at != template.length()) {
        problem = "'" + template.substring(at) + "' is neither a placeholder nor what Rucio takes in a name "
            + "(letters, digits, '.', '-' and '_')";
      }
      if (problem == null && !Character.isLetterOrDigit(template.charAt(0)) && template.charAt(0) != '{') {
        problem = "a Rucio name starts with a letter or digit";
      }
    }
    if (problem != null) {
      reporter.error(method, mirror, "dataset", Message.INVALID_OPTION, "dataset", quote(template), method.getSimpleName(),
          problem);
      return false;
    }
    return true;
  }

  /** A placeholder, or a run of the characters Rucio takes in a name. */
  private static final Pattern DATASET_PART = Pattern.compile("\\{([A-Za-z_$][A-Za-z0-9_$]*)\\}|[A-Za-z0-9.\\-_]+");

  private void checkName(Element on, AnnotationMirror mirror, String name) {
    if (!name.isEmpty() && !NAME.matcher(name).matches()) {
      reporter.error(on, mirror, "name", Message.INVALID_OPTION, "name", quote(name), on.getSimpleName(),
          "use letters, digits, '.', '_' and '-' only");
    }
  }

  /** The job options of an annotation, each checked on its attribute. */
  private Model.Options options(Element on, AnnotationMirror mirror) {
    Map<String, Object> written = new HashMap<>();
    elements.getElementValuesWithDefaults(mirror)
        .forEach((attribute, value) -> written.put(attribute.getSimpleName().toString(), value.getValue()));
    Map<JobOptionAttribute, Object> values = new java.util.EnumMap<>(JobOptionAttribute.class);
    for (JobOptionAttribute option : JobOptionAttribute.values()) {
      Object value = written.get(option.attribute);
      try {
        Object read = option.read(value);
        if (read != null) {
          values.put(option, read);
        }
      } catch (IllegalArgumentException e) {
        reporter.error(on, mirror, option.attribute, Message.INVALID_OPTION, option.attribute, option.show(value),
            on.getSimpleName(), e.getMessage());
      }
    }
    return new Model.Options(values);
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }

  private static AnnotationMirror mirror(Element element, Class<?> annotation) {
    for (AnnotationMirror m : element.getAnnotationMirrors()) {
      if (m.getAnnotationType().toString().equals(annotation.getCanonicalName())) {
        return m;
      }
    }
    throw new IllegalStateException(element + " is not annotated " + annotation.getSimpleName());
  }

  private boolean accessibleFromPackage(TypeElement type) {
    for (Element e = type; e.getKind() != ElementKind.PACKAGE; e = e.getEnclosingElement()) {
      if (!(e instanceof TypeElement)) {
        return false; // local or anonymous class
      }
      TypeElement t = (TypeElement) e;
      if (t.getModifiers().contains(Modifier.PRIVATE)) {
        return false;
      }
      if (t.getNestingKind() == NestingKind.MEMBER && !t.getModifiers().contains(Modifier.STATIC)
          && t.getEnclosingElement().getKind() == ElementKind.CLASS) {
        return false;
      }
      if (t.getNestingKind() == NestingKind.LOCAL || t.getNestingKind() == NestingKind.ANONYMOUS) {
        return false;
      }
    }
    return true;
  }

  /** The method as a reader would write it: {@code evaluate(double, List<Point>)}. */
  static String signature(ExecutableElement method) {
    List<String> params = new ArrayList<>();
    for (VariableElement p : method.getParameters()) {
      params.add(simple(p.asType().toString()));
    }
    return method.getSimpleName() + "(" + String.join(", ", params) + ")";
  }

  static String simple(String typeName) {
    // Only whole package segments: a lower-case run inside MonteCarlo.Params is not a package.
    return typeName.replaceAll("(?<![\\w$])(?:[a-z_][\\w$]*\\.)+", "");
  }
}
