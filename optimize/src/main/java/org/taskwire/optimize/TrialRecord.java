package org.taskwire.optimize;

import java.util.Map;

/**
 * A trial and what became of it: its measurements once completed, the reason once failed or
 * abandoned (null otherwise).
 */
public record TrialRecord(Trial trial, TrialStatus status, Map<String, Measurement> measurements, String reason) {
  public TrialRecord {
    measurements = Map.copyOf(measurements);
  }
}
