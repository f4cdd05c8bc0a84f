package org.taskwire.internal.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.taskwire.ConfigurationException;

/** Call keys: the same arguments give the same key however they were built; anything else differs. */
class CallKeysTest {
  record Point(String particle, double eta) {}

  record Args(Map<String, Integer> weights, Set<Point> points, List<Double> values, UUID id) {}

  enum Kind { A, B }

  static final class Pojo {
    final String name;
    final int[] counts;

    Pojo(String name, int[] counts) {
      this.name = name;
      this.counts = counts;
    }
  }

  record Holder(Object value) {}

  private static String key(Record args) {
    return CallKeys.key("demo.Flow", "demo.Flow#run", "v1", "kryo", args);
  }

  @Test
  void mapAndSetOrderDoNotChangeTheKey() {
    Map<String, Integer> w1 = new LinkedHashMap<>();
    Map<String, Integer> w2 = new LinkedHashMap<>();
    Set<Point> p1 = new LinkedHashSet<>();
    Set<Point> p2 = new LinkedHashSet<>();
    for (int i = 0; i < 50; i++) {
      w1.put("k" + i, i);
      p1.add(new Point("pi" + i, i * 0.1));
    }
    for (int i = 49; i >= 0; i--) {
      w2.put("k" + i, i);
      p2.add(new Point("pi" + i, i * 0.1));
    }
    UUID id = UUID.randomUUID();
    assertThat(key(new Args(w1, p1, List.of(1.0, 2.0), id)))
        .isEqualTo(key(new Args(new TreeMap<>(w2), new HashSet<>(p2), new ArrayList<>(List.of(1.0, 2.0)), id)))
        .hasSize(40);
  }

  @Test
  void anyDifferenceInArgumentsOrIdentityChangesTheKey() {
    UUID id = UUID.randomUUID();
    Args base = new Args(Map.of("a", 1), Set.of(new Point("e-", 1.5)), List.of(1.0, 2.0), id);
    String k = key(base);
    assertThat(key(new Args(Map.of("a", 2), base.points(), base.values(), id))).isNotEqualTo(k);
    assertThat(key(new Args(base.weights(), Set.of(new Point("e-", 1.5000001)), base.values(), id))).isNotEqualTo(k);
    assertThat(key(new Args(base.weights(), base.points(), List.of(2.0, 1.0), id))).as("list order counts")
        .isNotEqualTo(k);
    assertThat(key(new Args(base.weights(), base.points(), base.values(), UUID.randomUUID()))).isNotEqualTo(k);
    assertThat(CallKeys.key("demo.Flow", "demo.Flow#run", "v2", "kryo", base)).as("code version").isNotEqualTo(k);
    assertThat(CallKeys.key("demo.Flow", "demo.Flow#run", "v1", "json", base)).as("codec").isNotEqualTo(k);
    assertThat(CallKeys.key("demo.Flow", "demo.Flow#other", "v1", "kryo", base)).as("work").isNotEqualTo(k);
    assertThat(key(new Holder(0.0))).as("-0.0 is not 0.0").isNotEqualTo(key(new Holder(-0.0)));
    assertThat(key(new Holder(1))).as("types count").isNotEqualTo(key(new Holder(1L))).isNotEqualTo(key(new Holder("1")));
    assertThat(key(new Holder(Kind.A))).isNotEqualTo(key(new Holder(Kind.B)));
    assertThat(key(new Holder(null))).isNotEqualTo(key(new Holder("")));
  }

  @Test
  void objectsThatAreNotRecordsAreKeyedByTheirFields() {
    assertThat(key(new Holder(new Pojo("x", new int[] {1, 2}))))
        .isEqualTo(key(new Holder(new Pojo("x", new int[] {1, 2}))))
        .isNotEqualTo(key(new Holder(new Pojo("x", new int[] {2, 1}))));
  }

  @Test
  void aCycleIsRefusedNotLooped() {
    List<Object> cyclic = new ArrayList<>();
    cyclic.add(cyclic);
    assertThatThrownBy(() -> key(new Holder(cyclic))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cyclic");
  }

  @Test
  void occurrencesTellIdenticalCallsApart() {
    assertThat(CallKeys.withOccurrence("abc", 0)).isEqualTo("abc/0").isNotEqualTo(CallKeys.withOccurrence("abc", 1));
  }

  @Test
  void theClassPolicyHashesTheWorkflowClassAndNoneIgnoresIt() {
    ClassLoader loader = getClass().getClassLoader();
    String version = CallKeys.codeVersion(CallKeys.POLICY_CLASS, CallKeysTest.class.getName(), loader);
    assertThat(version).hasSize(16).isEqualTo(CallKeys.codeVersion("class", CallKeysTest.class.getName(), loader))
        .isNotEqualTo(CallKeys.codeVersion("class", Point.class.getName(), loader));
    assertThat(CallKeys.codeVersion(CallKeys.POLICY_NONE, CallKeysTest.class.getName(), loader)).isEmpty();
    assertThatThrownBy(() -> CallKeys.codeVersion("class", "no.such.Flow", loader))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("taskwire.code-version=none");
  }
}
