package org.taskwire;

import java.net.URI;
import java.nio.file.Path;
import org.taskwire.internal.data.CallFiles;
import org.taskwire.internal.data.DataFileNames;

/**
 * A file that a call wrote and that the next steps read: its bytes stay where the run keeps its data
 * ({@code taskwire.data.url}), and only this small value travels, in the result and as an argument.
 *
 * <p>In a work method, {@link #create(String)} gives a new file in the call's own output directory;
 * write it at {@link #path()} and return it, alone, in a {@code List}, a {@code Map} or a record.
 * When the call returns, Taskwire records each returned file's size and adler32 (Rucio's checksum),
 * and the value the caller and the next step get carries them. A work that takes a
 * {@code DataFile} (or a list of them) finds it at {@link #path()}, a local absolute path, checked
 * by size and adler32 before the work runs; a file that is missing or changed fails the call and
 * names the file and both checksums. Chain steps as with any value: pass an {@code AsyncResult<DataFile>}
 * (one-to-one) or a fan-out's {@code values()} (all-to-one) to the next step's handle overload; the
 * file itself never passes through the client.
 *
 * @param name the file's name, as the work gave it (no directory)
 * @param size its size in bytes, or -1 while the call that creates it runs
 * @param adler32 its adler32, eight lower-case hex digits, or empty while the call that creates it runs
 * @param uri where it is kept ({@code file:} for a directory every worker sees)
 */
public record DataFile(String name, long size, String adler32, String uri) {

  /** Checks the parts: a plain file name, a known size and checksum or neither, an absolute URI. */
  public DataFile {
    DataFileNames.check(name);
    if (adler32 == null || uri == null) {
      throw new IllegalArgumentException("a DataFile needs an adler32 (empty while unwritten) and a uri");
    }
    if (size < -1 || (size == -1) != adler32.isEmpty() || !(adler32.isEmpty() || adler32.matches("[0-9a-f]{8}"))) {
      throw new IllegalArgumentException("DataFile " + name + ": size " + size + " and adler32 '" + adler32
          + "' must both be known (adler32 as eight lower-case hex digits) or both unknown (-1 and '')");
    }
    if (!URI.create(uri).isAbsolute()) {
      throw new IllegalArgumentException("DataFile " + name + ": uri " + uri + " is not absolute");
    }
  }

  /**
   * A new file for the running call to write, in its own output directory: write it at
   * {@link #path()} and return it. Call it from the work method's own thread.
   *
   * @param name a plain file name: no directory, not {@code .} or {@code ..}
   * @throws IllegalArgumentException if the name is not a plain file name, or the call already made a file of that name
   * @throws IllegalStateException outside a work method's call
   */
  public static DataFile create(String name) {
    return CallFiles.create(name);
  }

  /** Where this process reads or writes the file: a local, absolute path. */
  public Path path() {
    return CallFiles.localPath(this);
  }

  /** Whether the call that creates the file has returned, so that its size and adler32 are known. */
  public boolean recorded() {
    return size >= 0;
  }
}
