package org.taskwire.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.taskwire.Definitions;
import org.taskwire.Definitions.Point;
import org.taskwire.Definitions.ScaleArgs;
import org.taskwire.annotations.Codec;

class CodecsTest {

  @ParameterizedTest
  @EnumSource(value = Codec.class, names = {"KRYO", "JSON"})
  void argumentsAndResultsRoundTrip(Codec kind) {
    PayloadCodec codec = Codecs.of(Definitions.GEOMETRY, kind);
    ScaleArgs args = new ScaleArgs(List.of(new Point(1, 2), new Point(3, 4)), 2.5);
    byte[] bytes = codec.encodeArguments(Definitions.SCALE, args);
    assertThat(codec.decodeArguments(Definitions.SCALE, bytes)).isEqualTo(args);
    List<Point> result = List.of(new Point(0.5, 1));
    assertThat(codec.decodeResult(Definitions.SCALE, codec.encodeResult(Definitions.SCALE, result))).isEqualTo(result);
  }

  @Test
  void jsonOutputIsPlainJson() {
    PayloadCodec json = Codecs.of(Definitions.GEOMETRY, Codec.JSON);
    byte[] bytes = json.encodeResult(Definitions.SCALE, List.of(new Point(0.5, 1)));
    assertThat(new String(bytes, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("[{\"x\":0.5,\"y\":1.0}]");
  }

  @Test
  void kryoCarriesCommonJdkTypes() {
    PayloadCodec kryo = Codecs.of(Definitions.GEOMETRY, Codec.KRYO);
    List<Object> values = List.of(
        UUID.randomUUID(), List.of(1, 2, 3), Map.of("a", 1), Set.of("s"),
        Collections.unmodifiableList(new ArrayList<>(List.of("u"))), Collections.unmodifiableMap(Map.of("k", "v")),
        Arrays.asList(1.0, 2.0), Optional.of("o"), Instant.parse("2026-11-21T10:00:00Z"), new BigDecimal("1.25"),
        new int[] {1, 2}.length, "text");
    for (Object value : values) {
      Object back = kryo.decodeResult(Definitions.GREET, kryo.encodeResult(Definitions.GREET, value));
      assertThat(back).as(value.getClass().getName()).isEqualTo(value);
    }
  }

  @Test
  void kryoRefusesUndeclaredTypesWithAClearMessage() {
    PayloadCodec kryo = Codecs.of(Definitions.GEOMETRY, Codec.KRYO);
    assertThatThrownBy(() -> kryo.encodeResult(Definitions.GREET, new Thread()))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("cannot encode the result of greet")
        .hasMessageContaining("java.lang.Thread, a type the work method's signature does not declare");
  }

  @Test
  void garbageDoesNotDecode() {
    for (Codec kind : List.of(Codec.KRYO, Codec.JSON)) {
      PayloadCodec codec = Codecs.of(Definitions.GEOMETRY, kind);
      assertThatThrownBy(() -> codec.decodeArguments(Definitions.SCALE, new byte[] {(byte) 0xff, 0x13, 0x07}))
          .isInstanceOf(CodecException.class)
          .hasMessageContaining("cannot decode the arguments of scale");
    }
  }

  @Test
  void unknownCodecName() {
    assertThatThrownBy(() -> Codecs.byName(Definitions.GEOMETRY, "pickle"))
        .hasMessage("unknown codec 'pickle': expected kryo or json");
  }
}
