package org.taskwire.internal.data;

/** A call's data file cannot be used: its message names the file and what is wrong. */
public final class DataFileException extends RuntimeException {
  public DataFileException(String message) {
    super(message);
  }
}
