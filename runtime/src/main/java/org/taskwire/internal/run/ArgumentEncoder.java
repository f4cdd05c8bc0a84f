package org.taskwire.internal.run;

import java.util.List;
import org.taskwire.ArgumentEncodingException;
import org.taskwire.internal.codec.CodecException;
import org.taskwire.internal.codec.PayloadCodec;
import org.taskwire.spi.JobOptions;
import org.taskwire.spi.WorkDefinition;

/** Encodes arguments at the call site, so that an argument that cannot travel fails there, by name. */
public final class ArgumentEncoder {
  private ArgumentEncoder() {}

  /**
   * Encodes a call's argument record; when that fails, names the parameter at fault.
   *
   * @throws ArgumentEncodingException if an argument cannot travel
   */
  public static byte[] encode(PayloadCodec codec, WorkDefinition<?, ?> work, Record arguments) {
    try {
      return codec.encodeArguments(work, arguments);
    } catch (CodecException whole) {
      // Find the parameter at fault, so the message can name it.
      for (var component : arguments.getClass().getRecordComponents()) {
        Object value;
        try {
          value = component.getAccessor().invoke(arguments);
        } catch (ReflectiveOperationException e) {
          continue;
        }
        String problem = probe(codec, value);
        if (problem != null) {
          throw new ArgumentEncodingException("argument '" + component.getName() + "' of " + work.name()
              + work.methodSignature().substring(work.methodSignature().indexOf('(')) + " cannot travel: "
              + problem, whole);
        }
      }
      throw new ArgumentEncodingException("the arguments of " + work.methodSignature() + " cannot travel: "
          + whole.getMessage(), whole);
    }
  }

  private static String probe(PayloadCodec codec, Object value) {
    try {
      codec.encodeResult(PROBE, value);
      return null;
    } catch (CodecException e) {
      String m = e.getMessage();
      return m.substring(m.indexOf(": ") + 2);
    }
  }

  /** A stand-in definition for encoding single values while looking for a faulty argument. */
  private static final WorkDefinition<Record, Object> PROBE = WorkDefinition.of("probe", "probe", "probe()",
      Record.class, new org.taskwire.spi.TypeRef<Object>() {}, List.of(), JobOptions.NONE, a -> null);
}
