package org.taskwire.processor;

import com.palantir.javapoet.CodeBlock;
import java.util.Locale;
import javax.lang.model.element.VariableElement;
import org.taskwire.annotations.Walltime;

/**
 * The job options {@code @Workflow} and {@code @Work} share, as the processor reads, checks and
 * writes them: each is an annotation attribute of the same name and a setter of the same name on
 * {@code JobOptions.Builder}. A new job option is one line here.
 */
enum JobOptionAttribute {
  INIT_ENV("initEnv", Kind.TEXT),
  CONTAINER_IMAGE("containerImage", Kind.TEXT),
  QUEUE("queue", Kind.TEXT),
  SITE("site", Kind.TEXT),
  CLOUD("cloud", Kind.TEXT),
  CORES("cores", Kind.COUNT, "the number of cores per job"),
  MEMORY_MB("memoryMb", Kind.COUNT, "memory per job in MB"),
  WALLTIME("walltime", Kind.WALLTIME),
  MAX_ATTEMPTS("maxAttempts", Kind.COUNT, "attempts per call"),
  PRIORITY("priority", Kind.COUNT, "a priority"),
  CODEC("codec", Kind.CODEC);

  /** How an attribute is written, what "unset" is, and how its value is checked and generated. */
  enum Kind {
    /** A string; blank is unset. */
    TEXT,
    /** An int; 0 is unset, a negative is an error. */
    COUNT,
    /** A string {@link Walltime} parses; empty is unset. */
    WALLTIME,
    /** A {@code Codec} constant; {@code DEFAULT} is unset. */
    CODEC
  }

  final String attribute;
  final Kind kind;
  private final String counts;

  JobOptionAttribute(String attribute, Kind kind) {
    this(attribute, kind, "");
  }

  JobOptionAttribute(String attribute, Kind kind, String counts) {
    this.attribute = attribute;
    this.kind = kind;
    this.counts = counts;
  }

  /**
   * The value as the model keeps it — a string, an int, walltime seconds, a codec name — or null
   * when unset.
   *
   * @throws IllegalArgumentException with what is expected, when the value is invalid
   */
  Object read(Object annotationValue) {
    switch (kind) {
      case TEXT -> {
        String s = (String) annotationValue;
        return s.isBlank() ? null : s;
      }
      case COUNT -> {
        int n = (Integer) annotationValue;
        if (n < 0) {
          throw new IllegalArgumentException("expected " + counts + ", at least 1 (0 inherits)");
        }
        return n == 0 ? null : n;
      }
      case WALLTIME -> {
        String s = (String) annotationValue;
        if (s.isEmpty()) {
          return null;
        }
        try {
          return Walltime.parse(s).getSeconds();
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(e.getMessage().substring(e.getMessage().indexOf(": ") + 2), e);
        }
      }
      case CODEC -> {
        String name = ((VariableElement) annotationValue).getSimpleName().toString();
        return "DEFAULT".equals(name) ? null : name;
      }
      default -> throw new AssertionError(kind);
    }
  }

  /** How a value is quoted in an error message. */
  String show(Object annotationValue) {
    return annotationValue instanceof String s ? "\"" + s + "\"" : String.valueOf(annotationValue);
  }

  /** The builder call that sets a read value, e.g. {@code .memoryMb(4000)}. */
  CodeBlock setter(Object value) {
    return switch (kind) {
      case TEXT -> CodeBlock.of(".$L($S)", attribute, value);
      case COUNT -> CodeBlock.of(".$L($L)", attribute, value);
      case WALLTIME -> CodeBlock.of(".$L($T.ofSeconds($LL))", attribute, Names.DURATION, value);
      case CODEC -> CodeBlock.of(".$L($T.$L)", attribute, Names.CODEC, value);
    };
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
