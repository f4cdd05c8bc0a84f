"use strict";
// A study's page: pushed its trials (server-sent events) whenever the study's trials.json changes.
const studyIndex = location.pathname.split("/").pop();
const charts = {
  progress: echarts.init(document.getElementById("progress-chart")),
  pareto: echarts.init(document.getElementById("pareto-chart")),
  parallel: echarts.init(document.getElementById("parallel-chart"))
};
window.taskwire = {renders: 0, last: null};
let sortKey = "id";
let descending = false;

function value(t, name) {
  const m = t.measurements && t.measurements[name];
  return m ? m.mean : null;
}

function describe(t, study) {
  const lines = ["trial " + t.id + " (" + t.status + ")"];
  for (const p of study.space.parameters) lines.push(p.name + " = " + t.parameters[p.name]);
  for (const o of study.objectives) lines.push(o.name + " = " + value(t, o.name));
  return lines.map(escapeHtml).join("<br>");
}

function drawProgress(view, study) {
  const progress = view.progress;
  const single = study.objectives.length === 1;
  document.getElementById("progress-title").textContent = single ? "Best value against evaluations" : "Hypervolume against evaluations";
  const series = [];
  if (single) {
    const o = study.objectives[0];
    const order = {};
    progress.forEach(p => order[p.trial] = p.evaluations);
    series.push({name: "trials", type: "scatter", symbolSize: 7,
      data: study.trials.filter(t => t.status === "completed").map(t => ({value: [order[t.id], value(t, o.name)], trial: t}))});
    series.push({name: "best so far", type: "line", step: "end", showSymbol: false, data: progress.map(p => [p.evaluations, p.best])});
  } else {
    series.push({name: "hypervolume", type: "line", showSymbol: false, data: progress.map(p => [p.evaluations, p.hypervolume])});
  }
  charts.progress.setOption({
    animation: false, legend: {}, grid: {left: 60, right: 30},
    tooltip: {trigger: "item", formatter: p => p.data && p.data.trial ? describe(p.data.trial, study) : escapeHtml(p.seriesName + ": " + p.value[1])},
    xAxis: {type: "value", name: "evaluations", minInterval: 1},
    yAxis: {type: "value", name: single ? study.objectives[0].name : "hypervolume", scale: true},
    series: series
  }, true);
}

function drawPareto(study) {
  const two = study.objectives.length === 2;
  document.getElementById("pareto-section").hidden = !two;
  if (!two) return;
  const [a, b] = study.objectives;
  const done = study.trials.filter(t => t.status === "completed");
  const point = t => ({value: [value(t, a.name), value(t, b.name)], trial: t});
  charts.pareto.resize();
  charts.pareto.setOption({
    animation: false, legend: {}, grid: {left: 70, right: 30},
    tooltip: {trigger: "item", formatter: p => describe(p.data.trial, study)},
    xAxis: {type: "value", name: a.name + " (" + a.direction + ")", scale: true},
    yAxis: {type: "value", name: b.name + " (" + b.direction + ")", scale: true},
    series: [
      {name: "dominated", type: "scatter", symbolSize: 8, itemStyle: {color: "#aab"}, data: done.filter(t => !t.best).map(point)},
      {name: "Pareto front", type: "scatter", symbolSize: 11, itemStyle: {color: "#d9534f"}, data: done.filter(t => t.best).map(point)}
    ]
  }, true);
}

function drawParallel(study) {
  const axes = [];
  for (const p of study.space.parameters) {
    axes.push(p.type === "choice" ? {name: p.name, type: "category", data: p.values.map(String)} : {name: p.name, type: "value", scale: true});
  }
  for (const o of study.objectives) axes.push({name: o.name, type: "value", scale: true});
  const data = study.trials.filter(t => t.status === "completed").map(t =>
    study.space.parameters.map(p => p.type === "choice" ? String(t.parameters[p.name]) : t.parameters[p.name])
      .concat(study.objectives.map(o => value(t, o.name))));
  charts.parallel.setOption({
    animation: false,
    parallelAxis: axes.map((a, i) => Object.assign({dim: i}, a)),
    parallel: {left: 60, right: 80},
    series: [{type: "parallel", lineStyle: {width: 1, opacity: 0.5}, data: data}]
  }, true);
}

function drawTable(study) {
  const columns = ["id", "status"].concat(study.space.parameters.map(p => p.name), study.objectives.map(o => o.name), ["best"]);
  const head = document.querySelector("#trials thead tr");
  if (head.children.length !== columns.length) {
    head.replaceChildren(...columns.map(c => {
      const th = el("th", c);
      th.addEventListener("click", () => {
        descending = sortKey === c ? !descending : false;
        sortKey = c;
        drawTable(window.taskwire.last.study);
      });
      return th;
    }));
  }
  const cell = (t, c) => c === "id" ? t.id : c === "status" ? t.status : c === "best" ? (t.best ? "★" : "")
    : (c in t.parameters ? t.parameters[c] : value(t, c));
  const rows = study.trials.slice().sort((x, y) => {
    const a = cell(x, sortKey), b = cell(y, sortKey);
    return (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1) * (descending ? -1 : 1);
  });
  replaceRows(document.querySelector("#trials tbody"), rows.map(t => row(columns.map(c => cell(t, c)))));
}

function render(view) {
  window.taskwire.renders++;
  window.taskwire.last = view;
  showError(view.error);
  const study = view.study;
  if (!study) return;
  document.title = "Taskwire study " + view.directory;
  document.getElementById("title").textContent = view.directory + " · " + study.optimizer;
  const ended = study.trials.filter(t => t.status !== "running").length;
  document.getElementById("counts").textContent = ended + " of " + study.trials.length + " trials ended: "
    + study.trials.filter(t => t.status === "completed").length + " completed, "
    + study.trials.filter(t => t.status === "failed").length + " failed";
  drawProgress(view, study);
  drawPareto(study);
  drawParallel(study);
  drawTable(study);
}

const events = new EventSource("/api/studies/" + encodeURIComponent(studyIndex) + "/events");
events.addEventListener("study", e => render(JSON.parse(e.data)));
window.addEventListener("resize", () => Object.values(charts).forEach(c => c.resize()));
