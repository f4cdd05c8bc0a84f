package org.taskwire.processor;

import com.google.auto.service.AutoService;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
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

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return Set.of(Workflow.class.getCanonicalName(), Work.class.getCanonicalName());
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
    WorkflowReader reader = new WorkflowReader(processingEnv.getElementUtils(), processingEnv.getTypeUtils(), reporter);
    for (Element annotated : round.getElementsAnnotatedWith(Workflow.class)) {
      reader.read(annotated).ifPresent(this::generate);
    }
    if (round.processingOver() && !registries.isEmpty()) {
      writeServices();
    }
    return false;
  }

  private void generate(Model.Workflow workflow) {
    Filer filer = processingEnv.getFiler();
    try {
      ProxyWriter.write(workflow).writeTo(filer);
      RegistryWriter.write(workflow, processingEnv.getTypeUtils()).writeTo(filer);
      registries.add(workflow.registryClass().reflectionName());
    } catch (IOException e) {
      processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR,
          "[Taskwire/Io] cannot write the generated code of " + workflow.binaryName() + ": " + e.getMessage(),
          workflow.type());
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
          "[Taskwire/Io] cannot write " + SERVICES + ": " + e.getMessage());
    }
  }
}
