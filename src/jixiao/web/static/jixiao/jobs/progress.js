// The progress page of a batch job: polls the job's progress endpoint every 1.5 s, moves the bar,
// updates the counts and appends failures as they come; reloads once when the job ends (to show
// the results and the download). Text is always set with textContent, never as markup.
(function () {
  "use strict";
  const box = document.getElementById("job");
  if (!box || box.dataset.finished === "1") return;
  const url = box.dataset.url;
  const $ = (id) => document.getElementById(id);
  let after = 0;
  document.querySelectorAll("#failures tr").forEach((tr) => { after = Math.max(after, Number(tr.dataset.seq) || 0); });
  let polls = 0;

  function show(p) {
    $("job-status").textContent = p.status_display;
    $("job-status").className = "jobstatus " + p.status;
    $("job-done").textContent = p.done;
    $("job-total").textContent = p.total;
    $("job-ok").textContent = p.succeeded;
    $("job-failed").textContent = p.failed;
    $("job-failed").className = p.failed ? "bad" : "";
    $("job-percent").textContent = p.percent + "%";
    $("job-bar").firstElementChild.style.width = p.percent + "%";
    $("job-bar").setAttribute("aria-valuenow", p.done);
    $("job-message").textContent = p.message || "";
    $("job-waiting").hidden = !(p.status === "queued" && polls > 6);
    const body = $("failures");
    for (const f of p.failures) {
      const tr = document.createElement("tr");
      tr.dataset.seq = f.seq;
      for (const text of [f.seq, f.name, f.message]) {
        const td = document.createElement("td");
        td.textContent = text;
        tr.appendChild(td);
      }
      tr.firstChild.className = "num";
      body.appendChild(tr);
      after = Math.max(after, f.seq);
    }
    $("failure-count").textContent = body.rows.length;
    $("no-failures").hidden = body.rows.length > 0;
  }

  async function poll() {
    polls += 1;
    try {
      const r = await fetch(url + "?after=" + after, {headers: {"Accept": "application/json"}, credentials: "same-origin"});
      if (r.ok) {
        const p = await r.json();
        show(p);
        if (p.finished) {
          box.classList.add("finished");
          window.location.reload();
          return;
        }
      }
    } catch (e) { /* a network hiccup: try again at the next tick */ }
    window.setTimeout(poll, 1500);
  }
  window.setTimeout(poll, 500);
})();
