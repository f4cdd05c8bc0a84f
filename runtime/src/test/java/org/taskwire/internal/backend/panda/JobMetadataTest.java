package org.taskwire.internal.backend.panda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.taskwire.FailureKind;
import org.taskwire.internal.call.CallEnvelope;
import org.taskwire.internal.call.RemoteError;
import org.taskwire.internal.call.ResultEnvelope;
import org.taskwire.internal.transport.TransportSettings;
import org.taskwire.internal.transport.message.Route;
import org.taskwire.internal.transport.message.SigningKey;
import org.taskwire.internal.transport.stomp.BrokerAddress;
import org.taskwire.internal.transport.stomp.BrokerSettings;

/**
 * What a job writes for the client with the streaming API is what the client reads: its
 * metadata file, merged into a job report or alone, and its transport secret.
 */
class JobMetadataTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final CallEnvelope CALL = new CallEnvelope("run-1", 5, 1, "demo.W#f", "kryo", new byte[0]);

  @Test
  void theFileReadsBackAloneAndInsideAJobReport() throws Exception {
    ResultEnvelope ok = ResultEnvelope.success(CALL, new byte[] {4, 5}, 10, 20);
    ResultEnvelope failed = ResultEnvelope.failure(CALL,
        new RemoteError(FailureKind.WORK_THREW, "java.lang.RuntimeException", "x", "trace", null), 10, 20);
    for (ResultEnvelope r : new ResultEnvelope[] {ok, failed}) {
      JsonNode file = JSON.readTree(JobMetadata.of(r));
      assertThat(JobMetadata.read(file)).get().usingRecursiveComparison().isEqualTo(r);
      JsonNode report = JSON.createObjectNode().set("user_job_metadata", file);
      assertThat(JobMetadata.read(report)).get().usingRecursiveComparison().isEqualTo(r);
      assertThat(JobMetadata.oversizedResultBytes(file)).isEqualTo(-1);
    }
  }

  @Test
  void aResultTooLargeForTheFileIsRecordedByItsSize() throws Exception {
    JsonNode file = JSON.readTree(JobMetadata.of(ResultEnvelope.success(CALL, new byte[JobMetadata.MAX_BYTES], 1, 2)));
    assertThat(JobMetadata.read(file)).isEmpty();
    assertThat(JobMetadata.oversizedResultBytes(file)).isGreaterThan(JobMetadata.MAX_BYTES);
  }

  @Test
  void theTransportSecretRoundTrips() {
    TransportSettings settings = new TransportSettings(new BrokerSettings(
        java.util.List.of(BrokerAddress.parse("stomp+ssl://b.example:61614")), "ada", "p\"w:d", "/topic/t"),
        "https://relay.example/r", Route.random(0, 3), SigningKey.generate(), 123_456);
    TransportSettings back = TransportSettings.fromSecret(settings.toSecret(), "TASKWIRE_X");
    assertThat(back.toEnvironment()).isEqualTo(settings.toEnvironment());
    assertThat(back.maxBytes()).isEqualTo(123_456);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TransportSettings.fromSecret(
        java.util.Base64.getEncoder().encodeToString("{\"TASKWIRE_BROKER_URL\":1}".getBytes()), "TASKWIRE_X"))
        .hasMessageContaining("malformed transport secret in TASKWIRE_X");
    java.util.Map<String, String> withoutLimit = new java.util.HashMap<>(settings.toEnvironment());
    withoutLimit.remove(TransportSettings.MAX_BYTES);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TransportSettings.fromEnvironment(withoutLimit))
        .hasMessageContaining("TASKWIRE_RESULT_MAX_BYTES is not set")
        .hasMessageContaining("taskwire.result.max-bytes");
  }
}
