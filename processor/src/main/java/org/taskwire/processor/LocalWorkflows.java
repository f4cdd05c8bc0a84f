package org.taskwire.processor;

import com.sun.source.tree.AnnotationTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ImportTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;

/**
 * Finds {@code @Workflow} on local classes (declared inside a method), which annotation
 * processing never sees: javac does not offer them to processors, so without this they would be
 * silently ignored. Reads the source trees (a javac API; other compilers skip the check).
 */
final class LocalWorkflows {
  private static final String WORKFLOW = "org.taskwire.annotations.Workflow";

  private LocalWorkflows() {}

  static void report(ProcessingEnvironment env, RoundEnvironment round) {
    Trees trees;
    try {
      trees = Trees.instance(env);
    } catch (IllegalArgumentException | LinkageError e) {
      return;
    }
    for (Element root : round.getRootElements()) {
      if (!(root instanceof TypeElement)) {
        continue;
      }
      TreePath path = trees.getPath(root);
      if (path == null) {
        continue;
      }
      CompilationUnitTree unit = path.getCompilationUnit();
      new TreePathScanner<Void, Integer>() {
        @Override
        public Void visitMethod(MethodTree method, Integer depth) {
          return super.visitMethod(method, depth + 1);
        }

        @Override
        public Void visitClass(ClassTree type, Integer depth) {
          if (depth > 0) {
            for (AnnotationTree annotation : type.getModifiers().getAnnotations()) {
              if (isWorkflow(annotation.getAnnotationType().toString(), unit)) {
                trees.printMessage(Diagnostic.Kind.ERROR, Message.WORKFLOW_NOT_ACCESSIBLE.format(type.getSimpleName()
                    + " (a local class, declared inside a method)"), annotation, unit);
              }
            }
          }
          return super.visitClass(type, depth);
        }
      }.scan(path, 0);
    }
  }

  private static boolean isWorkflow(String written, CompilationUnitTree unit) {
    if (written.equals(WORKFLOW)) {
      return true;
    }
    if (!written.equals("Workflow")) {
      return false;
    }
    for (ImportTree i : unit.getImports()) {
      String imported = i.getQualifiedIdentifier().toString();
      if (!i.isStatic() && (imported.equals(WORKFLOW) || imported.equals("org.taskwire.annotations.*"))) {
        return true;
      }
    }
    return false;
  }
}
