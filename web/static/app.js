// Progressive enhancement: ask without reloading, keep the conversation, copy, feedback.
// Without this script every form still works through the server.
(function () {
  "use strict";
  const form = document.getElementById("ask");
  const box = document.getElementById("question");
  const conv = document.getElementById("conversation");
  const prev = document.getElementById("previous");

  async function ask(question) {
    if (!question.trim()) { box.focus(); return; }
    const body = new FormData();
    body.set("question", question);
    body.set("previous", prev ? prev.value : "");
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const resp = await fetch("/fragment/answer", { method: "POST", body: body });
      const html = await resp.text();
      const holder = document.createElement("div");
      holder.innerHTML = html;  // server-rendered and escaped by Jinja2's autoescape
      const card = holder.firstElementChild;
      if (card) {
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
        await navigator.clipboard.writeText(copy.dataset.copy);
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
      const resp = await fetch("/api/feedback", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload),
      });
      const done = document.createElement("p");
      done.className = "flash";
      done.setAttribute("role", "status");
      done.textContent = resp.ok ? "谢谢您的反馈！" : "反馈没有保存，请稍后再试。";
      fb.replaceWith(done);
    }
  });

  const mark = document.getElementById("hl");
  if (mark) { mark.scrollIntoView({ block: "center" }); }
})();
