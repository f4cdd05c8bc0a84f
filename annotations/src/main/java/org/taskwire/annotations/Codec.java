package org.taskwire.annotations;

/** Wire format of a work method's arguments and result. */
public enum Codec {
  /** Unset: inherit from the workflow, or Kryo when nobody sets it. */
  DEFAULT,
  /** Kryo binary: compact, any declared Java type. */
  KRYO,
  /** JSON through Jackson: readable by Python peers such as iDDS waiters. */
  JSON
}
