// Progressive enhancement: ask without reloading, keep the conversation, copy, feedback.
// Without this script every form still works through the server.
(function () {
  "use strict";
  const form = document.getElementById("ask");
  const box = document.getElementById("question");
  const conv = document.getElementById("conversation");
  const prev = document.getElementById("previous");
  const askDoc = document.getElementById("ask-doc");

  // The guide picker: with the script a choice applies at once (the address, the header and every
  // later question follow it) and the conversation stays; without it, the 切换 button reloads.
  const picker = document.getElementById("doc");
  if (picker && askDoc) {
    const go = document.getElementById("picker-go");
    if (go) { go.hidden = true; }
    picker.addEventListener("change", function () {
      const doc = picker.value;
      askDoc.value = doc;
      if (prev) { prev.value = ""; }  // a follow-up does not carry over into another guide
      const option = picker.options[picker.selectedIndex];
      const current = document.getElementById("guide-current");
      if (current) { current.textContent = doc ? option.textContent : "所有指南"; }
      document.title = (doc ? option.textContent + " · " : "") + "指南问答 GuideQA";
      const link = document.getElementById("guides-link");
      if (link) { link.href = "/guides" + (doc ? "/" + encodeURIComponent(doc) : ""); }
      const url = new URL(window.location.href);
      url.searchParams.delete("q");
      url.searchParams.delete("previous");
      if (doc) { url.searchParams.set("doc", doc); } else { url.searchParams.delete("doc"); }
      window.history.replaceState(null, "", url.pathname + url.search);
    });
  }

  // The copy button needs this script: it is hidden in the HTML and shown here.
  function reveal(root) {
    root.querySelectorAll("button.copy[hidden]").forEach(function (b) { b.hidden = false; });
  }
  reveal(document);

  // navigator.clipboard exists only on https or localhost; an intranet on plain http needs the fallback.
  async function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return;
    }
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.appendChild(area);
    area.select();
    const ok = document.execCommand("copy");
    area.remove();
    if (!ok) { throw new Error("copy refused"); }
  }

  async function ask(question) {
    if (!question.trim()) { box.focus(); return; }
    const body = new FormData();
    body.set("question", question);
    body.set("previous", prev ? prev.value : "");
    body.set("doc", askDoc ? askDoc.value : "");
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const resp = await fetch("/fragment/answer", { method: "POST", body: body });
      const html = await resp.text();
      const holder = document.createElement("div");
      holder.innerHTML = html;  // server-rendered and escaped by Jinja2's autoescape
      const card = holder.firstElementChild;
      if (card) {
        reveal(card);
        conv.appendChild(card);
        card.scrollIntoView({ behavior: "smooth", block: "start" });
        if (resp.ok && prev) prev.value = card.dataset.question || question;
      }
      box.value = "";
    } catch (err) {
      const p = document.createElement("p");
      p.className = "card card-error";
      p.textContent = "网络错误，请重试。";
      conv.appendChild(p);
    } finally {
      button.disabled = false;
      box.focus();
    }
  }

  if (form && conv) {
    form.addEventListener("submit", function (e) { e.preventDefault(); ask(box.value); });
    box.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); ask(box.value); }
    });
  }

  document.addEventListener("click", async function (e) {
    const link = e.target.closest("a.ask-link");
    if (link && form) {
      e.preventDefault();
      ask(link.textContent);
      return;
    }
    const copy = e.target.closest("button.copy");
    if (copy) {
      try {
        await copyText(copy.dataset.copy);
        copy.textContent = "已复制";
      } catch (err) {
        copy.textContent = "复制失败";
      }
      return;
    }
    const vote = e.target.closest(".feedback button[name=vote]");
    if (vote) {
      e.preventDefault();
      const fb = vote.closest("form");
      const payload = { answer_id: fb.answer_id.value, vote: vote.value, comment: fb.comment.value || null };
      let ok = false;
      try {
        const resp = await fetch("/api/feedback", {
          method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload),
        });
        ok = resp.ok;
      } catch (err) {
        ok = false;
      }
      if (!ok) {
        let msg = fb.querySelector(".fb-error");
        if (!msg) {
          msg = document.createElement("p");
          msg.className = "fb-error";
          msg.setAttribute("role", "alert");
          fb.appendChild(msg);
        }
        msg.textContent = "反馈没有保存，请稍后再试。";
        return;  // the form stays, so nothing typed is lost
      }
      const done = document.createElement("p");
      done.className = "flash";
      done.setAttribute("role", "status");
      done.textContent = "谢谢您的反馈！";
      fb.replaceWith(done);
    }
  });

  // Enter in a comment box would submit with the first button (👍): make the voter choose.
  document.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && e.target.matches && e.target.matches(".feedback input[name=comment]")) {
      e.preventDefault();
    }
  });

  // Staff rebuild status: poll the JSON until the job ends (without the script, the page's link reloads).
  const job = document.getElementById("job");
  if (job && job.dataset.state === "running") {
    const status = document.getElementById("job-status");
    const bar = document.getElementById("job-progress");
    const poll = async function () {
      let j = null;
      try {
        const resp = await fetch(job.dataset.statusUrl, { headers: { Accept: "application/json" } });
        if (resp.ok) { j = await resp.json(); }
      } catch (err) { j = null; }
      if (j) {
        bar.value = j.percent;
        bar.textContent = j.percent + "%";
        if (j.state === "running") {
          status.textContent = "正在" + j.stage_label + (j.total ? "（" + j.done + "/" + j.total + "）" : "") + "…当前索引照常回答。";
        } else {
          const add = j.action === "add";
          status.textContent = j.state === "done"
            ? "完成：新索引已启用，" + (add ? "指南已加入" : "指南已移除") + "。"
            : "失败：" + j.message + "。指南库已恢复原状" + (add ? "，上传的文件仍在待确认列表中" : "，指南文件已放回") + "；当前索引照常回答。";
          job.dataset.state = j.state;
          const refresh = document.getElementById("job-refresh");
          if (refresh) { refresh.hidden = true; }
          return;
        }
      }
      window.setTimeout(poll, 1000);
    };
    window.setTimeout(poll, 500);
  }

  const mark = document.getElementById("hl");
  if (mark) { mark.scrollIntoView({ block: "center" }); }
})();
