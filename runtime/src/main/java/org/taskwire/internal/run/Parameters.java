package org.taskwire.internal.run;

import java.lang.reflect.RecordComponent;
import org.taskwire.spi.WorkDefinition;

/** The parameters of a work, read from its argument record once per class: asked for per call. */
public final class Parameters {
  private Parameters() {}

  /** One parameter: its name, and whether it is primitive (so it has no null value). */
  public record Parameter(String name, boolean primitive) {}

  private static final ClassValue<Parameter[]> BY_RECORD = new ClassValue<>() {
    @Override
    protected Parameter[] computeValue(Class<?> type) {
      RecordComponent[] components = type.getRecordComponents();
      Parameter[] parameters = new Parameter[components.length];
      for (int i = 0; i < parameters.length; i++) {
        parameters[i] = new Parameter(components[i].getName(), components[i].getType().isPrimitive());
      }
      return parameters;
    }
  };

  /** The work's parameters in order; the array is shared, so callers must not change it. */
  public static Parameter[] of(WorkDefinition<?, ?> work) {
    return BY_RECORD.get(work.argumentsType());
  }

  /**
   * Why these values cannot build the work's arguments, or null if they can: a null for a
   * primitive parameter (an {@code In.of(null)}, or an input whose work returned null).
   */
  public static String unfit(WorkDefinition<?, ?> work, Object[] values) {
    Parameter[] parameters = of(work);
    for (int i = 0; i < values.length; i++) {
      if (values[i] == null && parameters[i].primitive()) {
        return "parameter " + parameters[i].name() + " of " + work.name() + " is primitive, but its input's value is null";
      }
    }
    return null;
  }
}
