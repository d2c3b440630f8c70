// Visit-file upload with a progress bar. Without JavaScript the form posts as usual.
const root = document.querySelector("[data-upload-form]");
if (root) {
  const form = root.querySelector("form");
  const box = root.querySelector("[data-upload-progress]");
  const bar = box.querySelector("progress");
  const status = box.querySelector("[data-upload-status]");
  // The same error summary the page shows when it posts without JavaScript (GOV.UK pattern):
  // each message links to the file input, the title says "Error: ", and focus moves to it.
  const showErrors = (errors) => {
    root.querySelector("[data-upload-errors]")?.remove();
    const input = form.querySelector("input[type=file]");
    const summary = document.createElement("div");
    summary.className = "govuk-error-summary";
    summary.dataset.uploadErrors = "";
    summary.tabIndex = -1;
    const alert = document.createElement("div");
    alert.setAttribute("role", "alert");
    const title = document.createElement("h2");
    title.className = "govuk-error-summary__title";
    title.textContent = "There is a problem";
    const list = document.createElement("ul");
    list.className = "govuk-list govuk-error-summary__list";
    for (const message of errors) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = `#${input ? input.id : ""}`;
      link.textContent = message;
      item.append(link);
      list.append(item);
    }
    const body = document.createElement("div");
    body.className = "govuk-error-summary__body";
    body.append(list);
    alert.append(title, body);
    summary.append(alert);
    root.prepend(summary);
    if (!document.title.startsWith("Error: ")) document.title = `Error: ${document.title}`;
    summary.focus();
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const request = new XMLHttpRequest();
    request.open("POST", form.action || window.location.href);
    request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    request.responseType = "json";
    box.hidden = false;
    status.textContent = "Uploading…";
    request.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) {
        const percent = Math.round((e.loaded / e.total) * 100);
        bar.value = percent;
        bar.textContent = `${percent}%`;
        status.textContent = percent < 100 ? `Uploaded ${percent}%` : "Uploaded: checking the file…";
      }
    });
    request.addEventListener("load", () => {
      const body = request.response || {};
      if (request.status === 200 && body.url) {
        window.location.assign(body.url);
        return;
      }
      const errors = body.errors || ["The upload failed. Try again."];
      status.textContent = "";
      box.hidden = true;
      showErrors(errors);
    });
    request.addEventListener("error", () => {
      status.textContent = "The upload failed: check your connection and try again.";
    });
    request.send(new FormData(form));
  });
}
