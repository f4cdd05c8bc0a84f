package org.taskwire;

/** {@link In#of}: a value that needs no waiting. */
record ValueInput<T>(T value) implements In<T> {
  @Override
  public String toString() {
    return "In.of(" + value + ")";
  }
}
