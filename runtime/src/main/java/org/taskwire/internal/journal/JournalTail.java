package org.taskwire.internal.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.taskwire.ConfigurationException;

/**
 * A journal read as it grows, for views that follow a run: each {@link #poll} reads only the
 * complete lines written since the last one (a torn last line waits for its newline), applies them
 * to the {@link RecordedRun} and returns them, so that a follower's cost is the new lines, not the
 * journal. Not thread-safe: one follower polls it.
 */
public final class JournalTail {
  private static final int CHUNK = 1 << 16;
  private final Path file;
  private long offset;
  private int line;
  private RecordedRun run;
  private byte[] partial = new byte[0];
  private final boolean results;

  /** Follows a journal, its successes' results skipped: what views need, at a fraction of the cost and memory. */
  public JournalTail(Path file) {
    this(file, false);
  }

  /** Follows a journal; with {@code results}, each success keeps its encoded result. */
  public JournalTail(Path file, boolean results) {
    this.file = file;
    this.results = results;
  }

  /**
   * The records written since the last poll, applied to {@link #run()}; none if nothing was.
   *
   * @throws ConfigurationException if the journal is missing or damaged
   */
  public List<JournalRecord> poll() {
    List<JournalRecord> fresh = new ArrayList<>();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size < offset) {
        throw new ConfigurationException(file + " shrank from " + offset + " to " + size + " bytes while followed; "
            + "a journal only grows");
      }
      ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
      while (offset < size) {
        buffer.clear();
        int read = channel.read(buffer, offset);
        if (read <= 0) {
          break;
        }
        offset += read;
        byte[] bytes = new byte[partial.length + read];
        System.arraycopy(partial, 0, bytes, 0, partial.length);
        System.arraycopy(buffer.array(), 0, bytes, partial.length, read);
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
          if (bytes[i] == '\n') {
            line++;
            JournalRecord record = JournalReader.parse(file, line, bytes, start, i - start, results);
            if (run == null) {
              run = new RecordedRun((JournalRecord.RunStarted) record);
            } else {
              run.apply(record, file, line);
            }
            fresh.add(record);
            start = i + 1;
          }
        }
        partial = java.util.Arrays.copyOfRange(bytes, start, bytes.length);
      }
    } catch (NoSuchFileException e) {
      throw new ConfigurationException("no run journal at " + file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the run journal " + file + ": " + e.getMessage(), e);
    }
    return fresh;
  }

  /** The run as the lines read so far tell it; null before its first line. */
  public RecordedRun run() {
    return run;
  }

  public Path file() {
    return file;
  }
}
