// Shared helpers. Every string from a journal reaches the page as text (textContent), never as markup.
"use strict";

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) {
    e.textContent = String(text);
  }
  if (cls) {
    e.className = cls;
  }
  return e;
}

function row(cells) {
  const tr = document.createElement("tr");
  for (const c of cells) {
    const td = document.createElement("td");
    if (c instanceof Node) {
      td.appendChild(c);
    } else {
      td.textContent = c === undefined || c === null ? "" : String(c);
    }
    tr.appendChild(td);
  }
  return tr;
}

// The page's banner for why what it shows cannot be read (hidden when nothing is wrong).
function showError(message) {
  const error = document.getElementById("error");
  error.hidden = !message;
  error.textContent = message || "";
}

// A loader of url's JSON that hands it to apply only when its text changed, so that what a person
// points at stays put.
function whenChanged(url, apply) {
  let last = "";
  return async () => {
    const response = await fetch(url);
    if (!response.ok) return;
    const text = await response.text();
    if (text === last) return;
    last = text;
    apply(JSON.parse(text));
  };
}

function replaceRows(tbody, rows) {
  tbody.replaceChildren(...rows);
}

// For text that a library renders as HTML (chart tooltips).
function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"})[c]);
}

function age(iso) {
  const seconds = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (seconds < 90) return Math.round(seconds) + " s ago";
  if (seconds < 5400) return Math.round(seconds / 60) + " min ago";
  if (seconds < 172800) return Math.round(seconds / 3600) + " h ago";
  return Math.round(seconds / 86400) + " days ago";
}
