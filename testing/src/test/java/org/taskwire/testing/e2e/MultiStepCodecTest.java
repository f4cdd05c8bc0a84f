package org.taskwire.testing.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.taskwire.FailureKind;
import org.taskwire.MapResult;
import org.taskwire.Outcome;
import org.taskwire.WorkFailedException;
import org.taskwire.annotations.Codec;
import org.taskwire.internal.codec.Codecs;
import org.taskwire.internal.codec.PayloadCodec;
import org.taskwire.testing.e2e.Steps.Point;

/** The values of all-to-one steps on the wire: maps keyed by records, and MapResults with failures. */
class MultiStepCodecTest {
  private static MapResult<Point, Double> outcomes() {
    Map<Point, Outcome<Double>> all = new LinkedHashMap<>();
    all.put(new Point("pi+", 0.1), new Outcome.Success<>(1.5));
    all.put(new Point("kaon+", 0.2), new Outcome.Failure<>(new WorkFailedException("parent", FailureKind.WORK_THREW,
        "java.lang.IllegalStateException", "no response", "at Steps.parent", 2, 3, "/logs/w1.log", "job 7")));
    return new MapResult<>(all);
  }

  @ParameterizedTest
  @EnumSource(value = Codec.class, names = {"KRYO", "JSON"})
  void aMapResultKeyedByRecordsRoundTripsWithItsFailures(Codec kind) {
    PayloadCodec codec = Codecs.of(Steps_WorkRegistry.WORKFLOW, kind);
    StepsTasks.TallyArgs args = new StepsTasks.TallyArgs(outcomes());
    StepsTasks.TallyArgs back = (StepsTasks.TallyArgs) codec.decodeArguments(Steps_WorkRegistry.TALLY,
        codec.encodeArguments(Steps_WorkRegistry.TALLY, args));
    assertThat(back.outcomes().keySet()).containsExactly(new Point("pi+", 0.1), new Point("kaon+", 0.2));
    assertThat(back.outcomes().value(new Point("pi+", 0.1))).isEqualTo(1.5);
    WorkFailedException e = back.outcomes().failures().get(new Point("kaon+", 0.2));
    assertThat(e.workName()).isEqualTo("parent");
    assertThat(e.kind()).isEqualTo(FailureKind.WORK_THREW);
    assertThat(e.remoteClass()).isEqualTo("java.lang.IllegalStateException");
    assertThat(e.remoteMessage()).isEqualTo("no response");
    assertThat(e.remoteStackTrace()).isEqualTo("at Steps.parent");
    assertThat(e.attempt()).isEqualTo(2);
    assertThat(e.maxAttempts()).isEqualTo(3);
    assertThat(e.logLocation()).contains("/logs/w1.log");
    assertThat(e.backendDetail()).contains("job 7");
  }

  @Test
  void inJsonARecordKeyIsItsOwnJsonTextAndAMapResultAListOfEntries() {
    PayloadCodec json = Codecs.of(Steps_WorkRegistry.WORKFLOW, Codec.JSON);
    Map<Point, Double> values = new LinkedHashMap<>();
    values.put(new Point("pi+", 0.1), 1.0);
    byte[] merge = json.encodeArguments(Steps_WorkRegistry.MERGE_JSON, new StepsTasks.MergeJsonArgs(values));
    assertThat(new String(merge, StandardCharsets.UTF_8))
        .isEqualTo("{\"values\":{\"{\\\"particle\\\":\\\"pi+\\\",\\\"eta\\\":0.1}\":1.0}}");
    assertThat(json.decodeArguments(Steps_WorkRegistry.MERGE_JSON, merge)).isEqualTo(new StepsTasks.MergeJsonArgs(values));

    byte[] tally = json.encodeArguments(Steps_WorkRegistry.TALLY_JSON, new StepsTasks.TallyJsonArgs(outcomes()));
    assertThat(new String(tally, StandardCharsets.UTF_8)).startsWith(
        "{\"outcomes\":[{\"key\":{\"particle\":\"pi+\",\"eta\":0.1},\"value\":1.5},"
            + "{\"key\":{\"particle\":\"kaon+\",\"eta\":0.2},\"failure\":{\"work\":\"parent\",\"kind\":\"WORK_THREW\"");
  }
}
