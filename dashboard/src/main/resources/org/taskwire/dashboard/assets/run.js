"use strict";
// A run's page: pushed a new snapshot (server-sent events) whenever the run's journal grows.
const runId = decodeURIComponent(location.pathname.split("/").pop());
const chart = echarts.init(document.getElementById("graph"), null, {renderer: "canvas"});
const streamChart = echarts.init(document.getElementById("stream"), null, {renderer: "canvas"});
window.taskwire = {snapshots: 0, last: null};
const palette = ["#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#9c755f", "#ff9da7"];
const FAILED = "#d9534f";

// Each step a node, in columns by depth along the recorded dependencies.
function layout(steps, edges) {
  const depth = {};
  for (const s of steps) depth[s.work] = 0;
  for (let pass = 0; pass < steps.length; pass++) {
    for (const e of edges) {
      if (depth[e.to] !== undefined && depth[e.from] !== undefined && depth[e.to] < depth[e.from] + 1) {
        depth[e.to] = depth[e.from] + 1;
      }
    }
  }
  const column = {};
  return steps.map(s => {
    const d = depth[s.work];
    column[d] = (column[d] || 0) + 1;
    return {x: d * 260, y: column[d] * 90};
  });
}

function drawGraph(steps, edges) {
  const places = layout(steps, edges);
  const nodes = steps.map((s, i) => ({
    name: s.work, x: places[i].x, y: places[i].y, value: s,
    label: {formatter: [s.work, "✔ " + s.succeeded + "  ✖ " + s.failed, "… " + (s.waiting + s.queued + s.running) + " of " + s.calls].join("\n")},
    itemStyle: {color: s.failed > 0 ? "#d9534f" : s.succeeded === s.calls ? "#5cb85c" : "#5bc0de"}
  }));
  chart.setOption({
    animation: false,
    tooltip: {formatter: p => p.dataType === "node"
      ? escapeHtml(p.data.value.work) + "<br>" + ["waiting", "queued", "running", "succeeded", "failed", "notRun"]
          .map(k => k + ": " + p.data.value[k]).join("<br>")
      : escapeHtml(p.data.source) + " → " + escapeHtml(p.data.target)},
    series: [{
      type: "graph", layout: "none", roam: true, symbol: "roundRect", symbolSize: [170, 62], edgeSymbol: ["none", "arrow"],
      edgeSymbolSize: 10,
      label: {show: true, color: "#111", fontSize: 12, lineHeight: 17},
      data: nodes, links: edges.map(e => ({source: e.from, target: e.to})), lineStyle: {width: 2, color: "#888"}
    }]
  });
}

// One bar from a call's start to its end, in its row (ECharts' custom series, as its Gantt examples do).
function bar(params, api) {
  const from = api.coord([api.value(1), api.value(0)]);
  const to = api.coord([api.value(2), api.value(0)]);
  const height = api.size([0, 1])[1] * 0.7;
  const shape = echarts.graphic.clipRectByRect(
    {x: from[0], y: from[1] - height / 2, width: Math.max(to[0] - from[0], 2), height: height},
    {x: params.coordSys.x, y: params.coordSys.y, width: params.coordSys.width, height: params.coordSys.height});
  return shape && {type: "rect", shape: shape, style: api.style()};
}

// The newest ended calls, a row per worker, pilot or job, a series (colour) per step; failures red.
function drawStream(stream) {
  const bars = stream.bars;
  const t0 = bars.length ? Math.min(...bars.map(b => b[1])) : 0;
  document.getElementById("stream-total").textContent = bars.length
    ? "(the newest " + bars.length + " ended calls, on " + stream.lanes.length + " rows)" : "(no call has ended yet)";
  document.getElementById("stream").style.height = Math.min(560, Math.max(140, 60 + 24 * stream.lanes.length)) + "px";
  streamChart.resize();
  streamChart.setOption({
    animation: false,
    legend: {top: 0},
    grid: {left: 10, right: 20, top: 30, bottom: 30, containLabel: true},
    tooltip: {formatter: p => escapeHtml(p.seriesName) + " call " + p.value[4] + (p.value[5] ? " failed" : "")
      + "<br>" + escapeHtml(stream.lanes[p.value[0]]) + "<br>" + ((p.value[2] - p.value[1]) / 1000).toFixed(3) + " s"},
    xAxis: {type: "value", min: 0, name: "s", axisLabel: {formatter: v => (v / 1000).toString()}},
    yAxis: {type: "category", data: stream.lanes, inverse: true, triggerEvent: true},
    series: stream.works.map((work, w) => ({
      type: "custom", name: work, renderItem: bar, itemStyle: {color: palette[w % palette.length]},
      encode: {x: [1, 2], y: 0},
      data: bars.filter(b => b[3] === w).map(b => ({value: [b[0], b[1] - t0, b[2] - t0, b[3], b[4], b[5]],
        itemStyle: b[5] ? {color: FAILED} : undefined}))
    }))
  }, {replaceMerge: ["series"]});
}

// A changing request: a POST with the token in its header (the page's meta element), its answer shown.
async function act(path, doing, done, refused) {
  const action = document.getElementById("action");
  action.hidden = false;
  action.textContent = doing;
  const response = await fetch("/api/runs/" + encodeURIComponent(runId) + path, {method: "POST",
    headers: {"X-Taskwire-Token": document.querySelector("meta[name=taskwire-token]").content}});
  action.textContent = response.ok ? done(await response.json()) : refused + await response.text();
}

