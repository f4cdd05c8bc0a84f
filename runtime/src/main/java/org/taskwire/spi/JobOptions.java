package org.taskwire.spi;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import org.taskwire.annotations.Codec;

/**
 * Job options of a workflow or work method as written in the annotations; {@code null} means
 * unset. {@link #inheritFrom} applies the inheritance rule of {@code @Workflow}: every unset
 * option is taken from the parent.
 */
public record JobOptions(
    String initEnv,
    String containerImage,
    String queue,
    String site,
    String cloud,
    Integer cores,
    Integer memoryMb,
    Duration walltime,
    Integer maxAttempts,
    Codec codec,
    Integer priority) {

  /** The canonical constructor, which {@link #inheritFrom} builds with; found before any constant is built. */
  private static final Constructor<JobOptions> CANONICAL;

  static {
    try {
      CANONICAL = JobOptions.class.getDeclaredConstructor(
          java.util.Arrays.stream(JobOptions.class.getRecordComponents()).map(RecordComponent::getType)
              .toArray(Class<?>[]::new));
    } catch (NoSuchMethodException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** No option set. */
  public static final JobOptions NONE = builder().build();

  /** Taskwire's built-in defaults, used for options that nobody sets. */
  public static final JobOptions BUILT_IN =
      builder()
          .cores(1)
          .memoryMb(2000)
          .walltime(Duration.ofHours(24))
          .maxAttempts(3)
          .codec(Codec.KRYO)
          .priority(1)
          .build();

  public static Builder builder() {
    return new Builder();
  }

  /** These options, with every unset one taken from {@code parent}. */
  public JobOptions inheritFrom(JobOptions parent) {
    // Component by component, so that a new option needs no line here.
    RecordComponent[] components = JobOptions.class.getRecordComponents();
    Object[] values = new Object[components.length];
    try {
      for (int i = 0; i < components.length; i++) {
        Object own = components[i].getAccessor().invoke(this);
        values[i] = own != null ? own : components[i].getAccessor().invoke(parent);
      }
      return CANONICAL.newInstance(values);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("JobOptions cannot copy itself", e);
    }
  }

  /** Builds {@link JobOptions}; every option starts unset. */
  public static final class Builder {
    private String initEnv;
    private String containerImage;
    private String queue;
    private String site;
    private String cloud;
    private Integer cores;
    private Integer memoryMb;
    private Duration walltime;
    private Integer maxAttempts;
    private Codec codec;
    private Integer priority;

    private Builder() {}

    public Builder initEnv(String value) { this.initEnv = value; return this; }
    public Builder containerImage(String value) { this.containerImage = value; return this; }
    public Builder queue(String value) { this.queue = value; return this; }
    public Builder site(String value) { this.site = value; return this; }
    public Builder cloud(String value) { this.cloud = value; return this; }
    public Builder cores(int value) { this.cores = value; return this; }
    public Builder memoryMb(int value) { this.memoryMb = value; return this; }
    public Builder walltime(Duration value) { this.walltime = value; return this; }
    public Builder maxAttempts(int value) { this.maxAttempts = value; return this; }
    public Builder codec(Codec value) { this.codec = value == Codec.DEFAULT ? null : value; return this; }
    public Builder priority(int value) { this.priority = value; return this; }

    public JobOptions build() {
      return new JobOptions(
          initEnv, containerImage, queue, site, cloud, cores, memoryMb, walltime, maxAttempts, codec, priority);
    }
  }
}
