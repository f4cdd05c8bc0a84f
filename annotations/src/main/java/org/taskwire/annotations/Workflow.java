package org.taskwire.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class whose {@link Work @Work} methods run as distributed jobs.
 *
 * <p>For a class {@code Hpo}, the annotation processor generates {@code HpoTasks} in the same
 * package: one proxy per work method, one argument record per work method, and {@code start()} to
 * open a {@code WorkflowRun}. The class runs as a normal {@code main}.
 *
 * <h2>Inheritance of options</h2>
 * The job options here ({@link #initEnv}, {@link #containerImage}, {@link #queue}, {@link #site},
 * {@link #cloud}, {@link #cores}, {@link #memoryMb}, {@link #walltime}, {@link #maxAttempts},
 * {@link #codec}) are defaults for every work method of the class. A work method inherits each
 * one it leaves unset and overrides each one it sets, one option at a time — all of them, including
 * cores and walltime (iDDS inherits only some). Unset means the attribute's default here: an empty
 * string, {@code 0}, or {@link Codec#DEFAULT}. Options nobody sets take Taskwire's built-in
 * defaults: 1 core, 2000 MB, 24 h walltime, 3 attempts, Kryo. Configuration
 * ({@code taskwire.cores}, {@code taskwire.work.<name>.cores}, ...) overrides both annotations;
 * see the README.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Workflow {

  /**
   * Workflow name, used in task names and logs. Letters, digits, {@code .}, {@code _} and
   * {@code -}. Default: the class's simple name.
   */
  String name() default "";

  /**
   * Shell setup run before the worker JVM starts, e.g. {@code "source /cvmfs/.../setup.sh"}.
   * A work method's own {@code initEnv} replaces this one.
   */
  String initEnv() default "";

  /** Container image the jobs run in, e.g. {@code "docker://eclipse-temurin:17-jre"}. */
  String containerImage() default "";

  /**
   * Glob patterns of classpath entries left out of the shipped sandbox, e.g.
   * {@code "**}{@code /*.root"} or {@code "data/**"}. Workflow-wide only: one sandbox serves the
   * whole run.
   */
  String[] excludes() default {};

  /** PanDA queue (resource) the jobs go to. */
  String queue() default "";

  /** PanDA site the jobs go to. */
  String site() default "";

  /** PanDA cloud (region) the jobs go to. */
  String cloud() default "";

  /** Cores per job; {@code 0} means unset (built-in default 1). */
  int cores() default 0;

  /** Memory per job in MB; {@code 0} means unset (built-in default 2000). */
  int memoryMb() default 0;

  /**
   * Wall time per job: {@code "90m"}, {@code "1h30m"}, {@code "2d"}, {@code "3600s"} or ISO-8601
   * {@code "PT1H30M"}. Empty means unset (built-in default 24 h).
   */
  String walltime() default "";

  /** How many times a call may run before it fails for good; {@code 0} means unset (default 3). */
  int maxAttempts() default 0;

  /** Priority of the calls among those ready at once, higher first; {@code 0} means unset (default 1). */
  int priority() default 0;

  /** Wire format of arguments and results; {@link Codec#DEFAULT} means unset (Kryo). */
  Codec codec() default Codec.DEFAULT;
}
