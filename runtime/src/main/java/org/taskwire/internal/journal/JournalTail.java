package org.taskwire.internal.journal;

import java.io.IOException;
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
  /** The most read at once: a large journal is read a few megabytes at a time. */
  private static final int CHUNK = 8 << 20;
  /** Lines from which parsing is worth spreading over the cores. */
  private static final int PARALLEL_LINES = 20_000;
  private final Path file;
  private long offset;
  private int line;
  private RecordedRun run;
  private byte[] partial = new byte[0];
  private final boolean results;
  /** Why a line could not be read: the journal is followed no further. */
  private RuntimeException damaged;

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
   * @throws ConfigurationException if the journal is missing or damaged; once damaged, every
   *     later poll throws the same
   */
  public List<JournalRecord> poll() {
    if (damaged != null) {
      throw damaged;
    }
    List<JournalRecord> fresh = new ArrayList<>();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size < offset) {
        throw new ConfigurationException(file + " shrank from " + offset + " to " + size + " bytes while followed; "
            + "a journal only grows");
      }
      while (offset < size) {
        int length = (int) Math.min(size - offset, CHUNK);
        byte[] bytes = new byte[partial.length + length];
        System.arraycopy(partial, 0, bytes, 0, partial.length);
        ByteBuffer buffer = ByteBuffer.wrap(bytes, partial.length, length);
        while (buffer.hasRemaining()) {
          if (channel.read(buffer, offset + buffer.position() - partial.length) < 0) {
            break;
          }
        }
        int read = buffer.position() - partial.length;
        int lines = 0;
        int[] ends = new int[64];
        for (int i = 0; i < buffer.position(); i++) {
          if (bytes[i] == '\n') {
            if (lines == ends.length) {
              ends = java.util.Arrays.copyOf(ends, lines * 2);
            }
            ends[lines++] = i;
          }
        }
        try {
          fresh.addAll(parse(bytes, ends, lines));
        } catch (RuntimeException e) {
          // Every later poll says so again, rather than pass over the damaged line.
          damaged = e;
          throw e;
        }
        offset += read;
        int consumed = lines == 0 ? 0 : ends[lines - 1] + 1;
        partial = java.util.Arrays.copyOfRange(bytes, consumed, buffer.position());
      }
    } catch (NoSuchFileException e) {
      throw new ConfigurationException("no run journal at " + file);
    } catch (IOException e) {
      throw new ConfigurationException("cannot read the run journal " + file + ": " + e.getMessage(), e);
    }
    return fresh;
  }

  /**
   * The complete lines of {@code bytes} (ending at {@code ends}), parsed on every core when there
   * are many (a large run's journal read for the first time) and applied to the run in order.
   */
  private List<JournalRecord> parse(byte[] bytes, int[] ends, int lines) {
    JournalRecord[] records = new JournalRecord[lines];
    int first = line + 1;
    java.util.stream.IntStream indexes = java.util.stream.IntStream.range(0, lines);
    (lines >= PARALLEL_LINES ? indexes.parallel() : indexes).forEach(k -> {
      int from = k == 0 ? 0 : ends[k - 1] + 1;
      records[k] = JournalReader.parse(file, first + k, bytes, from, ends[k] - from, results);
    });
    for (JournalRecord record : records) {
      line++;
      if (run == null) {
        run = new RecordedRun((JournalRecord.RunStarted) record);
      } else {
        run.apply(record, file, line);
      }
    }
    return java.util.Arrays.asList(records);
  }

  /** The run as the lines read so far tell it; null before its first line. */
  public RecordedRun run() {
    return run;
  }

  public Path file() {
    return file;
  }
}
