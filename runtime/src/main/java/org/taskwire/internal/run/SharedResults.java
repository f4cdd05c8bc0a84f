package org.taskwire.internal.run;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.taskwire.ConfigurationException;
import org.taskwire.internal.config.ConfigKey;
import org.taskwire.internal.config.TaskwireConfig;
import org.taskwire.internal.journal.ResultCache;
import org.taskwire.spi.WorkDefinition;
import org.taskwire.spi.WorkflowDefinition;

/**
 * The results a run shares with every run ({@code taskwire.cache}): a call of a covered work whose
 * key has a result in the cache returns it without running, and each success of one is kept there.
 */
public final class SharedResults {
  private static final Logger LOG = LoggerFactory.getLogger(SharedResults.class);

  private final ResultCache cache;
  /** The covered works by name; empty means all. */
  private final Set<String> works;
  private final long maxBytes;

  private SharedResults(ResultCache cache, Set<String> works, long maxBytes) {
    this.cache = cache;
    this.works = works;
    this.maxBytes = maxBytes;
  }

  /**
   * The shared results of a run, or null when {@code taskwire.cache} is empty.
   *
   * @throws ConfigurationException if it names a work that none of the workflows has
   */
  public static SharedResults open(TaskwireConfig config, List<WorkflowDefinition> workflows) {
    String value = config.get(ConfigKey.CACHE).trim();
    if (value.isEmpty()) {
      return null;
    }
    Set<String> known = new TreeSet<>();
    workflows.forEach(w -> w.works().forEach(work -> known.add(work.name())));
    Set<String> names = new LinkedHashSet<>();
    if (!"*".equals(value)) {
      for (String name : value.split(",")) {
        String n = name.trim();
        if (!n.isEmpty() && !known.contains(n)) {
          throw new ConfigurationException(ConfigKey.CACHE.name() + " = '" + value + "': there is no work named '" + n
              + "' (the works are " + known + "); use * for all");
        }
        if (!n.isEmpty()) {
          names.add(n);
        }
      }
    }
    return new SharedResults(new ResultCache(config.path(ConfigKey.CACHE_DIR)), names, config.get(ConfigKey.CACHE_MAX_MB) * 1024L * 1024L);
  }

  /** Whether a work's results are shared. */
  public boolean covers(WorkDefinition<?, ?> work) {
    return works.isEmpty() || works.contains(work.name());
  }

  /** The shared result of a call, by its key (its occurrence does not count), if it has the codec. */
  public Optional<byte[]> get(String key, String codec) {
    return cache.get(withoutOccurrence(key)).filter(e -> e.codec().equals(codec)).map(ResultCache.Entry::result);
  }

  /** Shares a call's result. */
  public void put(String key, String codec, byte[] result) {
    cache.put(withoutOccurrence(key), codec, result);
  }

  /** Trims the cache to its bound, least recently used first. */
  public void close() {
    List<ResultCache.Removed> removed = cache.trim(maxBytes);
    if (!removed.isEmpty()) {
      LOG.info("removed {} least recently used results from {} to keep it under {} MB", removed.size(),
          cache.directory(), maxBytes >> 20);
    }
  }

  private static String withoutOccurrence(String key) {
    int slash = key.indexOf('/');
    return slash < 0 ? key : key.substring(0, slash);
  }
}
