// Drag-and-drop upload with a preview, details and a progress bar per photo. The plain
// form below keeps working without JavaScript; this only enhances the page.
(function () {
  "use strict";
  const section = document.getElementById("quick-upload");
  const simple = document.getElementById("simple-upload");
  if (!section || !window.FormData || !window.XMLHttpRequest) return;

  const input = document.getElementById("photos");
  const queue = document.getElementById("queue");
  const template = document.getElementById("queue-item");
  const uploadAll = document.getElementById("upload-all");
  const toCloset = document.getElementById("to-closet");
  const dropzone = section.querySelector(".dropzone");
  const csrf = simple.querySelector("[name=csrfmiddlewaretoken]").value;
  const items = [];

  section.hidden = false;
  simple.hidden = true;
  document.getElementById("use-simple-form").addEventListener("click", function (event) {
    event.preventDefault();
    section.hidden = true;
    simple.hidden = false;
  });

  function add(files) {
    Array.from(files).forEach(function (file) {
      const node = template.content.firstElementChild.cloneNode(true);
      const preview = node.querySelector("img");
      preview.src = URL.createObjectURL(file);
      preview.alt = "Preview of " + file.name;
      node.querySelector(".filename").textContent = file.name;
      const item = { file: file, node: node, done: false };
      node.querySelector(".remove").addEventListener("click", function () {
        items.splice(items.indexOf(item), 1);
        node.remove();
        refresh();
      });
      items.push(item);
      queue.appendChild(node);
    });
    refresh();
  }

  function refresh() {
    uploadAll.disabled = !items.some(function (item) { return !item.done; });
  }

  function status(item, text, kind) {
    const line = item.node.querySelector(".queue-status");
    line.textContent = text;
    line.className = "queue-status " + (kind || "");
  }

  function send(item) {
    return new Promise(function (resolve) {
      const data = new FormData();
      data.append("image", item.file, item.file.name);
      ["name", "brand", "category"].forEach(function (field) {
        data.append(field, item.node.querySelector("[name=" + field + "]").value);
      });
      const request = new XMLHttpRequest();
      const bar = item.node.querySelector("progress");
      request.open("POST", section.dataset.api);
      request.setRequestHeader("X-CSRFToken", csrf);
      request.setRequestHeader("Accept", "application/json");
      request.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) bar.value = Math.round((100 * event.loaded) / event.total);
      });
      request.addEventListener("load", function () {
        if (request.status === 201) {
          bar.value = 100;
          item.done = true;
          item.node.querySelector(".remove").hidden = true;
          status(item, "Added — we're analysing it now.", "ok");
        } else {
          status(item, describe(request), "error");
        }
        resolve();
      });
      request.addEventListener("error", function () {
        status(item, "The upload failed (connection lost). Try again.", "error");
        resolve();
      });
      status(item, "Uploading…");
      request.send(data);
    });
  }

  function describe(request) {
    try {
      const body = JSON.parse(request.responseText);
      return Object.keys(body).map(function (key) {
        return [].concat(body[key]).join(" ");
      }).join(" ");
    } catch (error) {
      return "The upload failed (" + request.status + "). Try again.";
    }
  }

  uploadAll.addEventListener("click", async function () {
    uploadAll.disabled = true;
    for (const item of items.slice()) {
      if (!item.done) await send(item);  // one at a time: a bad photo doesn't stop the rest
    }
    toCloset.hidden = !items.some(function (item) { return item.done; });
    refresh();
  });

  input.addEventListener("change", function () { add(input.files); input.value = ""; });
  ["dragenter", "dragover"].forEach(function (name) {
    dropzone.addEventListener(name, function (event) { event.preventDefault(); dropzone.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    dropzone.addEventListener(name, function () { dropzone.classList.remove("over"); });
  });
  dropzone.addEventListener("drop", function (event) {
    event.preventDefault();
    add(event.dataTransfer.files);
  });
})();
