package org.taskwire.internal.journal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.taskwire.internal.threads.DaemonThreads;

/**
 * Appends records to a journal file from one thread, with group commit: whatever was queued while
 * the last batch was being written goes out as the next batch, followed by one {@code fsync}. A
 * fan-out of 10,000 calls costs a handful of syncs, not 10,000. Appending never blocks the caller;
 * {@link #flush} waits until everything appended before it is on disk.
 */
public final class JournalWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JournalWriter.class);
  static final ObjectMapper MAPPER = new ObjectMapper()
      .configure(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
  private static final JsonFactory FACTORY = MAPPER.getFactory();

  private final Path file;
  private final FileChannel channel;
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean closed;
  private volatile boolean failed;

  private record Flush(CompletableFuture<Void> done) {}

  private record Stop(CompletableFuture<Void> done) {}

  private JournalWriter(Path file, FileChannel channel) {
    this.file = file;
    this.channel = channel;
    this.thread = DaemonThreads.factory("taskwire-journal").newThread(this::run);
    thread.start();
  }

  /**
   * Opens a journal for appending, creating it (mode 0600) if needed. A torn last line, left by a
   * client that died while writing it, is cut off first, so that the next record starts on a line
   * of its own.
   */
  public static JournalWriter open(Path file) throws IOException {
    if (!Files.exists(file)) {
      RunDirectory.createPrivateFile(file);
    }
    FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ);
    long end = JournalReader.endOfLastCompleteLine(channel);
    if (end < channel.size()) {
      LOG.warn("{}: cutting off a torn last line ({} bytes) left by a client that died while writing it", file,
          channel.size() - end);
      channel.truncate(end);
    }
    channel.position(end);
    return new JournalWriter(file, channel);
  }

  /** Queues a record; it reaches the disk with the next batch. */
  public void append(JournalRecord record) {
    if (!closed) {
      queue.add(record);
    }
  }

  /** Waits until every record appended before is on disk (or writing failed, which was logged). */
  public void flush() {
    if (closed) {
      return;
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    queue.add(new Flush(done));
    done.join();
  }

  /** Writes what is queued, then closes the file. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    queue.add(new Stop(done));
    closed = true;
    done.join();
  }

  /** The file written. */
  public Path file() {
    return file;
  }

  private void run() {
    List<Object> batch = new ArrayList<>();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
    boolean stop = false;
    while (!stop) {
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        break;
      }
      queue.drainTo(batch);
      bytes.reset();
      List<CompletableFuture<Void>> waiting = new ArrayList<>();
      for (Object item : batch) {
        if (item instanceof JournalRecord record) {
          try {
            writeRecord(record, bytes);
          } catch (IOException e) {
            throw new IllegalStateException("a journal record that cannot be written as JSON: " + record, e);
          }
          bytes.write('\n');
        } else if (item instanceof Flush f) {
          waiting.add(f.done());
        } else if (item instanceof Stop s) {
          waiting.add(s.done());
          stop = true;
        }
      }
      batch.clear();
      write(bytes);
      waiting.forEach(w -> w.complete(null));
    }
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("closing {}: {}", file, e.getMessage());
    }
  }

  /**
   * Writes one record as one line. The records a fan-out writes per call are streamed by hand, as
   * the mapper would write them (the reader reads them with it), at a fraction of its cost.
   */
  private static void writeRecord(JournalRecord record, ByteArrayOutputStream bytes) throws IOException {
    if (!(record instanceof JournalRecord.CallDeclared || record instanceof JournalRecord.CallSubmitted
        || record instanceof JournalRecord.CallSucceeded)) {
      MAPPER.writeValue(bytes, record);
      return;
    }
    try (JsonGenerator g = FACTORY.createGenerator(bytes)) {
      g.writeStartObject();
      if (record instanceof JournalRecord.CallDeclared d) {
        g.writeStringField("type", "call-declared");
        g.writeNumberField("callId", d.callId());
        g.writeStringField("key", d.key());
        g.writeStringField("work", d.work());
        g.writeNumberField("task", d.task());
        g.writeArrayFieldStart("dependsOn");
        for (long id : d.dependsOn()) {
          g.writeNumber(id);
        }
        g.writeEndArray();
      } else if (record instanceof JournalRecord.CallSubmitted s) {
        g.writeStringField("type", "call-submitted");
        g.writeNumberField("callId", s.callId());
        g.writeNumberField("attempt", s.attempt());
        g.writeObjectFieldStart("handle");
        for (var e : s.handle().entrySet()) {
          g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
      } else {
        JournalRecord.CallSucceeded s = (JournalRecord.CallSucceeded) record;
        g.writeStringField("type", "call-succeeded");
        g.writeNumberField("callId", s.callId());
        g.writeNumberField("attempt", s.attempt());
        g.writeStringField("codec", s.codec());
        if (s.result() != null) {
          g.writeFieldName("result");
          g.writeBinary(s.result());
        }
        if (s.files() != null) {
          g.writeArrayFieldStart("files");
          for (JournalRecord.KeptFile f : s.files()) {
            g.writeStartObject();
            g.writeStringField("name", f.name());
            g.writeNumberField("size", f.size());
            g.writeStringField("adler32", f.adler32());
            g.writeStringField("uri", f.uri());
            g.writeEndObject();
          }
          g.writeEndArray();
        }
        if (s.startedAt() != 0) {
          g.writeNumberField("startedAt", s.startedAt());
        }
        if (s.finishedAt() != 0) {
          g.writeNumberField("finishedAt", s.finishedAt());
        }
      }
      g.writeEndObject();
    }
  }

  private void write(ByteArrayOutputStream bytes) {
    if (bytes.size() == 0 || failed) {
      return;
    }
    try {
      ByteBuffer buffer = ByteBuffer.wrap(bytes.toByteArray());
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(false);
    } catch (IOException e) {
      // The run goes on; only a later resume suffers, so say so once, loudly.
      failed = true;
      LOG.error("cannot write the run journal {}: {}; this run goes on, but could not be resumed past this point",
          file, e.getMessage());
    }
  }
}
