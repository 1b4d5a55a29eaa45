// Makes the note about reports stand out while a report type is chosen.
// Without JavaScript the note is shown all the time (the form never hides it).
(function () {
  document.querySelectorAll("form.comment-form").forEach(function (form) {
    var reportTypes = (form.dataset.reportTypes || "").split(",").filter(Boolean);
    var select = form.querySelector("select[name=comment_type]");
    var note = form.querySelector("[data-report-note]");
    if (!select || !note) return;
    function update() {
      var isReport = reportTypes.indexOf(select.value) !== -1;
      note.classList.toggle("is-active", isReport);
      note.setAttribute("role", isReport ? "alert" : "note");
    }
    select.addEventListener("change", update);
    update();
  });
})();
