package org.taskwire.optimize;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Runs an optimisation: keeps {@code parallelism} trials in flight and asks the optimiser for a new
 * one as each ends (an asynchronous refill, not generation barriers), until the budget of trials
 * is spent or a stop condition holds. Each trial is evaluated by an {@link Evaluation}: a Taskwire
 * call or multi-step workflow (its {@code AsyncResult.stage()}), or any asynchronous computation.
 *
 * <p>A failed evaluation is told to the optimiser as a failure, or as a penalty value, as the
 * {@link FailurePolicy} says; past the tolerated failure rate the study stops with a {@link
 * StudyFailedException}. With a {@link Builder#directory directory}, every ask, tell and failure
 * is journaled ({@code study.jsonl}) and the optimiser's state is saved after each
 * ({@code optimizer.json}), so that a study started again with the same directory goes on where
 * it stopped: finished trials are not evaluated again; trials that were running are evaluated
 * again (a resumed Taskwire run answers those that finished from its own journal). The optimiser
 * is only ever used from the thread that calls {@link #run}.
 */
public final class Study {
  /** The study's journal of asks, tells and failures, one JSON object per line. */
  public static final String JOURNAL = "study.jsonl";
  /** The optimiser's state, saved after every change. */
  public static final String STATE = "optimizer.json";
  /** The trials as {@link StudyReport#writeJson} writes them, kept up to date as trials are asked and end. */
  public static final String TRIALS = "trials.json";
  /** Failures before the failure rate is judged at all. */
  public static final int MIN_FAILURES = 5;

  /** Starts the evaluation of a trial; the stage completes with its measurements, or exceptionally. */
  @FunctionalInterface
  public interface Evaluation {
    CompletionStage<? extends Map<String, Measurement>> start(Trial trial);
  }

  /**
   * What a failed evaluation becomes: with no penalty, a failed trial (the optimiser may try a
   * point like it again); with one, a completed trial with those measurements. Either way the study
   * stops once more than {@code toleratedRate} of its ended trials failed and at least
   * {@value Study#MIN_FAILURES} did (as Ax's scheduler, so that a few early failures do not end a
   * study).
   */
  public record FailurePolicy(double toleratedRate, Map<String, Measurement> penalty) {
    public FailurePolicy {
      if (!(toleratedRate >= 0 && toleratedRate <= 1)) {
        throw new IllegalArgumentException("a tolerated failure rate is between 0 and 1, got " + toleratedRate);
      }
      penalty = penalty == null ? null : Map.copyOf(penalty);
    }

    /** Failures told as such, the study stopping past {@code rate} of them. */
    public static FailurePolicy tolerate(double rate) {
      return new FailurePolicy(rate, null);
    }

    /** Failures told as the given measurements; the study stops past {@code rate} of them. */
    public static FailurePolicy penalise(Map<String, Measurement> penalty, double rate) {
      return new FailurePolicy(rate, Objects.requireNonNull(penalty, "penalty"));
    }
  }

  /** A study stopped because too many of its trials failed; the optimiser keeps every trial. */
  public static final class StudyFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StudyFailedException(String message) {
      super(message);
    }
  }

  private final Optimizer optimizer;
  private final Evaluation evaluation;
  private final int parallelism;
  private final int budget;
  private final Predicate<Optimizer> stop;
  private final FailurePolicy failures;
  private final Path directory;
  private final Consumer<String> progress;

  private Study(Builder b) {
    this.optimizer = b.optimizer;
    this.evaluation = b.evaluation;
    this.parallelism = b.parallelism;
    this.budget = b.budget;
    this.stop = b.stop;
    this.failures = b.failures;
    this.directory = b.directory;
    this.progress = b.progress;
  }

  public static Builder builder(Optimizer optimizer, Evaluation evaluation) {
    return new Builder(optimizer, evaluation);
  }

  /** A trial's end, as its evaluation's callback hands it to the driver. */
  private record Ended(Trial trial, Map<String, Measurement> measurements, Throwable failure) {}

  /**
   * Runs the study to its budget or stop condition, and returns its optimiser (its trials, best
   * trial or Pareto front).
   *
   * @throws StudyFailedException past the tolerated failure rate; trials in flight are left to end
   */
  public Optimizer run() {
    endTornLine();
    BlockingQueue<Ended> ended = new LinkedBlockingQueue<>();
    Map<Integer, Trial> inFlight = new LinkedHashMap<>();
    // Trials a killed study left running are evaluated again first.
    for (TrialRecord r : optimizer.trials()) {
      if (r.status() == TrialStatus.RUNNING) {
        journal("resumed", r.trial(), inFlight.keySet(), null);
        start(r.trial(), ended);
        inFlight.put(r.trial().id(), r.trial());
      }
    }
    int asked = optimizer.trials().size();
    int failed = (int) optimizer.trials().stream().filter(r -> r.status() == TrialStatus.FAILED).count();
    int done = (int) optimizer.trials().stream().filter(r -> r.status() != TrialStatus.RUNNING).count();
    boolean stopping = stop.test(optimizer);
    while (true) {
      while (!stopping && inFlight.size() < parallelism && asked < budget) {
        Trial trial = optimizer.ask(1).get(0);
        asked++;
        // The state first, then the journal: a kill between the two leaves the journal short of a
        // line, never the state short of a trial the journal names.
        save();
        journal("asked", trial, inFlight.keySet(), null);
        inFlight.put(trial.id(), trial);
        start(trial, ended);
      }
      if (inFlight.isEmpty()) {
        return optimizer;
      }
      Ended e;
      try {
        e = ended.take();
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("the study was interrupted with trials " + inFlight.keySet() + " in flight", ie);
      }
      inFlight.remove(e.trial().id());
      done++;
      String event;
      String why = null;
      if (e.failure() == null) {
        optimizer.tell(e.trial().id(), e.measurements());
        event = "completed";
      } else {
        failed++;
        why = describe(e.failure());
        if (failures.penalty() != null) {
          optimizer.tell(e.trial().id(), failures.penalty());
          event = "penalised";
        } else {
          optimizer.fail(e.trial().id(), why);
          event = "failed";
        }
      }
      save();
      journal(event, e.trial(), inFlight.keySet(), why);
      progress.accept(line(done, failed));
      if (failed >= MIN_FAILURES && failed > failures.toleratedRate() * done) {
        throw new StudyFailedException(failed + " of " + done + " trials failed, more than the tolerated "
            + Math.round(failures.toleratedRate() * 100) + " %; the last (trial " + e.trial().id() + "): "
            + (e.failure() == null ? "?" : describe(e.failure())));
      }
      stopping |= stop.test(optimizer);
    }
  }

  private void start(Trial trial, BlockingQueue<Ended> ended) {
    CompletionStage<? extends Map<String, Measurement>> stage;
    try {
      stage = Objects.requireNonNull(evaluation.start(trial), "the evaluation returned no stage");
    } catch (RuntimeException e) {
      ended.add(new Ended(trial, null, e));
      return;
    }
    stage.whenComplete((m, t) -> ended.add(new Ended(trial, m == null ? null : Map.copyOf(m),
        t != null ? t : m == null ? new IllegalStateException("the evaluation completed with no measurements") : null)));
  }

  private static String describe(Throwable t) {
    Throwable cause = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
    return cause.getMessage() == null ? cause.toString() : cause.getMessage();
  }

  private String line(int done, int failed) {
    String best;
    if (optimizer.objectives().size() == 1) {
      Objective o = optimizer.objectives().get(0);
      best = optimizer.best().map(r -> "best " + o.name() + " " + String.format(java.util.Locale.ROOT, "%.6g",
          r.measurements().get(o.name()).mean()) + " (trial " + r.trial().id() + ")").orElse("no trial completed");
    } else {
      best = optimizer.paretoFront().size() + " trials on the Pareto front";
    }
    return "study: " + done + "/" + budget + " trials ended, " + failed + " failed; " + best;
  }

  private void journal(String event, Trial trial, java.util.Collection<Integer> running, String reason) {
    if (directory == null) {
      return;
    }
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("event", event);
    line.put("trial", trial.id());
    line.put("at", System.currentTimeMillis());
    line.put("running", new ArrayList<>(running));
    if (event.equals("asked") || event.equals("resumed")) {
      line.put("parameters", trial.parameters());
    }
    if (reason != null) {
      line.put("reason", reason);
    }
    try {
      Files.writeString(directory.resolve(JOURNAL), Optimizers.line(line) + "\n", StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the study's journal in " + directory + ": " + e.getMessage(), e);
    }
  }

  /**
   * A study killed while writing its journal leaves a last line cut short: it is ended, so that the
   * lines this run appends stay whole JSON objects.
   */
  private void endTornLine() {
    if (directory == null) {
      return;
    }
    Path file = directory.resolve(JOURNAL);
    try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      long size = channel.size();
      java.nio.ByteBuffer last = java.nio.ByteBuffer.allocate(1);
      if (size > 0 && channel.read(last, size - 1) == 1 && last.get(0) != '\n') {
        channel.write(java.nio.ByteBuffer.wrap(new byte[] {'\n'}), size);
      }
    } catch (java.nio.file.NoSuchFileException e) {
      // a new study
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the study's journal " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The optimiser's state, and {@value #TRIALS} for those who follow the study (the dashboard, a
   * notebook): written whole to a file beside it, then moved over it, so that a reader never sees
   * half of one.
   */
  private void save() {
    if (directory != null) {
      Optimizers.save(optimizer, directory.resolve(STATE));
      try {
        Path next = directory.resolve(TRIALS + ".next");
        StudyReport.writeJson(optimizer, next);
        Files.move(next, directory.resolve(TRIALS), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the study's trials in " + directory + ": " + e.getMessage(), e);
      }
    }
  }

  /** Builds a {@link Study}. */
  public static final class Builder {
    private Optimizer optimizer;
    private final Evaluation evaluation;
    private int parallelism = 4;
    private int budget = -1;
    private Predicate<Optimizer> stop = o -> false;
    private FailurePolicy failures = FailurePolicy.tolerate(0.5);
    private Path directory;
    private Consumer<String> progress = line -> System.err.println(line);

    private Builder(Optimizer optimizer, Evaluation evaluation) {
      this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
      this.evaluation = Objects.requireNonNull(evaluation, "evaluation");
    }

    /** Trials in flight at once (default 4). */
    public Builder parallelism(int q) {
      if (q < 1) {
        throw new IllegalArgumentException("a study needs at least one trial in flight, got " + q);
      }
      this.parallelism = q;
      return this;
    }

    /** Trials in all, those of an earlier run of the study included; required. */
    public Builder budget(int trials) {
      if (trials < 1) {
        throw new IllegalArgumentException("a study's budget is at least one trial, got " + trials);
      }
      this.budget = trials;
      return this;
    }

    /** Asks for no new trial once this holds (trials in flight still end). */
    public Builder stopWhen(Predicate<Optimizer> condition) {
      this.stop = Objects.requireNonNull(condition, "condition");
      return this;
    }

    /** What failed evaluations become (default: told as failures, at most half of the trials). */
    public Builder failures(FailurePolicy policy) {
      this.failures = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Where the study journals and saves its optimiser; a study started again with it resumes. */
    public Builder directory(Path dir) {
      this.directory = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /** Where the progress line goes after each trial (default: standard error). */
    public Builder progress(Consumer<String> lines) {
      this.progress = Objects.requireNonNull(lines, "lines");
      return this;
    }

    /**
     * The study; with a directory that holds a saved optimiser, that optimiser (of the same kind)
     * takes the given one's place.
     */
    public Study build() {
      if (budget < 0) {
        throw new IllegalArgumentException("give the study a budget of trials (Study.Builder.budget)");
      }
      if (directory != null) {
        try {
          Files.createDirectories(directory);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot create the study's directory " + directory + ": " + e.getMessage(), e);
        }
        Path state = directory.resolve(STATE);
        if (Files.exists(state)) {
          Optimizer saved;
          try {
            saved = Optimizers.load(state, optimizer.space(), optimizer.objectives());
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot go on with the study saved in " + directory + ": "
                + e.getMessage() + "; or give another directory to start a new study", e);
          }
          if (!saved.name().equals(optimizer.name())) {
            throw new IllegalArgumentException(state + " holds a study of optimiser '" + saved.name()
                + "', not '" + optimizer.name() + "'; give another directory, or the same optimiser");
          }
          optimizer = saved;
        }
      }
      if (failures.penalty() != null) {
        for (Objective o : optimizer.objectives()) {
          if (!failures.penalty().containsKey(o.name())) {
            throw new IllegalArgumentException("the penalty gives no value for objective '" + o.name() + "'");
          }
        }
      }
      return new Study(this);
    }
  }
}
