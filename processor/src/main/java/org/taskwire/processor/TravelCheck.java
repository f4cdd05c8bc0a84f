package org.taskwire.processor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.WildcardType;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Decides whether a declared type can travel to a worker, and collects the closure of classes
 * that may appear in its values (type arguments, array components, and the fields and record
 * components of the user's own classes), which the codec registers and nothing else.
 */
final class TravelCheck {

  /** Why a type cannot travel, and where it was found (e.g. {@code field Point.lock}). */
  record Problem(Message message, String type, String where, String reason) {}

  /**
   * What checking one parameter or return type found; {@code unresolved} lists types that do not
   * exist yet (another processor may generate them in a later round).
   */
  record Result(List<Problem> problems, Set<TypeMirror> closure, Set<String> unresolved) {}

  private static final String MAP_RESULT = "org.taskwire.MapResult";

  private final Elements elements;
  private final Types types;
  private final Map<TypeMirror, String> forbidden = new LinkedHashMap<>();

  TravelCheck(Elements elements, Types types) {
    this.elements = elements;
    this.types = types;
    String resources = "it is an open resource of this JVM. Pass the data itself (byte[], String) or a path or URL the worker can open.";
    forbid("java.lang.Thread", "threads belong to this JVM. Start threads inside the work method instead.");
    forbid("java.lang.ThreadGroup", "thread groups belong to this JVM.");
    forbid("java.lang.ClassLoader", "class loaders belong to this JVM.");
    forbid("java.lang.Class", "classes are loaded per JVM. Pass the class name as a String.");
    forbid("java.lang.Process", "processes belong to this machine.");
    forbid("java.lang.ProcessBuilder", "process builders belong to this machine. Pass the command as a List<String>.");
    forbid("java.io.InputStream", resources);
    forbid("java.io.OutputStream", resources);
    forbid("java.io.Reader", resources);
    forbid("java.io.Writer", resources);
    forbid("java.io.RandomAccessFile", resources);
    forbid("java.nio.file.Path", "paths belong to a file system of this JVM. For a file one step writes and "
        + "another reads, return and take an org.taskwire.DataFile; otherwise pass the path as a String.");
    forbid("java.util.stream.BaseStream", "streams are single-use pipelines. Pass a List or an array.");
    forbid("java.util.Iterator", "iterators are single-use views. Pass a List.");
    forbid("java.net.Socket", "sockets are connections of this JVM.");
    forbid("java.net.ServerSocket", "sockets are connections of this JVM.");
    forbid("java.net.DatagramSocket", "sockets are connections of this JVM.");
    forbid("java.nio.channels.Channel", "channels are connections of this JVM.");
    String handles = "handles belong to the run that made them. Declare the value's type (e.g. double for "
        + "In<Double>), and pass the handle to the generated mAsync(In...) overload or mIn record: the call then "
        + "waits for its value. Or wait for the value and pass it.";
    forbid("java.util.concurrent.Future", handles);
    forbid("java.util.concurrent.CompletionStage", handles);
    forbid("org.taskwire.In", handles);
    forbid("org.taskwire.AsyncMapResult", handles);
    forbid("java.util.concurrent.Executor", "executors are thread pools of this JVM.");
    forbid("java.util.concurrent.locks.Lock", "locks belong to this JVM.");
    forbid("java.lang.ref.Reference", "references belong to this JVM's garbage collector.");
    forbid("java.sql.Connection", "database connections belong to this JVM. Connect inside the work method.");
    forbid("java.sql.ResultSet", "result sets belong to a connection of this JVM. Pass the rows as records.");
    forbid("java.lang.AutoCloseable", resources);
  }

  private void forbid(String name, String reason) {
    TypeElement element = elements.getTypeElement(name);
    if (element != null) {
      forbidden.put(types.erasure(element.asType()), reason);
    }
  }

  /** Checks one declared type; {@code fromPackage} is where generated code lives. */
  Result check(TypeMirror type, String fromPackage) {
    List<Problem> problems = new ArrayList<>();
    Set<TypeMirror> closure = new LinkedHashSet<>();
    Set<String> unresolved = new LinkedHashSet<>();
    walk(type, fromPackage, "", problems, closure, new LinkedHashSet<>(), unresolved);
    return new Result(problems, closure, unresolved);
  }

  private void walk(TypeMirror type, String fromPackage, String where, List<Problem> problems,
      Set<TypeMirror> closure, Set<String> visited, Set<String> unresolved) {
    switch (type.getKind()) {
      case ARRAY:
        closure.add(type);
        walk(((ArrayType) type).getComponentType(), fromPackage, where, problems, closure, visited, unresolved);
        return;
      case WILDCARD:
        WildcardType w = (WildcardType) type;
        if (w.getExtendsBound() != null) walk(w.getExtendsBound(), fromPackage, where, problems, closure, visited, unresolved);
        if (w.getSuperBound() != null) walk(w.getSuperBound(), fromPackage, where, problems, closure, visited, unresolved);
        return;
      case ERROR:
        unresolved.add(type.toString());
        return;
      case DECLARED:
        break;
      default:
        return; // primitives, void, type variables of user classes
    }
    DeclaredType declared = (DeclaredType) type;
    TypeElement element = (TypeElement) declared.asElement();
    String reason = forbiddenReason(declared, element);
    if (reason != null) {
      problems.add(new Problem(Message.NOT_TRAVELLABLE, type.toString(), where, reason));
      return;
    }
    for (TypeMirror argument : declared.getTypeArguments()) {
      walk(argument, fromPackage, where, problems, closure, visited, unresolved);
    }
    String name = element.getQualifiedName().toString();
    if (!visited.add(name)) {
      return;
    }
    if (name.equals(MAP_RESULT)) {
      // The codecs write a MapResult's outcomes themselves: only its keys and values are the user's.
      closure.add(types.erasure(type));
      return;
    }
    if (element.getKind() != ElementKind.INTERFACE) {
      closure.add(types.erasure(type));
    }
    if (isJdk(element)) {
      return;
    }
    if (!accessible(element, fromPackage)) {
      problems.add(new Problem(Message.INACCESSIBLE_TYPE, name, where, ""));
      return;
    }
    if (element.getKind() == ElementKind.ENUM) {
      return;
    }
    boolean open = element.getKind() == ElementKind.INTERFACE || element.getModifiers().contains(Modifier.ABSTRACT);
    if (open) {
      List<? extends TypeMirror> permitted = element.getPermittedSubclasses();
      if (permitted.isEmpty() && !element.getModifiers().contains(Modifier.SEALED)) {
        problems.add(new Problem(Message.NOT_TRAVELLABLE, name, where, openTypeReason(element)));
        return;
      }
      // A sealed type's values are of its permitted subclasses, a closed set: they travel.
      for (TypeMirror sub : permitted) {
        String here = "permitted subclass " + ((DeclaredType) sub).asElement().getSimpleName();
        walk(sub, fromPackage, where.isEmpty() ? here : where, problems, closure, visited, unresolved);
      }
    }
    for (TypeElement t = element; t != null && !isJdk(t); t = superclass(t)) {
      for (VariableElement field : ElementFilter.fieldsIn(t.getEnclosedElements())) {
        Set<Modifier> m = field.getModifiers();
        if (m.contains(Modifier.STATIC) || m.contains(Modifier.TRANSIENT)) {
          continue;
        }
        String here = "field " + t.getSimpleName() + "." + field.getSimpleName();
        walk(field.asType(), fromPackage, where.isEmpty() ? here : where, problems, closure, visited, unresolved);
      }
    }
  }

  private String forbiddenReason(DeclaredType type, TypeElement element) {
    TypeMirror erased = types.erasure(type);
    for (Map.Entry<TypeMirror, String> e : forbidden.entrySet()) {
      if (types.isAssignable(erased, e.getKey())) {
        return e.getValue();
      }
    }
    // The user's own interfaces, functional or not, fall under the one rule for open types.
    if (element.getKind() == ElementKind.INTERFACE && isJdk(element) && isFunctional(element)) {
      return "lambdas and method references cannot be sent. Make the behaviour a @Work method of its own, "
          + "or pass data that selects it.";
    }
    return null;
  }

  /**
   * One rule for every interface and abstract class of the user's, functional or not: the classes
   * of its values are not known when compiling, so the codec cannot register them.
   */
  private String openTypeReason(TypeElement element) {
    String kind = element.getKind() == ElementKind.INTERFACE ? "interface" : "abstract class";
    String fix = "Seal it (sealed " + kind + " " + element.getSimpleName() + " permits ...), so that its "
        + "implementations are a closed set that travels, or declare a concrete type.";
    if (element.getKind() == ElementKind.INTERFACE && singleAbstractMethod(element)) {
      return "it is an open " + kind + " with one abstract method, so its values may be lambdas, and neither "
          + "lambdas nor the unknown classes that implement it can be sent. " + fix;
    }
    return "it is an open " + kind + ": the classes of its values are not known when compiling, so they cannot "
        + "be registered with the codec. " + fix;
  }

  private boolean singleAbstractMethod(TypeElement element) {
    // Object's methods redeclared abstract (equals, toString) do not count, as for a functional interface.
    Set<String> objectMethods = new java.util.HashSet<>();
    elements.getTypeElement("java.lang.Object").getEnclosedElements()
        .forEach(o -> objectMethods.add(o.getSimpleName().toString()));
    return ElementFilter.methodsIn(elements.getAllMembers(element)).stream()
        .filter(m -> m.getModifiers().contains(Modifier.ABSTRACT))
        .filter(m -> !objectMethods.contains(m.getSimpleName().toString()))
        .count() == 1;
  }

  private boolean isFunctional(TypeElement element) {
    String pkg = elements.getPackageOf(element).getQualifiedName().toString();
    if (pkg.equals("java.util.function") || element.getQualifiedName().contentEquals("java.lang.Runnable")
        || element.getQualifiedName().contentEquals("java.util.concurrent.Callable")) {
      return true;
    }
    return element.getAnnotationMirrors().stream()
        .anyMatch(a -> a.getAnnotationType().toString().equals("java.lang.FunctionalInterface"));
  }

  private TypeElement superclass(TypeElement t) {
    TypeMirror s = t.getSuperclass();
    return s.getKind() == TypeKind.DECLARED ? (TypeElement) ((DeclaredType) s).asElement() : null;
  }

  private boolean isJdk(TypeElement element) {
    String pkg = elements.getPackageOf(element).getQualifiedName().toString();
    return pkg.startsWith("java.") || pkg.startsWith("javax.") || pkg.startsWith("jdk.") || pkg.startsWith("sun.");
  }

  private boolean accessible(TypeElement element, String fromPackage) {
    PackageElement pkg = elements.getPackageOf(element);
    boolean samePackage = pkg.getQualifiedName().contentEquals(fromPackage);
    for (Element e = element; e != null && e.getKind() != ElementKind.PACKAGE; e = e.getEnclosingElement()) {
      Set<Modifier> m = e.getModifiers();
      if (m.contains(Modifier.PRIVATE) || (!samePackage && !m.contains(Modifier.PUBLIC))) {
        return false;
      }
    }
    return true;
  }
}
