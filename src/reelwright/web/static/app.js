// Reelwright web app: progressive enhancement over server-rendered pages. No framework, no build.
// Every call goes to /web/api (the public API's routes, signed in by cookie) with the CSRF header.
"use strict";
(() => {
  const $ = (sel, root = document) => root.querySelector(sel);
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
  const csrf = ($('meta[name="csrf-token"]') || {}).content || "";
  document.documentElement.classList.add("js"); // styles that only make sense with this script
  const LABELS = {
    pending: "Queued", processing: "Rendering", completed: "Ready", failed: "Failed",
    thinking: "Writing the script", generating: "Rendering", reviewing: "Waiting for your review",
    waiting_for_input: "Waiting for you",
  };

  async function api(method, path, body) {
    const init = { method, headers: { "X-CSRF-Token": csrf }, credentials: "same-origin" };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const res = await fetch("/web/api" + path, init);
    const json = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error((json.error && json.error.message) || `HTTP ${res.status}`);
    return json;
  }

  // Times in the reader's own zone and language.
  const fmt = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
  for (const t of $$("time[data-local]")) {
    const d = new Date(t.dateTime);
    if (!isNaN(d)) t.textContent = fmt.format(d);
  }

  // Destructive forms ask first.
  document.addEventListener("submit", (e) => {
    const msg = e.target.dataset && e.target.dataset.confirm;
    if (msg && !window.confirm(msg)) e.preventDefault();
  });

  // Library: the GIF preview plays while a card is hovered or focused.
  for (const card of $$(".card")) {
    const thumb = $(".thumb[data-gif]", card);
    const img = thumb && $("img", thumb);
    if (!img) continue;
    const still = img.src;
    const show = () => { img.src = thumb.dataset.gif; };
    const hide = () => { img.src = still; };
    card.addEventListener("mouseenter", show);
    card.addEventListener("mouseleave", hide);
    card.addEventListener("focusin", show);
    card.addEventListener("focusout", hide);
  }

  // Live progress: poll the session of every running job on the page.
  function setBadge(root, status) {
    const badge = $("[data-badge]", root);
    if (badge) {
      badge.className = "badge badge-" + status;
      badge.textContent = LABELS[status] || status;
    }
  }
  function watch(box, onDone) {
    const id = box.dataset.session;
    const bar = $("progress", box);
    const text = $("[data-progress-text]", box);
    const scope = box.closest(".card, .live, main");
    let delay = 1500;
    const tick = async () => {
      let data;
      try {
        data = (await api("GET", `/v3/video-agents/${encodeURIComponent(id)}`)).data;
      } catch (err) {
        delay = Math.min(delay * 2, 15000);
        return setTimeout(tick, delay);
      }
      bar.value = data.progress;
      text.textContent = data.progress + " %";
      setBadge(scope, data.status);
      if (["completed", "failed", "reviewing", "waiting_for_input"].includes(data.status)) return onDone(data);
      setTimeout(tick, document.hidden ? 5000 : 1500);
    };
    setTimeout(tick, 800);
  }
  const live = $("[data-live-session]");
  for (const box of $$(".progress[data-session]")) {
    watch(box, (data) => {
      if (live && data.status === "completed" && data.video_id) {
        window.location.assign(`/videos/${encodeURIComponent(data.video_id)}`);
      } else {
        window.location.reload(); // the server renders the finished state (thumbnail, player, review)
      }
    });
  }

  // Session page in review (chat mode): revise or approve through the agent's message route.
  const chat = $("[data-chat-form]");
  if (chat) {
    const sessionId = $("[data-review]").dataset.review;
    const errBox = $("[data-chat-error]", chat);
    chat.addEventListener("submit", async (e) => {
      e.preventDefault();
      const approve = e.submitter && e.submitter.value === "approve";
      const text = chat.elements.message.value.trim();
      if (!approve && !text) {
        errBox.hidden = false;
        errBox.textContent = "Write what you would like changed.";
        return chat.elements.message.focus();
      }
      for (const b of $$("button", chat)) b.disabled = true;
      try {
        // The agent reads approval from the words, as it does for API users.
        const message = approve ? [text, "Looks good, render it."].filter(Boolean).join("\n\n") : text;
        await api("POST", `/v3/video-agents/${encodeURIComponent(sessionId)}`, { message });
        window.location.reload();
      } catch (err) {
        errBox.hidden = false;
        errBox.textContent = err.message;
        for (const b of $$("button", chat)) b.disabled = false;
      }
    });
  }

  // Text limits: shown as you type or paste, never enforced by cutting (no maxlength), and a form
  // whose text is too long is not sent: the counter says by how much and what to do instead.
  const number = new Intl.NumberFormat();
  for (const counter of $$("[data-counter-for]")) {
    const field = document.getElementById(counter.dataset.counterFor);
    const limit = Number(field.dataset.limit);
    const alert = document.createElement("span");
    alert.className = "sr-only";
    alert.setAttribute("aria-live", "assertive");
    counter.after(alert);
    let wasOver = false;
    const sync = () => {
      const used = field.value.length;
      const over = used > limit;
      counter.classList.toggle("over", over);
      field.setAttribute("aria-invalid", over ? "true" : "false");
      counter.textContent = `${number.format(used)} / ${number.format(limit)} characters` +
        (over ? `: ${number.format(used - limit)} too many; ${counter.dataset.advice}.` : "");
      if (over !== wasOver) alert.textContent = over ? counter.textContent : "Within the limit again.";
      wasOver = over;
    };
    field.addEventListener("input", sync);
    field.form.addEventListener("submit", (e) => {
      if (field.value.length > limit) {
        e.preventDefault();
        e.stopImmediatePropagation(); // the form's own handlers do not start sending it
        field.focus();
      }
    }, true);
    sync();
  }

  // Catalogue previews are drawn on their first request (half a minute for all on a fresh server):
  // each tile says so until its picture arrives, and the fieldset counts how many are ready.
  for (const status of $$("[data-preview-status]")) {
    const frames = $$("[data-preview-frame]", status.closest("fieldset"));
    let ready = 0;
    let failed = 0;
    const report = () => {
      const waiting = frames.length - ready - failed;
      status.hidden = waiting === 0 && failed === 0;
      status.textContent = waiting > 0
        ? `Drawing previews: ${ready} of ${frames.length} ready. A fresh server draws each one once; ` +
          "you can choose before they arrive."
        : failed > 0 ? `${failed} preview${failed > 1 ? "s" : ""} could not be drawn; the choices still work.` : "";
    };
    for (const frame of frames) {
      const media = $(".pick-still", frame);
      const url = media.getAttribute("poster") || media.getAttribute("src");
      const probe = new Image();
      probe.addEventListener("load", () => { frame.classList.add("ready"); ready += 1; report(); });
      probe.addEventListener("error", () => {
        frame.classList.add("failed");
        $("[data-preview-label]", frame).textContent = "No preview";
        failed += 1;
        report();
      });
      probe.src = url;
    }
    report();
  }

  // Presenter and style previews play while hovered or focused.
  for (const v of $$("video[data-hover-play]")) {
    const pick = v.closest(".pick");
    const play = () => v.play().catch(() => {});
    const stop = () => { v.pause(); };
    pick.addEventListener("mouseenter", play);
    pick.addEventListener("mouseleave", stop);
    pick.addEventListener("focusin", play);
    pick.addEventListener("focusout", stop);
  }

  // Voice picker: filters by language, gender and quality; plays any voice, including the one
  // matched to the chosen presenter; says before rendering when a presenter would sound robotic.
  const voiceSelect = $("[data-voice-select]");
  if (voiceSelect) {
    const picker = voiceSelect.closest("[data-voice-picker]");
    const button = $("[data-voice-play]", picker);
    const note = $("[data-voice-note]", picker);
    const warning = $("[data-voice-warning]");
    const filters = $$("[data-voice-filter]", picker);
    const count = $("[data-voice-count]", picker);
    const voices = $$("option[data-quality]", voiceSelect);
    const audio = new Audio();
    $("[data-voice-filters]", picker).hidden = false; // they need this script
    const presenter = () => $('input[name="avatar_id"]:checked');
    // The option that will speak: the chosen voice, or the presenter's matched one.
    const speaking = () => {
      const opt = voiceSelect.selectedOptions[0];
      if (opt && opt.value) return opt;
      const p = presenter();
      return p && p.value ? $(`option[value="${CSS.escape(p.dataset.voice)}"]`, voiceSelect) : null;
    };
    const describe = () => {
      const opt = speaking();
      const p = presenter();
      const who = p && p.value ? p.dataset.name : "The presenter";
      let text;
      let robotic = false;
      if (!opt) {
        text = "The presenter is chosen for the video and speaks with the voice matched to them. " +
          "Choose a presenter to hear their voice.";
      } else {
        robotic = opt.dataset.quality === "robotic";
        const matched = !voiceSelect.value;
        text = `${who} will speak with ${matched ? "the matched voice" : "the voice"} “${opt.textContent.trim()}”.`;
        if (robotic) {
          const natural = voices.find((o) => o.dataset.quality === "natural" &&
            o.dataset.language === opt.dataset.language);
          text += " It is a robotic voice (eSpeak NG): it sounds synthetic." + (natural
            ? ` For a natural ${opt.dataset.language} voice choose ${natural.textContent.split(":")[0]}` +
              ` (${natural.dataset.gender}), or install one (README: “Presenters, voices and styles”).`
            : ` No natural ${opt.dataset.language} voice is installed (README: “Presenters, voices and styles”).`);
        }
      }
      note.textContent = text;
      note.classList.toggle("robotic", robotic);
      if (warning) {
        warning.hidden = !robotic;
        warning.textContent = robotic ? `Heads-up: ${who} will speak with a robotic voice.` : "";
      }
    };
    const sync = () => {
      audio.pause();
      const opt = speaking();
      button.disabled = !(opt && opt.dataset.preview);
      button.textContent = "▶ Hear it";
      describe();
    };
    const applyFilters = () => {
      const want = Object.fromEntries(filters.map((f) => [f.dataset.voiceFilter, f.value]));
      let shown = 0;
      for (const opt of voices) {
        const ok = Object.entries(want).every(([key, value]) => !value || opt.dataset[key] === value);
        opt.hidden = !ok;
        opt.disabled = !ok && !opt.selected; // hidden options are skipped by the keyboard too
        if (ok) shown += 1;
      }
      for (const group of $$("optgroup", voiceSelect)) {
        group.hidden = !$$("option", group).some((o) => !o.hidden);
      }
      count.textContent = shown === voices.length ? `${shown} voices` :
        shown ? `${shown} of ${voices.length} voices match` : "No voice matches these filters.";
    };
    for (const f of filters) f.addEventListener("change", applyFilters);
    voiceSelect.addEventListener("change", sync);
    for (const r of $$('input[name="avatar_id"]')) r.addEventListener("change", sync);
    audio.addEventListener("ended", () => { button.textContent = "▶ Hear it"; });
    button.addEventListener("click", () => {
      if (!audio.paused) return sync();
      const opt = speaking();
      audio.src = opt.dataset.preview;
      button.dataset.playing = opt.value;
      audio.play().then(() => { button.textContent = "■ Stop"; }).catch(() => {
        note.textContent = "The sample could not be played.";
      });
    });
    applyFilters();
    sync();
  }

  // Create: files upload as assets as soon as they are chosen or dropped, with progress.
  const form = $("[data-create-form]");
  if (form) {
    const drop = $("[data-dropzone]", form);
    const input = $("[data-file-input]", form);
    const list = $("[data-uploads]", form);
    const submit = $("[data-submit]", form);
    const note = $("[data-submit-note]", form);
    let pending = 0;
    const syncSubmit = () => {
      submit.disabled = pending > 0;
      note.textContent = pending > 0 ? `Waiting for ${pending} upload${pending > 1 ? "s" : ""}…` : "";
    };
    const upload = (file) => {
      const li = document.createElement("li");
      li.className = "upload";
      const name = document.createElement("span");
      name.className = "upload-name";
      name.textContent = file.name;
      const bar = document.createElement("progress");
      bar.max = 100;
      bar.value = 0;
      bar.setAttribute("aria-label", "Uploading " + file.name);
      const state = document.createElement("span");
      state.className = "upload-state";
      state.textContent = "Uploading…";
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "btn btn-quiet";
      remove.dataset.remove = "";
      remove.textContent = "Remove";
      li.append(name, bar, state, remove);
      list.append(li);
      const body = new FormData();
      body.append("file", file, file.name);
      const xhr = new XMLHttpRequest();
      xhr.open("POST", "/web/api/v3/assets");
      xhr.setRequestHeader("X-CSRF-Token", csrf);
      xhr.upload.addEventListener("progress", (e) => {
        if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
      });
      const finish = (ok, message) => {
        pending -= 1;
        syncSubmit();
        bar.remove();
        li.classList.add(ok ? "done" : "failed");
        state.textContent = message;
      };
      xhr.addEventListener("load", () => {
        let json = {};
        try { json = JSON.parse(xhr.responseText); } catch (err) { /* not JSON: reported below */ }
        if (xhr.status === 200 && json.data) {
          const hidden = document.createElement("input");
          hidden.type = "hidden";
          hidden.name = "asset_id";
          hidden.value = json.data.asset_id;
          li.append(hidden);
          finish(true, "Uploaded");
        } else {
          finish(false, (json.error && json.error.message) || `Upload failed (HTTP ${xhr.status})`);
        }
      });
      xhr.addEventListener("error", () => finish(false, "Upload failed: the connection dropped"));
      pending += 1;
      syncSubmit();
      xhr.send(body);
    };
    const addFiles = (files) => { for (const f of files) upload(f); };
    input.addEventListener("change", () => { addFiles(input.files); input.value = ""; });
    drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
    drop.addEventListener("dragleave", () => drop.classList.remove("over"));
    drop.addEventListener("drop", (e) => {
      e.preventDefault();
      drop.classList.remove("over");
      addFiles(e.dataTransfer.files);
    });
    list.addEventListener("click", (e) => {
      const btn = e.target.closest("[data-remove]");
      if (btn) {
        btn.closest("li").remove();
        input.focus();
      }
    });
    form.addEventListener("submit", (e) => {
      if (pending > 0) return e.preventDefault();
      submit.disabled = true;
      note.textContent = "Starting…";
    });
  }

  // Script editor: scenes move up and down (their position fields follow), the length estimate
  // follows the narration as it is typed (words ÷ the voice's rate), and each scene can be heard.
  const editor = $("[data-script-editor]");
  if (editor) {
    const list = $("[data-script-scenes]", editor);
    const wps = parseFloat(editor.dataset.wps) || 3;
    const clock = (s) => { const t = Math.round(s); return `${Math.floor(t / 60)}:${String(t % 60).padStart(2, "0")}`; };
    const estimate = () => {
      let total = 0;
      $$("[data-script-scene]", list).forEach((li, i) => {
        $("[data-scene-number]", li).textContent = i + 1;
        $("[data-scene-order]", li).value = i + 1;
        const text = $("[data-narration]", li);
        const words = text.value.trim() ? text.value.trim().split(/\s+/).length : 0;
        const secs = Math.max(words / wps, parseFloat(text.dataset.min) || 0);
        $("[data-scene-seconds]", li).textContent = clock(secs);
        li.classList.toggle("dropped", $("[data-scene-drop]", li).checked);
        if (!$("[data-scene-drop]", li).checked) total += secs;
      });
      $("[data-script-total]", editor).textContent = clock(total);
    };
    for (const b of $$("[data-move]", list)) b.hidden = false;
    list.addEventListener("click", (e) => {
      const b = e.target.closest("[data-move]");
      if (!b) return;
      const li = b.closest("[data-script-scene]");
      const other = b.dataset.move === "-1" ? li.previousElementSibling : li.nextElementSibling;
      if (!other) return;
      if (b.dataset.move === "-1") list.insertBefore(li, other); else list.insertBefore(other, li);
      estimate();
      b.focus();
    });
    editor.addEventListener("input", estimate);
    editor.addEventListener("change", estimate);
    for (const play of $$("[data-scene-play]", list)) {
      play.hidden = false;
      play.addEventListener("click", async () => {
        const li = play.closest("[data-script-scene]");
        const note = $("[data-scene-note]", li);
        const text = $("[data-narration]", li).value.trim();
        const voice = $("[data-scene-voice]", li).value || $("[data-script-voice]", editor).value;
        if (!text) { note.textContent = "Write some narration to hear it."; return; }
        if (!voice) { note.textContent = "Choose a voice to hear this scene."; return; }
        // Busy, not disabled: disabling the focused button would drop a keyboard user's focus to the page.
        if (play.getAttribute("aria-disabled") === "true") return;
        play.setAttribute("aria-disabled", "true");
        note.textContent = "Speaking…";
        try {
          const res = await api("POST", "/v3/voices/speech", { text, voice_id: voice });
          const audio = new Audio(res.data.audio_url);
          audio.dataset.scenePreview = li.dataset.scriptScene;
          await audio.play().catch(() => {});
          note.textContent = `Playing (${clock(res.data.duration || 0)}).`;
          li.dataset.previewUrl = res.data.audio_url;
        } catch (err) {
          note.textContent = `Could not speak it: ${err.message}`;
        } finally {
          play.removeAttribute("aria-disabled");
        }
      });
    }
    estimate();
  }

  // Settings: copy a key or secret shown once.
  for (const b of $$("[data-copy]")) {
    b.hidden = false;  // copying needs the script; without it the field can still be selected
    b.addEventListener("click", async () => {
      const field = $(b.dataset.copy);
      field.select();
      try {
        await navigator.clipboard.writeText(field.value);
        b.textContent = "Copied";
      } catch (err) {
        document.execCommand("copy");
        b.textContent = "Copied";
      }
      b.focus();  // select() moved the focus to the field: a keyboard user stays on the button
    });
  }
})();
