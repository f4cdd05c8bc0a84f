package org.taskwire.internal.data;

/** What a file a call writes may be called: a plain name that stays in the call's directory. */
public final class DataFileNames {
  /** The longest name most file systems take. */
  public static final int MAX_LENGTH = 255;

  private DataFileNames() {}

  /**
   * @throws IllegalArgumentException naming the problem, for a name with a directory, {@code .},
   *     {@code ..}, a control character, or too long
   */
  public static void check(String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("a data file needs a name");
    }
    String problem = null;
    if (name.equals(".") || name.equals("..")) {
      problem = "it names a directory";
    } else if (name.indexOf('/') >= 0 || name.indexOf('\\') >= 0) {
      problem = "it has a directory in it; a call's files are plain names in its own directory";
    } else if (name.length() > MAX_LENGTH) {
      problem = "it is longer than " + MAX_LENGTH + " characters";
    } else if (name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      problem = "it has a control character";
    }
    if (problem != null) {
      throw new IllegalArgumentException("bad data file name '" + name.replaceAll("\\p{Cntrl}", "?") + "': " + problem);
    }
  }
}
