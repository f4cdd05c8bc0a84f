package org.taskwire.internal.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.taskwire.ConfigurationException;

/**
 * Reads a journal back. A torn last line (no newline: the client died while writing it) is
 * dropped with a warning; any other line that is not a journal record stops the read with the
 * file and line named, so that a damaged journal never gives a silent partial resume.
 */
public final class JournalReader {
  private static final Logger LOG = LoggerFactory.getLogger(JournalReader.class);

  private JournalReader() {}

  /** Reads every record of a journal, in order. */
  public static List<JournalRecord> read(Path file) {
    byte[] all;
    try {
      all = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ConfigurationException("no run journal at " + file);
    } catch (IOException e) {
      throw new ConfigurationException("cannot read the run journal " + file + ": " + e.getMessage(), e);
    }
    String text = new String(all, StandardCharsets.UTF_8);
    List<JournalRecord> records = new ArrayList<>();
    int line = 0;
    int start = 0;
    while (start < text.length()) {
      line++;
      int newline = text.indexOf('\n', start);
      boolean torn = newline < 0;
      String content = torn ? text.substring(start) : text.substring(start, newline);
      start = torn ? text.length() : newline + 1;
      if (torn) {
        LOG.debug("{} line {}: a torn last line (a client died while writing it, or is writing it now); ignored",
            file, line);
        break;
      }
      records.add(parse(file, line, content));
    }
    if (records.isEmpty()) {
      throw new ConfigurationException(file + " holds no record: the run it belongs to never started");
    }
    return records;
  }

  /** One complete line of a journal, its {@code line}th: a record, or the journal is damaged. */
  static JournalRecord parse(Path file, int line, String content) {
    if (content.isBlank()) {
      throw damaged(file, line, "an empty line");
    }
    JournalRecord record;
    try {
      record = JournalWriter.MAPPER.readValue(content, JournalRecord.class);
    } catch (JsonProcessingException e) {
      throw damaged(file, line, e.getOriginalMessage());
    }
    if (line == 1 && !(record instanceof JournalRecord.RunStarted)) {
      throw damaged(file, line, "a journal starts with a run-started record");
    }
    return record;
  }

  private static ConfigurationException damaged(Path file, int line, String problem) {
    return new ConfigurationException(file + " line " + line + " is not a Taskwire journal record (" + problem
        + "); the journal is damaged, so the run cannot be resumed from it. Start a new run, or remove the "
        + "damaged lines by hand if you know what they held");
  }

  /** Where the last complete line ends: the size, unless the file ends in a torn line. */
  static long endOfLastCompleteLine(FileChannel channel) throws IOException {
    long size = channel.size();
    long pos = size;
    ByteBuffer one = ByteBuffer.allocate(1);
    while (pos > 0) {
      one.clear();
      channel.read(one, pos - 1);
      if (one.get(0) == '\n') {
        return pos;
      }
      pos--;
    }
    return 0;
  }
}
