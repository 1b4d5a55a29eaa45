// Progress of a slips job (EVAL-9): ask the job's status every 1.5 seconds until it has finished,
// move the progress bar, then show the download button or the error.
(function () {
    "use strict";
    var section = document.getElementById("slips-job");
    if (!section) { return; }
    var url = section.getAttribute("data-status-url");
    var bar = document.getElementById("slips-progress");
    var timer = null;

    function setField(name, value) {
        var node = section.querySelector('[data-job-field="' + name + '"]');
        if (node) { node.textContent = value; }
    }

    function show(data) {
        bar.max = data.total;
        bar.value = data.done;
        bar.textContent = data.done + " / " + data.total;
        setField("done", data.done);
        setField("percent", data.percent);
        setField("label", data.label);
        var error = section.querySelector("[data-job-error]");
        error.textContent = data.error;
        error.hidden = !data.error;
        section.querySelector("[data-job-download]").hidden = !data.ready;
        if (data.finished) { window.clearInterval(timer); }
    }

    function refresh() {
        fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
            .then(function (response) { return response.ok ? response.json() : null; })
            .then(function (data) { if (data) { show(data); } })
            .catch(function () { /* the next tick tries again */ });
    }

    // After the download the file is gone: look again so the button goes and the state says so.
    section.querySelector("[data-job-download]").addEventListener("submit", function () {
        window.setTimeout(refresh, 2000);
    });

    if (section.getAttribute("data-status") === "queued" || section.getAttribute("data-status") === "running") {
        timer = window.setInterval(refresh, 1500);
    }
})();
