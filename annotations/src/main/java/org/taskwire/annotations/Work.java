package org.taskwire.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a static method of a {@link Workflow @Workflow} class as work: each call through the
 * generated proxy runs as one job, and a fan-out call runs as one task of many jobs.
 *
 * <p>The method must be static and not private, abstract or generic; its parameter and return
 * types must be able to travel (no threads, streams, sockets, lambdas, class loaders...). The
 * processor reports violations at compile time.
 *
 * <p>Every option left unset is inherited from the enclosing {@link Workflow}; see there for the
 * rules and built-in defaults.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Work {

  /**
   * Work name, unique within the workflow, used to route calls and in task names. Letters,
   * digits, {@code .}, {@code _} and {@code -}. Default: the method's name.
   */
  String name() default "";

  /**
   * The work's code version, pinned by hand: a resumed run (and its call keys) takes a call made
   * under the same version as the same call, whatever else changed in the class. Empty (the
   * default): the workflow class's bytes tell the version ({@code taskwire.code-version}). Change
   * it when the work computes something else; leave it when only other code changed.
   */
  String version() default "";

  /** Shell setup run before the worker; replaces the workflow's {@code initEnv} when set. */
  String initEnv() default "";

  /** Container image; replaces the workflow's when set. */
  String containerImage() default "";

  /** PanDA queue; replaces the workflow's when set. */
  String queue() default "";

  /** PanDA site; replaces the workflow's when set. */
  String site() default "";

  /** PanDA cloud; replaces the workflow's when set. */
  String cloud() default "";

  /** Cores per job; {@code 0} inherits. */
  int cores() default 0;

  /** Memory per job in MB; {@code 0} inherits. */
  int memoryMb() default 0;

  /** Wall time per job ({@code "90m"}, {@code "PT1H30M"}, ...); empty inherits. */
  String walltime() default "";

  /** Attempts per call before it fails for good; {@code 0} inherits. */
  int maxAttempts() default 0;

  /**
   * Among calls ready at once, those of a higher priority go first (before the order of their
   * chains, {@code docs/guide.md}); on PanDA it raises the task's priority. {@code 0} inherits.
   */
  int priority() default 0;

  /** Wire format of this method's arguments and result; {@link Codec#DEFAULT} inherits. */
  Codec codec() default Codec.DEFAULT;

  /**
   * The Rucio dataset this work's files go to, when the run registers its files in Rucio
   * ({@code taskwire.rucio.url}): {@code {run}}, {@code {work}} and {@code {<parameter>}} are
   * replaced, the last by the value the call was given, so that {@code "{run}.{work}.{point}"} makes
   * one dataset per grid point, as the AID2E tutorial's {@code #global_parameter_key}. Records are
   * written as their components ({@code particle-piplus_eta-0.1}), {@code +} as {@code plus}, and
   * other characters Rucio refuses as {@code _}; two values that would share a name fail the later
   * call. Empty (the default): {@code taskwire.rucio.dataset}. Only for works that return files.
   */
  String dataset() default "";
}
