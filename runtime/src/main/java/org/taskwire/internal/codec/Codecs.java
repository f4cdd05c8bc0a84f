package org.taskwire.internal.codec;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.taskwire.annotations.Codec;
import org.taskwire.spi.WorkflowDefinition;

/**
 * The codecs of the workflows of this JVM, built once per workflow and kind. Client and worker
 * build them from the same generated definition, so Kryo registration ids agree on both sides.
 */
public final class Codecs {
  private static final Map<Key, PayloadCodec> CACHE = new ConcurrentHashMap<>();

  /** Definitions compare by identity: one generated constant per workflow class and loader. */
  private record Key(WorkflowDefinition workflow, Codec kind) {}

  private Codecs() {}

  /** The codec of the given kind for a workflow's works. */
  public static PayloadCodec of(WorkflowDefinition workflow, Codec kind) {
    Codec resolved = kind == Codec.DEFAULT ? Codec.KRYO : kind;
    return CACHE.computeIfAbsent(
        new Key(workflow, resolved),
        k -> resolved == Codec.JSON ? new JsonPayloadCodec() : new KryoPayloadCodec(workflow));
  }

  /** The codec named in an envelope ({@code kryo} or {@code json}). */
  public static PayloadCodec byName(WorkflowDefinition workflow, String name) {
    Codec kind;
    try {
      kind = Codec.valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("unknown codec '" + name + "': expected kryo or json");
    }
    return of(workflow, kind);
  }
}
