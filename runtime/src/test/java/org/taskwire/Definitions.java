package org.taskwire;

import java.util.List;
import org.taskwire.spi.JobOptions;
import org.taskwire.spi.TypeRef;
import org.taskwire.spi.WorkDefinition;
import org.taskwire.spi.WorkflowDefinition;

/** Hand-written definitions, shaped like generated ones, for runtime unit tests. */
public final class Definitions {
  private Definitions() {}

  public record Point(double x, double y) {}

  public record ScaleArgs(List<Point> points, double factor) {}

  public record NameArgs(String name) {}

  public static final WorkDefinition<ScaleArgs, List<Point>> SCALE = WorkDefinition.of(
      "demo.Geometry", "scale", "scale(List<Point>, double)", ScaleArgs.class, new TypeRef<List<Point>>() {},
      List.of(Point.class), JobOptions.builder().cores(4).build(),
      a -> a.points().stream().map(p -> new Point(p.x() * a.factor(), p.y() * a.factor())).toList());

  public static final WorkDefinition<NameArgs, String> GREET = WorkDefinition.of(
      "demo.Geometry", "greet", "greet(String)", NameArgs.class, TypeRef.of(String.class), List.of(),
      JobOptions.NONE, a -> "hello " + a.name());

  public static final WorkflowDefinition GEOMETRY = WorkflowDefinition.of("demo.Geometry", "geometry",
      JobOptions.builder().memoryMb(3000).maxAttempts(2).queue("Q1").build(), List.of(), List.of(SCALE, GREET));
}
