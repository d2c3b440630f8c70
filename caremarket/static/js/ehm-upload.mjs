// Visit-file upload with a progress bar. Without JavaScript the form posts as usual.
const root = document.querySelector("[data-upload-form]");
if (root) {
  const form = root.querySelector("form");
  const box = root.querySelector("[data-upload-progress]");
  const bar = box.querySelector("progress");
  const status = box.querySelector("[data-upload-status]");
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
      status.textContent = (body.errors || ["The upload failed. Try again."]).join(" ");
    });
    request.addEventListener("error", () => {
      status.textContent = "The upload failed: check your connection and try again.";
    });
    request.send(new FormData(form));
  });
}
