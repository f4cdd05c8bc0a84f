package org.taskwire.processor;

import com.google.auto.service.AutoService;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Filer;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;
import javax.tools.FileObject;
import javax.tools.StandardLocation;
import org.taskwire.annotations.Work;
import org.taskwire.annotations.Workflow;

/**
 * Taskwire's annotation processor. For each valid {@code @Workflow} class {@code Xxx} it writes
 * {@code XxxTasks} (the proxy users call) and {@code Xxx_WorkRegistry} (what workers may invoke),
 * and lists the registries in {@code META-INF/services/org.taskwire.spi.WorkRegistry}. Problems are
 * reported on the offending element with a stable {@code [Taskwire/...]} tag; see {@link Message}.
 */
@AutoService(Processor.class)
public final class WorkflowProcessor extends AbstractProcessor {
  static final String SERVICES = "META-INF/services/org.taskwire.spi.WorkRegistry";

  private final Set<String> registries = new TreeSet<>();
  /** Workflows whose signatures name types not generated yet, by qualified name, to read again next round. */
  private final Set<String> deferred = new java.util.LinkedHashSet<>();

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    // "*": javac offers processors no annotation on a local class, so a file whose only @Workflow
    // is on one would never reach LocalWorkflows. Nothing is claimed (process returns false).
    return Set.of("*");
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    Reporter reporter = new Reporter(processingEnv.getMessager());
    for (Element method : round.getElementsAnnotatedWith(Work.class)) {
      Element owner = method.getEnclosingElement();
      if (owner.getAnnotation(Workflow.class) == null) {
        reporter.error(method, Message.WORK_OUTSIDE_WORKFLOW, method.getSimpleName(), owner.getSimpleName(),
            owner.getSimpleName());
      }
    }
    LocalWorkflows.report(processingEnv, round);
    WorkflowReader reader = new WorkflowReader(processingEnv.getElementUtils(), processingEnv.getTypeUtils(), reporter);
    java.util.Map<String, Element> todo = new java.util.LinkedHashMap<>();
    for (String name : deferred) {
      TypeElement again = processingEnv.getElementUtils().getTypeElement(name);
      if (again != null) {
        todo.put(name, again);
      }
    }
    deferred.clear();
    for (Element annotated : round.getElementsAnnotatedWith(Workflow.class)) {
      todo.putIfAbsent(annotated instanceof TypeElement t ? t.getQualifiedName().toString() : annotated.toString(),
          annotated);
    }
    for (var entry : todo.entrySet()) {
      Element annotated = entry.getValue();
      if (annotated instanceof TypeElement type && annotated.getKind() == javax.lang.model.element.ElementKind.CLASS) {
        Set<String> unresolved = reader.unresolvedTypes(type);
        if (!unresolved.isEmpty()) {
          if (round.processingOver()) {
            reporter.error(type, Message.UNRESOLVED_TYPE, type.getQualifiedName(), String.join(", ", unresolved));
          } else {
            deferred.add(entry.getKey());
          }
          continue;
        }
      }
      reader.read(annotated).ifPresent(this::generate);
    }
    if (round.processingOver() && !registries.isEmpty()) {
      writeServices();
    }
    return false;
  }

  private void generate(Model.Workflow workflow) {
    Filer filer = processingEnv.getFiler();
    Reporter reporter = new Reporter(processingEnv.getMessager());
    for (com.palantir.javapoet.ClassName generated : List.of(workflow.tasksClass(), workflow.registryClass())) {
      String name = generated.canonicalName();
      if (processingEnv.getElementUtils().getTypeElement(name) != null && !generatedEarlier(name)) {
        reporter.error(workflow.type(), Message.GENERATED_CLASS_EXISTS, generated.simpleName(),
            workflow.type().getSimpleName(), generated.packageName());
        return;
      }
    }
    try {
      ProxyWriter.write(workflow).writeTo(filer);
      RegistryWriter.write(workflow, processingEnv.getTypeUtils()).writeTo(filer);
      registries.add(workflow.registryClass().reflectionName());
    } catch (javax.annotation.processing.FilerException e) {
      reporter.error(workflow.type(), Message.GENERATED_CLASS_EXISTS, workflow.tasksClass().simpleName() + " or "
          + workflow.registryClass().simpleName(), workflow.type().getSimpleName(), workflow.tasksClass().packageName());
    } catch (IOException e) {
      reporter.error(workflow.type(), Message.CANNOT_WRITE, "code", workflow.type().getSimpleName(), e.getMessage());
    }
  }

  /**
   * Whether a class of a generated name is our own output of an earlier compile (an incremental
   * build sees last build's classes): it carries our {@code @Generated}. A class the user wrote
   * does not, and generating would clash with it.
   */
  private boolean generatedEarlier(String name) {
    TypeElement existing = processingEnv.getElementUtils().getTypeElement(name);
    return existing.getAnnotationMirrors().stream().anyMatch(a -> a.getAnnotationType().toString()
        .equals("javax.annotation.processing.Generated")) || isFromClassFile(existing);
  }

  /** A class read from a class file (not a source of this compile), whose source annotations are gone. */
  private boolean isFromClassFile(TypeElement type) {
    try {
      com.sun.source.util.Trees trees = com.sun.source.util.Trees.instance(processingEnv);
      return trees.getPath(type) == null;
    } catch (IllegalArgumentException | LinkageError e) {
      return true; // not javac: trust the Filer to object
    }
  }

  /** Keeps registries listed by an earlier incremental compile, as AutoService does. */
  private void writeServices() {
    Filer filer = processingEnv.getFiler();
    Set<String> all = new TreeSet<>(registries);
    try {
      FileObject existing = filer.getResource(StandardLocation.CLASS_OUTPUT, "", SERVICES);
      try (BufferedReader in = new BufferedReader(new InputStreamReader(existing.openInputStream(), StandardCharsets.UTF_8))) {
        in.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(all::add);
      }
    } catch (IOException | IllegalArgumentException e) {
      // no earlier file
    }
    try {
      FileObject file = filer.createResource(StandardLocation.CLASS_OUTPUT, "", SERVICES);
      try (Writer out = file.openWriter()) {
        for (String registry : all) {
          out.write(registry);
          out.write('\n');
        }
      }
    } catch (IOException e) {
      processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR,
          Message.CANNOT_WRITE.format(SERVICES, "every workflow", e.getMessage()));
    }
  }
}
