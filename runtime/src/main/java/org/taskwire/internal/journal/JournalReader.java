package org.taskwire.internal.journal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.taskwire.ConfigurationException;

/**
 * Parses a journal's lines, as {@link JournalTail} reads them (and so {@link RecordedRun#read}):
 * any line that is not a journal record stops the read with the file and line named, so that a
 * damaged journal never gives a silent partial resume.
 */
public final class JournalReader {
  private JournalReader() {}

  /**
   * One complete line of a journal, its {@code line}th, in {@code bytes}: a record, or the journal
   * is damaged. Without {@code results}, a success's result is skipped rather than decoded (null),
   * for views that show a run and never its values.
   */
  static JournalRecord parse(Path file, int line, byte[] bytes, int offset, int length, boolean results) {
    // Every record starts with its brace: only another first byte needs the line decoded to tell.
    if ((length == 0 || bytes[offset] != '{') && new String(bytes, offset, length, StandardCharsets.UTF_8).isBlank()) {
      throw damaged(file, line, "an empty line");
    }
    JournalRecord record;
    try {
      JournalRecord streamed = streamed(bytes, offset, length, results);
      record = streamed != null ? streamed : JournalWriter.MAPPER.readValue(bytes, offset, length, JournalRecord.class);
    } catch (JsonProcessingException e) {
      throw damaged(file, line, e.getOriginalMessage());
    } catch (IOException e) {
      throw damaged(file, line, e.getMessage());
    }
    if (line == 1 && !(record instanceof JournalRecord.RunStarted)) {
      throw damaged(file, line, "a journal starts with a run-started record");
    }
    return record;
  }

  /**
   * The records a fan-out writes per call (declared, submitted, succeeded), read field by field
   * as {@link JournalWriter} streams them, at a fraction of the mapper's cost: they are nearly
   * every line of a large run's journal. Null for any other record, or a field this does not know,
   * which the mapper then reads.
   */
  private static JournalRecord streamed(byte[] bytes, int offset, int length, boolean results) throws IOException {
    try (JsonParser p = JournalWriter.MAPPER.getFactory().createParser(bytes, offset, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT || p.nextToken() != JsonToken.FIELD_NAME
          || !"type".equals(p.currentName()) || p.nextToken() != JsonToken.VALUE_STRING) {
        return null;
      }
      String type = p.getText();
      if (!type.equals("call-declared") && !type.equals("call-submitted") && !type.equals("call-succeeded")) {
        return null;
      }
      long callId = 0;
      long task = 0;
      int attempt = 0;
      long startedAt = 0;
      long finishedAt = 0;
      String key = null;
      String work = null;
      String codec = null;
      byte[] result = null;
      List<Long> dependsOn = null;
      Map<String, String> handle = null;
      List<JournalRecord.KeptFile> files = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (value == JsonToken.VALUE_NULL) {
          continue;
        }
        switch (field) {
          case "callId" -> callId = p.getLongValue();
          case "task" -> task = p.getLongValue();
          case "attempt" -> attempt = p.getIntValue();
          case "startedAt" -> startedAt = p.getLongValue();
          case "finishedAt" -> finishedAt = p.getLongValue();
          case "key" -> key = p.getText();
          case "work" -> work = p.getText();
          case "codec" -> codec = p.getText();
          case "result" -> result = results ? p.getBinaryValue() : null;
          case "dependsOn" -> {
            dependsOn = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
              dependsOn.add(p.getLongValue());
            }
          }
          case "handle" -> {
            handle = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String name = p.currentName();
              p.nextToken();
              handle.put(name, p.getText());
            }
          }
          case "files" -> {
            files = new ArrayList<>();
            while (p.nextToken() == JsonToken.START_OBJECT) {
              String name = null;
              String adler32 = null;
              String uri = null;
              long size = 0;
              while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                p.nextToken();
                switch (f) {
                  case "name" -> name = p.getText();
                  case "size" -> size = p.getLongValue();
                  case "adler32" -> adler32 = p.getText();
                  case "uri" -> uri = p.getText();
                  default -> {
                    return null;
                  }
                }
              }
              files.add(new JournalRecord.KeptFile(name, size, adler32, uri));
            }
          }
          default -> {
            return null;
          }
        }
      }
      return switch (type) {
        case "call-declared" -> new JournalRecord.CallDeclared(callId, key, work, task, dependsOn);
        case "call-submitted" -> new JournalRecord.CallSubmitted(callId, attempt, handle);
        default -> new JournalRecord.CallSucceeded(callId, attempt, codec, result, files, startedAt, finishedAt);
      };
    }
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
