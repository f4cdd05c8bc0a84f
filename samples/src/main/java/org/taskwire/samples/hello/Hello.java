package org.taskwire.samples.hello;

import java.util.List;
import org.taskwire.AsyncResult;
import org.taskwire.MapResult;
import org.taskwire.WorkflowRun;
import org.taskwire.annotations.Work;
import org.taskwire.annotations.Workflow;

/** The smallest workflow: one work method, called the three ways the generated proxy offers. */
@Workflow(name = "hello")
public final class Hello {
  private Hello() {}

  /** Runs as a job: says hello from the worker's process. */
  @Work(memoryMb = 256)
  static String greet(String name) {
    return "Hello, " + name + ", from process " + ProcessHandle.current().pid();
  }

  /** Greets once blocking, once asynchronously, and three names in one fan-out. */
  public static void run(WorkflowRun.Builder config) {
    try (WorkflowRun run = config.start()) {
      System.out.println("backend: " + run.backendName() + ", client process " + ProcessHandle.current().pid());
      System.out.println(HelloTasks.greet("world"));
      AsyncResult<String> later = HelloTasks.greetAsync("async world");
      System.out.println(later.await());
      MapResult<HelloTasks.GreetArgs, String> many = HelloTasks.greetMap(List.of(
          new HelloTasks.GreetArgs("Ada"), new HelloTasks.GreetArgs("Grace"), new HelloTasks.GreetArgs("Barbara")));
      many.forEach((args, outcome) -> System.out.println(args.name() + " -> " + outcome.value()));
    }
  }

  public static void main(String[] args) {
    run(HelloTasks.builder());
  }
}