// Stops the run (its client, then what its calls run), after asking.
function kill() {
  if (!confirm("Stop run " + runId + "? Its client and what its calls still run are stopped; it can be resumed.")) return;
  act("/kill", "stopping run " + runId + " …",
    a => a.killed.length ? "stopped: " + a.killed.join(", ") : "nothing of it was running", "not stopped: ");
}
document.getElementById("kill").addEventListener("click", kill);

// Cancels a task's calls not yet ended, after asking: the run's client cancels them as their caller would.
function cancelTask(task) {
  if (!confirm("Cancel the calls of task " + task + " that have not ended?")) return;
  act("/tasks/" + task + "/cancel", "cancelling task " + task + " …",
    a => "asked the client to cancel " + a.requested.length + " calls of task " + task, "not cancelled: ");
}

// A bar shows its call's log lines; a PanDA job's row opens its page on the monitor, where PANDAMON_URL is set.
streamChart.on("click", p => {
  if (p.componentType === "series") {
    showLog(p.value[4]);
  } else if (p.componentType === "yAxis") {
    const job = /^PanDA job (\d+)/.exec(p.value);
    const pandamon = window.taskwire.last && window.taskwire.last.pandamon;
    if (job && pandamon) window.open(pandamon.replace(/\/$/, "") + "/job?pandaid=" + job[1], "_blank", "noreferrer");
  }
});

async function showLog(callId) {
  const pre = document.getElementById("log");
  const response = await fetch("/api/runs/" + encodeURIComponent(runId) + "/calls/" + callId + "/log");
  pre.textContent = await response.text();
  pre.dataset.call = callId;
  pre.hidden = false;
}

// A task's backend handles, a PanDA task linked to the monitor where PANDAMON_URL is set.
function handles(list, pandamon) {
  const span = el("span");
  list.forEach((h, i) => {
    if (i > 0) span.appendChild(document.createTextNode(", "));
    const panda = /^PanDA task (\d+)$/.exec(h);
    if (panda && pandamon) {
      const a = el("a", h);
      a.href = pandamon.replace(/\/$/, "") + "/task/" + panda[1] + "/";
      a.rel = "noreferrer";
      span.appendChild(a);
    } else {
      span.appendChild(document.createTextNode(h));
    }
  });
  return span;
}

function render(snapshot) {
  window.taskwire.snapshots++;
  if (window.taskwire.snapshots === 1) {
    // For the browser test's measure of a large run's first view: milliseconds since navigation began.
    window.taskwire.firstRender = performance.now();
  }
  window.taskwire.last = snapshot;
  showError(snapshot.error);
  const s = snapshot.summary;
  if (!s) return;
  document.title = "Taskwire " + s.workflow + " " + s.runId.substring(0, 12);
  document.getElementById("title").textContent = s.workflow + " · " + s.runId + " · " + s.backend;
  const state = document.getElementById("state");
  state.textContent = s.state;
  state.className = "state " + s.state;
  document.getElementById("kill").hidden = s.state !== "running" || s.pid === snapshot.servedBy;
  const ended = s.succeeded + s.failed + s.notRun;
  document.querySelector("#progress .bar").style.width = (s.calls ? 100 * ended / s.calls : 0) + "%";
  document.getElementById("counts").textContent = ended + "/" + s.calls + " calls ended: " + s.succeeded
    + " succeeded, " + s.failed + " failed, " + s.notRun + " never ran; " + s.waiting + " waiting for inputs, "
    + (s.pending - s.waiting) + " queued or running";
  drawGraph(snapshot.steps, snapshot.edges);
  drawStream(snapshot.stream);
  document.getElementById("failures-total").textContent = "(" + snapshot.failuresTotal + ")";
  replaceRows(document.querySelector("#failures tbody"), snapshot.failures.slice().reverse().map(f => {
    const link = el("a", "log");
    link.href = "#log";
    link.className = "log-link";
    link.dataset.call = f.callId;
    link.addEventListener("click", () => showLog(f.callId));
    return row([f.callId, f.work, f.attempt, f.kind, f.remoteClass, f.message, f.logLocation ? link : "—"]);
  }));
  document.getElementById("tasks-total").textContent = "(" + snapshot.tasksTotal + ")";
  replaceRows(document.querySelector("#tasks tbody"), snapshot.tasks.slice().reverse().map(t => {
    let cancel = "";
    if (s.state === "running" && t.pending > 0) {
      cancel = el("button", "cancel");
      cancel.type = "button";
      cancel.className = "cancel";
      cancel.dataset.task = t.task;
      cancel.addEventListener("click", () => cancelTask(t.task));
    }
    return row([t.task, t.work, t.calls, t.succeeded, t.failed, t.pending, handles(t.handles, snapshot.pandamon), cancel]);
  }));
}

const events = new EventSource("/api/runs/" + encodeURIComponent(runId) + "/events");
events.addEventListener("run", e => render(JSON.parse(e.data)));
window.addEventListener("resize", () => { chart.resize(); streamChart.resize(); });
