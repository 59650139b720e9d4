// The import review page: fill a commitment's quote with the words selected in its statement.
// The server checks that they are there (policies.importing.locate_quote).
document.querySelectorAll("button.use-selection").forEach(function (button) {
  button.addEventListener("click", function () {
    var selected = window.getSelection().toString().trim();
    if (selected) {
      button.closest("tr").querySelector("textarea.draft-quote").value = selected;
    }
  });
});
