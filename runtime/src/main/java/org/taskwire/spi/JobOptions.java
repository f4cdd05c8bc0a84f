package org.taskwire.spi;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    Codec codec) {

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
          .build();

  public static Builder builder() {
    return new Builder();
  }

  /** These options, with every unset one taken from {@code parent}. */
  public JobOptions inheritFrom(JobOptions parent) {
    return new JobOptions(
        initEnv != null ? initEnv : parent.initEnv,
        containerImage != null ? containerImage : parent.containerImage,
        queue != null ? queue : parent.queue,
        site != null ? site : parent.site,
        cloud != null ? cloud : parent.cloud,
        cores != null ? cores : parent.cores,
        memoryMb != null ? memoryMb : parent.memoryMb,
        walltime != null ? walltime : parent.walltime,
        maxAttempts != null ? maxAttempts : parent.maxAttempts,
        codec != null ? codec : parent.codec);
  }

  /** A short human-readable list of the options that are set. */
  public String describe() {
    List<String> parts = new ArrayList<>();
    if (cores != null) parts.add("cores=" + cores);
    if (memoryMb != null) parts.add("memoryMb=" + memoryMb);
    if (walltime != null) parts.add("walltime=" + walltime);
    if (maxAttempts != null) parts.add("maxAttempts=" + maxAttempts);
    if (codec != null) parts.add("codec=" + codec);
    if (queue != null) parts.add("queue=" + queue);
    if (site != null) parts.add("site=" + site);
    if (cloud != null) parts.add("cloud=" + cloud);
    if (containerImage != null) parts.add("containerImage=" + containerImage);
    if (initEnv != null) parts.add("initEnv=" + initEnv);
    return String.join(", ", parts);
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

    public JobOptions build() {
      return new JobOptions(
          initEnv, containerImage, queue, site, cloud, cores, memoryMb, walltime, maxAttempts, codec);
    }
  }
}
