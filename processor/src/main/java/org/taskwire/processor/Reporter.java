package org.taskwire.processor;

import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.tools.Diagnostic;

/**
 * Reports diagnostics on the most specific element (and annotation value, when there is one) so
 * compilers and IDEs underline the right place, and counts errors so a broken workflow generates
 * nothing. Reporting never aborts: every problem of a compile surfaces at once.
 */
final class Reporter {
  private final Messager messager;
  private int errors;

  Reporter(Messager messager) {
    this.messager = messager;
  }

  void error(Element element, Message message, Object... args) {
    errors++;
    messager.printMessage(Diagnostic.Kind.ERROR, message.format(args), element);
  }

  /** Reports on an attribute of an annotation, e.g. the {@code cores} of {@code @Work(cores = -1)}. */
  void error(Element element, AnnotationMirror annotation, String attribute, Message message, Object... args) {
    errors++;
    AnnotationValue value = valueOf(annotation, attribute);
    if (value == null) {
      messager.printMessage(Diagnostic.Kind.ERROR, message.format(args), element, annotation);
    } else {
      messager.printMessage(Diagnostic.Kind.ERROR, message.format(args), element, annotation, value);
    }
  }

  void warning(Element element, Message message, Object... args) {
    messager.printMessage(Diagnostic.Kind.WARNING, message.format(args), element);
  }

  int errors() {
    return errors;
  }

  private static AnnotationValue valueOf(AnnotationMirror annotation, String attribute) {
    for (var e : annotation.getElementValues().entrySet()) {
      ExecutableElement key = e.getKey();
      if (key.getSimpleName().contentEquals(attribute)) {
        return e.getValue();
      }
    }
    return null;
  }
}
