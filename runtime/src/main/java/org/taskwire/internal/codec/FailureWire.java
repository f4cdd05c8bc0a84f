package org.taskwire.internal.codec;

import org.taskwire.FailureKind;
import org.taskwire.WorkFailedException;

/**
 * A {@link WorkFailedException} inside a {@link org.taskwire.MapResult} that travels as an
 * argument (an all-to-one step that sees every outcome): its fields as plain values, the same in
 * both codecs.
 */
record FailureWire(String work, String kind, String remoteClass, String remoteMessage, String remoteStackTrace,
    int attempt, int maxAttempts, String logLocation, String backendDetail) {

  static FailureWire of(WorkFailedException e) {
    return new FailureWire(e.workName(), e.kind().name(), e.remoteClass(), e.remoteMessage(), e.remoteStackTrace(),
        e.attempt(), e.maxAttempts(), e.logLocation().orElse(null), e.backendDetail().orElse(null));
  }

  WorkFailedException exception() {
    FailureKind k;
    try {
      k = FailureKind.valueOf(kind);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new CodecException("a failure in a MapResult has an unknown kind " + kind, e);
    }
    return new WorkFailedException(work, k, remoteClass, remoteMessage, remoteStackTrace, attempt, maxAttempts,
        logLocation, backendDetail);
  }
}
