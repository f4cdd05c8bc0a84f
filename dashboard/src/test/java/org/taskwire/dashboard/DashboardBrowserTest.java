package org.taskwire.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.taskwire.internal.journal.JournalRecord;
import org.taskwire.internal.journal.JournalWriter;
import org.taskwire.internal.journal.RunDirectory;

/**
 * The dashboard as a person sees it, in Debian's chromium driven by its chromedriver (installed by
 * {@code .ci/chromium}): the runs page, a run's graph and counts, a failure whose message is markup
 * shown as text, its log one click away, an update arriving while the page is open, no JavaScript
 * error and nothing loaded from beyond the dashboard. Screenshots go to {@code target/screenshots}.
 */
class DashboardBrowserTest {
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final String RUN = "20261206-0900-detector";
  private static final long T0 = System.currentTimeMillis() - 60_000;
  private static final String HOSTILE = "<img src=x onerror=\"window.pwned=1\"><script>window.pwned=2</script> bad";
  @TempDir static Path runs;
  @TempDir static Path profile;
  @TempDir static Path logs;
  private static ChromeDriver browser;
  private static Dashboard dashboard;
  private static JournalWriter journal;

  @BeforeAll
  static void start() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(CHROMIUM),
        "Debian's chromium and chromium-driver are not installed (.ci/chromium installs them)");
    journal = newRun(RUN, "demo.Detector", "detector", "local");
    for (long i = 1; i <= 8; i++) {
      journal.append(new JournalRecord.CallDeclared(i, "k/" + i, "demo.Detector#simulate", 1, List.of()));
      journal.append(new JournalRecord.CallSubmitted(i, 1, Map.of("worker", String.valueOf(i % 2), "pid",
          String.valueOf(100 + i % 2), "log", logs.resolve("w.txt").toString())));
    }
    // Two workers, each running its calls one after another for a second.
    for (long i = 1; i <= 6; i++) {
      long start = T0 + (i - 1) / 2 * 1000;
      journal.append(new JournalRecord.CallSucceeded(i, 1, "json", new byte[] {'1'}, null, start, start + 900));
    }
    Files.writeString(logs.resolve("w.txt"), "taskwire-wrapper: >>> call 7 attempt 1 starts\n"
        + "Exception in simulate: the geometry <b>overlaps</b>\ntaskwire-wrapper: <<< call 7 attempt 1 ends\n");
    journal.append(new JournalRecord.CallFailed(7, 1, "REMOTE", "demo.GeometryException", HOSTILE, "trace",
        logs.resolve("w.txt").toString(), null, T0 + 3000, T0 + 3500));
    journal.append(new JournalRecord.CallDeclared(9, "k/9", "demo.Detector#merge", 2, List.of(1L, 2L, 3L)));
    journal.flush();
    dashboard = Dashboard.start(runs);

    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--window-size=1280,1000", "--user-data-dir=" + profile);
    LoggingPreferences logging = new LoggingPreferences();
    logging.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logging);
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (dashboard != null) {
      dashboard.close();
    }
    if (journal != null) {
      journal.close();
    }
  }

  /** A new run's journal, its first line written. */
  private static JournalWriter newRun(String id, String workflowClass, String name, String backend)
      throws java.io.IOException {
    JournalWriter w = JournalWriter.open(RunDirectory.create(runs, id).journal());
    w.append(new JournalRecord.RunStarted(id, workflowClass, name, backend, System.currentTimeMillis(), 1L, "class",
        Map.of(), Map.of(), null));
    return w;
  }

  private static WebDriverWait waiting() {
    return new WebDriverWait(browser, Duration.ofSeconds(20), Duration.ofMillis(25));
  }

  private static Object js(String script) {
    return ((JavascriptExecutor) browser).executeScript(script);
  }

  private static void screenshot(String name) throws Exception {
    Path dir = Files.createDirectories(Path.of("target", "screenshots"));
    File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    Files.copy(shot.toPath(), dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * A run of 100,000 calls in three steps: its page shows the counts (aggregated on the server), and
   * how long the first view and an update take is printed for the closing note, not asserted.
   */
  @Test
  void aRunOfAHundredThousandCallsShowsItsCountsAndUpdates() throws Exception {
    String big = "20261206-1000-large";
    try (JournalWriter w = newRun(big, "demo.Detector", "large", "slurm")) {
      long id = 0;
      String[] steps = {"simulate", "reconstruct", "analyse"};
      int[] sizes = {50_000, 40_000, 10_000};
      for (int s = 0; s < steps.length; s++) {
        for (int i = 0; i < sizes[s]; i++) {
          id++;
          List<Long> inputs = s == 0 ? List.of() : List.of(id - sizes[s - 1]);
          w.append(new JournalRecord.CallDeclared(id, "k/" + id, "demo.Detector#" + steps[s], s + 1, inputs));
          w.append(new JournalRecord.CallSubmitted(id, 1, Map.of("system", "Slurm", "task", String.valueOf(7000 + s))));
          if (s < 2 || i % 2 == 0) {
            w.append(new JournalRecord.CallSucceeded(id, 1, "json", new byte[] {'1'}, null, T0 + id, T0 + id + 50));
          }
        }
      }
      w.flush();
      browser.get("http://127.0.0.1:" + dashboard.port() + "/runs/" + big + "?token=" + dashboard.token());
      waiting().until(b -> ((Number) js("return window.taskwire ? window.taskwire.snapshots : 0")).intValue() > 0);
      long firstView = Math.round(((Number) js("return window.taskwire.firstRender")).doubleValue());
      assertThat(browser.findElement(By.id("counts")).getText()).startsWith("95000/100000 calls ended");
      assertThat(((Number) js("return document.getElementsByTagName('*').length")).intValue())
          .as("elements on the page: counts, not calls").isLessThan(2_000);
      assertThat(js("return streamChart.getOption().series.reduce((n, s) => n + s.data.length, 0)"))
          .as("the task stream's newest calls").isEqualTo((long) TaskStream.BARS);
      long appended = System.nanoTime();
      w.append(new JournalRecord.CallSucceeded(90_002, 1, "json", new byte[] {'1'}));
      w.flush();
      waiting().until(b -> b.findElement(By.id("counts")).getText().startsWith("95001/100000 calls ended"));
      System.out.printf("dashboard: a run of 100,000 calls: first view %d ms after navigation began, an update shown "
          + "%d ms after its journal line%n", firstView, (System.nanoTime() - appended) / 1_000_000);
      screenshot("large-run.png");
    }
  }

  /**
   * A study running while its page is open: its trials, its Pareto front with each point's
   * parameters on hover, its hypervolume and parallel coordinates, updated as trials end.
   */
  @Test
  void aStudysPageFollowsItsTrialsAndFront(@TempDir Path studyDir) throws Exception {
    org.taskwire.optimize.SearchSpace space = org.taskwire.optimize.SearchSpace.builder().range("x", 0, 1)
        .range("y", 0, 1).choice("magnet", "solenoid", "toroid").build();
    List<org.taskwire.optimize.Objective> objectives = List.of(
        org.taskwire.optimize.Objective.minimize("resolution").withThreshold(2.0),
        org.taskwire.optimize.Objective.minimize("cost").withThreshold(2.0));
    java.util.concurrent.CompletableFuture<Void> release = new java.util.concurrent.CompletableFuture<>();
    org.taskwire.optimize.Study study = org.taskwire.optimize.Study.builder(
        org.taskwire.optimize.Optimizers.sobol(space, objectives, 7), trial -> {
          double x = trial.number("x");
          double y = trial.number("y");
          Map<String, org.taskwire.optimize.Measurement> m = Map.of(
              "resolution", org.taskwire.optimize.Measurement.of(x + 0.1 * y),
              "cost", org.taskwire.optimize.Measurement.of(1 - x * x + 0.1 * y));
          // The last four wait until the page has shown the first eight.
          return trial.id() < 8 ? java.util.concurrent.CompletableFuture.completedFuture(m) : release.thenApply(v -> m);
        }).budget(12).parallelism(4).directory(studyDir).progress(line -> { }).build();
    Thread driver = new Thread(study::run, "study");
    driver.start();
    try (Dashboard withStudy = Dashboard.start(runs, "127.0.0.1", 0, List.of(studyDir))) {
      browser.get("http://127.0.0.1:" + withStudy.port() + "/?token=" + withStudy.token());
      WebElement link = waiting().until(b -> b.findElements(By.cssSelector("#studies tbody a")).stream().findFirst()
          .orElse(null));
      assertThat(link.getText()).isEqualTo(studyDir.toAbsolutePath().normalize().toString());
      link.click();
      waiting().until(b -> b.findElement(By.id("counts")).getText().startsWith("8 of 12 trials ended"));
      @SuppressWarnings("unchecked")
      Map<String, Object> pareto = (Map<String, Object>) js("const o = charts.pareto.getOption();"
          + "return {dominated: o.series[0].data.length, front: o.series[1].data.length,"
          + " tip: o.tooltip[0].formatter({data: o.series[1].data[0]}),"
          + " best: window.taskwire.last.study.trials.filter(t => t.best).length}");
      assertThat(((Number) pareto.get("dominated")).intValue() + ((Number) pareto.get("front")).intValue())
          .as("every completed trial drawn").isEqualTo(8);
      assertThat(((Number) pareto.get("front")).intValue()).isEqualTo(((Number) pareto.get("best")).intValue())
          .isPositive();
      assertThat((String) pareto.get("tip")).contains("trial ", "x = ", "y = ", "magnet = ", "resolution = ");
      assertThat(js("return charts.parallel.getOption().parallelAxis.map(a => a.name).join()"))
          .isEqualTo("x,y,magnet,resolution,cost");
      assertThat(browser.findElements(By.cssSelector("#trials tbody tr"))).hasSize(12);

      release.complete(null);
      waiting().until(b -> b.findElement(By.id("counts")).getText().startsWith("12 of 12 trials ended"));
      assertThat(((Number) js("return charts.progress.getOption().series[0].data.length")).intValue())
          .as("the hypervolume after each of the 12").isEqualTo(12);
      browser.findElements(By.cssSelector("#trials th")).stream().filter(th -> th.getText().equals("cost")).findFirst()
          .orElseThrow().click();
      List<Double> costs = browser.findElements(By.cssSelector("#trials tbody tr td:nth-child(7)")).stream()
          .map(td -> Double.parseDouble(td.getText())).toList();
      assertThat(costs).as("sorted by cost").isSorted();
      js("window.scrollTo(0, 0)");
      screenshot("study.png");
      assertThat(browser.manage().logs().get(LogType.BROWSER).getAll().stream()
          .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())).as("JavaScript errors").isEmpty();
    } finally {
      release.complete(null);
      driver.join(30_000);
    }
  }

  /**
   * A person stops a running run from its page: the button asks first, the request carries the
   * token in its header, the client is killed, and the page shows the run interrupted.
   */
  @Test
  void theStopButtonKillsTheRunsClient() throws Exception {
    String held = "20261206-1100-held";
    RunDirectory dir = RunDirectory.at(runs.resolve(held));
    try (JournalWriter w = newRun(held, "demo.Holder", "held", "inprocess")) {
      w.append(new JournalRecord.CallDeclared(1, "k/1", "demo.Holder#simulate", 1, List.of()));
      w.flush();
    }
    Process client = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), RunHolder.class.getName(), dir.path().toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(client.getInputStream())).readLine())
          .isEqualTo("holding");
      browser.get("http://127.0.0.1:" + dashboard.port() + "/runs/" + held + "?token=" + dashboard.token());
      WebElement stop = waiting().until(b -> {
        WebElement button = b.findElement(By.id("kill"));
        return button.isDisplayed() ? button : null;
      });
      assertThat(browser.findElement(By.id("state")).getText()).isEqualTo("running");
      // A task's calls cancelled: the button asks, then leaves the request for the run's client.
      browser.findElement(By.cssSelector("#tasks button.cancel[data-task='1']")).click();
      org.openqa.selenium.Alert sure = waiting().until(org.openqa.selenium.support.ui.ExpectedConditions.alertIsPresent());
      assertThat(sure.getText()).contains("Cancel the calls of task 1");
      sure.accept();
      waiting().until(b -> b.findElement(By.id("action")).getText().startsWith("asked the client to cancel 1 calls"));
      assertThat(dir.requests().resolve("cancel-1")).exists();
      stop.click();
      org.openqa.selenium.Alert ask = waiting().until(org.openqa.selenium.support.ui.ExpectedConditions.alertIsPresent());
      assertThat(ask.getText()).contains("Stop run " + held);
      ask.accept();
      waiting().until(b -> b.findElement(By.id("action")).getText().startsWith("stopped: "));
      assertThat(browser.findElement(By.id("action")).getText()).isEqualTo("stopped: client pid " + client.pid());
      assertThat(client.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).as("the client was killed").isTrue();
      waiting().until(b -> b.findElement(By.id("state")).getText().equals("interrupted"));
      assertThat(browser.findElement(By.id("kill")).isDisplayed()).as("nothing left to stop").isFalse();
      screenshot("stopped.png");
    } finally {
      client.destroyForcibly();
    }
  }

  @Test
  void aPersonFollowsARunFromTheRunsPageToAFailuresLog() throws Exception {
    browser.get(dashboard.address().toString());
    // Other tests' runs may be listed too: the filter keeps this one.
    waiting().until(b -> !b.findElements(By.cssSelector("#runs tbody a")).isEmpty());
    browser.findElement(By.id("filter")).sendKeys("detector");
    WebElement link = waiting().until(b -> {
      List<WebElement> links = b.findElements(By.cssSelector("#runs tbody a"));
      return links.size() == 1 ? links.get(0) : null;
    });
    List<String> cells = browser.findElements(By.cssSelector("#runs tbody tr:first-child td")).stream()
        .map(WebElement::getText).toList();
    assertThat(cells.get(1)).isEqualTo("detector");
    assertThat(cells.get(3)).isEqualTo("interrupted");
    assertThat(cells.get(4)).isEqualTo("7/9");
    screenshot("runs.png");
    link.click();

    waiting().until(b -> ((Number) js("return window.taskwire ? window.taskwire.snapshots : 0")).intValue() > 0);
    assertThat(browser.findElement(By.id("title")).getText()).contains("detector", RUN, "local");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> nodes = (List<Map<String, Object>>) js(
        "return echarts.getInstanceByDom(document.getElementById('graph')).getOption().series[0].data"
        + ".map(n => ({name: n.name, label: n.label.formatter, x: n.x}))");
    assertThat(nodes).extracting(n -> n.get("name")).containsExactly("simulate", "merge");
    assertThat((String) nodes.get(0).get("label")).contains("✔ 6", "✖ 1", "… 1 of 8");
    assertThat(((Number) nodes.get(1).get("x")).doubleValue()).as("merge drawn after the step it takes from")
        .isGreaterThan(((Number) nodes.get(0).get("x")).doubleValue());
    assertThat(js("return echarts.getInstanceByDom(document.getElementById('graph')).getOption().series[0].links"
        + ".map(l => l.source + '>' + l.target).join()")).isEqualTo("simulate>merge");

    // The task stream: a row per worker, each ended call a bar where it ran, the failure red.
    @SuppressWarnings("unchecked")
    Map<String, Object> stream = (Map<String, Object>) js("const o = streamChart.getOption();"
        + "return {lanes: o.yAxis[0].data, series: o.series.map(s => s.name),"
        + " bars: o.series.flatMap(s => s.data.map(d => d.value[0] + ':' + d.value[1] + '-' + d.value[2]"
        + " + (d.itemStyle ? ' red' : '')))}");
    assertThat(stream.get("lanes")).isEqualTo(List.of("worker 0 (pid 100)", "worker 1 (pid 101)"));
    assertThat(stream.get("series")).isEqualTo(List.of("simulate"));
    // Calls 1, 3, 5 and 7 ran on worker 1; 2, 4, 6 on worker 0; in seconds from the first start.
    @SuppressWarnings("unchecked")
    List<String> bars = (List<String>) stream.get("bars");
    assertThat(bars).containsExactlyInAnyOrder("1:0-900", "0:0-900", "1:1000-1900",
        "0:1000-1900", "1:2000-2900", "0:2000-2900", "1:3000-3500 red");

    // A click on the failed call's bar shows its log lines.
    WebElement streamChart = browser.findElement(By.id("stream"));
    @SuppressWarnings("unchecked")
    List<Number> at = (List<Number>) js("return streamChart.convertToPixel({gridIndex: 0}, [3250, 1])");
    new org.openqa.selenium.interactions.Actions(browser).moveToElement(streamChart,
        at.get(0).intValue() - streamChart.getSize().getWidth() / 2,
        at.get(1).intValue() - streamChart.getSize().getHeight() / 2).click().perform();
    WebElement barLog = waiting().until(b -> {
      WebElement pre = b.findElement(By.id("log"));
      return pre.isDisplayed() && "7".equals(pre.getAttribute("data-call")) ? pre : null;
    });
    assertThat(barLog.getText()).contains("the geometry <b>overlaps</b>");
    js("document.getElementById('log').hidden = true; delete document.getElementById('log').dataset.call");

    WebElement failure = browser.findElement(By.cssSelector("#failures tbody tr"));
    List<WebElement> f = failure.findElements(By.tagName("td"));
    assertThat(f.get(5).getText()).as("the message shown as the text it is").isEqualTo(HOSTILE);
    assertThat(f.get(4).getText()).isEqualTo("demo.GeometryException");
    assertThat(js("return window.pwned === undefined")).as("no markup from a journal ran").isEqualTo(true);
    f.get(6).findElement(By.tagName("a")).click();
    WebElement log = waiting().until(b -> {
      WebElement pre = b.findElement(By.id("log"));
      return pre.isDisplayed() && !pre.getText().isEmpty() ? pre : null;
    });
    assertThat(log.getText()).contains("the geometry <b>overlaps</b>");
    screenshot("run.png");

    // A line journaled while the page is open reaches it without a reload.
    long appended = System.nanoTime();
    journal.append(new JournalRecord.CallSucceeded(8, 1, "json", new byte[] {'1'}, null, T0 + 3000, T0 + 4000));
    journal.flush();
    waiting().until(b -> b.findElement(By.id("counts")).getText().startsWith("8/9 calls ended"));
    assertThat(js("return streamChart.getOption().series[0].data.length")).as("the new call's bar").isEqualTo(8L);
    System.out.printf("dashboard: the page showed a journal line %d ms after it was written%n",
        (System.nanoTime() - appended) / 1_000_000);

    List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
    assertThat(errors).as("JavaScript errors").isEmpty();
    String origin = "http://127.0.0.1:" + dashboard.port() + "/";
    @SuppressWarnings("unchecked")
    List<String> loaded = (List<String>) js("return performance.getEntriesByType('resource').map(e => e.name)");
    assertThat(loaded).as("what the page loaded").isNotEmpty().allMatch(u -> u.startsWith(origin));
  }
}
