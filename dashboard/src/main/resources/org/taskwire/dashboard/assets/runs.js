"use strict";
// The runs page: every run of the runs directory, filtered and sorted here, refreshed every second.
let runs = [];
let sortKey = "started";
let descending = true;

function flat(r) {
  const s = r.summary || {};
  return {
    runId: r.runId, workflow: s.workflow || "", backend: s.backend || "", state: r.error ? "unreadable" : (s.state || ""),
    progress: s.calls ? (s.succeeded + s.failed + s.notRun) / s.calls : 0, calls: s.calls || 0,
    done: (s.succeeded || 0) + (s.failed || 0) + (s.notRun || 0), failed: s.failed || 0, started: s.started || "",
    error: r.error
  };
}

function render() {
  const q = document.getElementById("filter").value.toLowerCase();
  const shown = runs.map(flat).filter(r => !q || [r.runId, r.workflow, r.backend, r.state].some(v => v.toLowerCase().includes(q)));
  shown.sort((a, b) => (a[sortKey] < b[sortKey] ? -1 : a[sortKey] > b[sortKey] ? 1 : 0) * (descending ? -1 : 1));
  const rows = shown.map(r => {
    const link = el("a", r.runId.substring(0, 12));
    link.href = "/runs/" + encodeURIComponent(r.runId);
    link.title = r.runId;
    return row([link, r.workflow, r.backend, el("span", r.state, "state " + r.state), r.done + "/" + r.calls,
      r.failed, r.started ? age(r.started) : (r.error || "")]);
  });
  replaceRows(document.querySelector("#runs tbody"), rows);
  document.getElementById("count").textContent = shown.length + " of " + runs.length + " runs";
}

// Rows are rebuilt only when the runs changed.
const load = whenChanged("/api/runs", all => {
  runs = all;
  render();
});

for (const th of document.querySelectorAll("#runs th")) {
  th.addEventListener("click", () => {
    descending = sortKey === th.dataset.key ? !descending : true;
    sortKey = th.dataset.key;
    render();
  });
}
const loadStudies = whenChanged("/api/studies", studies => {
  document.getElementById("studies-section").hidden = studies.length === 0;
  replaceRows(document.querySelector("#studies tbody"), studies.map(s => {
    const link = el("a", s.directory);
    link.href = "/studies/" + s.index;
    return row([link, s.optimizer || s.error || "", (s.objectives || []).join(", "),
      s.trials === undefined ? "" : s.ended + "/" + s.trials]);
  }));
});

document.getElementById("filter").addEventListener("input", render);
load();
loadStudies();
setInterval(() => { load(); loadStudies(); }, 1000);
